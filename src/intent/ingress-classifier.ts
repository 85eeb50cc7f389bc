import type { FlowAction, FlowMatch, FlowRule } from '../model/flow.js';
import type { AttachedHost } from './endpoint-resolver.js';
import type { TrafficMatch } from './intent-types.js';
import { prefixOf as parseIpPrefix } from './prefix-cache.js';

/** Rule priorities: classification above label switching, more specific classification first. */
export const PRIORITY_CLASSIFY_BASE = 30000;
export const PRIORITY_EGRESS_SELECT = 20100;
export const PRIORITY_LABEL = 20000;

export const ETH_IPV4 = 0x0800;
export const ETH_ARP = 0x0806;
export const ETH_IPV6 = 0x86dd;

/** Protocol and port refinement of a classifier (the fields after the addresses). */
export interface Transport {
  readonly ipProto?: number;
  readonly tcpSrc?: number;
  readonly tcpDst?: number;
  readonly udpSrc?: number;
  readonly udpDst?: number;
}

/**
 * Ingress rules for traffic from `src` to `dst`: IP per prefix pair of one family, and ARP for IPv4.
 * Longer prefixes and protocol/port refinements win over broader classifiers of other intents.
 */
export function classify(
  src: AttachedHost,
  dst: AttachedHost,
  l4: Transport | undefined,
  device: string,
  actions: readonly FlowAction[],
  cookie: number,
  meterId: number | undefined,
  flows: FlowRule[],
  withArp = true,
): void {
  const refinement = l4 === undefined ? 0 : refinementOf(l4);
  for (const sp of src.prefixes) {
    for (const dp of dst.prefixes) {
      const s = parseIpPrefix(sp);
      const t = parseIpPrefix(dp);
      if (s.family !== t.family) continue;
      const bits = PRIORITY_CLASSIFY_BASE + s.length + t.length;
      if (s.family === 4) {
        const ip: Mutable<FlowMatch> = { inPort: src.port, ethType: ETH_IPV4, ipv4Src: s.text, ipv4Dst: t.text };
        if (l4 !== undefined) refine(ip, l4);
        flows.push(classifierRule(device, bits + refinement * 300, ip, actions, cookie, meterId));
        if (withArp) flows.push(arpRule(device, bits, src.port, s.text, t.text, actions, cookie, meterId));
      } else {
        const ip: Mutable<FlowMatch> = { inPort: src.port, ethType: ETH_IPV6, ipv6Src: s.text, ipv6Dst: t.text };
        if (l4 !== undefined) refine(ip, l4);
        flows.push(classifierRule(device, bits + refinement * 300, ip, actions, cookie, meterId));
      }
    }
  }
}

/**
 * The ARP rules of classify() alone (IPv4 prefix pairs), unpoliced: ARP between two hosts rides the
 * tunnel every intent between them shares (see intent-rules.ts).
 */
export function classifyArp(
  src: AttachedHost,
  dst: AttachedHost,
  device: string,
  actions: readonly FlowAction[],
  cookie: number,
): FlowRule[] {
  const flows: FlowRule[] = [];
  for (const sp of src.prefixes) {
    for (const dp of dst.prefixes) {
      const s = parseIpPrefix(sp);
      const t = parseIpPrefix(dp);
      if (s.family !== 4 || t.family !== 4) continue;
      flows.push(
        arpRule(device, PRIORITY_CLASSIFY_BASE + s.length + t.length, src.port, s.text, t.text, actions, cookie, undefined),
      );
    }
  }
  return flows;
}

function arpRule(
  device: string,
  priority: number,
  inPort: number,
  spa: string,
  tpa: string,
  actions: readonly FlowAction[],
  cookie: number,
  meterId: number | undefined,
): FlowRule {
  return classifierRule(device, priority, { inPort, ethType: ETH_ARP, arpSpa: spa, arpTpa: tpa }, actions, cookie, meterId);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Appends the transport fields to a classifier match, in transportMatch's order (as a spread of it would). */
function refine(m: Mutable<FlowMatch>, l4: Transport): void {
  if (l4.ipProto !== undefined) m.ipProto = l4.ipProto;
  if (l4.tcpSrc !== undefined) m.tcpSrc = l4.tcpSrc;
  if (l4.tcpDst !== undefined) m.tcpDst = l4.tcpDst;
  if (l4.udpSrc !== undefined) m.udpSrc = l4.udpSrc;
  if (l4.udpDst !== undefined) m.udpDst = l4.udpDst;
}

function classifierRule(
  device: string,
  priority: number,
  match: FlowMatch,
  actions: readonly FlowAction[],
  cookie: number,
  meterId: number | undefined,
): FlowRule {
  return meterId
    ? { device, tableId: 0, priority, match, actions, cookie, meterId }
    : { device, tableId: 0, priority, match, actions, cookie };
}

export function transportMatch(m: TrafficMatch | undefined): Transport | undefined {
  if (m?.ipProto === undefined) return undefined;
  const tcp = m.ipProto === 6;
  const udp = m.ipProto === 17;
  const out: Mutable<Transport> = { ipProto: m.ipProto };
  if (m.srcPort !== undefined && tcp) out.tcpSrc = m.srcPort;
  if (m.dstPort !== undefined && tcp) out.tcpDst = m.dstPort;
  if (m.srcPort !== undefined && udp) out.udpSrc = m.srcPort;
  if (m.dstPort !== undefined && udp) out.udpDst = m.dstPort;
  return out;
}

/** 1 for a protocol, plus 1 for each port it pins. */
function refinementOf(m: Transport): number {
  const ports =
    (m.tcpSrc !== undefined || m.udpSrc !== undefined ? 1 : 0) + (m.tcpDst !== undefined || m.udpDst !== undefined ? 1 : 0);
  return (m.ipProto !== undefined ? 1 : 0) + ports;
}
