import { IPv4, IPv6 } from 'ip-num';
import type { FlowMatch } from '../../model/flow.js';
import { parseIpPrefix } from '../../topology/prefix-index.js';
import { type BytesForm, bigintToMac, decodeUint, encodeUint, macToBigint, maskPrefixLength, prefixMask } from './p4-bytes.js';
import type { IndexedField, IndexedTable } from './p4info-index.js';
import { type FieldMatch, MatchType } from './p4runtime-messages.js';

/**
 * FlowMatch <-> P4Runtime FieldMatch lists for the tables of sdnc_lsp.p4 (P4Runtime spec 9.1.1
 * "Match Format"): a don't-care field is omitted, an EXACT field is always present, a TERNARY field
 * has a non-zero mask with value & mask == value. Prefix fields (IPv4/IPv6/ARP addresses) become
 * ternary matches with a contiguous mask; a /0 prefix is a don't-care and is omitted.
 */

export class MatchError extends Error {}

type Key = keyof FlowMatch;

/** Model match keys and the P4 field they map to (names as in sdnc_lsp.p4's @name annotations). */
const FIELD_OF: Record<Key, string> = {
  inPort: 'in_port',
  ethSrc: 'eth_src',
  ethDst: 'eth_dst',
  ethType: 'eth_type',
  vlanVid: 'vid',
  mplsLabel: 'mpls_label',
  ipProto: 'ip_proto',
  ipv4Src: 'ipv4_src',
  ipv4Dst: 'ipv4_dst',
  ipv6Src: 'ipv6_src',
  ipv6Dst: 'ipv6_dst',
  tcpSrc: 'l4_src',
  tcpDst: 'l4_dst',
  udpSrc: 'l4_src',
  udpDst: 'l4_dst',
  arpOp: 'arp_op',
  arpSpa: 'arp_spa',
  arpTpa: 'arp_tpa',
};

const PREFIX_KEYS = new Set<Key>(['ipv4Src', 'ipv4Dst', 'ipv6Src', 'ipv6Dst', 'arpSpa', 'arpTpa']);
const IPV6_KEYS = new Set<Key>(['ipv6Src', 'ipv6Dst']);
const MAC_KEYS = new Set<Key>(['ethSrc', 'ethDst']);
const PROTO_TCP = 6;
const PROTO_UDP = 17;

/** The table fields a match uses (for choosing a table). */
export function matchFieldNames(m: FlowMatch): Set<string> {
  const out = new Set<string>();
  for (const k of Object.keys(m) as Key[]) if (m[k] !== undefined) out.add(FIELD_OF[k]);
  return out;
}

export function toFieldMatches(m: FlowMatch, table: IndexedTable, form: BytesForm): FieldMatch[] {
  if ((m.tcpSrc !== undefined || m.tcpDst !== undefined) && m.ipProto !== PROTO_TCP)
    throw new MatchError('a TCP port match needs ipProto 6');
  if ((m.udpSrc !== undefined || m.udpDst !== undefined) && m.ipProto !== PROTO_UDP)
    throw new MatchError('a UDP port match needs ipProto 17');
  const out: FieldMatch[] = [];
  for (const k of Object.keys(m) as Key[]) {
    const v = m[k];
    if (v === undefined) continue;
    const field = table.fields.get(FIELD_OF[k]);
    if (!field) throw new MatchError(`table ${table.name} has no field for ${k}`);
    const fm = fieldMatch(k, v, field, form);
    if (fm) out.push(fm);
  }
  for (const f of table.fields.values()) {
    if (f.matchType === MatchType.EXACT && !out.some((x) => x.fieldId === f.id))
      throw new MatchError(`exact field ${f.name} of table ${table.name} must be matched`);
  }
  return out.sort((a, b) => a.fieldId - b.fieldId);
}

