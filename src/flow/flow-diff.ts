import type { DeviceBatch, DeviceState, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import { flowBody, flowIdentity, groupBody, meterBody } from './flow-key.js';

/** Which of the state found on a device the flow service is responsible for. Unmanaged state is left alone. */
export interface OwnershipPolicy {
  managesFlow(rule: FlowRule): boolean;
  managesGroup(groupId: number): boolean;
  managesMeter(meterId: number): boolean;
}

/**
 * Rules with cookie 0 are controller infrastructure (table-miss, discovery punts) installed by whoever
 * owns them; the flow service converges everything else, including rules left behind by intents that no
 * longer exist (for example after a restart).
 */
export const DEFAULT_OWNERSHIP: OwnershipPolicy = {
  managesFlow: (rule) => rule.cookie !== 0,
  managesGroup: () => true,
  managesMeter: () => true,
};

export const EMPTY_BATCH: DeviceBatch = {
  addMeters: [],
  modifyMeters: [],
  addGroups: [],
  modifyGroups: [],
  addFlows: [],
  modifyFlows: [],
  deleteFlows: [],
  deleteGroups: [],
  deleteMeters: [],
};

export function batchSize(b: DeviceBatch): number {
  return (
    b.addMeters.length +
    b.modifyMeters.length +
    b.addGroups.length +
    b.modifyGroups.length +
    b.addFlows.length +
    b.modifyFlows.length +
    b.deleteFlows.length +
    b.deleteGroups.length +
    b.deleteMeters.length
  );
}

/**
 * The smallest batch that turns `actual` into `desired`: missing entries are added, entries whose body
 * differs are modified, managed entries nobody wants are deleted, and correct ones are not touched.
 */
export function diffDeviceState(
  desired: DeviceState,
  actual: DeviceState,
  policy: OwnershipPolicy = DEFAULT_OWNERSHIP,
): DeviceBatch {
  const flows = diffById(desired.flows, actual.flows, flowIdentity, flowBody, policy.managesFlow);
  const groups = diffById(
    desired.groups,
    actual.groups,
    (g: GroupEntry) => String(g.groupId),
    groupBody,
    (g) => policy.managesGroup(g.groupId),
  );
  const meters = diffById(
    desired.meters,
    actual.meters,
    (m: MeterEntry) => String(m.meterId),
    meterBody,
    (m) => policy.managesMeter(m.meterId),
  );
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

function diffById<K, T>(
  desired: readonly T[],
  actual: readonly T[],
  identity: (x: T) => K,
  body: (x: T) => string,
  manages: (x: T) => boolean,
): { add: T[]; modify: T[]; remove: T[] } {
  const have = new Map<K, T>();
  for (const a of actual) have.set(identity(a), a);
  // Two owners wanting the same identity: the later one wins, every pass the same, so devices never flap.
  const want = new Map<K, T>();
  for (const d of desired) want.set(identity(d), d);
  const add: T[] = [];
  const modify: T[] = [];
  for (const [id, d] of want) {
    const cur = have.get(id);
    if (cur === undefined) add.push(d);
    else if (body(cur) !== body(d)) modify.push(d);
  }
  const remove: T[] = [];
  for (const [id, a] of have) if (!want.has(id) && manages(a)) remove.push(a);
  return { add, modify, remove };
}
