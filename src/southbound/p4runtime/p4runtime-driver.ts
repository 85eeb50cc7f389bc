import * as grpc from '@grpc/grpc-js';
import type { Driver, DriverEvent, DriverListener } from '../../flow/driver.js';
import { SdncError } from '../../model/errors.js';
import type { DeviceBatch, DeviceState, FlowRule, GroupEntry, MeterEntry } from '../../model/flow.js';
import { LLDP_PUNT_RULE } from '../discovery/lldp-frame.js';
import { type BytesForm, decodeNumber, encodeUint } from './p4-bytes.js';
import { datapathIdOf } from './p4-device-config.js';
import { P4InfoIndex } from './p4info-index.js';
import { buildWritePhases } from './p4runtime-batch.js';
import {
  type ClientRole,
  P4RuntimeClient,
  type P4RuntimeClientOptions,
  type P4RuntimeTarget,
  P4WriteError,
} from './p4runtime-client.js';
import {
  type ActionProfileMember,
  Atomicity,
  type Entity,
  type P4Info,
  type PacketIn,
  type Update,
  UpdateType,
} from './p4runtime-messages.js';
import { P4RuntimeTranslator } from './p4runtime-translator.js';

export type DriverLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, details?: Record<string, unknown>) => void;

export interface P4RuntimeDriverOptions {
  readonly targets: readonly P4RuntimeTarget[];
  readonly p4info: P4Info;
  /** Target-specific pipeline (for bmv2 the JSON p4c writes); empty when the target needs none. */
  readonly deviceConfig?: Buffer;
  /** Identifies this pipeline on the device: an equal cookie means it is already set (no push, no state wipe). */
  readonly pipelineCookie: bigint;
  /** Bytestring form for old PI builds that want full-width values. */
  readonly bytesForm?: BytesForm;
  readonly client?: P4RuntimeClientOptions;
  readonly log?: DriverLog;
}

interface DeviceSession {
  readonly device: string;
  readonly client: P4RuntimeClient;
  ready: boolean;
  /** Bumped on every role change so a slow setup of an old term does not announce the device. */
  term: number;
  atomicity: Atomicity;
}

/**
 * The P4Runtime implementation of the southbound Driver for devices running sdnc_lsp.p4. Each configured
 * target gets a client that competes to be primary; once primary, the driver pushes the pipeline
 * (SetForwardingPipelineConfig VERIFY_AND_COMMIT, skipped when the device already runs this cookie),
 * installs the LLDP punt and announces `device-connected` (without ports: P4Runtime has no port
 * inventory; gNMI would). Batches are applied as ordered Writes, first with ROLLBACK_ON_ERROR and, if
 * the target does not implement it, CONTINUE_ON_ERROR; a refused update rejects apply() with
 * SDNC_ERR_DEVICE_REJECTED naming each failed entry and the device's per-update error.
 */
export class P4RuntimeDriver implements Driver {
  readonly protocol = 'p4runtime';
  readonly translator: P4RuntimeTranslator;
  private readonly sessions = new Map<string, DeviceSession>();
  private readonly listeners = new Set<DriverListener>();
  private readonly log: DriverLog;
  private readonly index: P4InfoIndex;

  constructor(private readonly opts: P4RuntimeDriverOptions) {
    this.log = opts.log ?? (() => {});
    this.index = new P4InfoIndex(opts.p4info);
    this.translator = new P4RuntimeTranslator(this.index, opts.bytesForm ?? 'canonical');
    for (const target of opts.targets) {
      const device = datapathIdOf(target.deviceId);
      const session: DeviceSession = {
        device,
        client: undefined as unknown as P4RuntimeClient,
        ready: false,
        term: 0,
        atomicity: Atomicity.ROLLBACK_ON_ERROR,
      };
      const client = new P4RuntimeClient(
        target,
        {
          onRole: (role, reason) => this.onRole(session, role, reason),
          onPacketIn: (p) => this.onPacketIn(session, p),
          onStreamError: (message) => this.log('warn', 'device reported a stream error', { device, message }),
        },
        opts.client,
      );
      (session as { client: P4RuntimeClient }).client = client;
      this.sessions.set(device, session);
    }
  }

  start(): void {
    for (const s of this.sessions.values()) s.client.start();
  }

  stop(): void {
    for (const s of this.sessions.values()) {
      s.client.close();
      if (s.ready) {
        s.ready = false;
        this.emit({ type: 'device-disconnected', device: s.device, reason: 'driver stopped' });
      }
    }
  }

