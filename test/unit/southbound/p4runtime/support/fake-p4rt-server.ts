import * as grpc from '@grpc/grpc-js';
import { P4InfoIndex } from '../../../../../src/southbound/p4runtime/p4info-index.js';
import {
  type ActionProfileGroup,
  type ActionProfileMember,
  Atomicity,
  type Entity,
  type ForwardingPipelineConfig,
  type MeterEntryMessage,
  type P4Error,
  type ReadRequest,
  type StreamMessageRequest,
  type StreamMessageResponse,
  type TableEntry,
  type Uint128,
  UpdateType,
  type WriteRequest,
} from '../../../../../src/southbound/p4runtime/p4runtime-messages.js';
import { encodeMessage, p4RuntimeService } from '../../../../../src/southbound/p4runtime/p4runtime-proto.js';
import {
  EntityError,
  entryKey,
  validateGroup,
  validateMember,
  validateMeter,
  validateTableEntry,
} from './fake-p4rt-validator.js';

/**
 * An in-process P4Runtime server that follows the specification where a controller can tell:
 * arbitration (spec 5: highest election id is primary, OK to it, ALREADY_EXISTS to the others,
 * NOT_FOUND to all while none is primary, an unset election id never primary), Write prechecks in
 * order (NOT_FOUND device, PERMISSION_DENIED not primary, FAILED_PRECONDITION no pipeline), entity
 * validation against the P4Info with one p4.v1.Error per update in grpc-status-details-bin (spec 12.3),
 * ROLLBACK_ON_ERROR (optional), Read of stored entities, and the packet I/O stream. Tests drive the
 * oddities of real targets through options (padded bytestrings, no rollback).
 */

type Stream = grpc.ServerDuplexStream<StreamMessageRequest, StreamMessageResponse>;

export interface FakeServerOptions {
  readonly deviceIds: readonly bigint[];
  readonly acceptPadded?: boolean;
  readonly rollbackSupported?: boolean;
}

export interface DeviceTables {
  pipeline?: { index: P4InfoIndex; config: ForwardingPipelineConfig };
  entries: Map<string, TableEntry>;
  members: Map<number, ActionProfileMember>;
  groups: Map<number, ActionProfileGroup>;
  meters: Map<number, MeterEntryMessage>;
}

interface Contender {
  readonly stream: Stream;
  electionId?: bigint;
  deviceId: bigint;
}

export class FakeP4RuntimeServer {
  readonly devices = new Map<bigint, DeviceTables>();
  readonly packetsOut: { deviceId: bigint; payload: Buffer; metadata: { id: number; value: Buffer }[] }[] = [];
  readonly writes: WriteRequest[] = [];
  private readonly contenders = new Set<Contender>();
  private server?: grpc.Server;

  constructor(private readonly opts: FakeServerOptions) {
    for (const id of opts.deviceIds) this.devices.set(id, emptyTables());
  }

