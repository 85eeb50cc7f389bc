import type { DeviceState, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import type { Driver, DriverEvent } from './driver.js';
import { batchSize, DEFAULT_OWNERSHIP, diffDeviceState, type OwnershipPolicy } from './flow-diff.js';

export type DeviceStatus = 'in-sync' | 'applied' | 'pending' | 'failed';

export interface DeviceOutcome {
  readonly device: string;
  /** in-sync: nothing to do; applied: a batch was confirmed; pending: no driver has it connected; failed: see error. */
  readonly status: DeviceStatus;
  readonly writes: number;
  readonly error?: string;
}

export interface ConvergeReport {
  readonly outcomes: readonly DeviceOutcome[];
}

export type FlowServiceListener = (outcome: DeviceOutcome) => void;

export interface FlowServiceOptions {
  readonly ownership?: OwnershipPolicy;
  readonly onError?: (device: string, err: unknown) => void;
}

interface OwnedState {
  flows: FlowRule[];
  groups: GroupEntry[];
  meters: MeterEntry[];
}

const EMPTY_REPORT: ConvergeReport = { outcomes: [] };

/**
 * Desired forwarding state per device, contributed by owners (one per intent, keyed by the owner's id),
 * and the loop that makes devices match it: read what the device has (Driver.readState), diff, apply
 * the smallest batch. It runs after every change (coalesced: many changes in one tick cost one pass
 * per touched device) and when a device (re)connects, so a controller restart converges switches
 * without flushing them.
 *
 * Several drivers may be registered (OpenFlow, P4Runtime); a device is served by whichever has it
 * connected. Devices no driver has connected are remembered and converged when they connect.
 */
export class FlowService {
  private readonly desired = new Map<string, Map<string, OwnedState>>();
  private readonly ownerDevices = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  /** Devices whose last pass failed: retried on the next pass, whatever triggers it. */
  private readonly failed = new Set<string>();
  private readonly lastStatus = new Map<string, DeviceStatus>();
  private readonly drivers: Driver[] = [];
  private readonly unsubscribers: (() => void)[] = [];
  private readonly listeners = new Set<FlowServiceListener>();
  private readonly ownership: OwnershipPolicy;
  private readonly onError: (device: string, err: unknown) => void;
  private running: Promise<unknown> = Promise.resolve();
  private queued: Promise<ConvergeReport> | null = null;

  constructor(options: FlowServiceOptions = {}) {
    this.ownership = options.ownership ?? DEFAULT_OWNERSHIP;
    this.onError = options.onError ?? (() => {});
  }

  registerDriver(driver: Driver): void {
    this.drivers.push(driver);
    this.unsubscribers.push(driver.subscribe((e) => this.onDriverEvent(e)));
    for (const d of driver.connectedDevices()) this.dirty.add(d);
    if (this.dirty.size > 0) void this.flush();
  }

  close(): void {
    for (const u of this.unsubscribers.splice(0)) u();
  }

  subscribe(listener: FlowServiceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces everything `owner` wants, on every device. Converges on the next flush (scheduled). */
  setDesired(owner: string, state: DeviceState): void {
    const byDevice = new Map<string, OwnedState>();
    const slot = (device: string): OwnedState => {
      let s = byDevice.get(device);
      if (s === undefined) {
        s = { flows: [], groups: [], meters: [] };
        byDevice.set(device, s);
      }
      return s;
    };
    for (const f of state.flows) slot(f.device).flows.push(f);
    for (const g of state.groups) slot(g.device).groups.push(g);
    for (const m of state.meters) slot(m.device).meters.push(m);
    const before = this.ownerDevices.get(owner);
    if (before) {
      for (const device of before) {
        if (!byDevice.has(device)) {
          this.desired.get(device)?.delete(owner);
          this.dirty.add(device);
        }
      }
    }
    for (const [device, s] of byDevice) {
      let owners = this.desired.get(device);
      if (owners === undefined) {
        owners = new Map();
        this.desired.set(device, owners);
      }
      owners.set(owner, s);
      this.dirty.add(device);
    }
    if (byDevice.size === 0) this.ownerDevices.delete(owner);
    else this.ownerDevices.set(owner, new Set(byDevice.keys()));
    this.scheduleFlush();
  }

  removeDesired(owner: string): void {
    this.setDesired(owner, { flows: [], groups: [], meters: [] });
  }

  /** Devices `owner` has state on. */
  devicesOf(owner: string): string[] {
    return [...(this.ownerDevices.get(owner) ?? [])];
  }

  desiredState(device: string): DeviceState {
    const flows: FlowRule[] = [];
    const groups: GroupEntry[] = [];
    const meters: MeterEntry[] = [];
    for (const s of this.desired.get(device)?.values() ?? []) {
      flows.push(...s.flows);
      groups.push(...s.groups);
      meters.push(...s.meters);
    }
    return { flows, groups, meters };
  }

  /** True when the device's last convergence succeeded and nothing changed since. */
  isConverged(device: string): boolean {
    if (this.dirty.has(device)) return false;
    const s = this.lastStatus.get(device);
    return s === 'in-sync' || s === 'applied';
  }

  status(device: string): DeviceStatus | undefined {
    return this.lastStatus.get(device);
  }

  /**
   * Converges every device changed since the last pass. Calls made while a pass runs share the next
   * pass, so a burst of requests costs one read and one batch per device.
   */
  flush(): Promise<ConvergeReport> {
    if (this.queued !== null) return this.queued;
    const next = this.running.then(() => {
      this.queued = null;
      return this.convergeDirty();
    });
    this.queued = next;
    this.running = next.catch(() => undefined);
    return next;
  }

  private scheduleFlush(): void {
    if (this.queued === null) void this.flush();
  }

  private async convergeDirty(): Promise<ConvergeReport> {
    if (this.dirty.size === 0) return EMPTY_REPORT;
    const devices = [...new Set([...this.dirty, ...this.failed])];
    this.dirty.clear();
    this.failed.clear();
    const outcomes = await Promise.all(devices.map((d) => this.convergeDevice(d)));
    for (const o of outcomes) {
      this.lastStatus.set(o.device, o.status);
      if (o.status === 'failed') this.failed.add(o.device);
      for (const l of this.listeners) l(o);
    }
    return { outcomes };
  }

  private async convergeDevice(device: string): Promise<DeviceOutcome> {
    const driver = this.drivers.find((d) => d.isConnected(device));
    if (driver === undefined) return { device, status: 'pending', writes: 0 };
    try {
      const actual = await driver.readState(device);
      const batch = diffDeviceState(this.desiredState(device), actual, this.ownership);
      const writes = batchSize(batch);
      if (writes === 0) return { device, status: 'in-sync', writes: 0 };
      await driver.apply(device, batch);
      return { device, status: 'applied', writes };
    } catch (err) {
      this.onError(device, err);
      return { device, status: 'failed', writes: 0, error: err instanceof Error ? err.message : String(err) };
    }
  }

  private onDriverEvent(e: DriverEvent): void {
    if (e.type === 'device-connected') {
      this.dirty.add(e.device);
      void this.flush();
    } else if (e.type === 'device-disconnected') {
      this.lastStatus.set(e.device, 'pending');
    }
  }
}
