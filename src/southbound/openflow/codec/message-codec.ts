import { OFP_HEADER_LEN, OFP_VERSION, OfpErrorType, OfpType } from './constants.js';
import { OfpCodecError } from './errors.js';
import { decodeMessageBody, encodeMessageBody } from './message-body-codec.js';
import type { OfpMessage } from './types.js';
import { WireReader } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

const writer = new WireWriter();

function wireType(msg: OfpMessage): number {
  return msg.type === 'raw' ? msg.msgType : msg.type;
}

/**
 * Encodes one message with its 8-byte ofp_header (A.1): version, type, length, xid. Throws an
 * OfpCodecError (never another exception type) when a value does not fit its field, a text address
 * is malformed, or the message would exceed 65535 bytes.
 */
export function encodeMessage(msg: OfpMessage): Buffer {
  const type = wireType(msg);
  const w = writer;
  w.reset(type);
  try {
    if (msg.type === 'raw') {
      if (msg.bytes.length < OFP_HEADER_LEN) w.fail('raw message is shorter than its header');
      w.bytes(msg.bytes);
      w.buf.writeUInt32BE(msg.xid, 4);
    } else {
      const version =
        msg.type === OfpType.OFPT_HELLO || msg.type === OfpType.OFPT_ERROR ? (msg.version ?? OFP_VERSION) : OFP_VERSION;
      w.u8(version);
      w.u8(type);
      w.u16(0);
      w.u32(msg.xid);
      encodeMessageBody(w, msg);
      w.patchU16(2, w.pos);
    }
  } catch (e) {
    if (e instanceof OfpCodecError) throw e;
    throw new OfpCodecError(`cannot encode: ${e instanceof Error ? e.message : String(e)}`, w.pos, type);
  }
  const out = Buffer.allocUnsafe(w.pos);
  w.buf.copy(out, 0, 0, w.pos);
  return out;
}

/**
 * Decodes one whole message (as cut by OfpFramer). The buffer's length must equal the header's
 * length. Only HELLO and ERROR are accepted in a version other than 1.3: HELLO drives version
 * negotiation and a peer reports a failed negotiation with an ERROR in its own version (6.3.1).
 * Malformed input of any kind yields an OfpCodecError with the offset and message type.
 */
export function decodeMessage(buf: Buffer): OfpMessage {
  if (buf.length < OFP_HEADER_LEN) {
    throw new OfpCodecError(
      `message of ${buf.length} bytes is shorter than the 8-byte header`,
      0,
      buf.length > 1 ? buf[1] : undefined,
    );
  }
  const version = buf[0];
  const type = buf[1];
  const length = buf.readUInt16BE(2);
  const xid = buf.readUInt32BE(4);
  if (length !== buf.length) {
    throw new OfpCodecError(`header length ${length} differs from the ${buf.length} bytes given`, 2, type, xid);
  }
  if (version !== OFP_VERSION && type !== OfpType.OFPT_HELLO && type !== OfpType.OFPT_ERROR) {
    throw new OfpCodecError(`unsupported version 0x${version.toString(16)}; only 0x04 (OpenFlow 1.3) is spoken`, 0, type, xid);
  }
  const r = new WireReader(buf, type, xid);
  r.pos = OFP_HEADER_LEN;
  let msg: OfpMessage;
  try {
    msg = decodeMessageBody(r, version, type, xid);
  } catch (e) {
    if (e instanceof OfpCodecError) throw e;
    throw new OfpCodecError(`cannot decode: ${e instanceof Error ? e.message : String(e)}`, r.pos, type, xid);
  }
  if (r.pos !== buf.length) r.fail(`${buf.length - r.pos} unexpected trailing bytes`);
  return msg;
}

/** Whether an ERROR reports a failed version negotiation (the session then closes, 6.3.1). */
export function isHelloFailed(msg: OfpMessage): boolean {
  return msg.type === OfpType.OFPT_ERROR && msg.errType === OfpErrorType.OFPET_HELLO_FAILED;
}
