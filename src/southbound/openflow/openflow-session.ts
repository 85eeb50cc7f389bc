import type { Socket } from 'node:net';
import { SdncError } from '../../model/errors.js';
import {
  decodeMessage,
  describeError,
  encodeMessage,
  OfpCodecError,
  type OfpError,
  OfpErrorType,
  type OfpFeaturesReply,
  OfpFramer,
  type OfpHello,
  type OfpMessage,
  type OfpMultipartReply,
  OfpMultipartReplyFlags,
  type OfpMultipartRequest,
  OfpMultipartType,
  type OfpPort,
  OfpPortReason,
  OfpType,
} from './codec/index.js';
import { EchoRttTracker } from './echo-rtt-tracker.js';
import { PacketLoopRtt } from './packet-loop-rtt.js';
import { SendQueue } from './send-queue.js';
import { negotiateVersion, ourHello } from './version-negotiation.js';

/** A message type without its transaction id (distributes over unions). */
export type WithoutXid<M> = M extends unknown ? Omit<M, 'xid'> : never;

/** A message to send; the session assigns the transaction id. */
export type OutgoingMessage = WithoutXid<OfpMessage>;

export type SessionLog = (level: 'info' | 'warn', msg: string, details: Record<string, unknown>) => void;

export interface OpenflowSessionOptions {
  /** HELLO, FEATURES and PORT_DESC must complete within this. */
  readonly handshakeTimeoutMs?: number;
  /** Period of ECHO_REQUEST keepalives (and RTT samples). */
  readonly echoIntervalMs?: number;
  /** The peer is dead when nothing arrived for this long. */
  readonly deadAfterMs?: number;
  readonly requestTimeoutMs?: number;
  /** Bound of bytes waiting for the socket to drain; beyond it sends are refused. */
  readonly maxQueueBytes?: number;
  readonly log?: SessionLog;
}

export interface SwitchFeatures {
  /** 16 lower-case hex digits. */
  readonly datapathId: string;
  readonly nBuffers: number;
  readonly nTables: number;
  readonly capabilities: number;
}

/** Messages of one barrier-confirmed batch that the switch answered with OFPT_ERROR. */
export interface BatchOutcome {
  readonly errors: readonly { readonly index: number; readonly error: OfpError }[];
}

interface PendingRequest {
  readonly what: string;
  readonly parts: OfpMultipartReply[];
  readonly resolve: (msgs: OfpMessage[]) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface ActiveBatch {
  readonly first: number;
  readonly last: number;
  readonly errors: { index: number; error: OfpError }[];
}

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
/** OFPHFC_INCOMPATIBLE (A.4.4): no common version. */
const OFPHFC_INCOMPATIBLE = 0;
/** OFPBRC_BAD_LEN (A.4.4): the closest code for a message we cannot parse. */
const OFPBRC_BAD_LEN = 6;
const WRITE_CHUNK_BYTES = 64 * 1024;
const RTT_SAMPLES = 9;
/**
 * Echo samples taken right after the handshake, spread over about a second: an RTT estimate exists
 * after the third (~0.2 s), and a switch busy with its connection setup for part of that second does
 * not leave only inflated samples in the window.
 */
const PRIMING_ECHOES = 10;
const PRIMING_GAP_MS = 100;
/** Samples before `echoRttMs` gives an estimate. */
const RTT_MIN_SAMPLES = 3;

/**
 * One OpenFlow 1.3 control connection (section 6.3): HELLO and version negotiation, FEATURES (the
 * datapath id), PORT_DESC, ECHO keepalive with RTT measurement and dead-peer detection, xid-matched
 * requests with timeouts (multipart replies reassembled), barrier-confirmed batches, and writes that
 * respect socket backpressure. A malformed message ends this connection only, with a logged reason.
 */
export class OpenflowSession {
  state: 'handshake' | 'ready' | 'closed' = 'handshake';
  features: SwitchFeatures | undefined;
  /** Port table from PORT_DESC, kept current by PORT_STATUS. */
  readonly ports = new Map<number, OfpPort>();
  closeReason: string | undefined;
  private readonly framer = new OfpFramer();
  private readonly queue: SendQueue;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly batches: ActiveBatch[] = [];
  private readonly readyListeners = new Set<(s: OpenflowSession) => void>();
  private readonly messageListeners = new Set<(s: OpenflowSession, m: OfpMessage) => void>();
  private readonly closeListeners = new Set<(s: OpenflowSession, reason: string) => void>();
  private nextXid = 1;
  private helloSeen = false;
  private lastRxMs = Date.now();
  /** Last echo RTT samples; the estimate is their minimum (see echo-rtt-tracker.ts). */
  private readonly rtt = new EchoRttTracker(RTT_SAMPLES, RTT_MIN_SAMPLES);
  /** Packet-out -> packet-in round trips, sent alongside every echo (see packet-loop-rtt.ts). */
  private readonly loop = new PacketLoopRtt(RTT_SAMPLES, RTT_MIN_SAMPLES);
  private echoInFlight = false;
  private echoTimer: NodeJS.Timeout | undefined;
  private readonly handshakeTimer: NodeJS.Timeout;
  private readonly opts: Required<Omit<OpenflowSessionOptions, 'log'>>;
  private readonly log: SessionLog;

