import { decodeUint } from '../../../../../src/southbound/p4runtime/p4-bytes.js';
import type { IndexedTable } from '../../../../../src/southbound/p4runtime/p4info-index.js';
import type { TableEntry } from '../../../../../src/southbound/p4runtime/p4runtime-messages.js';
import type { DeviceTables } from './fake-p4rt-server.js';

/**
 * A tiny model of sdnc_lsp.p4's ingress over the entries a FakeP4RuntimeServer holds: which entry a
 * packet hits (classify by highest priority among ternary matches, else label_forward by exact key),
 * what its action does to the label and where the packet goes, following next_hop groups to their
 * first member whose watch port is up (the identity-hash selector of the program). It answers "where
 * does this packet go" so an intent's rules can be traced switch by switch without a P4 target.
 */

export interface TracePacket {
  readonly inPort: number;
  /** VLAN id of a tagged frame (the label); absent when untagged. */
  readonly vid?: number;
  /** Header values by classify field name (eth_type, ipv4_src, ipv4_dst, ip_proto, l4_dst, arp_tpa, ...). */
  readonly fields: Readonly<Record<string, bigint>>;
}

export interface TraceResult {
  readonly table: 'classify' | 'label_forward' | 'miss';
  readonly action: string;
  /** Port number, 'cpu' or 'drop'. */
  readonly out: number | 'cpu' | 'drop';
  /** Label on the frame as it leaves; undefined when untagged. */
  readonly vid?: number;
  readonly dstMac?: bigint;
  readonly meterId?: number;
  readonly groupId?: number;
}

const CPU_PORT = 255;

export function tracePacket(d: DeviceTables, pkt: TracePacket, portsDown: ReadonlySet<number> = new Set()): TraceResult {
  const p4 = d.pipeline?.index;
  if (!p4) return { table: 'miss', action: 'no pipeline', out: 'drop' };
  const classify = p4.table('classify');
  const labelForward = p4.table('label_forward');
  const values: Record<string, bigint> = { ...pkt.fields, in_port: BigInt(pkt.inPort), vid: BigInt(pkt.vid ?? 0) };
  const entries = [...d.entries.values()];

  let hit: TableEntry | undefined;
  let table: TraceResult['table'] = 'miss';
  for (const e of entries) {
    if (e.tableId !== classify.id || !matches(e, classify, values)) continue;
    if (!hit || (e.priority ?? 0) > (hit.priority ?? 0)) hit = e;
  }
  if (hit) table = 'classify';
  else {
    hit = entries.find((e) => e.tableId === labelForward.id && matches(e, labelForward, values));
    if (hit) table = 'label_forward';
  }
  if (!hit?.action?.action) return { table: 'miss', action: 'drop (default)', out: 'drop' };

  let state: State = { out: 'drop', vid: pkt.vid, action: '' };
  state = run(p4.action(hit.action.action.actionId).name, params(p4, hit.action.action), state, pkt.inPort);
  if (state.groupId !== undefined) {
    const nextHop = p4.table('next_hop');
    const entry = entries.find((e) => e.tableId === nextHop.id && matches(e, nextHop, { group_id: BigInt(state.groupId!) }));
    const group = entry ? d.groups.get(entry.action?.actionProfileGroupId ?? -1) : undefined;
    const live = group?.members?.find((m) => !m.watchPort || !portsDown.has(Number(decodeUint(m.watchPort, 9))));
    const member = live ? d.members.get(live.memberId) : undefined;
    if (!member?.action) return { table, action: `${state.action} -> no live member`, out: 'drop', groupId: state.groupId };
    const via = state.action;
    state = run(p4.action(member.action.actionId).name, params(p4, member.action), state, pkt.inPort);
    state = { ...state, action: `${via} -> ${state.action}` };
  }
  return { table, ...state };
}

interface State {
  out: number | 'cpu' | 'drop';
  vid?: number;
  action: string;
  dstMac?: bigint;
  meterId?: number;
  groupId?: number;
}

function run(fullName: string, p: Record<string, bigint>, s: State, inPort: number): State {
  const name = fullName.slice(fullName.lastIndexOf('.') + 1);
  const port = (v: bigint | undefined) => (v === undefined ? s.out : Number(v) === CPU_PORT ? 'cpu' : Number(v));
  const meter = p.meter_id ? { meterId: Number(p.meter_id) } : {};
  switch (name) {
    case 'push_label':
      return { ...s, ...meter, action: name, vid: Number(p.vid), out: port(p.port) };
    case 'push_label_group':
      return { ...s, ...meter, action: name, vid: Number(p.vid), groupId: Number(p.group_id) };
    case 'set_port':
      return { ...s, ...meter, action: name, out: port(p.port) };
    case 'set_mac_port':
      return { ...s, ...meter, action: name, dstMac: p.dst_mac, out: port(p.port) };
    case 'forward':
      return { ...s, action: name, out: port(p.port) };
    case 'forward_group':
      return { ...s, action: name, groupId: Number(p.group_id) };
    case 'pop_and_deliver':
      return { ...s, action: name, vid: undefined, dstMac: p.dst_mac, out: port(p.port) };
    case 'pop_label':
      return { ...s, action: name, vid: undefined, out: port(p.port) };
    case 'swap_label':
      return { ...s, action: name, vid: Number(p.vid), out: port(p.port) };
    case 'bounce_label':
      return { ...s, action: name, vid: Number(p.vid), out: inPort };
    case 'send_to_cpu':
      return { ...s, action: name, out: 'cpu' };
    default:
      return { ...s, action: name, out: 'drop' };
  }
}

function params(
  p4: NonNullable<DeviceTables['pipeline']>['index'],
  a: { actionId: number; params?: readonly { paramId: number; value?: Buffer }[] },
) {
  const def = p4.action(a.actionId);
  const out: Record<string, bigint> = {};
  for (const x of a.params ?? []) {
    const spec = def.paramsById.get(x.paramId)!;
    out[spec.name] = decodeUint(x.value!, spec.bitwidth);
  }
  return out;
}

function matches(e: TableEntry, table: IndexedTable, values: Readonly<Record<string, bigint>>): boolean {
  for (const fm of e.match ?? []) {
    const f = table.fieldsById.get(fm.fieldId)!;
    const v = values[f.name] ?? 0n;
    if (fm.exact && decodeUint(fm.exact.value!, f.bitwidth) !== v) return false;
    if (fm.ternary) {
      const mask = decodeUint(fm.ternary.mask!, f.bitwidth);
      if ((v & mask) !== decodeUint(fm.ternary.value!, f.bitwidth)) return false;
    }
  }
  return true;
}
