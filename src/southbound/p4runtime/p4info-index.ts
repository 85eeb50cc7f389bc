import {
  MatchType,
  type P4Info,
  type P4InfoAction,
  type P4InfoActionProfile,
  type P4InfoControllerPacketMetadata,
  type P4InfoMatchField,
  type P4InfoMeter,
  type P4InfoTable,
} from './p4runtime-messages.js';

/** Top byte of a P4Info id (p4info.proto P4Ids.Prefix). */
export enum P4IdPrefix {
  ACTION = 0x01,
  TABLE = 0x02,
  VALUE_SET = 0x03,
  CONTROLLER_HEADER = 0x04,
  ACTION_PROFILE = 0x11,
  COUNTER = 0x12,
  DIRECT_COUNTER = 0x13,
  METER = 0x14,
  DIRECT_METER = 0x15,
}

export class P4InfoError extends Error {}

export interface IndexedField {
  readonly id: number;
  readonly name: string;
  readonly bitwidth: number;
  readonly matchType: MatchType;
}

export interface IndexedTable {
  readonly id: number;
  readonly name: string;
  readonly fields: ReadonlyMap<string, IndexedField>;
  readonly fieldsById: ReadonlyMap<number, IndexedField>;
  readonly actionIds: ReadonlySet<number>;
  readonly implementationId: number;
  /** Priority is required iff a field is TERNARY, RANGE or OPTIONAL (P4Runtime spec 9.1 "TableEntry"). */
  readonly needsPriority: boolean;
}

export interface IndexedParam {
  readonly id: number;
  readonly name: string;
  readonly bitwidth: number;
}

export interface IndexedAction {
  readonly id: number;
  readonly name: string;
  /** The P4Info alias (preamble.alias), or the name when the P4Info gives none. */
  readonly alias: string;
  readonly params: ReadonlyMap<string, IndexedParam>;
  readonly paramsById: ReadonlyMap<number, IndexedParam>;
}

/**
 * Names <-> ids and bitwidths of one P4Info. Objects are found by full name ("SdncIngress.classify")
 * or alias ("classify"). Ids must carry the prefix of their kind; a P4Info that breaks that is refused.
 */
export class P4InfoIndex {
  private readonly tablesByName = new Map<string, IndexedTable>();
  private readonly tablesById = new Map<number, IndexedTable>();
  private readonly actionsByName = new Map<string, IndexedAction>();
  private readonly actionsById = new Map<number, IndexedAction>();
  private readonly profilesById = new Map<number, P4InfoActionProfile>();
  private readonly profilesByName = new Map<string, P4InfoActionProfile>();
  private readonly metersById = new Map<number, P4InfoMeter>();
  private readonly metersByName = new Map<string, P4InfoMeter>();
  private readonly packetMetadata = new Map<string, P4InfoControllerPacketMetadata>();

  constructor(readonly p4info: P4Info) {
    for (const t of p4info.tables ?? []) this.addTable(t);
    for (const a of p4info.actions ?? []) this.addAction(a);
    for (const p of p4info.actionProfiles ?? []) {
      checkPrefix(p.preamble.id, P4IdPrefix.ACTION_PROFILE, 'action profile');
      this.profilesById.set(p.preamble.id, p);
      for (const n of names(p.preamble)) this.profilesByName.set(n, p);
    }
    for (const m of p4info.meters ?? []) {
      checkPrefix(m.preamble.id, P4IdPrefix.METER, 'meter');
      this.metersById.set(m.preamble.id, m);
      for (const n of names(m.preamble)) this.metersByName.set(n, m);
    }
    for (const c of p4info.controllerPacketMetadata ?? []) {
      checkPrefix(c.preamble.id, P4IdPrefix.CONTROLLER_HEADER, 'controller packet metadata');
      for (const n of names(c.preamble)) this.packetMetadata.set(n, c);
    }
  }

  table(nameOrId: string | number): IndexedTable {
    const t = typeof nameOrId === 'number' ? this.tablesById.get(nameOrId) : this.tablesByName.get(nameOrId);
    if (!t) throw new P4InfoError(`table ${String(nameOrId)} is not in the P4Info`);
    return t;
  }

