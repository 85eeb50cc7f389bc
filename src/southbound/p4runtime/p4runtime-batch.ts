import type { DeviceBatch, FlowRule, GroupEntry, MeterEntry } from '../../model/flow.js';
import { type Entity, type Update, UpdateType } from './p4runtime-messages.js';
import type { P4RuntimeTranslator } from './p4runtime-translator.js';

/** One Write: its updates and, per update, what it was for (for error messages). */
export interface WritePhase {
  readonly updates: Update[];
  readonly what: string[];
}

/**
 * A DeviceBatch as ordered Writes (pure: builds values, sends nothing). A server may reorder the
 * updates of one Write (P4Runtime spec 12.2 "Batching and Ordering of Updates"), so everything that
 * depends on something else goes in a later Write: members before the groups naming them, groups
 * before the next_hop entries and rules using them, and on removal the reverse. Meters are cells of an
 * indexed meter: set and reset with MODIFY (spec 9.5: INSERT and DELETE do not apply).
 *
 * `currentMembers` gives, for each group being modified, the member ids it has on the device now, so a
 * group that shrinks loses its extra members after the group stops naming them.
 */
export function buildWritePhases(
  t: P4RuntimeTranslator,
  batch: DeviceBatch,
  currentMembers: ReadonlyMap<number, readonly number[]> = new Map(),
): WritePhase[] {
  const meters = phase();
  const members = phase();
  const groups = phase();
  const flows = phase();
  const flowDeletes = phase();
  const groupDeletes = phase();
  const memberDeletes = phase();
  const meterResets = phase();

  for (const m of [...batch.addMeters, ...batch.modifyMeters])
    meters.add(UpdateType.MODIFY, { meterEntry: t.meterToEntry(m) }, meterWhat(m));
  for (const g of batch.addGroups) {
    const e = t.groupToEntities(g);
    for (const m of e.members) members.add(UpdateType.INSERT, { actionProfileMember: m }, `${groupWhat(g)} member ${m.memberId}`);
    groups.add(UpdateType.INSERT, { actionProfileGroup: e.group }, groupWhat(g));
    flows.add(UpdateType.INSERT, { tableEntry: e.nextHop }, `${groupWhat(g)} next_hop entry`);
  }
  for (const g of batch.modifyGroups) {
    const e = t.groupToEntities(g);
    const before = new Set(currentMembers.get(g.groupId) ?? []);
    for (const m of e.members) {
      const type = before.has(m.memberId) ? UpdateType.MODIFY : UpdateType.INSERT;
      members.add(type, { actionProfileMember: m }, `${groupWhat(g)} member ${m.memberId}`);
    }
    groups.add(UpdateType.MODIFY, { actionProfileGroup: e.group }, groupWhat(g));
    const kept = new Set(e.members.map((m) => m.memberId));
    for (const id of before) {
      if (!kept.has(id))
        memberDeletes.add(
          UpdateType.DELETE,
          { actionProfileMember: { actionProfileId: t.selectorId, memberId: id } },
          `${groupWhat(g)} member ${id}`,
        );
    }
  }
  for (const f of batch.addFlows) flows.add(UpdateType.INSERT, { tableEntry: t.flowToEntry(f) }, flowWhat(f));
  for (const f of batch.modifyFlows) flows.add(UpdateType.MODIFY, { tableEntry: t.flowToEntry(f) }, flowWhat(f));
  for (const f of batch.deleteFlows) flowDeletes.add(UpdateType.DELETE, { tableEntry: t.flowToEntry(f) }, flowWhat(f));
  for (const g of batch.deleteGroups) {
    const e = t.groupToEntities(g);
    flowDeletes.add(UpdateType.DELETE, { tableEntry: e.nextHop }, `${groupWhat(g)} next_hop entry`);
    groupDeletes.add(UpdateType.DELETE, { actionProfileGroup: e.group }, groupWhat(g));
    for (const m of e.members)
      memberDeletes.add(UpdateType.DELETE, { actionProfileMember: m }, `${groupWhat(g)} member ${m.memberId}`);
  }
  for (const m of batch.deleteMeters)
    meterResets.add(UpdateType.MODIFY, { meterEntry: t.meterToEntry(m, true) }, `${meterWhat(m)} reset`);

  return [meters, members, groups, flows, flowDeletes, groupDeletes, memberDeletes, meterResets]
    .filter((p) => p.updates.length > 0)
    .map(({ updates, what }) => ({ updates, what }));
}

function phase() {
  const updates: Update[] = [];
  const what: string[] = [];
  return {
    updates,
    what,
    add(type: UpdateType, entity: Entity, label: string) {
      updates.push({ type, entity });
      what.push(label);
    },
  };
}

export function flowWhat(f: FlowRule): string {
  return `rule priority ${f.priority} cookie ${f.cookie} match ${JSON.stringify(f.match)}`;
}

function groupWhat(g: GroupEntry): string {
  return `group ${g.groupId}`;
}

function meterWhat(m: MeterEntry): string {
  return `meter ${m.meterId}`;
}