  constructor(
    private readonly socket: Socket,
    options: OpenflowSessionOptions = {},
  ) {
    const echoIntervalMs = options.echoIntervalMs ?? 2000;
    this.opts = {
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      echoIntervalMs,
      deadAfterMs: options.deadAfterMs ?? echoIntervalMs * 3,
      requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
      maxQueueBytes: options.maxQueueBytes ?? 16 * 1024 * 1024,
    };
    this.log = options.log ?? (() => {});
    this.queue = new SendQueue(
      socket,
      this.opts.maxQueueBytes,
      (queuedBytes) => new SdncError('SDNC_ERR_DEVICE_OVERLOADED', { device: this.device, queuedBytes }),
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('connection closed by the switch'));
    this.handshakeTimer = setTimeout(
      () => this.close(`handshake not completed within ${this.opts.handshakeTimeoutMs} ms`),
      this.opts.handshakeTimeoutMs,
    );
    this.writeMessage(ourHello(this.allocXids(1)));
  }

  /** Datapath id once known, the peer address before. */
  get device(): string {
    return this.features?.datapathId ?? this.remote;
  }

  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /**
   * Control-channel round trip (ECHO): the minimum of the last samples, undefined until the priming
   * echoes after the handshake have answered. A single sample is not trusted: the echo taken while the
   * switch is still busy with its handshake and first rules is often ten times the channel's base RTT,
   * and link latency subtracts half of it (see echo-rtt-tracker.ts).
   */
  get echoRttMs(): number | undefined {
    return this.rtt.estimateMs;
  }

  /**
   * Round trip of the control channel as an LLDP probe uses it: the packet-out -> packet-in loop
   * when the switch answers it, the echo RTT otherwise; undefined until either has enough samples.
   */
  get controlRttMs(): number | undefined {
    return this.loop.tracker.estimateMs ?? this.rtt.estimateMs;
  }

  get queuedBytes(): number {
    return this.queue.queuedBytes;
  }

  onReady(cb: (s: OpenflowSession) => void): void {
    this.readyListeners.add(cb);
  }

  /** Asynchronous messages (PACKET_IN, PORT_STATUS, FLOW_REMOVED, unsolicited ERROR). */
  onMessage(cb: (s: OpenflowSession, m: OfpMessage) => void): void {
    this.messageListeners.add(cb);
  }

  onClose(cb: (s: OpenflowSession, reason: string) => void): void {
    this.closeListeners.add(cb);
  }

  /** Send without expecting a reply; resolves once the bytes were handed to the socket. */
  send(msg: OutgoingMessage): Promise<void> {
    if (this.state === 'closed') return Promise.reject(this.notConnected());
    return this.queue.write(encodeMessage({ ...msg, xid: this.allocXids(1) } as OfpMessage));
  }

