import { OFP_HEADER_LEN, OFP_MAX_MESSAGE_LEN } from './constants.js';
import { OfpCodecError } from './errors.js';

/**
 * Cuts a TCP byte stream into whole OpenFlow messages by the header's length field (A.1). A state
 * machine over buffered bytes: it keeps the unconsumed tail and never copies a message that arrived
 * in one chunk. A length below the 8-byte header can never be satisfied, so the stream is corrupt:
 * push throws and the framer stays failed (the connection must be closed).
 */
export class OfpFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Pending bytes needed before the next message can complete. */
  private awaitedBytes = OFP_HEADER_LEN;
  /** Stream offset of the first pending byte, for error reports. */
  private streamOffset = 0;
  private failed: OfpCodecError | undefined;
  private readonly maxMessageBytes: number;

  /** @param maxMessageBytes a bound below the protocol's 65535 for peers that must send less. */
  constructor(maxMessageBytes: number = OFP_MAX_MESSAGE_LEN) {
    this.maxMessageBytes = Math.min(maxMessageBytes, OFP_MAX_MESSAGE_LEN);
  }

  /** Bytes received but not yet returned as part of a whole message. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /**
   * Feeds one chunk; returns the messages it completed, in order. A returned message may be a view
   * into the chunk (no copy), so a caller that mutates chunks must copy first.
   */
  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw this.failed;
    let buf: Buffer;
    if (this.pendingBytes === 0) {
      buf = chunk;
    } else {
      // Concatenate only once the bytes awaited are all here: many small chunks of one large
      // message then cost one copy, not one per chunk.
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.awaitedBytes) return [];
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
    }
    const out: Buffer[] = [];
    let pos = 0;
    this.awaitedBytes = OFP_HEADER_LEN;
    while (buf.length - pos >= OFP_HEADER_LEN) {
      const len = buf.readUInt16BE(pos + 2);
      if (len < OFP_HEADER_LEN || len > this.maxMessageBytes) this.fail(buf, pos, len);
      if (buf.length - pos < len) {
        this.awaitedBytes = len;
        break;
      }
      out.push(buf.subarray(pos, pos + len));
      pos += len;
    }
    this.streamOffset += pos;
    this.pendingBytes = buf.length - pos;
    if (this.pendingBytes > 0) this.pending.push(pos === 0 ? buf : buf.subarray(pos));
    return out;
  }

  private fail(buf: Buffer, pos: number, len: number): never {
    this.failed = new OfpCodecError(
      `message length ${len} is outside ${OFP_HEADER_LEN}..${this.maxMessageBytes}`,
      this.streamOffset + pos + 2,
      buf[pos + 1],
      buf.readUInt32BE(pos + 4),
    );
    this.pending = [];
    this.pendingBytes = 0;
    throw this.failed;
  }

  /** Drops buffered bytes and any failure, e.g. when the connection is re-established. */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.streamOffset = 0;
    this.awaitedBytes = OFP_HEADER_LEN;
    this.failed = undefined;
  }
}
