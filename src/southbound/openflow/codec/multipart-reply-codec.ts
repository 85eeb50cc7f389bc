import { OfpMultipartType, OfpType } from './constants.js';
import { decodeInstructions, encodeInstructions } from './instruction-codec.js';
import { decodeMatch, encodeMatch } from './oxm-codec.js';
import {
  decodeBuckets,
  decodeMeterBands,
  decodePort,
  encodeBuckets,
  encodeMeterBands,
  encodePort,
  PORT_LEN,
} from './struct-codec.js';
import type {
  OfpFlowStats,
  OfpGroupDesc,
  OfpGroupStats,
  OfpMeterConfig,
  OfpMeterStats,
  OfpMultipartReply,
  OfpPort,
  OfpPortStats,
} from './types.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

/** ofp_desc string sizes: DESC_STR_LEN 256, SERIAL_NUM_LEN 32 (A.3.5.1). */
const DESC_STR_LEN = 256;
const SERIAL_NUM_LEN = 32;
const FLOW_STATS_HEADER_LEN = 48;
const PORT_STATS_LEN = 112;
const GROUP_STATS_HEADER_LEN = 40;
const GROUP_DESC_HEADER_LEN = 8;
const METER_STATS_HEADER_LEN = 40;
const METER_CONFIG_HEADER_LEN = 8;
/** ofp_bucket_counter and ofp_meter_band_stats are both two uint64 counters. */
const COUNTER_PAIR_LEN = 16;

function encodeFlowStats(w: WireWriter, s: OfpFlowStats): void {
  const start = w.pos;
  w.u16(0);
  w.u8(s.tableId);
  w.zeros(1);
  w.u32(s.durationSec);
  w.u32(s.durationNsec);
  w.u16(s.priority);
  w.u16(s.idleTimeout);
  w.u16(s.hardTimeout);
  w.u16(s.flags);
  w.zeros(4);
  w.u64(s.cookie);
  w.u64(s.packetCount);
  w.u64(s.byteCount);
  encodeMatch(w, s.match);
  encodeInstructions(w, s.instructions);
  w.patchU16(start, w.pos - start);
}

function decodeFlowStats(r: WireReader): OfpFlowStats {
  const at = r.pos;
  const len = r.u16();
  if (len < FLOW_STATS_HEADER_LEN) r.fail(`flow stats length ${len} is below ${FLOW_STATS_HEADER_LEN}`, at);
  const outer = r.enter(len - 2, 'flow stats');
  const tableId = r.u8();
  r.skip(1);
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const priority = r.u16();
  const idleTimeout = r.u16();
  const hardTimeout = r.u16();
  const flags = r.u16();
  r.skip(4);
  const cookie = r.u64();
  const packetCount = r.u64();
  const byteCount = r.u64();
  const match = decodeMatch(r);
  const instructions = decodeInstructions(r);
  r.restore(outer, 'flow stats');
  return {
    tableId,
    durationSec,
    durationNsec,
    priority,
    idleTimeout,
    hardTimeout,
    flags,
    cookie,
    packetCount,
    byteCount,
    match,
    instructions,
  };
}

function encodePortStats(w: WireWriter, s: OfpPortStats): void {
  w.u32(s.portNo);
  w.zeros(4);
  w.u64(s.rxPackets);
  w.u64(s.txPackets);
  w.u64(s.rxBytes);
  w.u64(s.txBytes);
  w.u64(s.rxDropped);
  w.u64(s.txDropped);
  w.u64(s.rxErrors);
  w.u64(s.txErrors);
  w.u64(s.rxFrameErr);
  w.u64(s.rxOverErr);
  w.u64(s.rxCrcErr);
  w.u64(s.collisions);
  w.u32(s.durationSec);
  w.u32(s.durationNsec);
}

function decodePortStats(r: WireReader): OfpPortStats {
  r.need(PORT_STATS_LEN, 'port stats');
  const portNo = r.u32();
  r.skip(4);
  return {
    portNo,
    rxPackets: r.u64(),
    txPackets: r.u64(),
    rxBytes: r.u64(),
    txBytes: r.u64(),
    rxDropped: r.u64(),
    txDropped: r.u64(),
    rxErrors: r.u64(),
    txErrors: r.u64(),
    rxFrameErr: r.u64(),
    rxOverErr: r.u64(),
    rxCrcErr: r.u64(),
    collisions: r.u64(),
    durationSec: r.u32(),
    durationNsec: r.u32(),
  };
}

