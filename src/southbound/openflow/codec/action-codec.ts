import { OfpActionType } from './constants.js';
import { decodeOxm, encodeOxm } from './oxm-codec.js';
import type { OfpAction } from './types.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

/** Every action is at least its 4-byte header plus 4 bytes: a shorter length is malformed (A.2.5). */
const MIN_ACTION_LEN = 8;

/** One action (A.2.5): type, length (a multiple of 8, padding included), body. */
export function encodeAction(w: WireWriter, a: OfpAction): void {
  if (a.type === 'raw') {
    w.bytes(a.bytes);
    return;
  }
  const start = w.pos;
  w.u16(a.type);
  switch (a.type) {
    case OfpActionType.OFPAT_OUTPUT:
      w.u16(16);
      w.u32(a.port);
      w.u16(a.maxLen);
      w.zeros(6);
      return;
    case OfpActionType.OFPAT_SET_MPLS_TTL:
      w.u16(8);
      w.u8(a.mplsTtl);
      w.zeros(3);
      return;
    case OfpActionType.OFPAT_SET_NW_TTL:
      w.u16(8);
      w.u8(a.nwTtl);
      w.zeros(3);
      return;
    case OfpActionType.OFPAT_PUSH_VLAN:
    case OfpActionType.OFPAT_PUSH_MPLS:
    case OfpActionType.OFPAT_POP_MPLS:
    case OfpActionType.OFPAT_PUSH_PBB:
      w.u16(8);
      w.u16(a.ethertype);
      w.zeros(2);
      return;
    case OfpActionType.OFPAT_SET_QUEUE:
      w.u16(8);
      w.u32(a.queueId);
      return;
    case OfpActionType.OFPAT_GROUP:
      w.u16(8);
      w.u32(a.groupId);
      return;
    case OfpActionType.OFPAT_SET_FIELD:
      // ofp_action_set_field: the OXM TLV then zero padding to a multiple of 8 (A.2.5).
      w.u16(0);
      encodeOxm(w, a.field);
      w.pad8(start);
      w.patchU16(start + 2, w.pos - start);
      return;
    case OfpActionType.OFPAT_COPY_TTL_OUT:
    case OfpActionType.OFPAT_COPY_TTL_IN:
    case OfpActionType.OFPAT_DEC_MPLS_TTL:
    case OfpActionType.OFPAT_POP_VLAN:
    case OfpActionType.OFPAT_DEC_NW_TTL:
    case OfpActionType.OFPAT_POP_PBB:
      w.u16(8);
      w.zeros(4);
      return;
    default:
      w.fail(`unknown action type ${(a as { type: unknown }).type}`);
  }
}

export function encodeActions(w: WireWriter, actions: readonly OfpAction[]): void {
  for (let i = 0; i < actions.length; i++) encodeAction(w, actions[i]);
}

export function decodeAction(r: WireReader): OfpAction {
  const at = r.pos;
  const type = r.u16();
  const len = r.u16();
  if (len < MIN_ACTION_LEN) r.fail(`action ${type} length ${len} is below ${MIN_ACTION_LEN}`, at + 2);
  const outer = r.enter(len - 4, 'action');
  let action: OfpAction;
  switch (type) {
    case OfpActionType.OFPAT_OUTPUT: {
      const port = r.u32();
      const maxLen = r.u16();
      r.skip(6);
      action = { type, port, maxLen };
      break;
    }
    case OfpActionType.OFPAT_SET_MPLS_TTL:
      action = { type, mplsTtl: r.u8() };
      r.skip(3);
      break;
    case OfpActionType.OFPAT_SET_NW_TTL:
      action = { type, nwTtl: r.u8() };
      r.skip(3);
      break;
    case OfpActionType.OFPAT_PUSH_VLAN:
    case OfpActionType.OFPAT_PUSH_MPLS:
    case OfpActionType.OFPAT_POP_MPLS:
    case OfpActionType.OFPAT_PUSH_PBB:
      action = { type, ethertype: r.u16() };
      r.skip(2);
      break;
    case OfpActionType.OFPAT_SET_QUEUE:
      action = { type, queueId: r.u32() };
      break;
    case OfpActionType.OFPAT_GROUP:
      action = { type, groupId: r.u32() };
      break;
    case OfpActionType.OFPAT_SET_FIELD:
      action = { type, field: decodeOxm(r) };
      r.pos = r.end;
      break;
    case OfpActionType.OFPAT_COPY_TTL_OUT:
    case OfpActionType.OFPAT_COPY_TTL_IN:
    case OfpActionType.OFPAT_DEC_MPLS_TTL:
    case OfpActionType.OFPAT_POP_VLAN:
    case OfpActionType.OFPAT_DEC_NW_TTL:
    case OfpActionType.OFPAT_POP_PBB:
      action = { type };
      r.skip(4);
      break;
    default:
      r.pos = r.end;
      action = { type: 'raw', actionType: type, bytes: Buffer.from(r.buf.subarray(at, r.end)) };
  }
  r.restore(outer, 'action');
  return action;
}

/** An action list filling exactly `len` bytes (instructions, buckets, packet-out). */
export function decodeActions(r: WireReader, len: number): OfpAction[] {
  const outer = r.enter(len, 'action list');
  const actions: OfpAction[] = [];
  while (r.pos < r.end) actions.push(decodeAction(r));
  r.restore(outer, 'action list');
  return actions;
}