  connectedDevices(): string[] {
    return [...this.sessions.values()].filter((s) => s.ready).map((s) => s.device);
  }

  isConnected(device: string): boolean {
    return this.sessions.get(device)?.ready === true;
  }

  infrastructureRules(device: string): readonly FlowRule[] {
    return this.sessions.has(device) ? [{ ...LLDP_PUNT_RULE, device }] : [];
  }

  async apply(device: string, batch: DeviceBatch): Promise<void> {
    const s = this.sessionOf(device);
    let phases: ReturnType<typeof buildWritePhases>;
    try {
      phases = buildWritePhases(this.translator, batch, await this.membersOf(s, batch.modifyGroups));
    } catch (err) {
      if (err instanceof SdncError) throw err;
      throw new SdncError('SDNC_ERR_FLOW_INVALID', { device, reason: (err as Error).message });
    }
    const total = phases.reduce((n, p) => n + p.updates.length, 0);
    for (const p of phases) {
      try {
        await this.write(s, p.updates);
      } catch (err) {
        throw this.rejected(device, err, p.what, total);
      }
    }
  }

  async readState(device: string): Promise<DeviceState> {
    const s = this.sessionOf(device);
    const t = this.translator;
    const wildcard: Entity[] = [
      { tableEntry: { tableId: 0 } },
      { actionProfileMember: { actionProfileId: t.selectorId, memberId: 0 } },
      { actionProfileGroup: { actionProfileId: t.selectorId, groupId: 0 } },
      { meterEntry: { meterId: t.meterId } },
    ];
    let entities: Entity[];
    try {
      entities = await s.client.read(wildcard);
    } catch (err) {
      throw new SdncError('SDNC_ERR_DEVICE_REJECTED', { device, failed: 1, total: 1, reason: (err as Error).message });
    }
    const flows: FlowRule[] = [];
    const groups: GroupEntry[] = [];
    const meters: MeterEntry[] = [];
    const members = new Map<number, ActionProfileMember>();
    for (const e of entities) if (e.actionProfileMember) members.set(e.actionProfileMember.memberId, e.actionProfileMember);
    const skip = (kind: string, err: unknown) =>
      this.log('warn', `${kind} on the device cannot be expressed in the model; ignored`, {
        device,
        reason: (err as Error).message,
      });
    for (const e of entities) {
      try {
        if (e.tableEntry) {
          const f = t.entryToFlow(device, e.tableEntry);
          if (f) flows.push(f);
        } else if (e.actionProfileGroup) {
          groups.push(t.groupFromEntities(device, e.actionProfileGroup, members));
        } else if (e.meterEntry) {
          const m = t.meterFromEntry(device, e.meterEntry);
          if (m) meters.push(m);
        }
      } catch (err) {
        skip(e.tableEntry ? 'table entry' : e.actionProfileGroup ? 'group' : 'meter', err);
      }
    }
    return { flows, groups, meters };
  }

  async packetOut(device: string, port: number, frame: Buffer): Promise<void> {
    const s = this.sessionOf(device);
    const header = this.index.controllerHeader('packet_out');
    if (!header) throw new SdncError('SDNC_ERR_FLOW_INVALID', { device, reason: 'the pipeline has no packet_out header' });
    // Exactly one metadata per field of the packet_out header, by P4Info id (spec 16.1 "PacketOut").
    const metadata = (header.metadata ?? []).map((f) => ({
      metadataId: f.id,
      value: encodeUint(f.name === 'egress_port' ? port : 0, f.bitwidth ?? 1, this.translator.form),
    }));
    try {
      s.client.sendPacketOut({ payload: frame, metadata });
    } catch (err) {
      throw new SdncError('SDNC_ERR_DEVICE_NOT_CONNECTED', { device, reason: (err as Error).message });
    }
  }

