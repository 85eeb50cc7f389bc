import type { FlowRule, GroupEntry, MeterEntry } from '../../model/flow.js';
import { type BytesForm, decodeUint, encodeUint } from './p4-bytes.js';
import type { IndexedAction, IndexedTable, P4InfoIndex } from './p4info-index.js';
import { CLASSIFY, LABEL_FORWARD, matchShape, NEXT_HOP, type P4Params, SHAPE_BY_NAME } from './p4runtime-actions.js';
import { fromFieldMatches, matchFieldNames, toFieldMatches } from './p4runtime-match.js';
import type { ActionProfileGroup, ActionProfileMember, MeterEntryMessage, P4Action, TableEntry } from './p4runtime-messages.js';

/**
 * Model values <-> P4Runtime entities for sdnc_lsp.p4 (pure: no I/O).
 *
 * FlowRule -> TableEntry: a rule matching exactly in_port + label goes to `label_forward` (all EXACT,
 * priority 0), any other rule to `classify` (all TERNARY, priority = the rule's, which must then be
 * non-zero: P4Runtime spec 9.1 "TableEntry"). The model's cookie, priority and table id ride in the
 * entry's opaque `metadata` (spec: returned unchanged by Read), so a read entry becomes the same rule.
 * GroupEntry -> one ActionProfileMember per bucket (in bucket order), one ActionProfileGroup whose
 * members carry the bucket's watch port, and the `next_hop` entry that sends the group id to it.
 * MeterEntry -> a cell of the indexed `lsp_meter` (bytes): rate and burst in bytes, CIR = PIR and
 * CBS = PBS so the two-rate marker (RFC 2698) only ever colours red above the rate, which drops.
 */

export class TranslationError extends Error {}

const METADATA_VERSION = 1;
const METADATA_BYTES = 14;
/** Member ids: group id in the high bits, bucket index in the low 4 (max_group_size is 16). */
const BUCKET_BITS = 4;

export interface GroupEntities {
  readonly members: ActionProfileMember[];
  readonly group: ActionProfileGroup;
  readonly nextHop: TableEntry;
}

export class P4RuntimeTranslator {
  readonly classify: IndexedTable;
  readonly labelForward: IndexedTable;
  readonly nextHop: IndexedTable;
  readonly selectorId: number;
  readonly meterId: number;
  private readonly meterCells: number;

  constructor(
    readonly p4info: P4InfoIndex,
    readonly form: BytesForm = 'canonical',
  ) {
    this.classify = p4info.table(CLASSIFY);
    this.labelForward = p4info.table(LABEL_FORWARD);
    this.nextHop = p4info.table(NEXT_HOP);
    this.selectorId = this.nextHop.implementationId;
    if (this.selectorId === 0) throw new TranslationError('table next_hop has no action selector');
    const meter = p4info.meter('lsp_meter');
    this.meterId = meter.preamble.id;
    this.meterCells = Number(meter.size ?? 0);
  }

  /** The table a rule belongs in. */
  tableFor(rule: FlowRule): IndexedTable {
    const used = matchFieldNames(rule.match);
    const labelOnly = used.size === 2 && used.has('in_port') && used.has('vid');
    return labelOnly && rule.meterId === undefined ? this.labelForward : this.classify;
  }

  flowToEntry(rule: FlowRule): TableEntry {
    const table = this.tableFor(rule);
    const alias = table === this.classify ? CLASSIFY : LABEL_FORWARD;
    const found = matchShape(alias, rule.actions);
    if (!found) throw new TranslationError(`actions ${describeActions(rule.actions)} have no ${alias} action in sdnc_lsp.p4`);
    if (rule.meterId !== undefined && !found.shape.metered)
      throw new TranslationError(`a meter cannot police a ${found.shape.name} rule`);
    const params: Record<string, bigint> = { ...found.params };
    if (found.shape.metered) params.meter_id = BigInt(this.checkMeterIndex(rule.meterId ?? 0, true));
    if (rule.idleTimeoutS || rule.hardTimeoutS) throw new TranslationError('rule timeouts are not supported on P4 tables');
    const priority = table.needsPriority ? Math.max(1, rule.priority) : 0;
    return {
      tableId: table.id,
      match: toFieldMatches(rule.match, table, this.form),
      action: { action: this.action(found.shape.name, params) },
      ...(priority ? { priority } : {}),
      metadata: encodeRuleMetadata(rule),
    };
  }

