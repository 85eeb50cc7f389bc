import { status } from '@grpc/grpc-js';
import { decodeUint, isCanonical, maskPrefixLength } from '../../../../../src/southbound/p4runtime/p4-bytes.js';
import type { IndexedTable, P4InfoIndex } from '../../../../../src/southbound/p4runtime/p4info-index.js';
import {
  type ActionProfileGroup,
  type ActionProfileMember,
  type FieldMatch,
  MatchType,
  type MeterEntryMessage,
  type P4Action,
  type TableEntry,
} from '../../../../../src/southbound/p4runtime/p4runtime-messages.js';

/**
 * Checks a P4Runtime entity against the P4Info the way the specification asks a server to (P4Runtime
 * spec 8.4 "Bytestrings", 9.1 "TableEntry", 9.1.1 "Match Format", 9.2 action profiles, 9.5 meters).
 * Throws an EntityError carrying the canonical gRPC code a conformant server reports for that update.
 */
export class EntityError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

const bad = (msg: string): never => {
  throw new EntityError(status.INVALID_ARGUMENT, msg);
};

export interface ValidatorOptions {
  /** Accept full-width (zero-padded) bytestrings as old PI builds do; canonical ones are always accepted. */
  readonly acceptPadded: boolean;
}

function bytes(b: Buffer | undefined, bitwidth: number, what: string, opts: ValidatorOptions): bigint {
  if (!b || b.length === 0) bad(`${what}: empty bytestring`);
  if (!isCanonical(b!) && !(opts.acceptPadded && b!.length === Math.ceil(bitwidth / 8)))
    bad(`${what}: bytestring 0x${b!.toString('hex')} is not canonical`);
  try {
    return decodeUint(b!, bitwidth);
  } catch (e) {
    return bad(`${what}: ${(e as Error).message}`);
  }
}

/** The entry's identity in its table: match (canonical) plus priority (spec 9.1: the key). */
export function entryKey(e: TableEntry): string {
  const m = [...(e.match ?? [])]
    .sort((a, b) => a.fieldId - b.fieldId)
    .map((f) => {
      const parts = [
        f.exact?.value,
        f.ternary?.value,
        f.ternary?.mask,
        f.lpm?.value,
        f.range?.low,
        f.range?.high,
        f.optional?.value,
      ];
      const hex = parts.map((p) => (p ? canonicalHex(p) : '')).join('/');
      return `${f.fieldId}=${hex}/${f.lpm?.prefixLen ?? ''}`;
    });
  return `${e.tableId}|${e.priority ?? 0}|${m.join(',')}`;
}

function canonicalHex(b: Buffer): string {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i).toString('hex');
}

export function validateTableEntry(
  p4: P4InfoIndex,
  e: TableEntry,
  opts: ValidatorOptions,
  groupExists: (id: number) => boolean,
  forDelete: boolean,
): IndexedTable {
  if (!p4.hasTable(e.tableId)) throw new EntityError(status.NOT_FOUND, `table id ${e.tableId} is not in the P4Info`);
  const table = p4.table(e.tableId);
  if (e.isDefaultAction) bad('default entries are not written by this test server');
  const seen = new Set<number>();
  for (const fm of e.match ?? []) {
    const f = table.fieldsById.get(fm.fieldId);
    if (!f) bad(`table ${table.name} has no field id ${fm.fieldId}`);
    if (seen.has(fm.fieldId)) bad(`field ${f!.name} is matched twice`);
    seen.add(fm.fieldId);
    validateField(fm, f!.name, f!.bitwidth, f!.matchType, opts);
  }
  for (const f of table.fields.values())
    if (f.matchType === MatchType.EXACT && !seen.has(f.id)) bad(`exact field ${f.name} is missing`);
  const priority = e.priority ?? 0;
  if (table.needsPriority && priority <= 0) bad(`table ${table.name} has ternary fields: priority must be > 0`);
  if (!table.needsPriority && priority !== 0) bad(`table ${table.name} has no ternary fields: priority must be 0`);
  if (forDelete) return table;
  const a = e.action;
  if (!a) bad('entry has no action');
  if (table.implementationId !== 0) {
    if (a!.actionProfileGroupId === undefined) bad(`table ${table.name} takes an action profile group`);
    if (!groupExists(a!.actionProfileGroupId!))
      throw new EntityError(status.NOT_FOUND, `group ${a!.actionProfileGroupId} does not exist`);
  } else {
    if (!a!.action) bad(`table ${table.name} takes a direct action`);
    if (!table.actionIds.has(a!.action!.actionId)) bad(`action ${a!.action!.actionId} is not an action of ${table.name}`);
    validateAction(p4, a!.action!, opts);
  }
  return table;
}