function encodeGroupStats(w: WireWriter, s: OfpGroupStats): void {
  w.u16(GROUP_STATS_HEADER_LEN + COUNTER_PAIR_LEN * s.bucketStats.length);
  w.zeros(2);
  w.u32(s.groupId);
  w.u32(s.refCount);
  w.zeros(4);
  w.u64(s.packetCount);
  w.u64(s.byteCount);
  w.u32(s.durationSec);
  w.u32(s.durationNsec);
  for (const b of s.bucketStats) {
    w.u64(b.packetCount);
    w.u64(b.byteCount);
  }
}

function decodeGroupStats(r: WireReader): OfpGroupStats {
  const at = r.pos;
  const len = r.u16();
  if (len < GROUP_STATS_HEADER_LEN || (len - GROUP_STATS_HEADER_LEN) % COUNTER_PAIR_LEN !== 0) {
    r.fail(`group stats length ${len} is not ${GROUP_STATS_HEADER_LEN} + 16n`, at);
  }
  const outer = r.enter(len - 2, 'group stats');
  r.skip(2);
  const groupId = r.u32();
  const refCount = r.u32();
  r.skip(4);
  const packetCount = r.u64();
  const byteCount = r.u64();
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const bucketStats: { packetCount: bigint; byteCount: bigint }[] = [];
  while (r.pos < r.end) bucketStats.push({ packetCount: r.u64(), byteCount: r.u64() });
  r.restore(outer, 'group stats');
  return { groupId, refCount, packetCount, byteCount, durationSec, durationNsec, bucketStats };
}

function encodeGroupDesc(w: WireWriter, d: OfpGroupDesc): void {
  const start = w.pos;
  w.u16(0);
  w.u8(d.groupType);
  w.zeros(1);
  w.u32(d.groupId);
  encodeBuckets(w, d.buckets);
  w.patchU16(start, w.pos - start);
}

function decodeGroupDesc(r: WireReader): OfpGroupDesc {
  const at = r.pos;
  const len = r.u16();
  if (len < GROUP_DESC_HEADER_LEN) r.fail(`group desc length ${len} is below ${GROUP_DESC_HEADER_LEN}`, at);
  const groupType = r.u8();
  r.skip(1);
  const groupId = r.u32();
  return { groupType, groupId, buckets: decodeBuckets(r, len - GROUP_DESC_HEADER_LEN) };
}

function encodeMeterStats(w: WireWriter, s: OfpMeterStats): void {
  w.u32(s.meterId);
  w.u16(METER_STATS_HEADER_LEN + COUNTER_PAIR_LEN * s.bandStats.length);
  w.zeros(6);
  w.u32(s.flowCount);
  w.u64(s.packetInCount);
  w.u64(s.byteInCount);
  w.u32(s.durationSec);
  w.u32(s.durationNsec);
  for (const b of s.bandStats) {
    w.u64(b.packetBandCount);
    w.u64(b.byteBandCount);
  }
}

function decodeMeterStats(r: WireReader): OfpMeterStats {
  const meterId = r.u32();
  const at = r.pos;
  const len = r.u16();
  if (len < METER_STATS_HEADER_LEN || (len - METER_STATS_HEADER_LEN) % COUNTER_PAIR_LEN !== 0) {
    r.fail(`meter stats length ${len} is not ${METER_STATS_HEADER_LEN} + 16n`, at);
  }
  const outer = r.enter(len - 6, 'meter stats');
  r.skip(6);
  const flowCount = r.u32();
  const packetInCount = r.u64();
  const byteInCount = r.u64();
  const durationSec = r.u32();
  const durationNsec = r.u32();
  const bandStats: { packetBandCount: bigint; byteBandCount: bigint }[] = [];
  while (r.pos < r.end) bandStats.push({ packetBandCount: r.u64(), byteBandCount: r.u64() });
  r.restore(outer, 'meter stats');
  return { meterId, flowCount, packetInCount, byteInCount, durationSec, durationNsec, bandStats };
}

function encodeMeterConfig(w: WireWriter, c: OfpMeterConfig): void {
  const start = w.pos;
  w.u16(0);
  w.u16(c.flags);
  w.u32(c.meterId);
  encodeMeterBands(w, c.bands);
  w.patchU16(start, w.pos - start);
}

function decodeMeterConfig(r: WireReader): OfpMeterConfig {
  const at = r.pos;
  const len = r.u16();
  if (len < METER_CONFIG_HEADER_LEN) r.fail(`meter config length ${len} is below ${METER_CONFIG_HEADER_LEN}`, at);
  const outer = r.enter(len - 2, 'meter config');
  const flags = r.u16();
  const meterId = r.u32();
  const bands = decodeMeterBands(r);
  r.restore(outer, 'meter config');
  return { flags, meterId, bands };
}

