import { SdncError } from '../../model/errors.js';
import { describeError, type OfpMessage, type OfpMultipartReply, OfpMultipartReplyFlags, OfpType } from './codec/index.js';

/** A message type without its transaction id (distributes over unions). */
export type WithoutXid<M> = M extends unknown ? Omit<M, 'xid'> : never;

/** A message to send; the session assigns the transaction id. */
export type OutgoingMessage = WithoutXid<OfpMessage>;

interface PendingRequest {
  readonly what: string;
  readonly parts: OfpMultipartReply[];
  readonly resolve: (msgs: OfpMessage[]) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Message types that answer a request and so carry the request's xid (section 7.1). */
const REPLY_TYPES = new Set<OfpMessage['type']>([
  OfpType.OFPT_ERROR,
  OfpType.OFPT_ECHO_REPLY,
  OfpType.OFPT_FEATURES_REPLY,
  OfpType.OFPT_GET_CONFIG_REPLY,
  OfpType.OFPT_MULTIPART_REPLY,
  OfpType.OFPT_BARRIER_REPLY,
  OfpType.OFPT_ROLE_REPLY,
  OfpType.OFPT_GET_ASYNC_REPLY,
]);
const MAX_XID = 0xffffffff;

/**
 * Transaction ids of one connection and the requests waiting for their replies: a reply settles the
 * request with its xid, multipart replies are collected until the part without OFPMPF_REPLY_MORE
 * (section 7.3.5), an OFPT_ERROR with the xid rejects it, and a request without an answer in time is
 * rejected with SDNC_ERR_DEVICE_TIMEOUT.
 */
export class RequestTracker {
  private readonly pending = new Map<number, PendingRequest>();
  private nextXid = 1;

  /** `device` names the switch in errors; read when an error is made, so it follows the handshake. */
  constructor(private readonly device: () => string) {}

  /** A contiguous range of n transaction ids (wrapping before 2^32 so a batch range never wraps). */
  allocXids(n: number): number {
    if (this.nextXid + n >= MAX_XID) this.nextXid = 1;
    const first = this.nextXid;
    this.nextXid += n;
    return first;
  }

  /**
   * Wait for the reply to request `xid` (`what` names it in errors): one message, or every part of a
   * multipart reply. Register before the request is written, so no reply can arrive unmatched.
   */
  expect(xid: number, what: string, timeoutMs: number): Promise<OfpMessage[]> {
    return new Promise<OfpMessage[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(xid);
        reject(new SdncError('SDNC_ERR_DEVICE_TIMEOUT', { device: this.device(), request: what, timeoutMs }));
      }, timeoutMs);
      this.pending.set(xid, { what, parts: [], resolve, reject, timer });
    });
  }

  /** Reject request `xid` now (its bytes could not be written). */
  fail(xid: number, err: Error): void {
    const p = this.pending.get(xid);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(xid);
    p.reject(err);
  }

  /** Reject every waiting request (the connection is gone). */
  failAll(err: Error): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }

  /** Settle the request `msg` answers; false when it answers none (then it is asynchronous). */
  settle(msg: OfpMessage): boolean {
    const p = REPLY_TYPES.has(msg.type) ? this.pending.get(msg.xid) : undefined;
    if (!p) return false;
    if (msg.type === OfpType.OFPT_MULTIPART_REPLY) {
      p.parts.push(msg);
      if ((msg.flags & OfpMultipartReplyFlags.OFPMPF_REPLY_MORE) !== 0) return true;
    }
    clearTimeout(p.timer);
    this.pending.delete(msg.xid);
    if (msg.type === OfpType.OFPT_ERROR) {
      p.reject(
        new SdncError('SDNC_ERR_DEVICE_REJECTED', {
          device: this.device(),
          failed: 1,
          total: 1,
          reason: `${p.what}: ${describeError(msg)}`,
        }),
      );
    } else {
      p.resolve(msg.type === OfpType.OFPT_MULTIPART_REPLY ? p.parts : [msg]);
    }
    return true;
  }
}

/** A request's name for errors and logs. */
export function messageName(type: OfpMessage['type'], mpType?: number | 'raw'): string {
  const names: Record<number, string> = {
    [OfpType.OFPT_ECHO_REQUEST]: 'OFPT_ECHO_REQUEST',
    [OfpType.OFPT_FEATURES_REQUEST]: 'OFPT_FEATURES_REQUEST',
    [OfpType.OFPT_BARRIER_REQUEST]: 'OFPT_BARRIER_REQUEST',
    [OfpType.OFPT_MULTIPART_REQUEST]: 'OFPT_MULTIPART_REQUEST',
    [OfpType.OFPT_GET_CONFIG_REQUEST]: 'OFPT_GET_CONFIG_REQUEST',
    [OfpType.OFPT_ROLE_REQUEST]: 'OFPT_ROLE_REQUEST',
  };
  const base = typeof type === 'number' ? (names[type] ?? `message type ${type}`) : 'raw message';
  return mpType === undefined ? base : `${base} (multipart type ${mpType})`;
}