  /** A read entry -> the model rule; undefined for `next_hop` entries (they belong to groups). */
  entryToFlow(device: string, e: TableEntry): FlowRule | undefined {
    if (e.tableId === this.nextHop.id) return undefined;
    const table = this.p4info.table(e.tableId);
    const action = e.action?.action;
    if (!action) throw new TranslationError(`entry of ${table.name} has no direct action`);
    const { name, params } = this.readAction(action);
    const shape = SHAPE_BY_NAME.get(name);
    if (!shape) throw new TranslationError(`action ${name} is not one sdnc writes`);
    const meta = decodeRuleMetadata(e.metadata);
    const meterId = shape.metered && params.meter_id !== 0n ? Number(params.meter_id) : undefined;
    return {
      device,
      tableId: meta?.tableId ?? 0,
      priority: meta?.priority ?? e.priority ?? 0,
      match: fromFieldMatches(e.match ?? [], table),
      actions: shape.build(params),
      cookie: meta?.cookie ?? 0,
      ...(meterId === undefined ? {} : { meterId }),
    };
  }

  groupToEntities(g: GroupEntry): GroupEntities {
    if (g.type !== 'fast-failover' && g.type !== 'indirect')
      throw new TranslationError(`${g.type} groups are not supported by sdnc_lsp.p4 (fast-failover and indirect are)`);
    const groupField = this.nextHop.fields.get('group_id')!;
    const groupWidth = groupField.bitwidth;
    if (!Number.isInteger(g.groupId) || g.groupId < 1 || g.groupId >= 2 ** groupWidth)
      throw new TranslationError(`group id ${g.groupId} is outside 1..${2 ** groupWidth - 1}`);
    const max = this.p4info.actionProfile(this.selectorId).maxGroupSize ?? 0;
    if (g.buckets.length === 0 || (max > 0 && g.buckets.length > max) || g.buckets.length > 1 << BUCKET_BITS)
      throw new TranslationError(`group ${g.groupId} has ${g.buckets.length} buckets; 1..${max || 16} fit`);
    if (g.type === 'indirect' && g.buckets.length !== 1) throw new TranslationError('an indirect group has one bucket');
    const watchWidth = this.classify.fields.get('in_port')!.bitwidth;
    const members: ActionProfileMember[] = [];
    const refs: ActionProfileGroup['members'] = g.buckets.map((b, i) => {
      const found = matchShape(NEXT_HOP, b.actions);
      if (!found) throw new TranslationError(`bucket ${i} of group ${g.groupId}: ${describeActions(b.actions)} not expressible`);
      if (b.watchGroup !== undefined) throw new TranslationError('watch groups are not supported by P4Runtime action profiles');
      if (g.type === 'fast-failover' && b.watchPort === undefined)
        throw new TranslationError(`fast-failover bucket ${i} of group ${g.groupId} needs a watch port`);
      const memberId = (g.groupId << BUCKET_BITS) | i;
      members.push({ actionProfileId: this.selectorId, memberId, action: this.action(found.shape.name, found.params) });
      return {
        memberId,
        weight: 1,
        ...(b.watchPort === undefined ? {} : { watchPort: encodeUint(b.watchPort, watchWidth, this.form) }),
      };
    });
    return {
      members,
      group: { actionProfileId: this.selectorId, groupId: g.groupId, members: refs, maxSize: g.buckets.length },
      nextHop: {
        tableId: this.nextHop.id,
        match: [{ fieldId: groupField.id, exact: { value: encodeUint(g.groupId, groupField.bitwidth, this.form) } }],
        action: { actionProfileGroupId: g.groupId },
      },
    };
  }

  /** A read group and the members it names -> the model group (members in the group's order). */
  groupFromEntities(device: string, g: ActionProfileGroup, members: ReadonlyMap<number, ActionProfileMember>): GroupEntry {
    const watchWidth = this.classify.fields.get('in_port')!.bitwidth;
    const refs = g.members ?? [];
    const buckets = refs.map((ref) => {
      const m = members.get(ref.memberId);
      if (!m?.action) throw new TranslationError(`group ${g.groupId} names member ${ref.memberId}, which does not exist`);
      const { name, params } = this.readAction(m.action);
      const shape = SHAPE_BY_NAME.get(name);
      if (!shape) throw new TranslationError(`member action ${name} is not one sdnc writes`);
      const watch = ref.watchPort ? Number(decodeUint(ref.watchPort, watchWidth)) : ref.watch || undefined;
      return { ...(watch === undefined ? {} : { watchPort: watch }), actions: shape.build(params) };
    });
    const indirect = buckets.length === 1 && buckets[0].watchPort === undefined;
    return { device, groupId: g.groupId, type: indirect ? 'indirect' : 'fast-failover', buckets };
  }

