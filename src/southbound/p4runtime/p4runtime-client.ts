import * as grpc from '@grpc/grpc-js';
import {
  Atomicity,
  type Entity,
  type ForwardingPipelineConfig,
  type MasterArbitrationUpdate,
  type P4Error,
  type PacketIn,
  type PacketOut,
  PipelineAction,
  PipelineResponseType,
  type ReadResponse,
  type RpcStatus,
  type StreamMessageRequest,
  type StreamMessageResponse,
  type Uint128,
  type Update,
} from './p4runtime-messages.js';
import { decodeMessage, p4RuntimeClientConstructor } from './p4runtime-proto.js';

/** Where a P4Runtime server is and who we are to it. */
export interface P4RuntimeTarget {
  /** host:port of the gRPC server. */
  readonly address: string;
  /** P4Runtime device_id (uint64; bmv2 uses 0 by default). */
  readonly deviceId: bigint;
  /** Our election id (uint128); the highest among connected clients is primary. */
  readonly electionId: bigint;
  /** Role name; empty = the default role with full pipeline access. */
  readonly role?: string;
}

export type ClientRole = 'connecting' | 'primary' | 'backup';

export interface P4RuntimeClientListener {
  onRole(role: ClientRole, reason: string): void;
  onPacketIn(packet: PacketIn): void;
  onStreamError(message: string): void;
}

export interface P4RuntimeClientOptions {
  readonly rpcTimeoutMs?: number;
  readonly reconnectMinMs?: number;
  readonly reconnectMaxMs?: number;
}

/** A Write the server refused: its gRPC status and, when it sent them, one p4.v1.Error per update. */
export class P4WriteError extends Error {
  constructor(
    readonly grpcCode: number,
    readonly details: string,
    readonly perUpdate: readonly P4Error[],
  ) {
    super(`Write failed (${grpc.status[grpcCode] ?? grpcCode}): ${details}`);
  }
}

const GRPC_STATUS_DETAILS = 'grpc-status-details-bin';
const OK = 0;

/**
 * The session with one P4Runtime server: one channel, one StreamChannel on which this client keeps
 * asking to be primary for its device (P4Runtime spec 5 "Client Arbitration"), and unary/streaming
 * RPCs around it. When the stream ends or fails it is reopened with exponential backoff and the
 * arbitration is sent again; the listener hears every role change. Nothing a server sends can throw
 * out of this class: malformed messages and failed RPCs become errors of the call or listener events.
 */
export class P4RuntimeClient {
  private readonly client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  private stream?: grpc.ClientDuplexStream<StreamMessageRequest, StreamMessageResponse>;
  private currentRole: ClientRole = 'connecting';
  private closed = false;
  private retryMs: number;
  private retryTimer?: NodeJS.Timeout;
  private readonly timeoutMs: number;
  private readonly minMs: number;
  private readonly maxMs: number;

  constructor(
    readonly target: P4RuntimeTarget,
    private readonly listener: P4RuntimeClientListener,
    opts: P4RuntimeClientOptions = {},
  ) {
    const Ctor = p4RuntimeClientConstructor();
    this.client = new Ctor(target.address, grpc.credentials.createInsecure(), {
      // GetForwardingPipelineConfig carries the whole device config (bmv2 JSON): above gRPC's 4 MB default.
      'grpc.max_receive_message_length': 256 * 1024 * 1024,
      'grpc.max_send_message_length': 256 * 1024 * 1024,
    }) as unknown as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
    this.timeoutMs = opts.rpcTimeoutMs ?? 10_000;
    this.minMs = opts.reconnectMinMs ?? 250;
    this.maxMs = opts.reconnectMaxMs ?? 10_000;
    this.retryMs = this.minMs;
  }

  get role(): ClientRole {
    return this.currentRole;
  }

  get deviceIdText(): string {
    return this.target.deviceId.toString();
  }

  get electionId(): Uint128 {
    return uint128(this.target.electionId);
  }

  /** Opens the stream and sends the arbitration; role changes arrive at the listener. */
  start(): void {
    if (this.closed || this.stream) return;
    const stream = (this.client.StreamChannel as () => grpc.ClientDuplexStream<StreamMessageRequest, StreamMessageResponse>)();
    this.stream = stream;
    stream.on('data', (m: StreamMessageResponse) => this.onStreamMessage(m));
    stream.on('error', (err: grpc.ServiceError) => this.onStreamEnd(stream, `stream failed: ${err.details || err.message}`));
    stream.on('end', () => this.onStreamEnd(stream, 'stream closed by the server'));
    stream.write({ arbitration: this.arbitration() });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stream?.cancel();
    this.stream = undefined;
    this.client.close();
  }

  sendPacketOut(packet: PacketOut): void {
    if (!this.stream || this.currentRole !== 'primary') throw new Error('not the primary client of the device');
    this.stream.write({ packet });
  }