function fieldMatch(k: Key, v: string | number, field: IndexedField, form: BytesForm): FieldMatch | undefined {
  let value: bigint;
  let mask = prefixMask(field.bitwidth, field.bitwidth);
  if (PREFIX_KEYS.has(k)) {
    const p = parseIpPrefix(String(v));
    if ((p.family === 6) !== IPV6_KEYS.has(k)) throw new MatchError(`${k} ${v} is of the wrong address family`);
    if (p.length === 0) return undefined;
    value = p.network;
    mask = prefixMask(p.length, field.bitwidth);
  } else if (MAC_KEYS.has(k)) {
    value = macToBigint(String(v));
  } else {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new MatchError(`${k} ${v} is not a non-negative integer`);
    value = BigInt(v);
  }
  if (value >> BigInt(field.bitwidth) !== 0n)
    throw new MatchError(`${k} ${v} does not fit ${field.name} (${field.bitwidth} bits)`);
  if (field.matchType === MatchType.EXACT) {
    if (mask !== prefixMask(field.bitwidth, field.bitwidth)) throw new MatchError(`${k} ${v}: ${field.name} is exact`);
    return { fieldId: field.id, exact: { value: encodeUint(value, field.bitwidth, form) } };
  }
  if (field.matchType === MatchType.TERNARY) {
    return {
      fieldId: field.id,
      ternary: { value: encodeUint(value, field.bitwidth, form), mask: encodeUint(mask, field.bitwidth, form) },
    };
  }
  if (field.matchType === MatchType.LPM) {
    const len = maskPrefixLength(mask, field.bitwidth)!;
    return { fieldId: field.id, lpm: { value: encodeUint(value, field.bitwidth, form), prefixLen: len } };
  }
  throw new MatchError(`match type ${field.matchType} of ${field.name} is not used by sdnc`);
}

/** FieldMatch list -> FlowMatch; the inverse of toFieldMatches for what it writes. */
export function fromFieldMatches(matches: readonly FieldMatch[], table: IndexedTable): FlowMatch {
  const raw = new Map<string, { value: bigint; len: number }>();
  for (const fm of matches) {
    const field = table.fieldsById.get(fm.fieldId);
    if (!field) throw new MatchError(`table ${table.name} has no field id ${fm.fieldId}`);
    raw.set(field.name, readField(fm, field));
  }
  const out: Record<string, string | number> = {};
  const full = (name: string): bigint | undefined => {
    const r = raw.get(name);
    if (!r) return undefined;
    const field = table.fields.get(name)!;
    if (r.len !== field.bitwidth) throw new MatchError(`${name} is matched under a partial mask, which the model cannot express`);
    return r.value;
  };
  const num = (name: string) => {
    const v = full(name);
    return v === undefined ? undefined : Number(v);
  };
  const set = (k: Key, v: string | number | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('inPort', num('in_port'));
  const ethSrc = full('eth_src');
  const ethDst = full('eth_dst');
  set('ethSrc', ethSrc === undefined ? undefined : bigintToMac(ethSrc));
  set('ethDst', ethDst === undefined ? undefined : bigintToMac(ethDst));
  set('ethType', num('eth_type'));
  set('vlanVid', num('vid'));
  const proto = num('ip_proto');
  set('ipProto', proto);
  for (const [k, name] of [
    ['ipv4Src', 'ipv4_src'],
    ['ipv4Dst', 'ipv4_dst'],
    ['arpSpa', 'arp_spa'],
    ['arpTpa', 'arp_tpa'],
    ['ipv6Src', 'ipv6_src'],
    ['ipv6Dst', 'ipv6_dst'],
  ] as const) {
    const r = raw.get(name);
    if (!r) continue;
    const addr = IPV6_KEYS.has(k) ? IPv6.fromBigInt(r.value).toString() : IPv4.fromNumber(r.value).toString();
    out[k] = parseIpPrefix(`${addr}/${r.len}`).text;
  }
  const l4s = num('l4_src');
  const l4d = num('l4_dst');
  if ((l4s !== undefined || l4d !== undefined) && proto !== PROTO_TCP && proto !== PROTO_UDP)
    throw new MatchError('an L4 port match without ip_proto 6 or 17 is not modelled');
  set(proto === PROTO_TCP ? 'tcpSrc' : 'udpSrc', l4s);
  set(proto === PROTO_TCP ? 'tcpDst' : 'udpDst', l4d);
  set('arpOp', num('arp_op'));
  return out as FlowMatch;
}

function readField(fm: FieldMatch, field: IndexedField): { value: bigint; len: number } {
  if (fm.exact) return { value: decodeUint(fm.exact.value ?? Buffer.alloc(0), field.bitwidth), len: field.bitwidth };
  if (fm.ternary) {
    const value = decodeUint(fm.ternary.value ?? Buffer.alloc(0), field.bitwidth);
    const mask = decodeUint(fm.ternary.mask ?? Buffer.alloc(0), field.bitwidth);
    const len = maskPrefixLength(mask, field.bitwidth);
    if (len === undefined) throw new MatchError(`${field.name} has a non-contiguous mask`);
    return { value, len };
  }
  if (fm.lpm) return { value: decodeUint(fm.lpm.value ?? Buffer.alloc(0), field.bitwidth), len: fm.lpm.prefixLen ?? 0 };
  throw new MatchError(`${field.name} uses a match kind sdnc does not write`);
}