  /** The lsp_meter cell of a model meter; `remove` resets it to the default (never colours red). */
  meterToEntry(m: MeterEntry, remove = false): MeterEntryMessage {
    const index = { index: String(this.checkMeterIndex(m.meterId, false)) };
    if (remove) return { meterId: this.meterId, index };
    const cir = String(BigInt(m.rateKbps) * 125n);
    const burst = String(BigInt(m.burstKbits) * 125n);
    return { meterId: this.meterId, index, config: { cir, cburst: burst, pir: cir, pburst: burst } };
  }

  /** A read meter cell -> model meter; undefined for cells with the default (unset) config. */
  meterFromEntry(device: string, e: MeterEntryMessage): MeterEntry | undefined {
    if (e.meterId !== this.meterId || !e.config) return undefined;
    const cir = BigInt(e.config.cir ?? '0');
    const cburst = BigInt(e.config.cburst ?? '0');
    if (cir === 0n && cburst === 0n) return undefined;
    if (cir % 125n !== 0n || cburst % 125n !== 0n)
      throw new TranslationError(`meter cell ${e.index?.index}: ${cir} B/s, ${cburst} B is not a whole kbit/s and kbit`);
    return { device, meterId: Number(e.index?.index ?? 0), rateKbps: Number(cir / 125n), burstKbits: Number(cburst / 125n) };
  }

  private checkMeterIndex(id: number, zeroOk: boolean): number {
    if (!Number.isInteger(id) || id < (zeroOk ? 0 : 1) || id >= this.meterCells)
      throw new TranslationError(`meter id ${id} is outside 1..${this.meterCells - 1}`);
    return id;
  }

  private action(name: string, params: P4Params): P4Action {
    const a = this.p4info.action(name);
    return {
      actionId: a.id,
      params: [...a.params.values()].map((p) => {
        const v = params[p.name];
        if (v === undefined) throw new TranslationError(`action ${name} needs parameter ${p.name}`);
        if (v >> BigInt(p.bitwidth) !== 0n) throw new TranslationError(`${name}.${p.name} = ${v} exceeds ${p.bitwidth} bits`);
        return { paramId: p.id, value: encodeUint(v, p.bitwidth, this.form) };
      }),
    };
  }

  private readAction(a: P4Action): { name: string; params: Record<string, bigint> } {
    const def: IndexedAction = this.p4info.action(a.actionId);
    const params: Record<string, bigint> = {};
    for (const p of a.params ?? []) {
      const spec = def.paramsById.get(p.paramId);
      if (!spec) throw new TranslationError(`action ${def.name} has no parameter id ${p.paramId}`);
      params[spec.name] = decodeUint(p.value ?? Buffer.alloc(0), spec.bitwidth);
    }
    return { name: def.alias, params };
  }
}

/** Version, model table id, priority and cookie of a rule, in the entry's opaque metadata. */
export function encodeRuleMetadata(rule: FlowRule): Buffer {
  if (!Number.isSafeInteger(rule.cookie) || rule.cookie < 0)
    throw new TranslationError(`cookie ${rule.cookie} is not a safe integer`);
  const b = Buffer.alloc(METADATA_BYTES);
  b[0] = METADATA_VERSION;
  b[1] = rule.tableId & 0xff;
  b.writeUInt32BE(rule.priority >>> 0, 2);
  b.writeBigUInt64BE(BigInt(rule.cookie), 6);
  return b;
}

export function decodeRuleMetadata(b: Buffer | undefined): { tableId: number; priority: number; cookie: number } | undefined {
  if (!b || b.length !== METADATA_BYTES || b[0] !== METADATA_VERSION) return undefined;
  return { tableId: b[1], priority: b.readUInt32BE(2), cookie: Number(b.readBigUInt64BE(6)) };
}

function describeActions(actions: readonly { type: string }[]): string {
  return actions.length === 0 ? '[] (drop)' : `[${actions.map((a) => a.type).join(', ')}]`;
}