  async write(updates: readonly Update[], atomicity: Atomicity = Atomicity.CONTINUE_ON_ERROR): Promise<void> {
    if (updates.length === 0) return;
    const req = {
      deviceId: this.deviceIdText,
      role: this.target.role ?? '',
      electionId: this.electionId,
      updates,
      atomicity,
    };
    await new Promise<void>((resolve, reject) => {
      (this.client.Write as (r: unknown, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null) => void) => void)(
        req,
        { deadline: Date.now() + this.timeoutMs },
        (err) => (err ? reject(toWriteError(err)) : resolve()),
      );
    });
  }

  /** All entities matching the (wildcard) entities given, collected from the response stream. */
  async read(entities: readonly Entity[]): Promise<Entity[]> {
    const call = (this.client.Read as (r: unknown, o: grpc.CallOptions) => grpc.ClientReadableStream<ReadResponse>)(
      { deviceId: this.deviceIdText, role: this.target.role ?? '', entities },
      { deadline: Date.now() + this.timeoutMs },
    );
    const out: Entity[] = [];
    return new Promise((resolve, reject) => {
      call.on('data', (r: ReadResponse) => out.push(...(r.entities ?? [])));
      call.on('error', (err: grpc.ServiceError) => reject(new Error(`Read failed (${grpc.status[err.code]}): ${err.details}`)));
      call.on('end', () => resolve(out));
    });
  }

  async setPipeline(config: ForwardingPipelineConfig, action = PipelineAction.VERIFY_AND_COMMIT): Promise<void> {
    await this.unary('SetForwardingPipelineConfig', {
      deviceId: this.deviceIdText,
      role: this.target.role ?? '',
      electionId: this.electionId,
      action,
      config,
    });
  }

  /** The cookie of the pipeline the device runs; undefined when it has none or never got one. */
  async pipelineCookie(): Promise<string | undefined> {
    try {
      const r = await this.unary<{ config?: ForwardingPipelineConfig }>('GetForwardingPipelineConfig', {
        deviceId: this.deviceIdText,
        responseType: PipelineResponseType.COOKIE_ONLY,
      });
      return r.config?.cookie?.cookie;
    } catch (err) {
      if ((err as grpc.ServiceError).code === grpc.status.FAILED_PRECONDITION) return undefined;
      throw err;
    }
  }

  async capabilities(): Promise<string> {
    const r = await this.unary<{ p4runtimeApiVersion?: string }>('Capabilities', {});
    return r.p4runtimeApiVersion ?? '';
  }

  private unary<T>(method: string, req: object): Promise<T> {
    return new Promise((resolve, reject) => {
      (this.client[method] as (r: unknown, o: grpc.CallOptions, cb: (e: grpc.ServiceError | null, v: T) => void) => void)(
        req,
        { deadline: Date.now() + this.timeoutMs },
        (err, value) => (err ? reject(err) : resolve(value)),
      );
    });
  }

  private arbitration(): MasterArbitrationUpdate {
    return {
      deviceId: this.deviceIdText,
      electionId: this.electionId,
      ...(this.target.role ? { role: { name: this.target.role } } : {}),
    };
  }

  private onStreamMessage(m: StreamMessageResponse): void {
    if (m.arbitration) {
      // Every client gets an update at each primary change: OK means us (spec 5.4); ALREADY_EXISTS
      // (another client is primary) and NOT_FOUND (no primary at all) both leave us a backup.
      const code = m.arbitration.status?.code ?? OK;
      const role: ClientRole = code === OK ? 'primary' : 'backup';
      this.retryMs = this.minMs;
      this.setRole(role, m.arbitration.status?.message || (role === 'primary' ? 'elected primary' : `status ${code}`));
    } else if (m.packet) {
      this.listener.onPacketIn(m.packet);
    } else if (m.error) {
      this.listener.onStreamError(
        `${grpc.status[m.error.canonicalCode ?? 2] ?? m.error.canonicalCode}: ${m.error.message ?? ''}`,
      );
    }
  }

  private onStreamEnd(stream: grpc.ClientDuplexStream<StreamMessageRequest, StreamMessageResponse>, reason: string): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    if (this.closed) return;
    this.setRole('connecting', reason);
    const delay = this.retryMs * (0.8 + Math.random() * 0.4);
    this.retryMs = Math.min(this.maxMs, this.retryMs * 2);
    this.retryTimer = setTimeout(() => this.start(), delay);
    this.retryTimer.unref?.();
  }

  private setRole(role: ClientRole, reason: string): void {
    const changed = role !== this.currentRole;
    this.currentRole = role;
    // A repeated "primary" is news too: the server re-announces after another client came or went.
    if (changed || role === 'primary') this.listener.onRole(role, reason);
  }
}

export function uint128(v: bigint): Uint128 {
  return { high: (v >> 64n).toString(), low: (v & 0xffffffffffffffffn).toString() };
}

/** The per-update p4.v1.Error list from a failed Write (P4Runtime spec 12.3 "Error Reporting"). */
export function toWriteError(err: grpc.ServiceError): P4WriteError {
  const raw = err.metadata?.get(GRPC_STATUS_DETAILS)?.[0];
  let perUpdate: P4Error[] = [];
  if (Buffer.isBuffer(raw)) {
    try {
      const status = decodeMessage<RpcStatus>('google.rpc.Status', raw);
      perUpdate = (status.details ?? []).map((any) =>
        any.type_url?.endsWith('/p4.v1.Error')
          ? decodeMessage<P4Error>('p4.v1.Error', any.value ?? Buffer.alloc(0))
          : { canonicalCode: grpc.status.UNKNOWN, message: `detail of type ${any.type_url}` },
      );
    } catch (e) {
      perUpdate = [{ canonicalCode: grpc.status.UNKNOWN, message: `undecodable error details: ${(e as Error).message}` }];
    }
  }
  return new P4WriteError(err.code, err.details ?? err.message, perUpdate);
}