  hasTable(id: number): boolean {
    return this.tablesById.has(id);
  }

  action(nameOrId: string | number): IndexedAction {
    const a = typeof nameOrId === 'number' ? this.actionsById.get(nameOrId) : this.actionsByName.get(nameOrId);
    if (!a) throw new P4InfoError(`action ${String(nameOrId)} is not in the P4Info`);
    return a;
  }

  hasAction(id: number): boolean {
    return this.actionsById.has(id);
  }

  actionProfile(nameOrId: string | number): P4InfoActionProfile {
    const p = typeof nameOrId === 'number' ? this.profilesById.get(nameOrId) : this.profilesByName.get(nameOrId);
    if (!p) throw new P4InfoError(`action profile ${String(nameOrId)} is not in the P4Info`);
    return p;
  }

  meter(nameOrId: string | number): P4InfoMeter {
    const m = typeof nameOrId === 'number' ? this.metersById.get(nameOrId) : this.metersByName.get(nameOrId);
    if (!m) throw new P4InfoError(`meter ${String(nameOrId)} is not in the P4Info`);
    return m;
  }

  /** The @controller_header("packet_in" | "packet_out") metadata, in header order. */
  controllerHeader(name: 'packet_in' | 'packet_out'): P4InfoControllerPacketMetadata | undefined {
    return this.packetMetadata.get(name);
  }

  private addTable(t: P4InfoTable): void {
    checkPrefix(t.preamble.id, P4IdPrefix.TABLE, 'table');
    const fields = new Map<string, IndexedField>();
    const fieldsById = new Map<number, IndexedField>();
    let needsPriority = false;
    for (const f of t.matchFields ?? []) {
      const field = indexField(t, f);
      fields.set(field.name, field);
      fieldsById.set(field.id, field);
      if (field.matchType === MatchType.TERNARY || field.matchType === MatchType.RANGE || field.matchType === MatchType.OPTIONAL)
        needsPriority = true;
    }
    const table: IndexedTable = {
      id: t.preamble.id,
      name: t.preamble.name ?? '',
      fields,
      fieldsById,
      actionIds: new Set((t.actionRefs ?? []).map((r) => r.id)),
      implementationId: t.implementationId ?? 0,
      needsPriority,
    };
    this.tablesById.set(table.id, table);
    for (const n of names(t.preamble)) this.tablesByName.set(n, table);
  }

  private addAction(a: P4InfoAction): void {
    checkPrefix(a.preamble.id, P4IdPrefix.ACTION, 'action');
    const params = new Map<string, IndexedParam>();
    const paramsById = new Map<number, IndexedParam>();
    for (const p of a.params ?? []) {
      const param = { id: p.id, name: p.name ?? String(p.id), bitwidth: p.bitwidth ?? 0 };
      if (param.bitwidth <= 0) throw new P4InfoError(`param ${param.name} of action ${a.preamble.name} has no bitwidth`);
      params.set(param.name, param);
      paramsById.set(param.id, param);
    }
    const name = a.preamble.name ?? '';
    const action: IndexedAction = { id: a.preamble.id, name, alias: a.preamble.alias || name, params, paramsById };
    this.actionsById.set(action.id, action);
    for (const n of names(a.preamble)) this.actionsByName.set(n, action);
  }
}

function indexField(t: P4InfoTable, f: P4InfoMatchField): IndexedField {
  const name = f.name ?? String(f.id);
  if (!f.bitwidth || f.bitwidth <= 0) throw new P4InfoError(`field ${name} of table ${t.preamble.name} has no bitwidth`);
  if (!f.matchType) throw new P4InfoError(`field ${name} of table ${t.preamble.name} has no standard match type`);
  return { id: f.id, name, bitwidth: f.bitwidth, matchType: f.matchType };
}

function names(p: { name?: string; alias?: string }): string[] {
  return [p.name, p.alias].filter((n): n is string => n !== undefined && n !== '');
}

function checkPrefix(id: number, prefix: P4IdPrefix, kind: string): void {
  if (id >>> 24 !== prefix) throw new P4InfoError(`${kind} id 0x${id.toString(16)} lacks the 0x${prefix.toString(16)} prefix`);
}
