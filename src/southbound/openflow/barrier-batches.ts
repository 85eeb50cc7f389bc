import { encodeMessage, type OfpError, type OfpMessage } from './codec/index.js';
import type { OutgoingMessage } from './request-tracker.js';

/** Messages of one barrier-confirmed batch that the switch answered with OFPT_ERROR. */
export interface BatchOutcome {
  readonly errors: readonly { readonly index: number; readonly error: OfpError }[];
}

/** What a batch needs from its connection. */
export interface BatchChannel {
  /** A contiguous range of n transaction ids. */
  allocXids(n: number): number;
  /** Hand bytes to the socket, respecting backpressure. */
  write(bytes: Buffer): Promise<void>;
  /** Send an OFPT_BARRIER_REQUEST and resolve with its reply. */
  barrier(): Promise<unknown>;
}

interface ActiveBatch {
  readonly first: number;
  readonly last: number;
  readonly errors: { index: number; error: OfpError }[];
}

/** Writes are coalesced up to this size: one syscall per chunk, not one per FLOW_MOD. */
const WRITE_CHUNK_BYTES = 64 * 1024;

/**
 * Barrier-confirmed batches of one connection. A batch's messages take a contiguous xid range, so an
 * OFPT_ERROR that echoes one of them (section 7.4.4) is attributed to its batch and message; the
 * BARRIER_REPLY then says that the switch processed all of them (section 6.2).
 */
export class BarrierBatches {
  private readonly active: ActiveBatch[] = [];

  constructor(private readonly channel: BatchChannel) {}

  /**
   * Send messages followed by a BARRIER_REQUEST; resolves when the barrier reply confirms the switch
   * processed all of them, with the OFPT_ERRORs any of them caused. Everything is encoded before the
   * first byte is sent, so a message the codec refuses sends nothing.
   */
  async send(msgs: readonly OutgoingMessage[]): Promise<BatchOutcome> {
    const first = this.channel.allocXids(msgs.length);
    const encoded = msgs.map((m, i) => encodeMessage({ ...m, xid: first + i } as OfpMessage));
    const batch: ActiveBatch = { first, last: first + msgs.length - 1, errors: [] };
    this.active.push(batch);
    try {
      let start = 0;
      let bytes = 0;
      for (let i = 0; i < encoded.length; i++) {
        bytes += encoded[i].length;
        if (bytes >= WRITE_CHUNK_BYTES || i === encoded.length - 1) {
          await this.channel.write(i === start ? encoded[i] : Buffer.concat(encoded.slice(start, i + 1), bytes));
          start = i + 1;
          bytes = 0;
        }
      }
      await this.channel.barrier();
      return { errors: batch.errors };
    } finally {
      this.active.splice(this.active.indexOf(batch), 1);
    }
  }

  /** Record an OFPT_ERROR against the batch whose xid range holds it; false when none does. */
  claimError(msg: OfpError): boolean {
    const batch = this.active.find((b) => msg.xid >= b.first && msg.xid <= b.last);
    if (!batch) return false;
    batch.errors.push({ index: msg.xid - batch.first, error: msg });
    return true;
  }
}
