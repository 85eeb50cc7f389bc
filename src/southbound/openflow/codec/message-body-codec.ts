import { decodeActions, encodeActions } from './action-codec.js';
import { OfpErrorType, OfpType } from './constants.js';
import { decodeHelloElements, encodeHelloElements } from './hello-codec.js';
import { decodeInstructions, encodeInstructions } from './instruction-codec.js';
import { decodeMultipartReply, encodeMultipartReplyBody } from './multipart-reply-codec.js';
import { decodeMultipartRequest, encodeMultipartRequestBody } from './multipart-request-codec.js';
import { decodeMatch, encodeMatch } from './oxm-codec.js';
import {
  decodeBuckets,
  decodeHwAddr,
  decodeMeterBands,
  decodePort,
  encodeBuckets,
  encodeHwAddr,
  encodeMeterBands,
  encodePort,
} from './struct-codec.js';
import type { OfpMessage } from './types.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

/** Writes everything after the ofp_header; struct layouts are those of appendix A.3 - A.5. */
export function encodeMessageBody(w: WireWriter, m: Exclude<OfpMessage, { type: 'raw' }>): void {
  switch (m.type) {
    case OfpType.OFPT_HELLO:
      encodeHelloElements(w, m.elements);
      return;
    case OfpType.OFPT_ERROR:
      w.u16(m.errType);
      w.u16(m.code);
      if (m.errType === OfpErrorType.OFPET_EXPERIMENTER) w.u32(m.experimenter ?? 0);
      w.bytes(m.data);
      return;
    case OfpType.OFPT_ECHO_REQUEST:
    case OfpType.OFPT_ECHO_REPLY:
      w.bytes(m.data);
      return;
    case OfpType.OFPT_EXPERIMENTER:
      w.u32(m.experimenter);
      w.u32(m.expType);
      w.bytes(m.data);
      return;
    case OfpType.OFPT_FEATURES_REQUEST:
    case OfpType.OFPT_GET_CONFIG_REQUEST:
    case OfpType.OFPT_BARRIER_REQUEST:
    case OfpType.OFPT_BARRIER_REPLY:
    case OfpType.OFPT_GET_ASYNC_REQUEST:
      return;
    case OfpType.OFPT_FEATURES_REPLY:
      w.u64(m.datapathId);
      w.u32(m.nBuffers);
      w.u8(m.nTables);
      w.u8(m.auxiliaryId);
      w.zeros(2);
      w.u32(m.capabilities);
      w.u32(m.reserved);
      return;
    case OfpType.OFPT_GET_CONFIG_REPLY:
    case OfpType.OFPT_SET_CONFIG:
      w.u16(m.flags);
      w.u16(m.missSendLen);
      return;
    case OfpType.OFPT_PACKET_IN:
      w.u32(m.bufferId);
      w.u16(m.totalLen);
      w.u8(m.reason);
      w.u8(m.tableId);
      w.u64(m.cookie);
      encodeMatch(w, m.match);
      // Two pad bytes so the Ethernet frame's IP header is 32-bit aligned (A.4.1).
      w.zeros(2);
      w.bytes(m.data);
      return;
    case OfpType.OFPT_FLOW_REMOVED:
      w.u64(m.cookie);
      w.u16(m.priority);
      w.u8(m.reason);
      w.u8(m.tableId);
      w.u32(m.durationSec);
      w.u32(m.durationNsec);
      w.u16(m.idleTimeout);
      w.u16(m.hardTimeout);
      w.u64(m.packetCount);
      w.u64(m.byteCount);
      encodeMatch(w, m.match);
      return;
    case OfpType.OFPT_PORT_STATUS:
      w.u8(m.reason);
      w.zeros(7);
      encodePort(w, m.desc);
      return;
    case OfpType.OFPT_PACKET_OUT: {
      w.u32(m.bufferId);
      w.u32(m.inPort);
      const lenAt = w.pos;
      w.u16(0);
      w.zeros(6);
      const actionsStart = w.pos;
      encodeActions(w, m.actions);
      w.patchU16(lenAt, w.pos - actionsStart);
      w.bytes(m.data);
      return;
    }
    case OfpType.OFPT_FLOW_MOD:
      w.u64(m.cookie);
      w.u64(m.cookieMask);
      w.u8(m.tableId);
      w.u8(m.command);
      w.u16(m.idleTimeout);
      w.u16(m.hardTimeout);
      w.u16(m.priority);
      w.u32(m.bufferId);
      w.u32(m.outPort);
      w.u32(m.outGroup);
      w.u16(m.flags);
      w.zeros(2);
      encodeMatch(w, m.match);
      encodeInstructions(w, m.instructions);
      return;
    case OfpType.OFPT_GROUP_MOD:
      w.u16(m.command);
      w.u8(m.groupType);
      w.zeros(1);
      w.u32(m.groupId);
      encodeBuckets(w, m.buckets);
      return;
    case OfpType.OFPT_PORT_MOD:
      w.u32(m.portNo);
      w.zeros(4);
      encodeHwAddr(w, m.hwAddr);
      w.zeros(2);
      w.u32(m.config);
      w.u32(m.mask);
      w.u32(m.advertise);
      w.zeros(4);
      return;
    case OfpType.OFPT_TABLE_MOD:
      w.u8(m.tableId);
      w.zeros(3);
      w.u32(m.config);
      return;
    case OfpType.OFPT_MULTIPART_REQUEST:
    case OfpType.OFPT_MULTIPART_REPLY:
      w.u16(m.mpType === 'raw' ? m.rawMpType : m.mpType);
      w.u16(m.flags);
      w.zeros(4);
      if (m.type === OfpType.OFPT_MULTIPART_REQUEST) encodeMultipartRequestBody(w, m);
      else encodeMultipartReplyBody(w, m);
      return;
    case OfpType.OFPT_ROLE_REQUEST:
    case OfpType.OFPT_ROLE_REPLY:
      w.u32(m.role);
      w.zeros(4);
      w.u64(m.generationId);
      return;
    case OfpType.OFPT_GET_ASYNC_REPLY:
    case OfpType.OFPT_SET_ASYNC:
      for (const pair of [m.packetInMask, m.portStatusMask, m.flowRemovedMask]) {
        w.u32(pair[0]);
        w.u32(pair[1]);
      }
      return;
    case OfpType.OFPT_METER_MOD:
      w.u16(m.command);
      w.u16(m.flags);
      w.u32(m.meterId);
      encodeMeterBands(w, m.bands);
      return;
    default:
      w.fail(`unknown message type ${(m as { type: unknown }).type}`);
  }
}