  /** Send a request and resolve with its reply (rejects on OFPT_ERROR, timeout or disconnect). */
  async request(msg: OutgoingMessage, timeoutMs = this.opts.requestTimeoutMs): Promise<OfpMessage> {
    return (await this.exchange(msg, timeoutMs))[0];
  }

  /** A multipart request; resolves with every reply part once the last one (no REPLY_MORE) arrived. */
  async multipart(msg: WithoutXid<OfpMultipartRequest>, timeoutMs = this.opts.requestTimeoutMs): Promise<OfpMultipartReply[]> {
    return (await this.exchange(msg as OutgoingMessage, timeoutMs)) as OfpMultipartReply[];
  }

  /**
   * Send messages followed by a BARRIER_REQUEST; resolves when the barrier reply confirms the switch
   * processed all of them (section 6.2), with the OFPT_ERRORs any of them caused. Everything is
   * encoded before the first byte is sent, so a message the codec refuses sends nothing.
   */
  async sendBatch(msgs: readonly OutgoingMessage[]): Promise<BatchOutcome> {
    if (this.state === 'closed') throw this.notConnected();
    const first = this.allocXids(msgs.length);
    const encoded = msgs.map((m, i) => encodeMessage({ ...m, xid: first + i } as OfpMessage));
    const batch: ActiveBatch = { first, last: first + msgs.length - 1, errors: [] };
    this.batches.push(batch);
    try {
      let start = 0;
      let bytes = 0;
      for (let i = 0; i < encoded.length; i++) {
        bytes += encoded[i].length;
        if (bytes >= WRITE_CHUNK_BYTES || i === encoded.length - 1) {
          await this.queue.write(i === start ? encoded[i] : Buffer.concat(encoded.slice(start, i + 1), bytes));
          start = i + 1;
          bytes = 0;
        }
      }
      await this.request({ type: OfpType.OFPT_BARRIER_REQUEST });
      return { errors: batch.errors };
    } finally {
      this.batches.splice(this.batches.indexOf(batch), 1);
    }
  }

  /** One ECHO round trip now; records it for `echoRttMs` and returns this sample in ms. */
  async measureEcho(): Promise<number> {
    this.sendLoop();
    const t0 = process.hrtime.bigint();
    await this.request({ type: OfpType.OFPT_ECHO_REQUEST, data: Buffer.alloc(0) }, this.opts.deadAfterMs);
    const sample = Number(process.hrtime.bigint() - t0) / 1e6;
    this.rtt.add(sample);
    return sample;
  }

