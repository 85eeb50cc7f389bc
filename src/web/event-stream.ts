import type { ControllerEvent } from '../model/events.js';
import type { TopoLink, TopoNode } from '../model/topology.js';

/** First message after connecting, and the answer to a resync request. */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly seq: number;
  readonly topology: { readonly nodes: readonly TopoNode[]; readonly links: readonly TopoLink[] };
  readonly intents: readonly unknown[];
}

export interface EventMessage {
  readonly type: 'event';
  readonly seq: number;
  readonly time: number;
  readonly event: ControllerEvent;
}

export type StreamStatus = 'connecting' | 'connected' | 'resyncing' | 'reconnecting';

/** The part of the browser WebSocket the stream uses, so tests can drive it with a fake. */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface EventStreamOptions {
  readonly url: string;
  readonly openSocket?: (url: string) => SocketLike;
  readonly onSnapshot: (msg: SnapshotMessage) => void;
  readonly onEvent: (msg: EventMessage) => void;
  readonly onStatus?: (status: StreamStatus) => void;
  /** First reconnect delay; doubles per failed attempt up to maxDelayMs. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  readonly random?: () => number;
}

/**
 * The client side of the event stream contract: apply a snapshot, then events whose seq is exactly one
 * more than the last. On a gap, ask for a resync and drop events until the new snapshot arrives (they
 * are older than it or covered by it). When the socket closes (controller restart), reconnect with
 * exponential backoff and jitter; the server's first message on a new connection is a snapshot, so
 * reconnecting also resynchronises.
 */
export class EventStream {
  private socket: SocketLike | null = null;
  private lastSeq = -1;
  private awaitingSnapshot = true;
  private attempt = 0;
  private timer: unknown = null;
  private stopped = false;
  private currentStatus: StreamStatus = 'connecting';
  private gapCount = 0;
  private readonly opts: Required<EventStreamOptions>;

  constructor(options: EventStreamOptions) {
    this.opts = {
      openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      onStatus: () => {},
      baseDelayMs: 250,
      maxDelayMs: 5000,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      random: Math.random,
      ...options,
    };
  }

  get status(): StreamStatus {
    return this.currentStatus;
  }

  get seq(): number {
    return this.lastSeq;
  }

  /** How many sequence gaps were detected (each led to a resync request). */
  get gaps(): number {
    return this.gapCount;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.opts.clearTimer(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onclose = null;
      s.close();
    }
  }

  /** Ask the server for a fresh snapshot (also done automatically on a gap). */
  resync(): void {
    this.awaitingSnapshot = true;
    this.setStatus('resyncing');
    this.socket?.send(JSON.stringify({ type: 'resync' }));
  }

  private connect(): void {
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    this.awaitingSnapshot = true;
    let socket: SocketLike;
    try {
      socket = this.opts.openSocket(this.opts.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (ev) => this.handleMessage(ev.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
    // An error is always followed by close; reconnecting is done there.
    socket.onerror = () => {};
    socket.onopen = () => {};
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setStatus('reconnecting');
    const delay = this.nextDelayMs();
    this.attempt++;
    this.timer = this.opts.setTimer(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, so restarted clients spread out. */
  nextDelayMs(): number {
    const cap = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** this.attempt);
    return Math.round(cap / 2 + (cap / 2) * this.opts.random());
  }

  private handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: { type?: unknown; seq?: unknown };
    try {
      msg = JSON.parse(data) as { type?: unknown; seq?: unknown };
    } catch {
      return;
    }
    if (typeof msg.seq !== 'number') return;
    if (msg.type === 'snapshot') {
      this.lastSeq = msg.seq;
      this.awaitingSnapshot = false;
      this.attempt = 0;
      this.setStatus('connected');
      this.opts.onSnapshot(msg as SnapshotMessage);
      return;
    }
    if (msg.type !== 'event' || this.awaitingSnapshot) return;
    if (msg.seq <= this.lastSeq) return;
    if (msg.seq !== this.lastSeq + 1) {
      this.gapCount++;
      this.resync();
      return;
    }
    this.lastSeq = msg.seq;
    this.opts.onEvent(msg as EventMessage);
  }

  private setStatus(s: StreamStatus): void {
    if (s === this.currentStatus) return;
    this.currentStatus = s;
    this.opts.onStatus(s);
  }
}