function maskPair(r: WireReader): readonly [number, number] {
  return [r.u32(), r.u32()];
}

/** Reads everything after the ofp_header of a message whose length was already checked. */
export function decodeMessageBody(r: WireReader, version: number, type: number, xid: number): OfpMessage {
  switch (type) {
    case OfpType.OFPT_HELLO:
      return { type, xid, version, elements: decodeHelloElements(r) };
    case OfpType.OFPT_ERROR: {
      const errType = r.u16();
      const code = r.u16();
      if (errType === OfpErrorType.OFPET_EXPERIMENTER) {
        const experimenter = r.u32();
        return { type, xid, version, errType, code, experimenter, data: r.bytes(r.remaining) };
      }
      return { type, xid, version, errType, code, data: r.bytes(r.remaining) };
    }
    case OfpType.OFPT_ECHO_REQUEST:
    case OfpType.OFPT_ECHO_REPLY:
      return { type, xid, data: r.bytes(r.remaining) };
    case OfpType.OFPT_EXPERIMENTER:
      return { type, xid, experimenter: r.u32(), expType: r.u32(), data: r.bytes(r.remaining) };
    case OfpType.OFPT_FEATURES_REQUEST:
    case OfpType.OFPT_GET_CONFIG_REQUEST:
    case OfpType.OFPT_BARRIER_REQUEST:
    case OfpType.OFPT_BARRIER_REPLY:
    case OfpType.OFPT_GET_ASYNC_REQUEST:
      return { type, xid };
    case OfpType.OFPT_FEATURES_REPLY: {
      const datapathId = r.u64();
      const nBuffers = r.u32();
      const nTables = r.u8();
      const auxiliaryId = r.u8();
      r.skip(2);
      return { type, xid, datapathId, nBuffers, nTables, auxiliaryId, capabilities: r.u32(), reserved: r.u32() };
    }
    case OfpType.OFPT_GET_CONFIG_REPLY:
    case OfpType.OFPT_SET_CONFIG:
      return { type, xid, flags: r.u16(), missSendLen: r.u16() };
    case OfpType.OFPT_PACKET_IN: {
      const bufferId = r.u32();
      const totalLen = r.u16();
      const reason = r.u8();
      const tableId = r.u8();
      const cookie = r.u64();
      const match = decodeMatch(r);
      r.skip(2);
      return { type, xid, bufferId, totalLen, reason, tableId, cookie, match, data: r.bytes(r.remaining) };
    }
    case OfpType.OFPT_FLOW_REMOVED:
      return {
        type,
        xid,
        cookie: r.u64(),
        priority: r.u16(),
        reason: r.u8(),
        tableId: r.u8(),
        durationSec: r.u32(),
        durationNsec: r.u32(),
        idleTimeout: r.u16(),
        hardTimeout: r.u16(),
        packetCount: r.u64(),
        byteCount: r.u64(),
        match: decodeMatch(r),
      };
    case OfpType.OFPT_PORT_STATUS: {
      const reason = r.u8();
      r.skip(7);
      return { type, xid, reason, desc: decodePort(r) };
    }
    case OfpType.OFPT_PACKET_OUT: {
      const bufferId = r.u32();
      const inPort = r.u32();
      const actionsLen = r.u16();
      r.skip(6);
      const actions = decodeActions(r, actionsLen);
      return { type, xid, bufferId, inPort, actions, data: r.bytes(r.remaining) };
    }
    case OfpType.OFPT_FLOW_MOD: {
      const cookie = r.u64();
      const cookieMask = r.u64();
      const tableId = r.u8();
      const command = r.u8();
      const idleTimeout = r.u16();
      const hardTimeout = r.u16();
      const priority = r.u16();
      const bufferId = r.u32();
      const outPort = r.u32();
      const outGroup = r.u32();
      const flags = r.u16();
      r.skip(2);
      const match = decodeMatch(r);
      const instructions = decodeInstructions(r);
      return {
        type,
        xid,
        cookie,
        cookieMask,
        tableId,
        command,
        idleTimeout,
        hardTimeout,
        priority,
        bufferId,
        outPort,
        outGroup,
        flags,
        match,
        instructions,
      };
    }
    case OfpType.OFPT_GROUP_MOD: {
      const command = r.u16();
      const groupType = r.u8();
      r.skip(1);
      const groupId = r.u32();
      return { type, xid, command, groupType, groupId, buckets: decodeBuckets(r, r.remaining) };
    }
    case OfpType.OFPT_PORT_MOD: {
      const portNo = r.u32();
      r.skip(4);
      const hwAddr = decodeHwAddr(r);
      r.skip(2);
      const msg = { type, xid, portNo, hwAddr, config: r.u32(), mask: r.u32(), advertise: r.u32() } as const;
      r.skip(4);
      return msg;
    }
    case OfpType.OFPT_TABLE_MOD: {
      const tableId = r.u8();
      r.skip(3);
      return { type, xid, tableId, config: r.u32() };
    }
    case OfpType.OFPT_MULTIPART_REQUEST:
    case OfpType.OFPT_MULTIPART_REPLY: {
      const mpType = r.u16();
      const flags = r.u16();
      r.skip(4);
      if (type === OfpType.OFPT_MULTIPART_REQUEST) return decodeMultipartRequest(r, xid, flags, mpType);
      return decodeMultipartReply(r, xid, flags, mpType);
    }
    case OfpType.OFPT_ROLE_REQUEST:
    case OfpType.OFPT_ROLE_REPLY: {
      const role = r.u32();
      r.skip(4);
      return { type, xid, role, generationId: r.u64() };
    }
    case OfpType.OFPT_GET_ASYNC_REPLY:
    case OfpType.OFPT_SET_ASYNC:
      return { type, xid, packetInMask: maskPair(r), portStatusMask: maskPair(r), flowRemovedMask: maskPair(r) };
    case OfpType.OFPT_METER_MOD:
      return { type, xid, command: r.u16(), flags: r.u16(), meterId: r.u32(), bands: decodeMeterBands(r) };
    default:
      // Queue config and types newer than 1.3: kept whole so a caller can log or forward them.
      r.pos = r.end;
      return { type: 'raw', xid, msgType: type, bytes: Buffer.from(r.buf) };
  }
}
