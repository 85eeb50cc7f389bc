import type { FlowAction, FlowMatch, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';

/**
 * Canonical keys for forwarding state, so that two rules that mean the same thing compare equal no
 * matter how their objects were built (property order, absent vs undefined fields).
 *
 * OpenFlow 1.3 section 6.4 identifies a flow entry by table, priority and match: that triple is the
 * rule's identity (`flowIdentity`); everything else (actions, meter, cookie, timeouts) is its body,
 * which a modify may change in place.
 */

const MATCH_FIELDS: readonly (keyof FlowMatch)[] = [
  'inPort',
  'ethSrc',
  'ethDst',
  'ethType',
  'vlanVid',
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
];

export function matchKey(match: FlowMatch): string {
  let key = '';
  for (const f of MATCH_FIELDS) {
    const v = match[f];
    if (v !== undefined) key += `${f}=${v};`;
  }
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

// Rules are immutable values that are compared again on every convergence pass; remember their keys.
const identities = new WeakMap<FlowRule, string>();
const bodies = new WeakMap<FlowRule, string>();

/** Identity of a flow entry within its device (table, priority, match). */
export function flowIdentity(rule: FlowRule): string {
  let k = identities.get(rule);
  if (k === undefined) {
    k = `${rule.tableId}/${rule.priority}/${matchKey(rule.match)}`;
    identities.set(rule, k);
  }
  return k;
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

export function groupBody(group: GroupEntry): string {
  const buckets = group.buckets
    .map((b) => `[w${b.watchPort ?? '-'}g${b.watchGroup ?? '-'}x${b.weight ?? '-'}:${actionsKey(b.actions)}]`)
    .join('');
  return `${group.type}${buckets}`;
}

export function meterBody(meter: MeterEntry): string {
  return `${meter.rateKbps}/${meter.burstKbits}`;
}
