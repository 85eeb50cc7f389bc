import type { Driver, DriverEvent, DriverListener, PortInfo } from '../../flow/driver.js';
import { SdncError } from '../../model/errors.js';
import type { DeviceBatch, DeviceState, FlowRule } from '../../model/flow.js';
import type { ControlChannelRtt } from '../discovery/discovery-event.js';
import { LLDP_PUNT_RULE } from '../discovery/lldp-frame.js';
import {
  describeError,
  OfpGroupId,
  type OfpMessage,
  OfpMeterId,
  OfpMultipartType,
  type OfpPort,
  OfpPortConfig,
  OfpPortNo,
  OfpPortReason,
  OfpPortState,
  OfpTable,
  OfpType,
  OxmOfbField,
} from './codec/index.js';
import { compileBatch, flowAdd, packetOut } from './openflow-flow-compiler.js';
import { flowRemovedEvent } from './openflow-flow-removed.js';
import type { OpenflowServer } from './openflow-server.js';
import type { OpenflowSession, SessionLog } from './openflow-session.js';
import { decodeEntries, flowFromStats, groupFromDesc, meterFromConfig } from './openflow-state-reader.js';

export interface OpenflowDriverOptions {
  readonly log?: SessionLog;
  /** Extra rules installed on every switch when it connects (cookie 0: not managed by the flow service). */
  readonly infrastructureRules?: readonly Omit<FlowRule, 'device'>[];
}

const TABLE_MISS_COOKIE = 0xffffffffffffffffn;
const PORT_REASONS: Record<number, 'add' | 'delete' | 'modify'> = {
  [OfpPortReason.OFPPR_ADD]: 'add',
  [OfpPortReason.OFPPR_DELETE]: 'delete',
  [OfpPortReason.OFPPR_MODIFY]: 'modify',
};

/**
 * The OpenFlow 1.3 implementation of the southbound Driver over an OpenflowServer. A device counts as
 * connected once its handshake finished and the infrastructure rules (the LLDP punt) are confirmed by a
 * barrier; then `device-connected` carries its ports. Batches are compiled in full before anything is
 * sent (an inexpressible entry sends nothing) and applied phase by phase with a barrier after each; any
 * OFPT_ERROR makes apply() reject with SDNC_ERR_DEVICE_REJECTED naming the refused entries. Every flow
 * it installs (the infrastructure rules too) asks for OFPT_FLOW_REMOVED, surfaced as `flow-removed`.
 */
export class OpenflowDriver implements Driver, ControlChannelRtt {
  readonly protocol = 'openflow13';
  private readonly announced = new Set<string>();
  private readonly listeners = new Set<DriverListener>();
  private readonly log: SessionLog;
  private readonly infraRules: readonly Omit<FlowRule, 'device'>[];

  constructor(
    private readonly server: OpenflowServer,
    opts: OpenflowDriverOptions = {},
  ) {
    this.log = opts.log ?? (() => {});
    this.infraRules = [LLDP_PUNT_RULE, ...(opts.infrastructureRules ?? [])];
    server.onSessionUp((s) => {
      this.onSessionUp(s).catch((err: Error) =>
        this.log('warn', 'switch setup failed', { device: s.device, error: err.message }),
      );
    });
    server.onSessionDown((s, reason) => {
      if (this.announced.delete(s.device)) this.emit({ type: 'device-disconnected', device: s.device, reason });
    });
    server.onMessage((s, m) => this.onMessage(s, m));
  }

  connectedDevices(): string[] {
    return [...this.announced];
  }

  isConnected(device: string): boolean {
    return this.announced.has(device);
  }

  echoRttMs(device: string): number | undefined {
    // The packet-out -> packet-in loop when the switch answers it: what an LLDP probe's control legs cost.
    return this.server.session(device)?.controlRttMs;
  }

  async apply(device: string, batch: DeviceBatch): Promise<void> {
    const session = this.sessionOf(device);
    const phases = compileBatch(device, batch);
    const total = phases.reduce((n, p) => n + p.length, 0);
    for (const phase of phases) {
      const outcome = await session.sendBatch(phase.map((c) => c.msg));
      if (outcome.errors.length > 0) {
        const refused = outcome.errors.map((e) => ({
          entry: phase[e.index]?.what ?? `message ${e.index}`,
          error: describeError(e.error),
        }));
        throw new SdncError('SDNC_ERR_DEVICE_REJECTED', {
          device,
          failed: refused.length,
          total,
          reason: refused
            .slice(0, 3)
            .map((r) => `${r.entry}: ${r.error}`)
            .join('; '),
          refused,
        });
      }
    }
  }

