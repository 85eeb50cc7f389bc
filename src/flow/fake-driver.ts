import type { DeviceBatch, DeviceState, FlowRule } from '../model/flow.js';
import type { Driver, DriverEvent, DriverListener, PortInfo } from './driver.js';
import { FakeFlowTable } from './fake-flow-table.js';
import { EMPTY_BATCH } from './flow-diff.js';

/**
 * An in-process Driver over FakeFlowTables. Tables outlive disconnects, as a real switch keeps its
 * flows when the controller connection drops, so reconnect reconciliation can be tested. Tests can
 * toggle port liveness (fast-failover watches it), make the next apply fail, count writes, and delete
 * flows behind the controller's back. Like a switch whose flows ask for OFPFF_SEND_FLOW_REM, it emits
 * `flow-removed` for every flow deleted, by apply() or behind the back.
 */
export class FakeDriver implements Driver {
  readonly protocol: string;
  private readonly tables = new Map<string, FakeFlowTable>();
  private readonly connected = new Set<string>();
  private readonly listeners = new Set<DriverListener>();
  private readonly failures = new Map<string, string>();
  /** Number of apply() calls that reached a table. */
  applyCalls = 0;
  readonly packetsOut: { device: string; port: number; frame: Buffer }[] = [];

  constructor(protocol = 'fake') {
    this.protocol = protocol;
  }

  /** Connects a device (creating its empty table the first time) and announces it. */
  connect(device: string, ports: readonly PortInfo[] = []): FakeFlowTable {
    const table = this.table(device);
    this.connected.add(device);
    this.emit({ type: 'device-connected', device, ports });
    return table;
  }

  disconnect(device: string, reason = 'test disconnect'): void {
    if (!this.connected.delete(device)) return;
    this.emit({ type: 'device-disconnected', device, reason });
  }

  /** The device's table, created empty when it did not exist. */
  table(device: string): FakeFlowTable {
    let t = this.tables.get(device);
    if (t === undefined) {
      t = new FakeFlowTable(device);
      this.tables.set(device, t);
    }
    return t;
  }

  findTable(device: string): FakeFlowTable | undefined {
    return this.tables.get(device);
  }

  devices(): string[] {
    return [...this.tables.keys()];
  }

  setPortUp(device: string, port: number, up: boolean): void {
    this.table(device).setPortUp(port, up);
    this.emit({
      type: 'port-status',
      device,
      port: { number: port, name: `p${port}`, mac: '00:00:00:00:00:00', up },
      reason: 'modify',
    });
  }

  /**
   * Deletes the device's flows that `which` selects (all by default) behind the service's back, as
   * `ovs-ofctl del-flows` does, and reports each removal as a switch that was asked for it would
   * (OFPFF_SEND_FLOW_REM, reason delete) while the device is connected. Returns the deleted rules.
   */
  deleteFlowsBehindBack(device: string, which: (f: FlowRule) => boolean = () => true): FlowRule[] {
    const table = this.table(device);
    const gone = table.state().flows.filter(which);
    const writes = table.writes;
    table.apply({ ...EMPTY_BATCH, deleteFlows: gone });
    table.writes = writes; // not the controller's writes
    if (this.connected.has(device)) this.reportRemoved(device, gone);
    return gone;
  }

  /** The next apply() to `device` rejects with `message` (one-shot), as a switch error would. */
  failNextApply(device: string, message: string): void {
    this.failures.set(device, message);
  }

  /** Sum of flow, group and meter writes over all tables. */
  totalWrites(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.writes;
    return n;
  }

  totalFlows(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.flowCount();
    return n;
  }

  connectedDevices(): string[] {
    return [...this.connected];
  }

  isConnected(device: string): boolean {
    return this.connected.has(device);
  }

  async apply(device: string, batch: DeviceBatch): Promise<void> {
    if (!this.connected.has(device)) throw new Error(`device ${device} is not connected`);
    const failure = this.failures.size === 0 ? undefined : this.failures.get(device);
    if (failure !== undefined) {
      this.failures.delete(device);
      throw new Error(failure);
    }
    this.applyCalls++;
    // A switch reports the removal of every entry installed with OFPFF_SEND_FLOW_REM, ours included.
    this.reportRemoved(device, this.table(device).apply(batch));
  }

  async readState(device: string): Promise<DeviceState> {
    if (!this.connected.has(device)) throw new Error(`device ${device} is not connected`);
    return this.table(device).state();
  }

  async packetOut(device: string, port: number, frame: Buffer): Promise<void> {
    if (!this.connected.has(device)) throw new Error(`device ${device} is not connected`);
    this.packetsOut.push({ device, port, frame });
  }

  subscribe(listener: DriverListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private reportRemoved(device: string, flows: readonly FlowRule[]): void {
    for (let i = 0; i < flows.length; i++) {
      const { cookie, tableId, priority, match } = flows[i];
      this.emit({ type: 'flow-removed', device, cookie, tableId, priority, reason: 'delete', match });
    }
  }

  private emit(event: DriverEvent): void {
    for (const l of this.listeners) l(event);
  }
}
