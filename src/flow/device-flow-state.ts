import type { DeviceBatch, DeviceState, FlowMatch, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import { EntryIndex, type EntryKind, type EntryOwner, type Slot, SlotPool } from './entry-index.js';
import type { OwnershipPolicy } from './flow-diff.js';
import { type FlowIdentity, flowIdentity, flowIdentityOf, groupBody, meterBody, sameFlowBody } from './flow-key.js';

export interface OwnedState {
  readonly flows: readonly FlowRule[];
  readonly groups: readonly GroupEntry[];
  readonly meters: readonly MeterEntry[];
}

const NOTHING: OwnedState = { flows: [], groups: [], meters: [] };

/**
 * One kind's entries of an owner on the device, each followed by its index slot: [entry, slot, entry,
 * slot, ...] (one array per owner and kind; an owner's slot stays in the index while it wants it).
 */
type Held<T> = (T | Slot)[];

/**
 * One owner's entries on the device (arrays it owns). The same object for as long as the owner has a
 * place on the device: the indexes know the owner by it.
 */
interface OwnerSlot extends EntryOwner {
  flows: Held<FlowRule>;
  groups: Held<GroupEntry>;
  meters: Held<MeterEntry>;
  /** Whether the owner named an identity twice here: a removal then looks for its other entry. */
  dups: boolean;
}

/** Shared by slots without entries of a kind; frozen, so a write would throw. */
const NONE: never[] = Object.freeze([]) as never[];

function newSlot(seq: number): OwnerSlot {
  return { seq, flows: NONE, groups: NONE, meters: NONE, dups: false };
}

/** The entries of a held list. */
function entriesOf<T>(held: Held<T>): T[] {
  const out: T[] = new Array(held.length / 2);
  for (let i = 0; i < held.length; i += 2) out[i / 2] = held[i] as T;
  return out;
}

/** The slots of a held list. */
function slotsOf<T>(held: Held<T>): Slot[] {
  const out: Slot[] = new Array(held.length / 2);
  for (let i = 1; i < held.length; i += 2) out[(i - 1) / 2] = held[i] as Slot;
  return out;
}

/** Entries and their slots as a held list (the shared empty array when there are none). */
function heldOf<T>(entries: readonly T[], slots: readonly Slot[]): Held<T> {
  if (entries.length === 0) return NONE;
  const out: Held<T> = new Array(entries.length * 2);
  for (let i = 0; i < entries.length; i++) {
    out[2 * i] = entries[i];
    out[2 * i + 1] = slots[i];
  }
  return out;
}

/**
 * `held` with `e` and its slot appended. Most owners have a few entries on a device: small lists are
 * rebuilt at their exact size (a push would reserve room for 16 more), larger ones grow in place.
 */
function append<T>(held: Held<T>, e: T, slot: Slot): Held<T> {
  switch (held.length) {
    case 0:
      return [e, slot];
    case 2:
      return [held[0], held[1], e, slot];
    case 4:
      return [held[0], held[1], held[2], held[3], e, slot];
    default:
      held.push(e, slot);
      return held;
  }
}

const groupIdentity = (g: GroupEntry): number => g.groupId;
const meterIdentity = (m: MeterEntry): number => m.meterId;

/**
 * What the device states of one flow service share: the kinds of entries under its ownership policy
 * and the pools their index slots come from (few large columns instead of an object per identity).
 */
export class SharedFlowState {
  readonly flowKind: EntryKind<FlowIdentity, FlowRule>;
  readonly groupKind: EntryKind<number, GroupEntry>;
  readonly meterKind: EntryKind<number, MeterEntry>;
  readonly flowPool = new SlotPool<FlowRule>();
  readonly groupPool = new SlotPool<GroupEntry>();
  readonly meterPool = new SlotPool<MeterEntry>();

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
  private readonly owners = new Map<string, OwnerSlot>();
  private nextSeq = 0;
  private readonly flows: EntryIndex<FlowIdentity, FlowRule>;
  private readonly groups: EntryIndex<number, GroupEntry>;
  private readonly meters: EntryIndex<number, MeterEntry>;
  /** The owner last looked up and its slot (a change goes through one owner's entries in a row). */
  private cachedOwner: string | undefined;
  private cachedSlot: OwnerSlot | undefined;
  stale = true;

  /** The FlowService change that last touched the device (see FlowService.changeDesired). */
  edit = 0;

  constructor(
    policy: OwnershipPolicy,
    /** The device's id (datapath id). */
    readonly id = '',
    /** What this state shares with the other devices' (one per flow service and policy). */
    shared: SharedFlowState = new SharedFlowState(policy),
  ) {
    this.flows = new EntryIndex(shared.flowKind, shared.flowPool);
    this.groups = new EntryIndex(shared.groupKind, shared.groupPool);
    this.meters = new EntryIndex(shared.meterKind, shared.meterPool);
  }

  /** Replaces what `owner` wants here; undefined removes the owner from the device. */
  setOwner(owner: string, state: OwnedState | undefined): void {
    this.cachedOwner = undefined;
    let slot = this.owners.get(owner);
    if (slot === undefined) {
      if (state === undefined) return;
      slot = newSlot(this.nextSeq++);
      this.owners.set(owner, slot);
    }
    const after = state ?? NOTHING;
    const flows = this.flows.replace(slot, entriesOf(slot.flows), slotsOf(slot.flows), after.flows);
    const groups = this.groups.replace(slot, entriesOf(slot.groups), slotsOf(slot.groups), after.groups);
    const meters = this.meters.replace(slot, entriesOf(slot.meters), slotsOf(slot.meters), after.meters);
    if (flows.again || groups.again || meters.again) slot.dups = true;
    slot.flows = heldOf(after.flows, flows.slots);
    slot.groups = heldOf(after.groups, groups.slots);
    slot.meters = heldOf(after.meters, meters.slots);
    if (state === undefined) this.owners.delete(owner);
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
    const slot = this.joined(owner);
    const at = this.flows.slotFor(flowIdentity(f));
    if (this.flows.addAt(at, slot, f)) slot.dups = true;
    slot.flows = append(slot.flows, f, at);
  }

  addGroup(owner: string, g: GroupEntry): void {
    const slot = this.joined(owner);
    const at = this.groups.slotFor(g.groupId);
    if (this.groups.addAt(at, slot, g)) slot.dups = true;
    slot.groups = append(slot.groups, g, at);
  }

  addMeter(owner: string, m: MeterEntry): void {
    const slot = this.joined(owner);
    const at = this.meters.slotFor(m.meterId);
    if (this.meters.addAt(at, slot, m)) slot.dups = true;
    slot.meters = append(slot.meters, m, at);
  }

  /** `owner` no longer gives this entry object (every occurrence of it goes). */
  removeFlow(owner: string, f: FlowRule): void {
    const slot = this.slotOf(owner);
    if (slot !== undefined) removeEntry(this.flows, slot, slot.flows, f);
  }

  removeGroup(owner: string, g: GroupEntry): void {
    const slot = this.slotOf(owner);
    if (slot !== undefined) removeEntry(this.groups, slot, slot.groups, g);
  }

  removeMeter(owner: string, m: MeterEntry): void {
    const slot = this.slotOf(owner);
    if (slot !== undefined) removeEntry(this.meters, slot, slot.meters, m);
  }

  /** Ends a delta of `owner`: left without entries, it leaves the device. True when it stays. */
  settle(owner: string): boolean {
    const slot = this.slotOf(owner);
    if (slot === undefined) return false;
    if (slot.flows.length > 0 || slot.groups.length > 0 || slot.meters.length > 0) return true;
    this.owners.delete(owner);
    this.cachedOwner = undefined;
    return false;
  }

  private slotOf(owner: string): OwnerSlot | undefined {
    if (owner !== this.cachedOwner) {
      this.cachedOwner = owner;
      this.cachedSlot = this.owners.get(owner);
    }
    return this.cachedSlot;
  }

  private joined(owner: string): OwnerSlot {
    let slot = this.slotOf(owner);
    if (slot === undefined) {
      slot = newSlot(this.nextSeq++);
      this.owners.set(owner, slot);
      this.cachedSlot = slot;
    }
    return slot;
  }

  hasOwner(owner: string): boolean {
    return this.owners.has(owner);
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
    for (const slot of this.owners.values()) {
      for (let i = 0; i < slot.flows.length; i += 2) {
        const f = slot.flows[i] as FlowRule;
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
    for (const slot of this.owners.values()) {
      for (let i = 0; i < slot.flows.length; i += 2) flows.push(slot.flows[i] as FlowRule);
      for (let i = 0; i < slot.groups.length; i += 2) groups.push(slot.groups[i] as GroupEntry);
      for (let i = 0; i < slot.meters.length; i += 2) meters.push(slot.meters[i] as MeterEntry);
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

/** Removes every occurrence of one entry object (and its slot) from a held list, in place, and from the index. */
function removeEntry<K, T>(index: EntryIndex<K, T>, owner: OwnerSlot, held: Held<T>, e: T): void {
  let w = held.indexOf(e);
  // An entry is never a slot, so it is found at an even position.
  if (w < 0) return;
  // Every occurrence of the object has its identity, so its slot.
  const at = held[w + 1] as Slot;
  for (let i = w + 2; i < held.length; i += 2) {
    if (held[i] !== e) {
      held[w] = held[i];
      held[w + 1] = held[i + 1];
      w += 2;
    }
  }
  held.length = w;
  if (!index.dropAt(at, owner, e) || !owner.dups) return;
  // The owner still names the dropped identity with another entry: its latest one wants it again.
  const j = held.lastIndexOf(at);
  if (j > 0) index.addAt(at, owner, held[j - 1] as T);
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
