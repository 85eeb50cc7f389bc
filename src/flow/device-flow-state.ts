import type { DeviceBatch, DeviceState, FlowMatch, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import type { DeviceStatus } from './device-convergence.js';
import { EntryIndex, type EntryKind, type EntryOwner, type Slot, SlotPool } from './entry-index.js';
import type { OwnershipPolicy } from './flow-diff.js';
import { type FlowIdentity, flowIdentity, flowIdentityOf, groupBody, meterBody, sameFlowBody } from './flow-key.js';
import { ENDS, FLOWS, GROUPS, HeldPool, METERS, OwnerPool } from './owner-pools.js';

export interface OwnedState {
  readonly flows: readonly FlowRule[];
  readonly groups: readonly GroupEntry[];
  readonly meters: readonly MeterEntry[];
}

const groupIdentity = (g: GroupEntry): number => g.groupId;
const meterIdentity = (m: MeterEntry): number => m.meterId;

/**
 * What the device states of one flow service share: the kinds of entries under its ownership policy
 * and the pools their owners, held entries and index slots come from (few large columns instead of
 * objects and small arrays per owner and identity).
 */
export class SharedFlowState {
  readonly flowKind: EntryKind<FlowIdentity, FlowRule>;
  readonly groupKind: EntryKind<number, GroupEntry>;
  readonly meterKind: EntryKind<number, MeterEntry>;
  readonly flowPool = new SlotPool<FlowRule>();
  readonly groupPool = new SlotPool<GroupEntry>();
  readonly meterPool = new SlotPool<MeterEntry>();
  readonly owners = new OwnerPool();
  readonly held = new HeldPool();

  constructor(policy: OwnershipPolicy) {
    this.flowKind = {
      identity: flowIdentity,
      sameBody: sameFlowBody,
      manages: (f) => policy.managesFlow(f),
    };
    this.groupKind = {
      identity: groupIdentity,
      sameBody: (a, b) => groupBody(a) === groupBody(b),
      manages: (g) => policy.managesGroup(g.groupId),
    };
    this.meterKind = {
      identity: meterIdentity,
      sameBody: (a, b) => meterBody(a) === meterBody(b),
      manages: (m) => policy.managesMeter(m.meterId),
    };
  }
}

/**
 * Everything the flow service knows about one device: the desired state per owner (in the order the
 * owners joined, which decides who wins when two want the same identity), indexed by identity, and the
 * state the device last confirmed. While `stale` the confirmed state is unknown (never read, the device
 * reconnected, a batch failed, an audit is due) and the next pass reads the device and diffs in full;
 * otherwise a pass diffs only the identities owners changed since the previous one.
 */
export class DeviceFlowState {
  /** Owner id to its row, in the order the owners joined. */
  private readonly owners = new Map<string, EntryOwner>();
  private readonly ownerPool: OwnerPool;
  private readonly held: HeldPool;
  private readonly flows: EntryIndex<FlowIdentity, FlowRule>;
  private readonly groups: EntryIndex<number, GroupEntry>;
  private readonly meters: EntryIndex<number, MeterEntry>;
  /** The owner last looked up and its row (a change goes through one owner's entries in a row). */
  private cachedOwner: string | undefined;
  private cachedRow: EntryOwner | undefined;
  stale = true;

  /** The FlowService change that last touched the device (see FlowService.changeDesired). */
  edit = 0;
  /** Changed since the flow service's last pass began (listed for its next pass). */
  dirty = false;
  /** The outcome of the flow service's last pass over the device (undefined before the first). */
  status: DeviceStatus | undefined = undefined;

  /** True when the last pass over the device succeeded and nothing changed since. */
  get converged(): boolean {
    return !this.dirty && (this.status === 'in-sync' || this.status === 'applied');
  }

  constructor(
    /** What this state shares with the other devices' (one per flow service and policy), the policy included. */
    shared: SharedFlowState,
    /** The device's id (datapath id). */
    readonly id = '',
  ) {
    this.ownerPool = shared.owners;
    this.held = shared.held;
    this.flows = new EntryIndex(shared.flowKind, shared.flowPool, shared.owners);
    this.groups = new EntryIndex(shared.groupKind, shared.groupPool, shared.owners);
    this.meters = new EntryIndex(shared.meterKind, shared.meterPool, shared.owners);
  }

  /** Replaces what `owner` wants here; undefined removes the owner from the device. */
  setOwner(owner: string, state: OwnedState | undefined): void {
    if (state === undefined) {
      this.removeOwner(owner);
      return;
    }
    this.cachedOwner = undefined;
    let row = this.owners.get(owner);
    if (row === undefined) {
      row = this.ownerPool.alloc();
      this.owners.set(owner, row);
    }
    const flows = this.replaceList(this.flows, row, FLOWS, state.flows);
    const groups = this.replaceList(this.groups, row, GROUPS, state.groups);
    const meters = this.replaceList(this.meters, row, METERS, state.meters);
    if (flows || groups || meters) this.ownerPool.dups[row] = 1;
  }

  /** setOwner(owner, undefined): the owner's entries go and it leaves the device. */
  removeOwner(owner: string): void {
    const row = this.owners.get(owner);
    if (row === undefined) return;
    this.cachedOwner = undefined;
    this.dropList(this.flows, row, FLOWS);
    this.dropList(this.groups, row, GROUPS);
    this.dropList(this.meters, row, METERS);
    this.owners.delete(owner);
    this.ownerPool.release(row);
  }

  /** Drops every entry of the owner's list of one kind from the index, and the list. */
  private dropList<K, T>(index: EntryIndex<K, T>, row: EntryOwner, kind: number): void {
    const held = this.held;
    const ends = this.ownerPool.ends;
    for (let r = ends[row * ENDS + kind]; r >= 0; ) {
      index.drop(held.slot[r], row);
      const next = held.next[r];
      held.release(r);
      r = next;
    }
    ends[row * ENDS + kind] = -1;
    ends[row * ENDS + kind + 1] = -1;
  }

  /** setOwner for one kind: the owner's list becomes `after`. True when `after` names an identity twice. */
  private replaceList<K, T>(index: EntryIndex<K, T>, row: EntryOwner, kind: number, after: readonly T[]): boolean {
    const held = this.held;
    const ends = this.ownerPool.ends;
    const before: T[] = [];
    const beforeSlots: Slot[] = [];
    for (let r = ends[row * ENDS + kind]; r >= 0; ) {
      before.push(held.entry[r] as T);
      beforeSlots.push(held.slot[r]);
      const next = held.next[r];
      held.release(r);
      r = next;
    }
    ends[row * ENDS + kind] = -1;
    ends[row * ENDS + kind + 1] = -1;
    if (before.length === 0 && after.length === 0) return false;
    const { slots, again } = index.replace(row, before, beforeSlots, after);
    for (let i = 0; i < after.length; i++) this.append(row, kind, after[i], slots[i]);
    return again;
  }

  /**
   * Changes what `owner` wants here by a delta: `remove` (the same entry objects it gave before) goes,
   * then `add` joins. Costs the size of the delta and of the owner's entries on this device, not of
   * its whole state (make-before-break phases of large intents change a few entries each).
   */
  changeOwner(owner: string, add: OwnedState, remove: OwnedState): void {
    for (const f of remove.flows) this.removeFlow(owner, f);
    for (const g of remove.groups) this.removeGroup(owner, g);
    for (const m of remove.meters) this.removeMeter(owner, m);
    for (const f of add.flows) this.addFlow(owner, f);
    for (const g of add.groups) this.addGroup(owner, g);
    for (const m of add.meters) this.addMeter(owner, m);
    this.settle(owner);
  }

  /*
   * The steps of a delta, one entry at a time, so that a change spread over many devices needs no
   * per-device grouping: removals first, then additions, then settle(). Between the first step and
   * settle() an owner may be left with no entries and still hold its place (its order among owners).
   */

  /** One more entry of `owner`; it wins over the owner's earlier entry with its identity. */
  addFlow(owner: string, f: FlowRule): void {
    const row = this.joined(owner);
    const at = this.flows.slotFor(flowIdentity(f));
    if (this.flows.addAt(at, row, f)) this.ownerPool.dups[row] = 1;
    this.append(row, FLOWS, f, at);
  }

  /**
   * addFlow of an entry whose identity has the slot `at` (that of an entry of the same identity the
   * change just removed here): the identity is not looked up again.
   */
  addFlowAt(owner: string, f: FlowRule, at: Slot): void {
    const row = this.joined(owner);
    if (this.flows.addAt(at, row, f)) this.ownerPool.dups[row] = 1;
    this.append(row, FLOWS, f, at);
  }

  addGroup(owner: string, g: GroupEntry): void {
    const row = this.joined(owner);
    const at = this.groups.slotFor(g.groupId);
    if (this.groups.addAt(at, row, g)) this.ownerPool.dups[row] = 1;
    this.append(row, GROUPS, g, at);
  }

  addMeter(owner: string, m: MeterEntry): void {
    const row = this.joined(owner);
    const at = this.meters.slotFor(m.meterId);
    if (this.meters.addAt(at, row, m)) this.ownerPool.dups[row] = 1;
    this.append(row, METERS, m, at);
  }

  /**
   * `owner` no longer gives this entry object (every occurrence of it goes). Returns the slot of its
   * identity, valid until the next diff, or -1 when the owner did not give it.
   */
  removeFlow(owner: string, f: FlowRule): Slot {
    const row = this.rowOf(owner);
    return row === undefined ? -1 : this.removeEntry(this.flows, row, FLOWS, f);
  }

  removeGroup(owner: string, g: GroupEntry): void {
    const row = this.rowOf(owner);
    if (row !== undefined) this.removeEntry(this.groups, row, GROUPS, g);
  }

  removeMeter(owner: string, m: MeterEntry): void {
    const row = this.rowOf(owner);
    if (row !== undefined) this.removeEntry(this.meters, row, METERS, m);
  }

  /** Ends a delta of `owner`: left without entries, it leaves the device. True when it stays. */
  settle(owner: string): boolean {
    const row = this.rowOf(owner);
    if (row === undefined) return false;
    const ends = this.ownerPool.ends;
    const at = row * ENDS;
    if (ends[at + FLOWS] >= 0 || ends[at + GROUPS] >= 0 || ends[at + METERS] >= 0) return true;
    this.owners.delete(owner);
    this.ownerPool.release(row);
    this.cachedOwner = undefined;
    return false;
  }

  private rowOf(owner: string): EntryOwner | undefined {
    if (owner !== this.cachedOwner) {
      this.cachedOwner = owner;
      this.cachedRow = this.owners.get(owner);
    }
    return this.cachedRow;
  }

  private joined(owner: string): EntryOwner {
    let row = this.rowOf(owner);
    if (row === undefined) {
      row = this.ownerPool.alloc();
      this.owners.set(owner, row);
      this.cachedRow = row;
    }
    return row;
  }

  /** Appends an entry and its slot to the owner's list of one kind. */
  private append(row: EntryOwner, kind: number, e: unknown, slot: Slot): void {
    const held = this.held;
    const r = held.alloc(e, slot);
    const ends = this.ownerPool.ends;
    const tail = ends[row * ENDS + kind + 1];
    if (tail < 0) ends[row * ENDS + kind] = r;
    else held.next[tail] = r;
    ends[row * ENDS + kind + 1] = r;
  }

  /**
   * Removes every occurrence of one entry object from the owner's list of its kind, and from the index.
   * Returns the slot of its identity, -1 when the list did not hold it.
   */
  private removeEntry<K, T>(index: EntryIndex<K, T>, row: EntryOwner, kind: number, e: T): Slot {
    const held = this.held;
    const { entry, slot, next } = held;
    const ends = this.ownerPool.ends;
    const head = row * ENDS + kind;
    let at = -1;
    let prev = -1;
    for (let r = ends[head]; r >= 0; ) {
      const after = next[r];
      if (entry[r] === e) {
        // Every occurrence of the object has its identity, so its slot.
        at = slot[r];
        if (prev < 0) ends[head] = after;
        else next[prev] = after;
        if (ends[head + 1] === r) ends[head + 1] = prev;
        held.release(r);
      } else prev = r;
      r = after;
    }
    if (at < 0 || !index.dropAt(at, row, e) || this.ownerPool.dups[row] === 0) return at;
    // The owner still names the dropped identity with another entry: its latest one wants it again.
    let latest = -1;
    for (let r = ends[head]; r >= 0; r = next[r]) if (slot[r] === at) latest = r;
    if (latest >= 0) index.addAt(at, row, entry[latest] as T);
    return at;
  }

  /** Whether a non-stale pass would have anything to look at. */
  hasChanges(): boolean {
    return this.stale || this.flows.hasTouched() || this.groups.hasTouched() || this.meters.hasTouched();
  }

  /**
   * Whether some owner wants the flow entry the device reported removed: by identity (table, priority,
   * match) when the report carries the match, otherwise any wanted entry with its table, priority and
   * cookie.
   */
  wantsFlow(removed: { tableId: number; priority: number; cookie: number; match?: FlowMatch }): boolean {
    const { tableId, priority, cookie, match } = removed;
    if (match !== undefined) return this.flows.wants(flowIdentityOf(tableId, priority, match));
    const { entry, next } = this.held;
    const ends = this.ownerPool.ends;
    for (const row of this.owners.values()) {
      for (let r = ends[row * ENDS + FLOWS]; r >= 0; r = next[r]) {
        const f = entry[r] as FlowRule;
        if (f.tableId === tableId && f.priority === priority && f.cookie === cookie) return true;
      }
    }
    return false;
  }

  /** Every owner's entries, owners in the order they joined (the input of a full diff). */
  desired(): DeviceState {
    const flows: FlowRule[] = [];
    const groups: GroupEntry[] = [];
    const meters: MeterEntry[] = [];
    const { entry, next } = this.held;
    const ends = this.ownerPool.ends;
    for (const row of this.owners.values()) {
      for (let r = ends[row * ENDS + FLOWS]; r >= 0; r = next[r]) flows.push(entry[r] as FlowRule);
      for (let r = ends[row * ENDS + GROUPS]; r >= 0; r = next[r]) groups.push(entry[r] as GroupEntry);
      for (let r = ends[row * ENDS + METERS]; r >= 0; r = next[r]) meters.push(entry[r] as MeterEntry);
    }
    return { flows, groups, meters };
  }

  /** The batch for the identities changed since the last pass. */
  diffTouched(): DeviceBatch {
    return toBatch(this.flows.diffTouched(), this.groups.diffTouched(), this.meters.diffTouched());
  }

  /** The batch that turns `actual` (just read from the device) into the desired state; clears `stale`. */
  diffAll(actual: DeviceState): DeviceBatch {
    this.stale = false;
    return toBatch(this.flows.diffAll(actual.flows), this.groups.diffAll(actual.groups), this.meters.diffAll(actual.meters));
  }

  /** The device confirmed `batch`, the result of the last diff. */
  commit(batch: DeviceBatch): void {
    this.flows.commit(batch.addFlows, batch.modifyFlows);
    this.groups.commit(batch.addGroups, batch.modifyGroups);
    this.meters.commit(batch.addMeters, batch.modifyMeters);
  }
}

function toBatch(
  flows: { add: FlowRule[]; modify: FlowRule[]; remove: FlowRule[] },
  groups: { add: GroupEntry[]; modify: GroupEntry[]; remove: GroupEntry[] },
  meters: { add: MeterEntry[]; modify: MeterEntry[]; remove: MeterEntry[] },
): DeviceBatch {
  return {
    addMeters: meters.add,
    modifyMeters: meters.modify,
    addGroups: groups.add,
    modifyGroups: groups.modify,
    addFlows: flows.add,
    modifyFlows: flows.modify,
    deleteFlows: flows.remove,
    deleteGroups: groups.remove,
    deleteMeters: meters.remove,
  };
}
