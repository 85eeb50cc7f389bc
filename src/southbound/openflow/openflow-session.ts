import type { Socket } from 'node:net';
import { SdncError } from '../../model/errors.js';
import { BarrierBatches, type BatchOutcome } from './barrier-batches.js';
import {
  decodeMessage,
  encodeMessage,
  OfpCodecError,
  OfpErrorType,
  type OfpFeaturesReply,
  OfpFramer,
  type OfpHello,
  type OfpMessage,
  type OfpMultipartReply,
  type OfpMultipartRequest,
  OfpMultipartType,
  type OfpPort,
  OfpPortReason,
  OfpType,
} from './codec/index.js';
import { EchoKeepalive } from './echo-keepalive.js';
import { messageName, type OutgoingMessage, RequestTracker, type WithoutXid } from './request-tracker.js';
import { SendQueue } from './send-queue.js';
import { negotiateVersion, ourHello } from './version-negotiation.js';

export type { BatchOutcome } from './barrier-batches.js';
export type { OutgoingMessage, WithoutXid } from './request-tracker.js';

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

/** OFPHFC_INCOMPATIBLE (A.4.4): no common version. */
const OFPHFC_INCOMPATIBLE = 0;
/** OFPBRC_BAD_LEN (A.4.4): the closest code for a message we cannot parse. */
const OFPBRC_BAD_LEN = 6;

/**
 * One OpenFlow 1.3 control connection (section 6.3): HELLO and version negotiation, FEATURES (the
 * datapath id), PORT_DESC, then the ready state until close. The parts it composes: ECHO keepalive
 * with RTT measurement and dead-peer detection (echo-keepalive.ts), xid-matched requests with
 * timeouts and multipart reassembly (request-tracker.ts), barrier-confirmed batches
 * (barrier-batches.ts), and writes that respect socket backpressure (send-queue.ts). A malformed
 * message ends this connection only, with a logged reason.
 */
export class OpenflowSession {
  state: 'handshake' | 'ready' | 'closed' = 'handshake';
  features: SwitchFeatures | undefined;
  /** Port table from PORT_DESC, kept current by PORT_STATUS. */
  readonly ports = new Map<number, OfpPort>();
  closeReason: string | undefined;
  private readonly framer = new OfpFramer();
  private readonly queue: SendQueue;
  private readonly requests = new RequestTracker(() => this.device);
  private readonly batches = new BarrierBatches({
    allocXids: (n) => this.requests.allocXids(n),
    write: (bytes) => this.queue.write(bytes),
    barrier: () => this.request({ type: OfpType.OFPT_BARRIER_REQUEST }),
  });
  private readonly keepalive: EchoKeepalive;
  private readonly readyListeners = new Set<(s: OpenflowSession) => void>();
  private readonly messageListeners = new Set<(s: OpenflowSession, m: OfpMessage) => void>();
  private readonly closeListeners = new Set<(s: OpenflowSession, reason: string) => void>();
  private helloSeen = false;
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
    this.keepalive = new EchoKeepalive(
      {
        isReady: () => this.state === 'ready',
        send: (msg) => this.send(msg),
        request: (msg, timeoutMs) => this.request(msg, timeoutMs),
        close: (reason) => this.close(reason),
      },
      this.opts.echoIntervalMs,
      this.opts.deadAfterMs,
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('connection closed by the switch'));
    this.handshakeTimer = setTimeout(
      () => this.close(`handshake not completed within ${this.opts.handshakeTimeoutMs} ms`),
      this.opts.handshakeTimeoutMs,
    );
    this.writeMessage(ourHello(this.requests.allocXids(1)));
  }

  /** Datapath id once known, the peer address before. */
  get device(): string {
    return this.features?.datapathId ?? this.remote;
  }

  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** Control-channel round trip from ECHO samples (see echo-keepalive.ts). */
  get echoRttMs(): number | undefined {
    return this.keepalive.echoRttMs;
  }

  /** Control-channel round trip as an LLDP probe uses it (see echo-keepalive.ts). */
  get controlRttMs(): number | undefined {
    return this.keepalive.controlRttMs;
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
    return this.queue.write(encodeMessage({ ...msg, xid: this.requests.allocXids(1) } as OfpMessage));
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
   * Send messages followed by a BARRIER_REQUEST; resolves with the OFPT_ERRORs any of them caused once
   * the barrier reply confirms the switch processed all of them (see barrier-batches.ts).
   */
  async sendBatch(msgs: readonly OutgoingMessage[]): Promise<BatchOutcome> {
    if (this.state === 'closed') throw this.notConnected();
    return this.batches.send(msgs);
  }

  /** One ECHO round trip now; records it for `echoRttMs` and returns this sample in ms. */
  measureEcho(): Promise<number> {
    return this.keepalive.measureEcho();
  }

  /** Close the connection; `graceful` lets already written bytes (e.g. an ERROR) reach the peer. */
  close(reason: string, graceful = false): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason = reason;
    clearTimeout(this.handshakeTimer);
    this.keepalive.stop();
    const err = this.notConnected();
    this.requests.failAll(err);
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
    const xid = this.requests.allocXids(1);
    const bytes = encodeMessage({ ...msg, xid } as OfpMessage);
    const reply = this.requests.expect(xid, messageName(msg.type, 'mpType' in msg ? msg.mpType : undefined), timeoutMs);
    this.queue.write(bytes).catch((err: Error) => this.requests.fail(xid, err));
    return reply;
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
      this.keepalive.noteReceived();
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
    if (msg.type === OfpType.OFPT_PACKET_IN && this.keepalive.consumeLoop(msg.data)) return;
    if (msg.type === OfpType.OFPT_PORT_STATUS) {
      if (msg.reason === OfpPortReason.OFPPR_DELETE) this.ports.delete(msg.desc.portNo);
      else this.ports.set(msg.desc.portNo, msg.desc);
    }
    if (this.requests.settle(msg)) return;
    if (msg.type === OfpType.OFPT_ERROR && this.batches.claimError(msg)) return;
    for (const l of this.messageListeners) l(this, msg);
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
    this.keepalive.start();
    this.log('info', 'switch connected', { device: this.device, remote: this.remote, ports: this.ports.size });
    for (const l of this.readyListeners) l(this);
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

  private notConnected(): SdncError {
    return new SdncError('SDNC_ERR_DEVICE_NOT_CONNECTED', {
      device: this.device,
      reason: this.closeReason ?? 'connection closed',
    });
  }
}