function validateField(fm: FieldMatch, name: string, width: number, type: MatchType, opts: ValidatorOptions): void {
  if (type === MatchType.EXACT) {
    if (!fm.exact) bad(`${name} is an exact field`);
    bytes(fm.exact!.value, width, name, opts);
  } else if (type === MatchType.TERNARY) {
    if (!fm.ternary) bad(`${name} is a ternary field`);
    const v = bytes(fm.ternary!.value, width, name, opts);
    const m = bytes(fm.ternary!.mask, width, `${name} mask`, opts);
    if (m === 0n) bad(`${name}: an all-zero mask is a don't-care; omit the field`);
    if ((v & m) !== v) bad(`${name}: value has bits outside the mask`);
  } else if (type === MatchType.LPM) {
    if (!fm.lpm) bad(`${name} is an LPM field`);
    const v = bytes(fm.lpm!.value, width, name, opts);
    const len = fm.lpm!.prefixLen ?? 0;
    if (len <= 0 || len > width) bad(`${name}: prefix length ${len} outside 1..${width}`);
    const host = (1n << BigInt(width - len)) - 1n;
    if ((v & host) !== 0n) bad(`${name}: host bits set under /${len}`);
  } else {
    bad(`${name}: match type ${type} is not supported by this test server`);
  }
}

export function validateAction(p4: P4InfoIndex, a: P4Action, opts: ValidatorOptions): void {
  if (!p4.hasAction(a.actionId)) throw new EntityError(status.NOT_FOUND, `action id ${a.actionId} is not in the P4Info`);
  const def = p4.action(a.actionId);
  const given = new Map((a.params ?? []).map((p) => [p.paramId, p]));
  if (given.size !== (a.params ?? []).length) bad(`action ${def.name}: a parameter is given twice`);
  for (const p of def.params.values()) {
    const v = given.get(p.id);
    if (!v) bad(`action ${def.name}: parameter ${p.name} is missing`);
    bytes(v!.value, p.bitwidth, `${def.name}.${p.name}`, opts);
  }
  for (const id of given.keys()) if (!def.paramsById.has(id)) bad(`action ${def.name} has no parameter id ${id}`);
}

export function validateMember(p4: P4InfoIndex, m: ActionProfileMember, opts: ValidatorOptions): void {
  const profile = p4.actionProfile(m.actionProfileId);
  if (!m.action) bad(`member ${m.memberId} has no action`);
  const ok = (profile.tableIds ?? []).some((t) => p4.table(t).actionIds.has(m.action!.actionId));
  if (!ok) bad(`action ${m.action!.actionId} is not an action of a table of ${profile.preamble.name}`);
  validateAction(p4, m.action!, opts);
}

export function validateGroup(
  p4: P4InfoIndex,
  g: ActionProfileGroup,
  opts: ValidatorOptions,
  memberExists: (id: number) => boolean,
  portWidth: number,
): void {
  const profile = p4.actionProfile(g.actionProfileId);
  const members = g.members ?? [];
  if (profile.maxGroupSize && members.length > profile.maxGroupSize) bad(`group ${g.groupId} exceeds max_group_size`);
  for (const m of members) {
    if (!memberExists(m.memberId)) throw new EntityError(status.NOT_FOUND, `member ${m.memberId} does not exist`);
    if ((m.weight ?? 0) <= 0) bad(`member ${m.memberId} needs a positive weight`);
    if (m.watchPort) bytes(m.watchPort, portWidth, `watch_port of member ${m.memberId}`, opts);
  }
}

export function validateMeter(p4: P4InfoIndex, m: MeterEntryMessage): number {
  const meter = p4.meter(m.meterId);
  const index = Number(m.index?.index ?? -1);
  if (!Number.isInteger(index) || index < 0 || index >= Number(meter.size ?? 0))
    bad(`meter index ${m.index?.index} out of range`);
  const c = m.config;
  if (c && (BigInt(c.cir ?? 0) > BigInt(c.pir ?? 0) || BigInt(c.cburst ?? 0) > BigInt(c.pburst ?? 0)))
    bad('meter: committed rate/burst above peak rate/burst');
  return index;
}

export { maskPrefixLength };
