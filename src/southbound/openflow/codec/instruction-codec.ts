import { decodeActions, encodeActions } from './action-codec.js';
import { OfpInstructionType } from './constants.js';
import type { OfpInstruction } from './types.js';
import type { WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';

/** The shortest instruction (clear-actions, goto-table, meter) is 8 bytes (A.2.4). */
const MIN_INSTRUCTION_LEN = 8;

export function encodeInstruction(w: WireWriter, ins: OfpInstruction): void {
  if (ins.type === 'raw') {
    w.bytes(ins.bytes);
    return;
  }
  const start = w.pos;
  w.u16(ins.type);
  switch (ins.type) {
    case OfpInstructionType.OFPIT_GOTO_TABLE:
      w.u16(8);
      w.u8(ins.tableId);
      w.zeros(3);
      return;
    case OfpInstructionType.OFPIT_WRITE_METADATA:
      w.u16(24);
      w.zeros(4);
      w.u64(ins.metadata);
      w.u64(ins.metadataMask);
      return;
    case OfpInstructionType.OFPIT_WRITE_ACTIONS:
    case OfpInstructionType.OFPIT_APPLY_ACTIONS:
      w.u16(0);
      w.zeros(4);
      encodeActions(w, ins.actions);
      w.patchU16(start + 2, w.pos - start);
      return;
    case OfpInstructionType.OFPIT_CLEAR_ACTIONS:
      w.u16(8);
      w.zeros(4);
      return;
    case OfpInstructionType.OFPIT_METER:
      w.u16(8);
      w.u32(ins.meterId);
      return;
    default:
      w.fail(`unknown instruction type ${(ins as { type: unknown }).type}`);
  }
}

export function encodeInstructions(w: WireWriter, list: readonly OfpInstruction[]): void {
  for (let i = 0; i < list.length; i++) encodeInstruction(w, list[i]);
}

export function decodeInstruction(r: WireReader): OfpInstruction {
  const at = r.pos;
  const type = r.u16();
  const len = r.u16();
  if (len < MIN_INSTRUCTION_LEN) r.fail(`instruction ${type} length ${len} is below ${MIN_INSTRUCTION_LEN}`, at + 2);
  const outer = r.enter(len - 4, 'instruction');
  let ins: OfpInstruction;
  switch (type) {
    case OfpInstructionType.OFPIT_GOTO_TABLE:
      ins = { type, tableId: r.u8() };
      r.skip(3);
      break;
    case OfpInstructionType.OFPIT_WRITE_METADATA:
      r.skip(4);
      ins = { type, metadata: r.u64(), metadataMask: r.u64() };
      break;
    case OfpInstructionType.OFPIT_WRITE_ACTIONS:
    case OfpInstructionType.OFPIT_APPLY_ACTIONS:
      r.skip(4);
      ins = { type, actions: decodeActions(r, r.remaining) };
      break;
    case OfpInstructionType.OFPIT_CLEAR_ACTIONS:
      r.skip(4);
      ins = { type };
      break;
    case OfpInstructionType.OFPIT_METER:
      ins = { type, meterId: r.u32() };
      break;
    default:
      r.pos = r.end;
      ins = { type: 'raw', instructionType: type, bytes: Buffer.from(r.buf.subarray(at, r.end)) };
  }
  r.restore(outer, 'instruction');
  return ins;
}

/** Instructions fill the rest of the structure they are in (flow-mod, flow stats entry). */
export function decodeInstructions(r: WireReader): OfpInstruction[] {
  const list: OfpInstruction[] = [];
  while (r.pos < r.end) list.push(decodeInstruction(r));
  return list;
}
