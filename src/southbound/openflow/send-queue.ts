import type { Socket } from 'node:net';

interface Pending {
  readonly buf: Buffer;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

/**
 * Writes to one switch connection without unbounded buffering. While the socket accepts data
 * (`write()` returned true) a write goes straight through; once it signals backpressure, writes wait
 * here in order until 'drain', and their promises resolve only when the bytes were handed to the
 * socket. Callers that await their writes are thereby slowed to the switch's pace. The queue is
 * bounded: beyond `maxQueueBytes` a write is refused with `overload()` instead of growing memory.
 */
export class SendQueue {
  private readonly queue: Pending[] = [];
  private queued = 0;
  private blocked = false;
  private corked = false;
  private failure: Error | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly maxQueueBytes: number,
    private readonly overload: (queuedBytes: number) => Error,
  ) {
    socket.on('drain', () => this.flush());
  }

  get queuedBytes(): number {
    return this.queued;
  }

  write(buf: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.blocked && this.queue.length === 0) {
      this.cork();
      this.blocked = !this.socket.write(buf);
      return Promise.resolve();
    }
    if (this.queued + buf.length > this.maxQueueBytes && this.queue.length > 0) return Promise.reject(this.overload(this.queued));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buf, resolve, reject });
      this.queued += buf.length;
    });
  }

  /** Rejects everything waiting and every later write (the connection is gone). */
  fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.queue.splice(0)) p.reject(err);
    this.queued = 0;
  }

  /**
   * Coalesce the writes of one event-loop turn into one syscall: a burst of replies (one FLOW_MOD per
   * PACKET_IN of a received chunk) then costs one write, not one per message.
   */
  private cork(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  private flush(): void {
    this.blocked = false;
    while (!this.blocked && this.queue.length > 0) {
      const p = this.queue.shift()!;
      this.queued -= p.buf.length;
      this.blocked = !this.socket.write(p.buf);
      p.resolve();
    }
  }
}
