import type { DeviceBatch, DeviceState, FlowMatch, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import { EntryIndex } from './entry-index.js';
import type { OwnershipPolicy } from './flow-diff.js';
import { type FlowIdentity, flowBody, flowIdentity, flowIdentityOf, groupBody, meterBody } from './flow-key.js';

export interface OwnedState {
  readonly flows: readonly FlowRule[];
  readonly groups: readonly GroupEntry[];
  readonly meters: readonly MeterEntry[];
}

const NOTHING: OwnedState = { flows: [], groups: [], meters: [] };

interface OwnerSlot {
  readonly seq: number;
  state: OwnedState;
  /** Identities of `state`'s entries, in the same order. */
  keys: Keys;
}

interface Keys {
  readonly flows: readonly FlowIdentity[];
  readonly groups: readonly number[];
  readonly meters: readonly number[];
}

const NO_KEYS: Keys = { flows: [], groups: [], meters: [] };

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
  stale = true;

  constructor(policy: OwnershipPolicy) {
    this.flows = new EntryIndex({ identity: flowIdentity, body: flowBody, manages: (f) => policy.managesFlow(f) });
    this.groups = new EntryIndex({
      identity: (g) => g.groupId,
      body: groupBody,
      manages: (g) => policy.managesGroup(g.groupId),
    });
    this.meters = new EntryIndex({
      identity: (m) => m.meterId,
      body: meterBody,
      manages: (m) => policy.managesMeter(m.meterId),
    });
  }

  /** Replaces what `owner` wants here; undefined removes the owner from the device. */
  setOwner(owner: string, state: OwnedState | undefined): void {
    const slot = this.owners.get(owner);
    const before = slot?.state ?? NOTHING;
    const was = slot?.keys ?? NO_KEYS;
    const after = state ?? NOTHING;
    const seq = slot?.seq ?? this.nextSeq;
    const keys: Keys = {
      flows: this.flows.replace(owner, seq, was.flows, before.flows, after.flows),
      groups: this.groups.replace(owner, seq, was.groups, before.groups, after.groups),
      meters: this.meters.replace(owner, seq, was.meters, before.meters, after.meters),
    };
    if (state === undefined) {
      this.owners.delete(owner);
    } else if (slot === undefined) {
      this.owners.set(owner, { seq: this.nextSeq++, state, keys });
    } else {
      slot.state = state;
      slot.keys = keys;
    }
  }

  /**
   * Changes what `owner` wants here by a delta: `remove` (the same entry objects it gave before) goes,
   * then `add` joins. Costs the size of the delta, not of the owner's whole state (make-before-break
   * phases of large intents change a few entries each).
   */
  changeOwner(owner: string, add: OwnedState, remove: OwnedState): void {
    let slot = this.owners.get(owner);
    if (slot === undefined) {
      if (add.flows.length === 0 && add.groups.length === 0 && add.meters.length === 0) return;
      slot = { seq: this.nextSeq++, state: NOTHING, keys: NO_KEYS };
      this.owners.set(owner, slot);
    }
    const seq = slot.seq;
    const flows = change(this.flows, owner, seq, slot.state.flows, slot.keys.flows, add.flows, remove.flows, flowIdentity);
    const groups = change(
      this.groups,
      owner,
      seq,
      slot.state.groups,
      slot.keys.groups,
      add.groups,
      remove.groups,
      (g) => g.groupId,
    );
    const meters = change(
      this.meters,
      owner,
      seq,
      slot.state.meters,
      slot.keys.meters,
      add.meters,
      remove.meters,
      (m) => m.meterId,
    );
    if (flows.entries.length === 0 && groups.entries.length === 0 && meters.entries.length === 0) {
      this.owners.delete(owner);
      return;
    }
    slot.state = { flows: flows.entries, groups: groups.entries, meters: meters.entries };
    slot.keys = { flows: flows.keys, groups: groups.keys, meters: meters.keys };
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
    for (const { state } of this.owners.values()) {
      for (const f of state.flows) if (f.tableId === tableId && f.priority === priority && f.cookie === cookie) return true;
    }
    return false;
  }

  /** Every owner's entries, owners in the order they joined (the input of a full diff). */
  desired(): DeviceState {
    const flows: FlowRule[] = [];
    const groups: GroupEntry[] = [];
    const meters: MeterEntry[] = [];
    for (const { state } of this.owners.values()) {
      for (const f of state.flows) flows.push(f);
      for (const g of state.groups) groups.push(g);
      for (const m of state.meters) meters.push(m);
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

/** One kind's entries of an owner after removing `remove` and adding `add`, with their identities. */
function change<K, T>(
  index: EntryIndex<K, T>,
  owner: string,
  seq: number,
  entries: readonly T[],
  keys: readonly K[],
  add: readonly T[],
  remove: readonly T[],
  identity: (e: T) => K,
): { entries: readonly T[]; keys: readonly K[] } {
  if (add.length === 0 && remove.length === 0) return { entries, keys };
  let outEntries: T[];
  let outKeys: K[];
  if (remove.length === 0) {
    outEntries = entries.slice();
    outKeys = keys.slice();
  } else {
    const gone = new Set(remove);
    const dropped: K[] = [];
    outEntries = [];
    outKeys = [];
    for (let i = 0; i < entries.length; i++) {
      if (!gone.has(entries[i])) {
        outEntries.push(entries[i]);
        outKeys.push(keys[i]);
      } else if (index.drop(keys[i], owner, entries[i])) dropped.push(keys[i]);
    }
    // The owner still names a dropped identity with another entry: its latest one wants it again.
    for (const k of dropped) {
      const i = outKeys.lastIndexOf(k);
      if (i >= 0) index.add(k, owner, seq, outEntries[i]);
    }
  }
  for (const e of add) {
    const k = identity(e);
    index.add(k, owner, seq, e);
    outEntries.push(e);
    outKeys.push(k);
  }
  return { entries: outEntries, keys: outKeys };
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
