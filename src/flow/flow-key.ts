import type { FlowAction, FlowMatch, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';

/**
 * Canonical keys for forwarding state, so that two rules that mean the same thing compare equal no
 * matter how their objects were built (property order, absent vs undefined fields).
 *
 * OpenFlow 1.3 section 6.4 identifies a flow entry by table, priority and match: that triple is the
 * rule's identity (`flowIdentity`); everything else (actions, meter, cookie, timeouts) is its body,
 * which a modify may change in place.
 */

/** The match's fields in a fixed order, `field=value;` each; absent and undefined fields are left out. */
export function matchKey(m: FlowMatch): string {
  let key = '';
  if (m.inPort !== undefined) key += `inPort=${m.inPort};`;
  if (m.ethSrc !== undefined) key += `ethSrc=${m.ethSrc};`;
  if (m.ethDst !== undefined) key += `ethDst=${m.ethDst};`;
  if (m.ethType !== undefined) key += `ethType=${m.ethType};`;
  if (m.vlanVid !== undefined) key += `vlanVid=${m.vlanVid};`;
  if (m.mplsLabel !== undefined) key += `mplsLabel=${m.mplsLabel};`;
  if (m.ipProto !== undefined) key += `ipProto=${m.ipProto};`;
  if (m.ipv4Src !== undefined) key += `ipv4Src=${m.ipv4Src};`;
  if (m.ipv4Dst !== undefined) key += `ipv4Dst=${m.ipv4Dst};`;
  if (m.ipv6Src !== undefined) key += `ipv6Src=${m.ipv6Src};`;
  if (m.ipv6Dst !== undefined) key += `ipv6Dst=${m.ipv6Dst};`;
  if (m.tcpSrc !== undefined) key += `tcpSrc=${m.tcpSrc};`;
  if (m.tcpDst !== undefined) key += `tcpDst=${m.tcpDst};`;
  if (m.udpSrc !== undefined) key += `udpSrc=${m.udpSrc};`;
  if (m.udpDst !== undefined) key += `udpDst=${m.udpDst};`;
  if (m.arpOp !== undefined) key += `arpOp=${m.arpOp};`;
  if (m.arpSpa !== undefined) key += `arpSpa=${m.arpSpa};`;
  if (m.arpTpa !== undefined) key += `arpTpa=${m.arpTpa};`;
  return key;
}

export function actionKey(a: FlowAction): string {
  switch (a.type) {
    case 'output':
      return `out:${a.port}`;
    case 'group':
      return `group:${a.groupId}`;
    case 'push-vlan':
      return `push-vlan:${a.ethType ?? 0x8100}`;
    case 'pop-vlan':
      return 'pop-vlan';
    case 'set-vlan-vid':
      return `vid:${a.vid}`;
    case 'push-mpls':
      return `push-mpls:${a.ethType ?? 0x8847}`;
    case 'pop-mpls':
      return `pop-mpls:${a.ethType}`;
    case 'set-mpls-label':
      return `mpls:${a.label}`;
    case 'set-eth-src':
      return `eth-src:${a.mac}`;
    case 'set-eth-dst':
      return `eth-dst:${a.mac}`;
    case 'set-queue':
      return `queue:${a.queueId}`;
    case 'dec-ttl':
      return 'dec-ttl';
  }
}

export function actionsKey(actions: readonly FlowAction[]): string {
  return actions.map(actionKey).join(',');
}

/**
 * Identity of a flow entry within its device: equal for two rules with the same table, priority and
 * match. Label-switching rules (a match on in_port and VLAN id only, the bulk of an intent's rules) get
 * a number, packed without building a string; every other match a string. The two never collide.
 */
export type FlowIdentity = string | number;

// Rules are immutable values that are compared again on every convergence pass; remember string keys,
// by match object: a flow-removed report of a fake or in-process driver carries the rule's match. A
// compact key is remembered as it is (it holds its table and priority), a text one with them.
type Known = string | { readonly tableId: number; readonly priority: number; readonly id: string };
const identities = new WeakMap<FlowMatch, Known>();
const bodies = new WeakMap<FlowRule, string>();

/** Identity of a flow entry within its device (table, priority, match). */
export function flowIdentity(rule: FlowRule): FlowIdentity {
  return flowIdentityOf(rule.tableId, rule.priority, rule.match);
}

/** flowIdentity of a rule with this table, priority and match (for reports that carry only these). */
export function flowIdentityOf(tableId: number, priority: number, match: FlowMatch): FlowIdentity {
  // A match on the Ethernet type is never a label-switching one: no need to look at its fields.
  if (match.ethType === undefined) {
    const n = packedIdentity(tableId, priority, match);
    if (!Number.isNaN(n)) return n;
  }
  const known = knownIdentity(identities.get(match), tableId, priority);
  if (known !== undefined) return known;
  const compact = compactIdentity(tableId, priority, match);
  if (compact !== undefined) {
    identities.set(match, compact);
    return compact;
  }
  const id = `${tableId}/${priority}/${shortMatchKey(match)}`;
  identities.set(match, { tableId, priority, id });
  return id;
}

/** The remembered key of a match when it was remembered for this table and priority. */
function knownIdentity(known: Known | undefined, tableId: number, priority: number): string | undefined {
  if (known === undefined) return undefined;
  if (typeof known !== 'string') return known.tableId === tableId && known.priority === priority ? known.id : undefined;
  // A compact key: codes 1 to 4 are its table and priority (which then fit 32 bits).
  return fits(tableId) &&
    fits(priority) &&
    known.charCodeAt(2) === (tableId & 0xffff) &&
    known.charCodeAt(4) === (priority & 0xffff) &&
    known.charCodeAt(1) === tableId >>> 16 &&
    known.charCodeAt(3) === priority >>> 16
    ? known
    : undefined;
}

/**
 * Small numbers for the string values of matches (addresses, prefixes, MACs), in the order first seen.
 * A network has a bounded set of them; past VALUES_MAX values later ones get none, for good.
 */
const values = new Map<string, number>();
const VALUES_MAX = 1 << 18;
/** The character codes of the identity being built (reused: one identity is built at a time). */
const codes: number[] = [];

/**
 * The identity of a match with string keys, written as 16-bit character codes: a zero, table and
 * priority, a mask of the fields present and two codes per present field (its value, or the number of
 * its string value). Building it costs one short flat string instead of a concatenation per field, and
 * it hashes faster. Undefined when a value does not fit (a number that is not an integer in 0..2^32-1,
 * a string past VALUES_MAX): the match then has the text form, which starts with a digit of the table,
 * so the two forms never meet.
 */
function compactIdentity(tableId: number, priority: number, m: FlowMatch): string | undefined {
  const c = codes;
  c.length = 7;
  let mask = 0;
  if (m.inPort !== undefined && !putNumber(m.inPort)) return undefined;
  if (m.inPort !== undefined) mask |= 1;
  if (m.ethSrc !== undefined && !putString(m.ethSrc)) return undefined;
  if (m.ethSrc !== undefined) mask |= 2;
  if (m.ethDst !== undefined && !putString(m.ethDst)) return undefined;
  if (m.ethDst !== undefined) mask |= 4;
  if (m.ethType !== undefined && !putNumber(m.ethType)) return undefined;
  if (m.ethType !== undefined) mask |= 8;
  if (m.vlanVid !== undefined && !putNumber(m.vlanVid)) return undefined;
  if (m.vlanVid !== undefined) mask |= 16;
  if (m.mplsLabel !== undefined && !putNumber(m.mplsLabel)) return undefined;
  if (m.mplsLabel !== undefined) mask |= 32;
  if (m.ipProto !== undefined && !putNumber(m.ipProto)) return undefined;
  if (m.ipProto !== undefined) mask |= 64;
  if (m.ipv4Src !== undefined && !putString(m.ipv4Src)) return undefined;
  if (m.ipv4Src !== undefined) mask |= 128;
  if (m.ipv4Dst !== undefined && !putString(m.ipv4Dst)) return undefined;
  if (m.ipv4Dst !== undefined) mask |= 256;
  if (m.ipv6Src !== undefined && !putString(m.ipv6Src)) return undefined;
  if (m.ipv6Src !== undefined) mask |= 512;
  if (m.ipv6Dst !== undefined && !putString(m.ipv6Dst)) return undefined;
  if (m.ipv6Dst !== undefined) mask |= 1024;
  if (m.tcpSrc !== undefined && !putNumber(m.tcpSrc)) return undefined;
  if (m.tcpSrc !== undefined) mask |= 2048;
  if (m.tcpDst !== undefined && !putNumber(m.tcpDst)) return undefined;
  if (m.tcpDst !== undefined) mask |= 4096;
  if (m.udpSrc !== undefined && !putNumber(m.udpSrc)) return undefined;
  if (m.udpSrc !== undefined) mask |= 8192;
  if (m.udpDst !== undefined && !putNumber(m.udpDst)) return undefined;
  if (m.udpDst !== undefined) mask |= 16384;
  if (m.arpOp !== undefined && !putNumber(m.arpOp)) return undefined;
  if (m.arpOp !== undefined) mask |= 32768;
  if (m.arpSpa !== undefined && !putString(m.arpSpa)) return undefined;
  if (m.arpSpa !== undefined) mask |= 65536;
  if (m.arpTpa !== undefined && !putString(m.arpTpa)) return undefined;
  if (m.arpTpa !== undefined) mask |= 131072;
  if (!fits(tableId) || !fits(priority)) return undefined;
  c[0] = 0;
  c[1] = tableId >>> 16;
  c[2] = tableId & 0xffff;
  c[3] = priority >>> 16;
  c[4] = priority & 0xffff;
  c[5] = mask >>> 16;
  c[6] = mask & 0xffff;
  return String.fromCharCode.apply(null, c);
}

function fits(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

/** Appends a number field's two codes; false when it has none. */
function putNumber(v: number): boolean {
  if (!fits(v)) return false;
  codes.push(v >>> 16, v & 0xffff);
  return true;
}

/** Appends the two codes of a string field's value number; false when it has none. */
function putString(v: string): boolean {
  const text = typeof v === 'string' ? v : String(v);
  let n = values.get(text);
  if (n === undefined) {
    if (values.size >= VALUES_MAX) return false;
    n = values.size;
    values.set(text, n);
  }
  codes.push(n >>> 16, n & 0xffff);
  return true;
}

/**
 * matchKey with one letter per field instead of its name: as exact (values, numbers and addresses,
 * hold no `;`), and shorter to build and to hash, which every classifier rule does once.
 */
function shortMatchKey(m: FlowMatch): string {
  let key = '';
  if (m.inPort !== undefined) key += `a${m.inPort};`;
  if (m.ethSrc !== undefined) key += `b${m.ethSrc};`;
  if (m.ethDst !== undefined) key += `c${m.ethDst};`;
  if (m.ethType !== undefined) key += `d${m.ethType};`;
  if (m.vlanVid !== undefined) key += `e${m.vlanVid};`;
  if (m.mplsLabel !== undefined) key += `f${m.mplsLabel};`;
  if (m.ipProto !== undefined) key += `g${m.ipProto};`;
  if (m.ipv4Src !== undefined) key += `h${m.ipv4Src};`;
  if (m.ipv4Dst !== undefined) key += `i${m.ipv4Dst};`;
  if (m.ipv6Src !== undefined) key += `j${m.ipv6Src};`;
  if (m.ipv6Dst !== undefined) key += `k${m.ipv6Dst};`;
  if (m.tcpSrc !== undefined) key += `l${m.tcpSrc};`;
  if (m.tcpDst !== undefined) key += `m${m.tcpDst};`;
  if (m.udpSrc !== undefined) key += `n${m.udpSrc};`;
  if (m.udpDst !== undefined) key += `o${m.udpDst};`;
  if (m.arpOp !== undefined) key += `p${m.arpOp};`;
  if (m.arpSpa !== undefined) key += `q${m.arpSpa};`;
  if (m.arpTpa !== undefined) key += `r${m.arpTpa};`;
  return key;
}

/**
 * Whether two rules have one identity (flowIdentity), compared field by field without building a key;
 * `to` then shares the key `from` has, so looking it up later builds nothing either.
 */
export function sameIdentity(from: FlowRule, to: FlowRule): boolean {
  if (from.tableId !== to.tableId || from.priority !== to.priority) return false;
  const a = from.match;
  const b = to.match;
  if (a === b) return true;
  // Field by field over the fields each has (see packedIdentity): every field of `b` equals that
  // of `a`, and `a` has no more fields.
  const x = a as Readonly<Record<string, unknown>>;
  const y = b as Readonly<Record<string, unknown>>;
  let fields = 0;
  for (const k in y) {
    const v = y[k];
    if (v === undefined || !(k === 'inPort' || k === 'vlanVid' || MATCH_FIELDS.has(k))) continue;
    if (x[k] !== v) return false;
    fields++;
  }
  for (const k in x) {
    if (x[k] !== undefined && (k === 'inPort' || k === 'vlanVid' || MATCH_FIELDS.has(k))) fields--;
  }
  if (fields !== 0) return false;
  const known = identities.get(a);
  if (knownIdentity(known, from.tableId, from.priority) !== undefined) identities.set(b, known as Known);
  return true;
}

/** The fields of a FlowMatch other than in_port and VLAN id. */
const MATCH_FIELDS: ReadonlySet<string> = new Set([
  'ethSrc',
  'ethDst',
  'ethType',
  'mplsLabel',
  'ipProto',
  'ipv4Src',
  'ipv4Dst',
  'ipv6Src',
  'ipv6Dst',
  'tcpSrc',
  'tcpDst',
  'udpSrc',
  'udpDst',
  'arpOp',
  'arpSpa',
  'arpTpa',
]);

/**
 * Small numbers for the (table, priority) pairs seen so far, in the order they were first seen; a
 * process uses few (the intent compiler a handful of priorities in table 0). The first 256 pairs get
 * one (0 to 255); later ones none.
 */
const pairs = new Map<number, number>();
/** The pair looked up last and its number (rules come in runs of one priority). */
let lastPair = -1;
let lastNumber = 0;

/**
 * The identity of a match on in_port and VLAN id only (either may be absent), NaN for any other.
 * Common values give a non-negative integer of 31 bits, which the engine keeps unboxed: the number of
 * the (table, priority) pair (8 bits), in_port + 1 (10 bits, 0 when absent), VLAN id + 1 (13 bits, 0
 * when absent). Others (in_port above 1022, a pair after the first 256) give a negative integer: minus
 * one minus table (8 bits), priority (16), in_port + 1 (16) and VLAN id + 1 (13) packed in 53 bits.
 */
function packedIdentity(tableId: number, priority: number, m: FlowMatch): number {
  // The fields the match has, by enumerating its keys (a match is a plain value: its fields are
  // enumerable properties). That reads no absent field: loads of absent fields, on the many shapes
  // of match objects a controller sees, cost more than the enumeration.
  let inPort: number | undefined;
  let vid: number | undefined;
  const fields = m as Readonly<Record<string, unknown>>;
  for (const k in fields) {
    const v = fields[k];
    if (v === undefined) continue;
    if (k === 'inPort') inPort = v as number;
    else if (k === 'vlanVid') vid = v as number;
    else if (MATCH_FIELDS.has(k)) return Number.NaN;
  }
  if (!inRange(tableId, 255) || !inRange(priority, 65535)) return Number.NaN;
  if (inPort !== undefined && !inRange(inPort, 65534)) return Number.NaN;
  if (vid !== undefined && !inRange(vid, 4095)) return Number.NaN;
  const port = inPort === undefined ? 0 : inPort + 1;
  const vlan = vid === undefined ? 0 : vid + 1;
  const pair = tableId * 65536 + priority;
  if (port < 1024) {
    let n = pair === lastPair ? lastNumber : pairs.get(pair);
    if (n === undefined && pairs.size < 256) {
      n = pairs.size;
      pairs.set(pair, n);
    }
    if (n !== undefined) {
      lastPair = pair;
      lastNumber = n;
      return n * 8388608 + port * 8192 + vlan;
    }
  }
  return -1 - (pair * 536870912 + (port * 8192 + vlan));
}

function inRange(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

/** Everything a modify can change; equal bodies mean the installed rule is already correct. */
export function flowBody(rule: FlowRule): string {
  let k = bodies.get(rule);
  if (k === undefined) {
    k = `${actionsKey(rule.actions)}|m${rule.meterId ?? 0}|c${rule.cookie}|i${rule.idleTimeoutS ?? 0}|h${rule.hardTimeoutS ?? 0}`;
    bodies.set(rule, k);
  }
  return k;
}

/** Whether two rules have equal bodies (flowBody), compared field by field without building strings. */
export function sameFlowBody(a: FlowRule, b: FlowRule): boolean {
  if (
    a.cookie !== b.cookie ||
    (a.meterId ?? 0) !== (b.meterId ?? 0) ||
    (a.idleTimeoutS ?? 0) !== (b.idleTimeoutS ?? 0) ||
    (a.hardTimeoutS ?? 0) !== (b.hardTimeoutS ?? 0) ||
    a.actions.length !== b.actions.length
  )
    return false;
  for (let i = 0; i < a.actions.length; i++) if (!sameAction(a.actions[i], b.actions[i])) return false;
  return true;
}

/** Whether two actions have equal actionKey()s. */
function sameAction(a: FlowAction, b: FlowAction): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'output':
      return a.port === (b as typeof a).port;
    case 'group':
      return a.groupId === (b as typeof a).groupId;
    case 'push-vlan':
      return (a.ethType ?? 0x8100) === ((b as typeof a).ethType ?? 0x8100);
    case 'set-vlan-vid':
      return a.vid === (b as typeof a).vid;
    case 'push-mpls':
      return (a.ethType ?? 0x8847) === ((b as typeof a).ethType ?? 0x8847);
    case 'pop-mpls':
      return a.ethType === (b as typeof a).ethType;
    case 'set-mpls-label':
      return a.label === (b as typeof a).label;
    case 'set-eth-src':
    case 'set-eth-dst':
      return a.mac === (b as typeof a).mac;
    case 'set-queue':
      return a.queueId === (b as typeof a).queueId;
    case 'pop-vlan':
    case 'dec-ttl':
      return true;
  }
}

export function groupBody(group: GroupEntry): string {
  const buckets = group.buckets
    .map((b) => `[w${b.watchPort ?? '-'}g${b.watchGroup ?? '-'}x${b.weight ?? '-'}:${actionsKey(b.actions)}]`)
    .join('');
  return `${group.type}${buckets}`;
}

export function meterBody(meter: MeterEntry): string {
  return `${meter.rateKbps}/${meter.burstKbits}`;
}
