import { OfpCodecError } from './errors.js';

/**
 * Reads big-endian fields from one whole message with a moving limit: every read is checked against
 * `end`, so a length field that lies can only produce an OfpCodecError, never a read past the
 * structure it belongs to. Offsets in errors are relative to the start of the message.
 */
export class WireReader {
  readonly buf: Buffer;
  pos: number;
  end: number;
  readonly msgType: number;
  readonly xid: number;

  constructor(buf: Buffer, msgType: number, xid: number) {
    this.buf = buf;
    this.pos = 0;
    this.end = buf.length;
    this.msgType = msgType;
    this.xid = xid;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string, at: number = this.pos): never {
    throw new OfpCodecError(message, at, this.msgType, this.xid);
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.end) this.fail(`truncated ${what}: ${n} bytes needed, ${this.end - this.pos} left`);
  }

  u8(): number {
    if (this.pos + 1 > this.end) this.need(1, 'field');
    return this.buf[this.pos++];
  }

  u16(): number {
    if (this.pos + 2 > this.end) this.need(2, 'field');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(): number {
    if (this.pos + 3 > this.end) this.need(3, 'field');
    const v = this.buf.readUIntBE(this.pos, 3);
    this.pos += 3;
    return v;
  }

  u32(): number {
    if (this.pos + 4 > this.end) this.need(4, 'field');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    if (this.pos + 8 > this.end) this.need(8, 'field');
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  skip(n: number): void {
    if (this.pos + n > this.end) this.need(n, 'padding');
    this.pos += n;
  }

  /** A copy of the next n bytes, so decoded messages never alias the receive buffer. */
  bytes(n: number): Buffer {
    if (this.pos + n > this.end) this.need(n, 'data');
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  /** A NUL-terminated string in a fixed-size field. */
  fixedString(size: number): string {
    if (this.pos + size > this.end) this.need(size, 'string');
    let stop = this.pos;
    const limit = this.pos + size;
    while (stop < limit && this.buf[stop] !== 0) stop++;
    const s = this.buf.toString('latin1', this.pos, stop);
    this.pos = limit;
    return s;
  }

  /**
   * Narrows the limit to the next `len` bytes (a nested structure) and returns the previous limit,
   * to be given back to `restore` once the structure is read.
   */
  enter(len: number, what: string): number {
    if (this.pos + len > this.end) this.fail(`${what} length ${len} runs past its container (${this.end - this.pos} bytes left)`);
    const outer = this.end;
    this.end = this.pos + len;
    return outer;
  }

  /** Leaves a nested structure: its unread remainder must be empty. */
  restore(outer: number, what: string): void {
    if (this.pos !== this.end) this.fail(`${what} has ${this.end - this.pos} unexpected trailing bytes`);
    this.end = outer;
  }
}