function encodeList<T>(w: WireWriter, items: readonly T[], encode: (w: WireWriter, item: T) => void): void {
  for (let i = 0; i < items.length; i++) encode(w, items[i]);
}

function decodeList<T>(r: WireReader, decode: (r: WireReader) => T): T[] {
  const items: T[] = [];
  while (r.pos < r.end) items.push(decode(r));
  return items;
}

/** Reply bodies after the 16-byte ofp_multipart_reply header (A.3.5). */
export function encodeMultipartReplyBody(w: WireWriter, m: OfpMultipartReply): void {
  if (m.mpType === 'raw') {
    w.bytes(m.body);
    return;
  }
  switch (m.mpType) {
    case OfpMultipartType.OFPMP_DESC:
      w.fixedString(m.body.mfrDesc, DESC_STR_LEN);
      w.fixedString(m.body.hwDesc, DESC_STR_LEN);
      w.fixedString(m.body.swDesc, DESC_STR_LEN);
      w.fixedString(m.body.serialNum, SERIAL_NUM_LEN);
      w.fixedString(m.body.dpDesc, DESC_STR_LEN);
      return;
    case OfpMultipartType.OFPMP_FLOW:
      encodeList(w, m.body, encodeFlowStats);
      return;
    case OfpMultipartType.OFPMP_AGGREGATE:
      w.u64(m.body.packetCount);
      w.u64(m.body.byteCount);
      w.u32(m.body.flowCount);
      w.zeros(4);
      return;
    case OfpMultipartType.OFPMP_PORT_STATS:
      encodeList(w, m.body, encodePortStats);
      return;
    case OfpMultipartType.OFPMP_PORT_DESC:
      encodeList(w, m.body, encodePort);
      return;
    case OfpMultipartType.OFPMP_GROUP:
      encodeList(w, m.body, encodeGroupStats);
      return;
    case OfpMultipartType.OFPMP_GROUP_DESC:
      encodeList(w, m.body, encodeGroupDesc);
      return;
    case OfpMultipartType.OFPMP_METER:
      encodeList(w, m.body, encodeMeterStats);
      return;
    case OfpMultipartType.OFPMP_METER_CONFIG:
      encodeList(w, m.body, encodeMeterConfig);
      return;
    default:
      w.fail(`unknown multipart reply type ${(m as { mpType: unknown }).mpType}`);
  }
}

export function decodeMultipartReply(r: WireReader, xid: number, flags: number, mpType: number): OfpMultipartReply {
  const type = OfpType.OFPT_MULTIPART_REPLY;
  switch (mpType) {
    case OfpMultipartType.OFPMP_DESC:
      return {
        type,
        xid,
        flags,
        mpType,
        body: {
          mfrDesc: r.fixedString(DESC_STR_LEN),
          hwDesc: r.fixedString(DESC_STR_LEN),
          swDesc: r.fixedString(DESC_STR_LEN),
          serialNum: r.fixedString(SERIAL_NUM_LEN),
          dpDesc: r.fixedString(DESC_STR_LEN),
        },
      };
    case OfpMultipartType.OFPMP_FLOW:
      return { type, xid, flags, mpType, body: decodeList(r, decodeFlowStats) };
    case OfpMultipartType.OFPMP_AGGREGATE: {
      const body = { packetCount: r.u64(), byteCount: r.u64(), flowCount: r.u32() };
      r.skip(4);
      return { type, xid, flags, mpType, body };
    }
    case OfpMultipartType.OFPMP_PORT_STATS:
      return { type, xid, flags, mpType, body: decodeList(r, decodePortStats) };
    case OfpMultipartType.OFPMP_PORT_DESC: {
      const body: OfpPort[] = [];
      while (r.pos < r.end) {
        r.need(PORT_LEN, 'port description');
        body.push(decodePort(r));
      }
      return { type, xid, flags, mpType, body };
    }
    case OfpMultipartType.OFPMP_GROUP:
      return { type, xid, flags, mpType, body: decodeList(r, decodeGroupStats) };
    case OfpMultipartType.OFPMP_GROUP_DESC:
      return { type, xid, flags, mpType, body: decodeList(r, decodeGroupDesc) };
    case OfpMultipartType.OFPMP_METER:
      return { type, xid, flags, mpType, body: decodeList(r, decodeMeterStats) };
    case OfpMultipartType.OFPMP_METER_CONFIG:
      return { type, xid, flags, mpType, body: decodeList(r, decodeMeterConfig) };
    default:
      return { type, xid, flags, mpType: 'raw', rawMpType: mpType, body: r.bytes(r.remaining) };
  }
}
