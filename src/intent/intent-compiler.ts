import type { FlowAction, FlowMatch, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import type { Path } from '../model/path.js';
import type { TopoLink, TopoNode } from '../model/topology.js';
import { type CrankbackHop, compileCrankback, crankbackTransitRule } from './crankback-compiler.js';
import type { AttachedHost } from './endpoint-resolver.js';
import type { IntentFailure, TrafficMatch } from './intent-types.js';
import { prefixOf as parseIpPrefix } from './prefix-cache.js';

/** Rule priorities: classification above label switching, more specific classification first. */
export const PRIORITY_CLASSIFY_BASE = 30000;
export const PRIORITY_EGRESS_SELECT = 20100;
export const PRIORITY_LABEL = 20000;

const ETH_IPV4 = 0x0800;
const ETH_ARP = 0x0806;
const ETH_IPV6 = 0x86dd;

/** One direction of an intent, ready to compile. */
export interface DirectionInput {
  readonly from: readonly AttachedHost[];
  readonly to: readonly AttachedHost[];
  readonly primary: Path;
  readonly backup?: Path;
  readonly label: number;
  /** Label of frames cranked back towards the ingress (see crankback-compiler.ts); only with a backup. */
  readonly crankbackLabel?: number;
  readonly match?: TrafficMatch;
}

export interface CompileInput {
  /** The intent key: cookie of every rule. */
  readonly cookie: number;
  readonly bandwidthMbps: number;
  readonly directions: readonly DirectionInput[];
}

/** What the compiler needs to know about the topology. TopologyStore satisfies it. */
export interface CompileTopology {
  findNode(id: string): TopoNode | undefined;
  findLink(id: string): TopoLink | undefined;
}

export type CompileResult =
  | { readonly ok: true; readonly flows: FlowRule[]; readonly groups: GroupEntry[]; readonly meters: MeterEntry[] }
  | { readonly ok: false; readonly reason: IntentFailure };

class NotProgrammable extends Error {}

/**
 * Compiles an intent into device-independent label-switched paths (pure: returns values, sends nothing).
 *
 * Per direction: the ingress switch classifies the hosts' traffic (in_port of the attachment, source and
 * destination prefixes, optional protocol and ports, plus ARP between the same addresses so hosts resolve
 * each other without a controller round trip), polices it with one meter, pushes the direction's VLAN
 * label and sends it out of the primary port, or into a fast-failover group when a backup exists (OpenFlow
 * 1.3 section 5.6.1: the first bucket whose watch port is live forwards). Transit switches match in_port
 * + label; the egress switch pops the label, sets the host MAC when known and delivers. Backup paths get
 * their own transit and egress rules (same label: their in_ports differ). With a crankback label, the
 * primary's transit switches forward through fast-failover groups that send the frame back to the
 * ingress when their out-port dies, and the ingress moves it to the backup (crankback-compiler.ts).
 * The rule count grows with the path length, never with the number of flows.
 *
 * The group and meter ids are the direction's label, unique network-wide, so they never collide with
 * another intent's on the same switch. Nodes without a datapath id are model-only transit (for example
 * a provider's wave service): no rules are generated for them, traffic crosses them still tagged.
 */
export function compileIntent(input: CompileInput, topo: CompileTopology): CompileResult {
  const flows: FlowRule[] = [];
  const groups: GroupEntry[] = [];
  const meters: MeterEntry[] = [];
  try {
    for (const d of input.directions) compileDirection(d, input, topo, flows, groups, meters);
  } catch (err) {
    if (err instanceof NotProgrammable) return { ok: false, reason: { code: 'not-programmable', message: err.message } };
    throw err;
  }
  return { ok: true, flows, groups, meters };
}

function compileDirection(
  d: DirectionInput,
  input: CompileInput,
  topo: CompileTopology,
  flows: FlowRule[],
  groups: GroupEntry[],
  meters: MeterEntry[],
): void {
  const cookie = input.cookie;
  const ingressNode = d.primary.nodes[0];
  const ingress = datapathOf(topo, ingressNode, 'ingress');
  const meterId = input.bandwidthMbps > 0 ? d.label : undefined;
  if (meterId !== undefined) {
    const rateKbps = Math.max(1, Math.round(input.bandwidthMbps * 1000));
    // Burst of 50 ms at the rate: enough for TCP to reach it without tail drops at every window.
    meters.push({ device: ingress, meterId, rateKbps, burstKbits: Math.max(100, Math.round(rateKbps / 20)) });
  }

  let toNetwork: FlowAction[];
  let crankbackFrom: { primaryOut: number; backupOut: number } | undefined;
  if (d.primary.links.length === 0) {
    toNetwork = [];
  } else {
    const primaryOut = outPort(topo, d.primary.links[0], ingressNode);
    const backupOut = d.backup && d.backup.links.length > 0 ? outPort(topo, d.backup.links[0], ingressNode) : undefined;
    const tag: FlowAction[] = [{ type: 'push-vlan' }, { type: 'set-vlan-vid', vid: d.label }];
    if (backupOut === undefined || backupOut === primaryOut) {
      toNetwork = [...tag, { type: 'output', port: primaryOut }];
    } else {
      groups.push({
        device: ingress,
        groupId: d.label,
        type: 'fast-failover',
        buckets: [
          { watchPort: primaryOut, actions: [{ type: 'output', port: primaryOut }] },
          { watchPort: backupOut, actions: [{ type: 'output', port: backupOut }] },
        ],
      });
      toNetwork = [...tag, { type: 'group', groupId: d.label }];
      if (d.crankbackLabel !== undefined) crankbackFrom = { primaryOut, backupOut };
    }
  }

  for (const src of d.from) {
    for (const dst of d.to) {
      // Same-switch delivery (both hosts on the ingress switch) needs no label.
      const actions = d.primary.links.length === 0 ? deliverActions(dst) : toNetwork;
      for (const match of classifiers(src, dst, d.match)) {
        flows.push({
          device: ingress,
          tableId: 0,
          priority: classifyPriority(match),
          match,
          actions,
          cookie,
          ...(meterId ? { meterId } : {}),
        });
      }
    }
  }
  if (d.primary.links.length === 0) return;
  if (crankbackFrom && d.crankbackLabel !== undefined) {
    const transit: CrankbackHop[] = [];
    labelSwitch(d.primary, d, topo, cookie, flows, transit);
    const cb = {
      cookie,
      priority: PRIORITY_LABEL,
      label: d.label,
      crankbackLabel: d.crankbackLabel,
      ingress: { device: ingress, ...crankbackFrom },
      transit,
    };
    for (const hop of transit) flows.push(crankbackTransitRule(cb, hop));
    const repair = compileCrankback(cb);
    flows.push(...repair.flows);
    groups.push(...repair.groups);
  } else {
    labelSwitch(d.primary, d, topo, cookie, flows);
  }
  if (d.backup && d.backup.links.length > 0) labelSwitch(d.backup, d, topo, cookie, flows);
}

/**
 * Transit and egress rules along one path. With `crankbackHops`, transit switches are collected there
 * instead of getting a plain label rule (the crankback compiler gives them one through a group).
 */
function labelSwitch(
  path: Path,
  d: DirectionInput,
  topo: CompileTopology,
  cookie: number,
  flows: FlowRule[],
  crankbackHops?: CrankbackHop[],
): void {
  const last = path.nodes.length - 1;
  for (let i = 1; i <= last; i++) {
    const node = path.nodes[i];
    const device = i === last ? datapathOf(topo, node, 'egress') : topo.findNode(node)?.datapathId;
    if (device === undefined) continue;
    const inPort = inPortOf(topo, path.links[i - 1], node);
    if (i < last && crankbackHops) {
      crankbackHops.push({ device, inPort, outPort: outPort(topo, path.links[i], node) });
    } else if (i < last) {
      flows.push({
        device,
        tableId: 0,
        priority: PRIORITY_LABEL,
        match: { inPort, vlanVid: d.label },
        actions: [{ type: 'output', port: outPort(topo, path.links[i], node) }],
        cookie,
      });
    } else if (d.to.length === 1) {
      flows.push({
        device,
        tableId: 0,
        priority: PRIORITY_LABEL,
        match: { inPort, vlanVid: d.label },
        actions: popAndDeliver(d.to[0]),
        cookie,
      });
    } else {
      // Several hosts behind the egress (a site): pick the host by destination address.
      for (const host of d.to) {
        for (const prefix of host.prefixes) {
          const p = parseIpPrefix(prefix);
          const sel: FlowMatch[] =
            p.family === 4
              ? [
                  { inPort, vlanVid: d.label, ethType: ETH_IPV4, ipv4Dst: p.text },
                  { inPort, vlanVid: d.label, ethType: ETH_ARP, arpTpa: p.text },
                ]
              : [{ inPort, vlanVid: d.label, ethType: ETH_IPV6, ipv6Dst: p.text }];
          for (const match of sel) {
            flows.push({
              device,
              tableId: 0,
              priority: PRIORITY_EGRESS_SELECT + p.length,
              match,
              actions: popAndDeliver(host),
              cookie,
            });
          }
        }
      }
    }
  }
}

function popAndDeliver(host: AttachedHost): FlowAction[] {
  return [{ type: 'pop-vlan' }, ...deliverActions(host)];
}

function deliverActions(host: AttachedHost): FlowAction[] {
  return [...(host.mac ? [{ type: 'set-eth-dst' as const, mac: host.mac }] : []), { type: 'output', port: host.port }];
}

/** Ingress matches for traffic from `src` to `dst`: IP per prefix pair of one family, and ARP for IPv4. */
function classifiers(src: AttachedHost, dst: AttachedHost, refine: TrafficMatch | undefined): FlowMatch[] {
  const out: FlowMatch[] = [];
  for (const sp of src.prefixes) {
    for (const dp of dst.prefixes) {
      const s = parseIpPrefix(sp);
      const t = parseIpPrefix(dp);
      if (s.family !== t.family) continue;
      const l4 = transportMatch(refine);
      if (s.family === 4) {
        out.push({ inPort: src.port, ethType: ETH_IPV4, ipv4Src: s.text, ipv4Dst: t.text, ...l4 });
        out.push({ inPort: src.port, ethType: ETH_ARP, arpSpa: s.text, arpTpa: t.text });
      } else {
        out.push({ inPort: src.port, ethType: ETH_IPV6, ipv6Src: s.text, ipv6Dst: t.text, ...l4 });
      }
    }
  }
  return out;
}

function transportMatch(m: TrafficMatch | undefined): FlowMatch {
  if (m?.ipProto === undefined) return {};
  const tcp = m.ipProto === 6;
  const udp = m.ipProto === 17;
  return {
    ipProto: m.ipProto,
    ...(m.srcPort !== undefined && tcp ? { tcpSrc: m.srcPort } : {}),
    ...(m.dstPort !== undefined && tcp ? { tcpDst: m.dstPort } : {}),
    ...(m.srcPort !== undefined && udp ? { udpSrc: m.srcPort } : {}),
    ...(m.dstPort !== undefined && udp ? { udpDst: m.dstPort } : {}),
  };
}

/** Longer prefixes and protocol/port refinements win over broader classifiers of other intents. */
function classifyPriority(m: FlowMatch): number {
  const len = (p: string | undefined) => (p === undefined ? 0 : parseIpPrefix(p).length);
  const ports =
    (m.tcpSrc !== undefined || m.udpSrc !== undefined ? 1 : 0) + (m.tcpDst !== undefined || m.udpDst !== undefined ? 1 : 0);
  const refinement = (m.ipProto !== undefined ? 1 : 0) + ports;
  const prefixBits = len(m.ipv4Src ?? m.ipv6Src ?? m.arpSpa) + len(m.ipv4Dst ?? m.ipv6Dst ?? m.arpTpa);
  return PRIORITY_CLASSIFY_BASE + refinement * 300 + prefixBits;
}

function datapathOf(topo: CompileTopology, nodeId: string, role: string): string {
  const dp = topo.findNode(nodeId)?.datapathId;
  if (dp === undefined)
    throw new NotProgrammable(`${role} node ${nodeId} has no datapath id: no switch can classify or deliver there`);
  return dp;
}

function outPort(topo: CompileTopology, linkId: string, node: string): number {
  const link = topo.findLink(linkId);
  if (link === undefined) throw new NotProgrammable(`link ${linkId} no longer exists`);
  if (link.srcPort === undefined) throw new NotProgrammable(`link ${linkId} has no port number at ${node}`);
  return link.srcPort;
}

function inPortOf(topo: CompileTopology, linkId: string, node: string): number {
  const link = topo.findLink(linkId);
  if (link === undefined) throw new NotProgrammable(`link ${linkId} no longer exists`);
  if (link.dstPort === undefined) throw new NotProgrammable(`link ${linkId} has no port number at ${node}`);
  return link.dstPort;
}