  /** Close the connection; `graceful` lets already written bytes (e.g. an ERROR) reach the peer. */
  close(reason: string, graceful = false): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason = reason;
    clearTimeout(this.handshakeTimer);
    clearInterval(this.echoTimer);
    const err = this.notConnected();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
    this.queue.fail(err);
    if (graceful) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    } else {
      this.socket.destroy();
    }
    for (const l of this.closeListeners) l(this, reason);
  }

  private exchange(msg: OutgoingMessage, timeoutMs: number): Promise<OfpMessage[]> {
    if (this.state === 'closed') return Promise.reject(this.notConnected());
    const xid = this.allocXids(1);
    const bytes = encodeMessage({ ...msg, xid } as OfpMessage);
    const what = messageName(msg.type, 'mpType' in msg ? msg.mpType : undefined);
    return new Promise<OfpMessage[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(xid);
        reject(new SdncError('SDNC_ERR_DEVICE_TIMEOUT', { device: this.device, request: what, timeoutMs }));
      }, timeoutMs);
      this.pending.set(xid, { what, parts: [], resolve, reject, timer });
      this.queue.write(bytes).catch((err: Error) => {
        clearTimeout(timer);
        this.pending.delete(xid);
        reject(err);
      });
    });
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.framer.push(chunk);
    } catch (err) {
      this.protocolFailure(err, chunk);
      return;
    }
    for (const frame of frames) {
      if (this.state === 'closed') return;
      let msg: OfpMessage;
      try {
        msg = decodeMessage(frame);
      } catch (err) {
        this.protocolFailure(err, frame);
        return;
      }
      this.lastRxMs = Date.now();
      this.dispatch(msg);
    }
  }

  private dispatch(msg: OfpMessage): void {
    if (msg.type === OfpType.OFPT_HELLO) {
      if (!this.helloSeen) this.onHello(msg);
      return;
    }
    if (!this.helloSeen) {
      this.close(`first message was ${messageName(msg.type)}, not OFPT_HELLO (section 6.3.1)`);
      return;
    }
    if (msg.type === OfpType.OFPT_ECHO_REQUEST) {
      this.send({ type: OfpType.OFPT_ECHO_REPLY, data: msg.data }).catch(() => {});
      return;
    }
    if (msg.type === OfpType.OFPT_PACKET_IN && this.loop.consume(msg.data, process.hrtime.bigint())) return;
    if (msg.type === OfpType.OFPT_PORT_STATUS) {
      if (msg.reason === OfpPortReason.OFPPR_DELETE) this.ports.delete(msg.desc.portNo);
      else this.ports.set(msg.desc.portNo, msg.desc);
    }
    const pending = REPLY_TYPES.has(msg.type) ? this.pending.get(msg.xid) : undefined;
    if (pending) {
      this.settle(msg.xid, pending, msg);
      return;
    }
    if (msg.type === OfpType.OFPT_ERROR) {
      const batch = this.batches.find((b) => msg.xid >= b.first && msg.xid <= b.last);
      if (batch) {
        batch.errors.push({ index: msg.xid - batch.first, error: msg });
        return;
      }
    }
    for (const l of this.messageListeners) l(this, msg);
  }

  private settle(xid: number, p: PendingRequest, msg: OfpMessage): void {
    if (msg.type === OfpType.OFPT_MULTIPART_REPLY) {
      p.parts.push(msg);
      if ((msg.flags & OfpMultipartReplyFlags.OFPMPF_REPLY_MORE) !== 0) return;
    }
    clearTimeout(p.timer);
    this.pending.delete(xid);
    if (msg.type === OfpType.OFPT_ERROR) {
      p.reject(
        new SdncError('SDNC_ERR_DEVICE_REJECTED', {
          device: this.device,
          failed: 1,
          total: 1,
          reason: `${p.what}: ${describeError(msg)}`,
        }),
      );
    } else {
      p.resolve(msg.type === OfpType.OFPT_MULTIPART_REPLY ? p.parts : [msg]);
    }
  }

  private onHello(hello: OfpHello): void {
    this.helloSeen = true;
    const result = negotiateVersion(hello);
    if (!result.ok) {
      this.log('warn', 'OpenFlow version negotiation failed', { remote: this.remote, reason: result.reason });
      // Answer in the peer's own version so that it can read why (section 6.3.1).
      this.writeMessage({
        type: OfpType.OFPT_ERROR,
        version: Math.min(hello.version ?? 4, 4),
        xid: hello.xid,
        errType: OfpErrorType.OFPET_HELLO_FAILED,
        code: OFPHFC_INCOMPATIBLE,
        data: Buffer.from(result.reason, 'ascii'),
      });
      this.close(`version negotiation failed: ${result.reason}`, true);
      return;
    }
    this.completeHandshake().catch((err: Error) => this.close(`handshake failed: ${err.message}`));
  }

  private async completeHandshake(): Promise<void> {
    const reply = (await this.request({ type: OfpType.OFPT_FEATURES_REQUEST })) as OfpFeaturesReply;
    if (reply.auxiliaryId !== 0) throw new Error(`auxiliary connection ${reply.auxiliaryId} is not supported`);
    this.features = {
      datapathId: reply.datapathId.toString(16).padStart(16, '0'),
      nBuffers: reply.nBuffers,
      nTables: reply.nTables,
      capabilities: reply.capabilities,
    };
    // Whole frames in PACKET_IN: LLDP probes and host discovery need more than the default 128 bytes.
    await this.send({ type: OfpType.OFPT_SET_CONFIG, flags: 0, missSendLen: 0xffff });
    const parts = await this.multipart({
      type: OfpType.OFPT_MULTIPART_REQUEST,
      mpType: OfpMultipartType.OFPMP_PORT_DESC,
      flags: 0,
    });
    for (const part of parts)
      if (part.mpType === OfpMultipartType.OFPMP_PORT_DESC) for (const p of part.body) this.ports.set(p.portNo, p);
    if (this.state === 'closed') return;
    this.state = 'ready';
    clearTimeout(this.handshakeTimer);
    this.lastRxMs = Date.now();
    this.echoTimer = setInterval(() => this.heartbeat(), this.opts.echoIntervalMs);
    this.echoTimer.unref();
    this.primeEcho().catch(() => {});
    this.log('info', 'switch connected', { device: this.device, remote: this.remote, ports: this.ports.size });
    for (const l of this.readyListeners) l(this);
  }

  /** A few echoes in quick succession, so discovery has a control-channel RTT to correct with. */
  /** One packet-out -> packet-in loop; its packet-in is consumed in dispatch(). */
  private sendLoop(): void {
    if (this.state !== 'ready') return;
    this.send(this.loop.next(process.hrtime.bigint())).catch(() => {});
  }

  private async primeEcho(): Promise<void> {
    this.echoInFlight = true;
    try {
      for (let i = 0; i < PRIMING_ECHOES && this.state === 'ready'; i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, PRIMING_GAP_MS).unref());
        await this.measureEcho();
      }
    } finally {
      this.echoInFlight = false;
    }
  }

  private heartbeat(): void {
    const silentMs = Date.now() - this.lastRxMs;
    if (silentMs > this.opts.deadAfterMs) {
      this.close(`no message from the switch for ${silentMs} ms (echo keepalive timed out)`);
      return;
    }
    if (this.echoInFlight) return;
    this.echoInFlight = true;
    this.measureEcho()
      .catch(() => {})
      .finally(() => {
        this.echoInFlight = false;
      });
  }

  private protocolFailure(err: unknown, offending: Buffer): void {
    const reason = err instanceof OfpCodecError ? err.message : `unexpected decoder failure: ${String(err)}`;
    this.log('warn', 'malformed OpenFlow message; closing this connection', { device: this.device, reason });
    if (err instanceof OfpCodecError) {
      this.writeMessage({
        type: OfpType.OFPT_ERROR,
        xid: err.xid ?? 0,
        errType: OfpErrorType.OFPET_BAD_REQUEST,
        code: OFPBRC_BAD_LEN,
        // Section 7.4.4: at least the first 64 bytes of the failed request.
        data: offending.subarray(0, 64),
      });
    }
    this.close(`malformed message: ${reason}`, true);
  }

  /** Best-effort immediate write for HELLO and ERROR; failures surface as socket errors. */
  private writeMessage(msg: OfpMessage): void {
    try {
      this.queue.write(encodeMessage(msg)).catch(() => {});
    } catch (err) {
      this.log('warn', 'could not encode control message', { device: this.device, error: String(err) });
    }
  }

  /** A contiguous range of n transaction ids (wrapping before 2^32 so a batch range never wraps). */
  private allocXids(n: number): number {
    if (this.nextXid + n >= MAX_XID) this.nextXid = 1;
    const first = this.nextXid;
    this.nextXid += n;
    return first;
  }

  private notConnected(): SdncError {
    return new SdncError('SDNC_ERR_DEVICE_NOT_CONNECTED', {
      device: this.device,
      reason: this.closeReason ?? 'connection closed',
    });
  }
}

function messageName(type: OfpMessage['type'], mpType?: number | 'raw'): string {
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