  async start(): Promise<number> {
    const server = new grpc.Server();
    server.addService(p4RuntimeService(), {
      StreamChannel: (s: Stream) => this.onStream(s),
      Write: (call: grpc.ServerUnaryCall<WriteRequest, object>, cb: grpc.sendUnaryData<object>) => this.onWrite(call.request, cb),
      Read: (call: grpc.ServerWritableStream<ReadRequest, object>) => this.onRead(call),
      SetForwardingPipelineConfig: (
        call: grpc.ServerUnaryCall<Record<string, unknown>, object>,
        cb: grpc.sendUnaryData<object>,
      ) => this.onSetPipeline(call.request, cb),
      GetForwardingPipelineConfig: (
        call: grpc.ServerUnaryCall<{ deviceId?: string }, object>,
        cb: grpc.sendUnaryData<object>,
      ) => {
        const d = this.devices.get(BigInt(call.request.deviceId ?? '0'));
        if (!d) return cb({ code: grpc.status.NOT_FOUND, details: 'unknown device' });
        if (!d.pipeline) return cb({ code: grpc.status.FAILED_PRECONDITION, details: 'no pipeline set' });
        cb(null, { config: { cookie: d.pipeline.config.cookie } });
      },
      Capabilities: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { p4runtimeApiVersion: '1.4.1' }),
    });
    this.server = server;
    return new Promise((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
  }

  /** Drops every client stream (as a restarting switch agent would); state is kept. */
  dropStreams(): void {
    for (const c of [...this.contenders]) {
      this.contenders.delete(c);
      c.stream.emit('error', err(grpc.status.UNAVAILABLE, 'agent restarted'));
    }
  }

  async stop(): Promise<void> {
    this.dropStreams();
    await new Promise<void>((resolve) => (this.server ? this.server.tryShutdown(() => resolve()) : resolve()));
    this.server?.forceShutdown();
  }

  primaryElectionId(deviceId: bigint): bigint | undefined {
    return this.primaryOf(deviceId)?.electionId;
  }

  /** Sends a packet-in to the primary of a device. */
  packetIn(deviceId: bigint, payload: Buffer, metadata: { metadataId: number; value: Buffer }[]): void {
    this.primaryOf(deviceId)?.stream.write({ packet: { payload, metadata } });
  }

  private onStream(stream: Stream): void {
    let me: Contender | undefined;
    stream.on('data', (m: StreamMessageRequest) => {
      if (m.arbitration) {
        const deviceId = BigInt(m.arbitration.deviceId ?? '0');
        if (!this.devices.has(deviceId)) {
          stream.emit('error', err(grpc.status.NOT_FOUND, `device ${deviceId} is unknown`));
          return;
        }
        if (!me) {
          me = { stream, deviceId };
          this.contenders.add(me);
        }
        me.electionId = m.arbitration.electionId ? fromUint128(m.arbitration.electionId) : undefined;
        this.announce(deviceId);
      } else if (m.packet && me && this.primaryOf(me.deviceId) === me) {
        this.packetsOut.push({
          deviceId: me.deviceId,
          payload: m.packet.payload ?? Buffer.alloc(0),
          metadata: (m.packet.metadata ?? []).map((x) => ({ id: x.metadataId, value: x.value ?? Buffer.alloc(0) })),
        });
      } else if (m.packet) {
        stream.write({
          error: { canonicalCode: grpc.status.PERMISSION_DENIED, message: 'packet-out from a non-primary client' },
        });
      }
    });
    const leave = () => {
      if (me && this.contenders.delete(me)) this.announce(me.deviceId);
    };
    stream.on('end', () => {
      leave();
      stream.end();
    });
    stream.on('error', leave);
    stream.on('cancelled', leave);
  }

  private primaryOf(deviceId: bigint): Contender | undefined {
    let best: Contender | undefined;
    for (const c of this.contenders) {
      if (c.deviceId !== deviceId || c.electionId === undefined) continue;
      if (!best || c.electionId > best.electionId!) best = c;
    }
    return best;
  }

  /** Tells every client of the device who is primary now (spec 5.4). */
  private announce(deviceId: bigint): void {
    const primary = this.primaryOf(deviceId);
    const highest = primary?.electionId;
    for (const c of this.contenders) {
      if (c.deviceId !== deviceId) continue;
      const code = c === primary ? grpc.status.OK : primary ? grpc.status.ALREADY_EXISTS : grpc.status.NOT_FOUND;
      c.stream.write({
        arbitration: {
          deviceId: deviceId.toString(),
          ...(highest === undefined ? {} : { electionId: toUint128(highest) }),
          status: { code, message: code === grpc.status.OK ? 'primary' : primary ? 'another client is primary' : 'no primary' },
        },
      });
    }
  }

  private precheck(deviceId: string | undefined, electionId: Uint128 | undefined): { d: DeviceTables } | grpc.ServiceError {
    const id = BigInt(deviceId ?? '0');
    const d = this.devices.get(id);
    if (!d) return err(grpc.status.NOT_FOUND, `device ${id} is unknown`);
    const primary = this.primaryOf(id);
    if (!primary || !electionId || fromUint128(electionId) !== primary.electionId)
      return err(grpc.status.PERMISSION_DENIED, 'writer is not the primary client');
    return { d };
  }

  private onSetPipeline(req: Record<string, unknown>, cb: grpc.sendUnaryData<object>): void {
    const pre = this.precheck(req.deviceId as string, req.electionId as Uint128);
    if (!('d' in pre)) {
      cb(pre);
      return;
    }
    const config = req.config as ForwardingPipelineConfig | undefined;
    if (req.action !== 3 || !config?.p4info) {
      cb(err(grpc.status.INVALID_ARGUMENT, 'only VERIFY_AND_COMMIT with a P4Info'));
      return;
    }
    let index: P4InfoIndex;
    try {
      index = new P4InfoIndex(config.p4info);
    } catch (e) {
      cb(err(grpc.status.INVALID_ARGUMENT, (e as Error).message));
      return;
    }
    // VERIFY_AND_COMMIT clears the forwarding state (spec 15.1).
    Object.assign(pre.d, emptyTables(), { pipeline: { index, config } });
    cb(null, {});
  }

  private onWrite(req: WriteRequest, cb: grpc.sendUnaryData<object>): void {
    this.writes.push(req);
    const pre = this.precheck(req.deviceId, req.electionId);
    if (!('d' in pre)) {
      cb(pre);
      return;
    }
    const d = pre.d;
    if (!d.pipeline) {
      cb(err(grpc.status.FAILED_PRECONDITION, 'no forwarding pipeline is set'));
      return;
    }
    const atomicity = req.atomicity ?? Atomicity.CONTINUE_ON_ERROR;
    if (atomicity === Atomicity.DATAPLANE_ATOMIC || (atomicity === Atomicity.ROLLBACK_ON_ERROR && !this.opts.rollbackSupported)) {
      cb(err(grpc.status.UNIMPLEMENTED, `atomicity ${atomicity} is not supported`));
      return;
    }
    const saved = atomicity === Atomicity.ROLLBACK_ON_ERROR ? snapshot(d) : undefined;
    const results: P4Error[] = (req.updates ?? []).map((u) => {
      try {
        this.apply(d, u.type, u.entity);
        return { canonicalCode: grpc.status.OK };
      } catch (e) {
        if (!(e instanceof EntityError)) return { canonicalCode: grpc.status.INTERNAL, message: String(e) };
        return { canonicalCode: e.code, message: e.message };
      }
    });
    if (results.every((r) => r.canonicalCode === grpc.status.OK)) {
      cb(null, {});
      return;
    }
    if (saved) Object.assign(d, saved);
    const details = results.map((r) => ({ type_url: 'type.googleapis.com/p4.v1.Error', value: encodeMessage('p4.v1.Error', r) }));
    const metadata = new grpc.Metadata();
    metadata.set(
      'grpc-status-details-bin',
      encodeMessage('google.rpc.Status', { code: grpc.status.UNKNOWN, message: 'write failed', details }),
    );
    cb({ code: grpc.status.UNKNOWN, details: 'one or more updates failed', metadata });
  }

  private apply(d: DeviceTables, type: UpdateType, e: Entity): void {
    const p4 = d.pipeline!.index;
    const opts = { acceptPadded: this.opts.acceptPadded ?? false };
    if (type !== UpdateType.INSERT && type !== UpdateType.MODIFY && type !== UpdateType.DELETE)
      throw new EntityError(grpc.status.INVALID_ARGUMENT, 'update type unspecified');
    if (e.tableEntry) {
      validateTableEntry(p4, e.tableEntry, opts, (g) => d.groups.has(g), type === UpdateType.DELETE);
      const key = entryKey(e.tableEntry);
      mutate(d.entries, key, e.tableEntry, type, 'table entry');
    } else if (e.actionProfileMember) {
      const m = e.actionProfileMember;
      if (type !== UpdateType.DELETE) validateMember(p4, m, opts);
      else if ([...d.groups.values()].some((g) => g.members?.some((x) => x.memberId === m.memberId)))
        throw new EntityError(grpc.status.FAILED_PRECONDITION, `member ${m.memberId} is in a group`);
      mutate(d.members, m.memberId, m, type, `member ${m.memberId}`);
    } else if (e.actionProfileGroup) {
      const g = e.actionProfileGroup;
      if (type !== UpdateType.DELETE) validateGroup(p4, g, opts, (id) => d.members.has(id), 9);
      else if ([...d.entries.values()].some((t) => t.action?.actionProfileGroupId === g.groupId))
        throw new EntityError(grpc.status.FAILED_PRECONDITION, `group ${g.groupId} is used by a table entry`);
      mutate(d.groups, g.groupId, g, type, `group ${g.groupId}`);
    } else if (e.meterEntry) {
      if (type !== UpdateType.MODIFY) throw new EntityError(grpc.status.INVALID_ARGUMENT, 'meter cells take MODIFY only');
      const index = validateMeter(p4, e.meterEntry);
      if (e.meterEntry.config) d.meters.set(index, e.meterEntry);
      else d.meters.delete(index);
    } else {
      throw new EntityError(grpc.status.UNIMPLEMENTED, `entity ${e.entity} is not supported by this test server`);
    }
  }

  private onRead(call: grpc.ServerWritableStream<ReadRequest, object>): void {
    const d = this.devices.get(BigInt(call.request.deviceId ?? '0'));
    if (!d) {
      call.emit('error', err(grpc.status.NOT_FOUND, 'unknown device'));
      return;
    }
    const out: Entity[] = [];
    for (const q of call.request.entities ?? []) {
      if (q.tableEntry) {
        for (const t of d.entries.values())
          if (!q.tableEntry.tableId || t.tableId === q.tableEntry.tableId) out.push({ tableEntry: t });
      } else if (q.actionProfileMember) {
        for (const m of d.members.values())
          if (!q.actionProfileMember.memberId || m.memberId === q.actionProfileMember.memberId)
            out.push({ actionProfileMember: m });
      } else if (q.actionProfileGroup) {
        for (const g of d.groups.values())
          if (!q.actionProfileGroup.groupId || g.groupId === q.actionProfileGroup.groupId) out.push({ actionProfileGroup: g });
      } else if (q.meterEntry) {
        for (const m of d.meters.values()) out.push({ meterEntry: m });
      }
    }
    call.write({ entities: out });
    call.end();
  }
}

function mutate<K, V>(map: Map<K, V>, key: K, value: V, type: UpdateType, what: string): void {
  if (type === UpdateType.INSERT) {
    if (map.has(key)) throw new EntityError(grpc.status.ALREADY_EXISTS, `${what} already exists`);
    map.set(key, value);
  } else if (!map.has(key)) {
    throw new EntityError(grpc.status.NOT_FOUND, `${what} does not exist`);
  } else if (type === UpdateType.MODIFY) {
    map.set(key, value);
  } else {
    map.delete(key);
  }
}

function emptyTables(): DeviceTables {
  return { entries: new Map(), members: new Map(), groups: new Map(), meters: new Map() };
}

function snapshot(d: DeviceTables): Omit<DeviceTables, 'pipeline'> {
  return { entries: new Map(d.entries), members: new Map(d.members), groups: new Map(d.groups), meters: new Map(d.meters) };
}

function err(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(details), { code, details, metadata: new grpc.Metadata() });
}

export function fromUint128(u: Uint128): bigint {
  return (BigInt(u.high ?? '0') << 64n) | BigInt(u.low ?? '0');
}

function toUint128(v: bigint): Uint128 {
  return { high: (v >> 64n).toString(), low: (v & 0xffffffffffffffffn).toString() };
}