  async readState(device: string): Promise<DeviceState> {
    const session = this.sessionOf(device);
    const [flowParts, groupParts, meterParts] = await Promise.all([
      session.multipart({
        type: OfpType.OFPT_MULTIPART_REQUEST,
        mpType: OfpMultipartType.OFPMP_FLOW,
        flags: 0,
        tableId: OfpTable.OFPTT_ALL,
        outPort: OfpPortNo.OFPP_ANY,
        outGroup: OfpGroupId.OFPG_ANY,
        cookie: 0n,
        cookieMask: 0n,
        match: [],
      }),
      session.multipart({ type: OfpType.OFPT_MULTIPART_REQUEST, mpType: OfpMultipartType.OFPMP_GROUP_DESC, flags: 0 }),
      session.multipart({
        type: OfpType.OFPT_MULTIPART_REQUEST,
        mpType: OfpMultipartType.OFPMP_METER_CONFIG,
        flags: 0,
        meterId: OfpMeterId.OFPM_ALL,
      }),
    ]);
    const skip = (kind: string) => (reason: string) =>
      this.log('warn', `${kind} on the switch cannot be expressed in the model; ignored`, { device, reason });
    const flows = decodeEntries(device, flowParts, OfpMultipartType.OFPMP_FLOW, flowFromStats, skip('flow'));
    const groups = decodeEntries(device, groupParts, OfpMultipartType.OFPMP_GROUP_DESC, groupFromDesc, skip('group'));
    const meters = decodeEntries(device, meterParts, OfpMultipartType.OFPMP_METER_CONFIG, meterFromConfig, skip('meter'));
    return { flows, groups, meters };
  }

  async packetOut(device: string, port: number, frame: Buffer): Promise<void> {
    await this.sessionOf(device).send(packetOut(port, frame));
  }

  /** The rules installed at connect (the LLDP punt first); the flow service's audit restores them. */
  infrastructureRules(device: string): readonly FlowRule[] {
    return this.infraRules.map((r) => ({ ...r, device }));
  }

  subscribe(listener: DriverListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async onSessionUp(s: OpenflowSession): Promise<void> {
    const device = s.device;
    const outcome = await s.sendBatch(this.infraRules.map((r) => flowAdd(device, { ...r, device })));
    for (const e of outcome.errors)
      this.log('warn', 'switch refused an infrastructure rule', { device, error: describeError(e.error) });
    // A reconnect may have replaced this session while the rules were being installed.
    if (this.server.session(device) !== s || s.state !== 'ready') return;
    this.announced.add(device);
    this.emit({ type: 'device-connected', device, ports: [...s.ports.values()].filter(isPhysical).map(portInfo) });
  }

  private onMessage(s: OpenflowSession, m: OfpMessage): void {
    const device = s.device;
    if (!this.announced.has(device)) return;
    if (m.type === OfpType.OFPT_PACKET_IN) {
      const inPortOxm = m.match.find((o) => o.field === OxmOfbField.OFPXMT_OFB_IN_PORT);
      if (!inPortOxm || inPortOxm.field !== OxmOfbField.OFPXMT_OFB_IN_PORT) return;
      this.emit({
        type: 'packet-in',
        device,
        inPort: inPortOxm.value,
        frame: m.data,
        ...(m.cookie === TABLE_MISS_COOKIE ? {} : { cookie: Number(m.cookie) }),
      });
    } else if (m.type === OfpType.OFPT_PORT_STATUS) {
      if (!isPhysical(m.desc)) return;
      this.emit({ type: 'port-status', device, port: portInfo(m.desc), reason: PORT_REASONS[m.reason] ?? 'modify' });
    } else if (m.type === OfpType.OFPT_FLOW_REMOVED) {
      this.emit(flowRemovedEvent(device, m));
    } else if (m.type === OfpType.OFPT_ERROR) {
      this.log('warn', 'unsolicited error from switch', { device, error: describeError(m), xid: m.xid });
    }
  }

  private sessionOf(device: string): OpenflowSession {
    const s = this.server.session(device);
    if (s?.state !== 'ready' || !this.announced.has(device)) throw new SdncError('SDNC_ERR_DEVICE_NOT_CONNECTED', { device });
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

function isPhysical(p: OfpPort): boolean {
  return p.portNo > 0 && p.portNo <= OfpPortNo.OFPP_MAX;
}

/** Up = administratively enabled and link detected (A.2.1 ofp_port_config / ofp_port_state). */
function portInfo(p: OfpPort): PortInfo {
  const up = (p.config & OfpPortConfig.OFPPC_PORT_DOWN) === 0 && (p.state & OfpPortState.OFPPS_LINK_DOWN) === 0;
  return { number: p.portNo, name: p.name, mac: p.hwAddr, up };
}