  subscribe(listener: DriverListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async write(s: DeviceSession, updates: readonly Update[]): Promise<void> {
    try {
      await s.client.write(updates, s.atomicity);
    } catch (err) {
      // Targets may leave ROLLBACK_ON_ERROR unimplemented (spec 12.2): fall back once and remember.
      if (
        err instanceof P4WriteError &&
        err.grpcCode === grpc.status.UNIMPLEMENTED &&
        s.atomicity !== Atomicity.CONTINUE_ON_ERROR
      ) {
        this.log('info', 'device does not implement ROLLBACK_ON_ERROR; using CONTINUE_ON_ERROR', { device: s.device });
        s.atomicity = Atomicity.CONTINUE_ON_ERROR;
        await s.client.write(updates, s.atomicity);
        return;
      }
      throw err;
    }
  }

  private rejected(device: string, err: unknown, what: readonly string[], total: number): SdncError {
    if (!(err instanceof P4WriteError)) {
      return new SdncError('SDNC_ERR_DEVICE_REJECTED', { device, failed: what.length, total, reason: (err as Error).message });
    }
    const refused =
      err.perUpdate.length === what.length
        ? err.perUpdate
            .map((e, i) => ({
              entry: what[i],
              code: grpc.status[e.canonicalCode ?? 0] ?? String(e.canonicalCode),
              error: e.message ?? '',
            }))
            .filter((r) => r.code !== 'OK')
        : what.map((entry) => ({ entry, code: grpc.status[err.grpcCode] ?? String(err.grpcCode), error: err.details }));
    return new SdncError('SDNC_ERR_DEVICE_REJECTED', {
      device,
      failed: refused.length,
      total,
      reason: refused
        .slice(0, 3)
        .map((r) => `${r.entry}: ${r.code} ${r.error}`)
        .join('; '),
      refused,
    });
  }

  private async membersOf(s: DeviceSession, groups: readonly GroupEntry[]): Promise<Map<number, number[]>> {
    const out = new Map<number, number[]>();
    if (groups.length === 0) return out;
    const read = await s.client.read(
      groups.map((g) => ({ actionProfileGroup: { actionProfileId: this.translator.selectorId, groupId: g.groupId } })),
    );
    for (const e of read) {
      const g = e.actionProfileGroup;
      if (g)
        out.set(
          g.groupId,
          (g.members ?? []).map((m) => m.memberId),
        );
    }
    return out;
  }

  private onRole(s: DeviceSession, role: ClientRole, reason: string): void {
    s.term++;
    if (role !== 'primary') {
      if (s.ready) {
        s.ready = false;
        this.emit({ type: 'device-disconnected', device: s.device, reason: `${role}: ${reason}` });
      }
      return;
    }
    if (s.ready) return;
    const term = s.term;
    this.setUp(s, term).catch((err: Error) => {
      this.log('warn', 'P4Runtime device setup failed', { device: s.device, error: err.message });
    });
  }

  private async setUp(s: DeviceSession, term: number): Promise<void> {
    const cookie = this.opts.pipelineCookie.toString();
    if ((await s.client.pipelineCookie()) !== cookie) {
      await s.client.setPipeline({
        p4info: this.opts.p4info,
        p4DeviceConfig: this.opts.deviceConfig ?? Buffer.alloc(0),
        cookie: { cookie },
      });
      this.log('info', 'pipeline set', { device: s.device, cookie });
    }
    const punt = this.translator.flowToEntry({ ...LLDP_PUNT_RULE, device: s.device });
    try {
      await this.write(s, [{ type: UpdateType.INSERT, entity: { tableEntry: punt } }]);
    } catch (err) {
      const exists = err instanceof P4WriteError && err.perUpdate[0]?.canonicalCode === grpc.status.ALREADY_EXISTS;
      if (!exists) this.log('warn', 'device refused the LLDP punt', { device: s.device, error: (err as Error).message });
    }
    if (s.term !== term || s.client.role !== 'primary') return;
    s.ready = true;
    this.emit({ type: 'device-connected', device: s.device, ports: [] });
  }

  private onPacketIn(s: DeviceSession, p: PacketIn): void {
    if (!s.ready) return;
    const header = this.index.controllerHeader('packet_in');
    const field = header?.metadata?.find((f) => f.name === 'ingress_port');
    const value = p.metadata?.find((m) => m.metadataId === field?.id)?.value;
    if (!field || !value) {
      this.log('warn', 'packet-in without ingress_port metadata; dropped', { device: s.device });
      return;
    }
    try {
      const inPort = decodeNumber(value, field.bitwidth ?? 9);
      this.emit({ type: 'packet-in', device: s.device, inPort, frame: p.payload ?? Buffer.alloc(0) });
    } catch (err) {
      this.log('warn', 'packet-in metadata out of range; dropped', { device: s.device, error: (err as Error).message });
    }
  }

  private sessionOf(device: string): DeviceSession {
    const s = this.sessions.get(device);
    if (!s?.ready || s.client.role !== 'primary') throw new SdncError('SDNC_ERR_DEVICE_NOT_CONNECTED', { device });
    return s;
  }

  private emit(e: DriverEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log('warn', 'driver listener failed', { event: e.type, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}
