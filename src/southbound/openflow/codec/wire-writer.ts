import { OFP_MAX_MESSAGE_LEN } from './constants.js';
import { OfpCodecError } from './errors.js';

/**
 * Appends big-endian fields (OpenFlow is network byte order, A.1) to one reusable 64 KiB scratch
 * buffer; encodeMessage copies the finished message out. A message can never exceed 65535 bytes, so
 * running past the scratch buffer is reported as "message too long". Node's write methods reject
 * out-of-range values, which encodeMessage turns into an OfpCodecError.
 */
// A module-local copy: tools that run TypeScript without tsc turn an imported constant into a getter
// call, and room() runs for every field written.
const MAX_LEN = OFP_MAX_MESSAGE_LEN;

export class WireWriter {
  readonly buf: Buffer = Buffer.allocUnsafe(MAX_LEN);
  pos = 0;
  msgType = 0;

  reset(msgType: number): void {
    this.pos = 0;
    this.msgType = msgType;
  }

  private room(n: number): void {
    if (this.pos + n > MAX_LEN) {
      throw new OfpCodecError(`message longer than ${MAX_LEN} bytes`, this.pos, this.msgType);
    }
  }

  u8(v: number): void {
    this.room(1);
    this.pos = this.buf.writeUInt8(v, this.pos);
  }

  u16(v: number): void {
    this.room(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }

  u24(v: number): void {
    this.room(3);
    this.pos = this.buf.writeUIntBE(v, this.pos, 3);
  }

  u32(v: number): void {
    this.room(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }

  u64(v: bigint): void {
    this.room(8);
    this.pos = this.buf.writeBigUInt64BE(v, this.pos);
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  zeros(n: number): void {
    this.room(n);
    // Pads are a few bytes: a loop beats Buffer#fill's native call overhead there.
    if (n <= 16) {
      const buf = this.buf;
      for (let i = 0; i < n; i++) buf[this.pos + i] = 0;
    } else {
      this.buf.fill(0, this.pos, this.pos + n);
    }
    this.pos += n;
  }

  /** Reserves n bytes for an in-place writer and returns their offset. */
  take(n: number): number {
    this.room(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** Zero padding so that the bytes written since `start` are a multiple of 8. */
  pad8(start: number): void {
    const rem = (this.pos - start) & 7;
    if (rem !== 0) this.zeros(8 - rem);
  }

  /** A NUL-padded fixed-length string field (e.g. port name, desc strings); the last byte stays NUL. */
  fixedString(s: string, size: number): void {
    this.room(size);
    this.buf.fill(0, this.pos, this.pos + size);
    const written = this.buf.write(s, this.pos, size - 1, 'latin1');
    if (written < s.length) {
      throw new OfpCodecError(`string "${s}" does not fit a ${size}-byte field`, this.pos, this.msgType);
    }
    this.pos += size;
  }

  /** Back-fills a 16-bit length written earlier as a placeholder. */
  patchU16(at: number, v: number): void {
    this.buf.writeUInt16BE(v, at);
  }

  fail(message: string): never {
    throw new OfpCodecError(message, this.pos, this.msgType);
  }
}
