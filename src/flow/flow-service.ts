import type { DeviceState, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import { type ConvergeReport, convergeDevice, type DeviceOutcome } from './device-convergence.js';
import { DeviceFlowState, type OwnedState, SharedFlowState } from './device-flow-state.js';
import type { Driver, DriverEvent, FlowRemovedEvent } from './driver.js';
import { FlowAuditor } from './flow-auditor.js';
import { DEFAULT_OWNERSHIP, type OwnershipPolicy } from './flow-diff.js';
import { sameIdentity } from './flow-key.js';
import type { FlowServiceOptions } from './flow-service-options.js';
import { RemovalAuditScheduler } from './removal-audit.js';
import { byDevice, isParts } from './state-parts.js';

export type FlowServiceListener = (outcome: DeviceOutcome) => void;

const EMPTY_REPORT: ConvergeReport = { outcomes: [] };
const NOTHING: OwnedState = { flows: [], groups: [], meters: [] };
/** No parts: the removals of a changeDesired that only adds. */
const NO_PARTS: readonly DeviceState[] = Object.freeze([]);
const NO_STATES: readonly DeviceFlowState[] = Object.freeze([]);
/** Owner of a driver's own infrastructure rules (the LLDP punt): no intent id looks like this. */
const INFRASTRUCTURE_OWNER = '#infrastructure';

/** What FlowService.walk does with each entry of a list: the kind of the entries and the direction. */
const REMOVE_FLOW = 0;
const REMOVE_GROUP = 1;
const REMOVE_METER = 2;
const ADD_FLOW = 3;
const ADD_GROUP = 4;
const ADD_METER = 5;
type Step = 0 | 1 | 2 | 3 | 4 | 5;

/**
 * Desired forwarding state per device, contributed by owners (one per intent, keyed by the owner's id),
 * and the loop that makes devices match it. Per device it keeps the state the device last confirmed
 * (read back, then every batch the driver confirmed applied), so a change of a few owners costs a diff
 * of just their entries and a batch of just the delta. The device is read back and diffed in full only
 * when that confirmed state may be wrong: on (re)connect, after a failed batch, on the periodic
 * audit, which also brings back entries removed on a switch that stayed connected, and shortly after a
 * device reports that it removed a wanted flow (`flow-removed`), which brings them back at once.
 *
 * Passes are coalesced: many changes in one tick cost one pass per touched device. Several drivers
 * may be registered (OpenFlow, P4Runtime); a device is served by whichever has it connected. Devices
 * no driver has connected are remembered and converged when they connect, so a controller restart
 * converges switches without flushing them.
 *
 * Infrastructure rules a driver installs itself (Driver.infrastructureRules, e.g. the LLDP punt) are
 * desired state of the device too, under a reserved owner: the audit re-installs them like any other
 * entry, while cookie-0 rules nobody declared are still left alone (DEFAULT_OWNERSHIP).
 */
export class FlowService {
  private readonly devices = new Map<string, DeviceFlowState>();
  /** Per owner, the states of the devices it has state on. */
  private readonly ownerDevices = new Map<string, DeviceFlowState[]>();
  /**
   * desiredVersion() per owner that wants something; `changes` counts every change of any owner (the
   * number of a changeDesired call is also what a device state notes as the last change touching it).
   */
  private readonly versions = new Map<string, number>();
  private changes = 0;
  /** Devices changed since the last pass began (each flagged `dirty`, listed once). */
  private dirty: DeviceFlowState[] = [];
  /** Devices whose last pass failed: retried (with a read-back) on the next pass, whatever triggers it. */
  private readonly failed = new Set<string>();
  /** Devices an audit asked to read back; unlike `dirty` they do not make isConverged() false. */
  private readonly auditing = new Set<string>();
  private readonly drivers: Driver[] = [];
  private readonly unsubscribers: (() => void)[] = [];
  private readonly listeners = new Set<FlowServiceListener>();
  private readonly ownership: OwnershipPolicy;
  private readonly shared: SharedFlowState;
  private readonly onError: (device: string, err: unknown) => void;
  private readonly maxConcurrent: number;
  private readonly auditor: FlowAuditor;
  private readonly removalAudits: RemovalAuditScheduler | null;
  private running: Promise<unknown> = Promise.resolve();
  /**
   * The flows the running changeDesired removed, their devices' states and the slots of their
   * identities (the first goneCount of each; kept between calls to spare allocations), and how many
   * flows it added so far.
   */
  private readonly goneFlows: (FlowRule | undefined)[] = [];
  private readonly goneStates: (DeviceFlowState | undefined)[] = [];
  private readonly goneSlots: number[] = [];
  private goneCount = 0;
  /** The devices the running changeDesired reached so far: the first touchedCount (the list is kept). */
  private readonly touchedStates: DeviceFlowState[] = [];
  private touchedCount = 0;
  private addedCount = 0;
  private queued: Promise<ConvergeReport> | null = null;

  constructor(options: FlowServiceOptions = {}) {
    this.ownership = options.ownership ?? DEFAULT_OWNERSHIP;
    this.shared = new SharedFlowState(this.ownership);
    this.onError = options.onError ?? (() => {});
    this.maxConcurrent = Math.max(1, options.maxConcurrentDevices ?? 64);
    this.auditor = new FlowAuditor(this, {
      intervalMs: options.auditIntervalMs ?? 10_000,
      jitter: options.auditJitter ?? 0.2,
      concurrency: options.auditConcurrency ?? 4,
    });
    const removalDelayMs = options.removalAuditDelayMs ?? 150;
    this.removalAudits = removalDelayMs > 0 ? new RemovalAuditScheduler((d) => this.audit([d]), removalDelayMs) : null;
  }

  registerDriver(driver: Driver): void {
    this.drivers.push(driver);
    this.unsubscribers.push(driver.subscribe((e) => this.onDriverEvent(driver, e)));
    for (const d of driver.connectedDevices()) this.deviceUp(driver, d);
    if (this.dirty.length > 0) void this.flush();
    this.auditor.start();
  }

  close(): void {
    this.auditor.stop();
    this.removalAudits?.stop();
    for (const u of this.unsubscribers.splice(0)) u();
  }

  subscribe(listener: FlowServiceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces everything `owner` wants, on every device. Converges on the next flush (scheduled). */
  setDesired(owner: string, state: DeviceState): void {
    const before = this.ownerDevices.get(owner);
    // An owner that wants nothing yet: its state joins entry by entry, with no per-device grouping.
    if (before === undefined) {
      this.changeDesired(owner, state);
      return;
    }
    if (state.flows.length === 0 && state.groups.length === 0 && state.meters.length === 0) {
      // The owner leaves every device: its entries go without building lists of what it keeps.
      for (let i = 0; i < before.length; i++) {
        before[i].removeOwner(owner);
        this.markDirty(before[i]);
      }
      this.ownerDevices.delete(owner);
      this.versions.delete(owner);
      this.changes++;
      this.scheduleFlush();
      return;
    }
    const perDevice = byDevice(state);
    for (const state of before) {
      if (!perDevice.has(state.id)) {
        state.removeOwner(owner);
        this.markDirty(state);
      }
    }
    const mine: DeviceFlowState[] = [];
    for (const [device, s] of perDevice) {
      const state = this.device(device);
      state.setOwner(owner, s);
      mine.push(state);
      this.markDirty(state);
    }
    this.ownerDevices.set(owner, mine);
    this.versions.set(owner, ++this.changes);
    this.scheduleFlush();
  }

  /**
   * Changes what `owner` wants by a delta: the entries of `remove` (the same objects it gave before)
   * go, those of `add` join. Same outcome as setDesired with the resulting state, at the cost of the
   * delta only. Either side may be given in parts (several states), which saves merging them.
   */
  changeDesired(
    owner: string,
    add: DeviceState | readonly DeviceState[],
    remove: DeviceState | readonly DeviceState[] = NO_PARTS,
  ): void {
    // Entry by entry, removals first, with the device of the previous entry at hand (entries mostly
    // come grouped by device); then the owner settles on every device touched.
    const edit = ++this.changes;
    const touched = this.touchedStates;
    this.touchedCount = 0;
    let at: DeviceFlowState | undefined;
    this.goneCount = 0;
    this.addedCount = 0;
    if (isParts(remove)) for (let p = 0; p < remove.length; p++) at = this.walkPart(owner, remove[p], false, edit, at);
    else at = this.walkPart(owner, remove, false, edit, at);
    if (isParts(add)) for (let p = 0; p < add.length; p++) at = this.walkPart(owner, add[p], true, edit, at);
    else at = this.walkPart(owner, add, true, edit, at);
    // Let go of the removed flows (the lists are kept for the next change).
    for (let i = 0; i < this.goneCount; i++) {
      this.goneFlows[i] = undefined;
      this.goneStates[i] = undefined;
    }
    // The owner's devices: those the change left alone, then those it touched where the owner stays.
    const before = this.ownerDevices.get(owner);
    const mine: DeviceFlowState[] = [];
    if (before !== undefined) for (let i = 0; i < before.length; i++) if (before[i].edit !== edit) mine.push(before[i]);
    const changed = this.touchedCount > 0;
    for (let i = 0; i < this.touchedCount; i++) {
      const state = touched[i];
      this.markDirty(state);
      if (state.settle(owner)) mine.push(state);
    }
    if (mine.length === 0) {
      this.ownerDevices.delete(owner);
      this.versions.delete(owner);
    } else {
      this.ownerDevices.set(owner, mine);
      this.versions.set(owner, edit);
    }
    if (changed) this.scheduleFlush();
  }

  /** The steps of change `edit` for one part of a delta: its removals (`add` false) or additions. */
  private walkPart(
    owner: string,
    part: DeviceState,
    add: boolean,
    edit: number,
    at: DeviceFlowState | undefined,
  ): DeviceFlowState | undefined {
    let state = at;
    state = this.walk(owner, part.flows, add ? ADD_FLOW : REMOVE_FLOW, edit, state);
    state = this.walk(owner, part.groups, add ? ADD_GROUP : REMOVE_GROUP, edit, state);
    return this.walk(owner, part.meters, add ? ADD_METER : REMOVE_METER, edit, state);
  }

  /**
   * One step of change `edit` for each entry of `entries` (all of the kind `step` names), in order.
   * `at` is the state of the device the previous entry was on; the one of the last entry is returned,
   * so the next list starts from it.
   */
  private walk(
    owner: string,
    entries: readonly (FlowRule | GroupEntry | MeterEntry)[],
    step: Step,
    edit: number,
    at: DeviceFlowState | undefined,
  ): DeviceFlowState | undefined {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (at === undefined || e.device !== at.id) at = this.touch(e.device, edit);
      if (step === REMOVE_FLOW) this.removedFlow(at, e as FlowRule, at.removeFlow(owner, e as FlowRule));
      else if (step === REMOVE_GROUP) at.removeGroup(owner, e as GroupEntry);
      else if (step === REMOVE_METER) at.removeMeter(owner, e as MeterEntry);
      else if (step === ADD_FLOW) this.addFlow(owner, at, e as FlowRule);
      else if (step === ADD_GROUP) at.addGroup(owner, e as GroupEntry);
      else at.addMeter(owner, e as MeterEntry);
    }
    return at;
  }

  /** Notes a flow the current change removed (with the slot of its identity) for addFlow to pair. */
  private removedFlow(at: DeviceFlowState, f: FlowRule, slot: number): void {
    if (slot < 0) return;
    const n = this.goneCount++;
    this.goneFlows[n] = f;
    this.goneStates[n] = at;
    this.goneSlots[n] = slot;
  }

  /**
   * Adds a flow of the current change. A change that modifies rules removes each old rule and adds
   * its successor with the same identity, mostly in the same order: the n-th added flow is first
   * compared with the n-th removed one, whose slot it then takes without building its identity key.
   */
  private addFlow(owner: string, at: DeviceFlowState, f: FlowRule): void {
    const n = this.addedCount++;
    const gone = n < this.goneCount && this.goneStates[n] === at ? this.goneFlows[n] : undefined;
    if (gone !== undefined && sameIdentity(gone, f)) {
      at.addFlowAt(owner, f, this.goneSlots[n]);
    } else at.addFlow(owner, f);
  }

  /** The device's state, listed in touchedStates the first time change `edit` reaches it. */
  private touch(device: string, edit: number): DeviceFlowState {
    const state = this.device(device);
    if (state.edit !== edit) {
      state.edit = edit;
      this.touchedStates[this.touchedCount++] = state;
    }
    return state;
  }

  removeDesired(owner: string): void {
    this.setDesired(owner, NOTHING);
  }

  /**
   * A number that changes whenever what `owner` wants changes (setDesired, changeDesired, removeDesired)
   * and is 0 exactly when it wants nothing: a caller that remembers it knows whether the owner's state
   * is still the one it set, and may then change it by a delta.
   */
  desiredVersion(owner: string): number {
    return this.versions.get(owner) ?? 0;
  }

  /** Devices `owner` has state on. */
  devicesOf(owner: string): string[] {
    return (this.ownerDevices.get(owner) ?? []).map((s) => s.id);
  }

  /**
   * The first of `owner`'s devices whose last pass failed; else 'pending' while one is not converged,
   * 'done' when all are (or it has none). The intent layer asks for every intent of a batch.
   */
  ownerStatus(owner: string): 'done' | 'pending' | { device: string } {
    let pending = false;
    for (const state of this.ownerDevices.get(owner) ?? NO_STATES) {
      if (state.status === 'failed') return { device: state.id };
      if (!state.converged) pending = true;
    }
    return pending ? 'pending' : 'done';
  }

  /** Everything wanted on the device, owners in the order they joined it (infrastructure included). */
  desiredState(device: string): DeviceState {
    return this.devices.get(device)?.desired() ?? NOTHING;
  }

  /** True when the device's last convergence succeeded and nothing changed since. */
  isConverged(device: string): boolean {
    return this.devices.get(device)?.converged === true;
  }

  /** Connected devices, for the audit. */
  connectedDevices(): string[] {
    const out = new Set<string>();
    for (const d of this.drivers) for (const dev of d.connectedDevices()) out.add(dev);
    return [...out];
  }

  /**
   * Reads these devices back and converges them (the audit; also usable on demand). Resolves with
   * the report of the pass that did it.
   */
  audit(devices: Iterable<string>): Promise<ConvergeReport> {
    for (const d of devices) {
      this.device(d).stale = true;
      this.auditing.add(d);
    }
    return this.flush();
  }

  /**
   * Converges every device changed since the last pass. Calls made while a pass runs share the next
   * pass, so a burst of requests costs one batch per device.
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

  private device(id: string): DeviceFlowState {
    let s = this.devices.get(id);
    if (s === undefined) {
      s = new DeviceFlowState(this.shared, id);
      this.devices.set(id, s);
    }
    return s;
  }

  private markDirty(state: DeviceFlowState): void {
    if (state.dirty) return;
    state.dirty = true;
    this.dirty.push(state);
  }

  private scheduleFlush(): void {
    if (this.queued === null) void this.flush();
  }

  private async convergeDirty(): Promise<ConvergeReport> {
    const dirty = this.dirty;
    if (dirty.length === 0 && this.auditing.size === 0 && this.failed.size === 0) return EMPTY_REPORT;
    this.dirty = [];
    // The dirty states themselves, then those of failed and audited devices not among them.
    const states = dirty;
    for (let i = 0; i < states.length; i++) states[i].dirty = false;
    if (this.failed.size > 0 || this.auditing.size > 0) {
      const listed = new Set(states.map((s) => s.id));
      for (const d of [...this.failed, ...this.auditing]) {
        if (listed.has(d)) continue;
        listed.add(d);
        states.push(this.device(d));
      }
    }
    this.failed.clear();
    this.auditing.clear();
    const outcomes: DeviceOutcome[] = new Array(states.length);
    let next = 0;
    const worker = async () => {
      while (next < states.length) {
        const i = next++;
        const state = states[i];
        outcomes[i] = await convergeDevice(state.id, this.driverOf(state.id), state, this.onError);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.maxConcurrent, states.length) }, worker));
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i];
      states[i].status = o.status;
      if (o.status === 'failed') this.failed.add(o.device);
      for (const l of this.listeners) l(o);
    }
    return { outcomes };
  }

  /** The driver that has the device connected. */
  private driverOf(device: string): Driver | undefined {
    const drivers = this.drivers;
    for (let i = 0; i < drivers.length; i++) if (drivers[i].isConnected(device)) return drivers[i];
    return undefined;
  }

  private deviceUp(driver: Driver, device: string): void {
    const state = this.device(device);
    state.stale = true;
    const infra = driver.infrastructureRules?.(device) ?? [];
    state.setOwner(INFRASTRUCTURE_OWNER, infra.length > 0 ? { flows: infra, groups: [], meters: [] } : undefined);
    this.markDirty(state);
  }

  private onDriverEvent(driver: Driver, e: DriverEvent): void {
    if (e.type === 'device-connected') {
      this.deviceUp(driver, e.device);
      void this.flush();
    } else if (e.type === 'device-disconnected') {
      const state = this.device(e.device);
      state.stale = true;
      state.status = 'pending';
    } else if (e.type === 'flow-removed') {
      this.onFlowRemoved(e);
    }
  }

  /**
   * Only removals of wanted entries lead to an audit: the reports of our own deletions (entries nobody
   * wants any more) must not read the device again. Timeouts are left alone too: an entry with a
   * timeout is meant to go, and restoring it at once would defeat the timeout (the periodic audit
   * treats it as before).
   */
  private onFlowRemoved(e: FlowRemovedEvent): void {
    if (this.removalAudits === null || e.reason === 'idle-timeout' || e.reason === 'hard-timeout') return;
    if (this.devices.get(e.device)?.wantsFlow(e)) this.removalAudits.removed(e.device);
  }
}
