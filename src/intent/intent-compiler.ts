import type { DeviceState, FlowAction, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import type { Path } from '../model/path.js';
import type { TopoLink, TopoNode } from '../model/topology.js';
import { type CrankbackHop, compileCrankback, crankbackTransitRule, needsCrankback } from './crankback-compiler.js';
import type { AttachedHost } from './endpoint-resolver.js';
import {
  classify,
  ETH_ARP,
  ETH_IPV4,
  ETH_IPV6,
  PRIORITY_EGRESS_SELECT,
  PRIORITY_LABEL,
  transportMatch,
} from './ingress-classifier.js';
import type { IntentFailure, TrafficMatch } from './intent-types.js';
import { prefixOf as parseIpPrefix } from './prefix-cache.js';

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
  /**
   * Counters that change whenever a node or link is added, removed or changed (as TopologyStore's):
   * what compiling looks up for a path is reused while both are unchanged. Optional: without them
   * every path is looked up again.
   */
  readonly shapeVersion?: number;
  readonly attrVersion?: number;
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
  const failure = compileInto(input, topo, flows, flows, groups, meters);
  return failure ?? { ok: true, flows, groups, meters };
}

export type CompileSplitResult =
  | {
      readonly ok: true;
      /** The classifier rules (no label in their match), in compileIntent's order. */
      readonly ingress: FlowRule[];
      /** Every other rule (they match a label), in compileIntent's order. */
      readonly flows: FlowRule[];
      readonly groups: GroupEntry[];
      readonly meters: MeterEntry[];
    }
  | { readonly ok: false; readonly reason: IntentFailure };

/** compileIntent with the ingress classifiers apart from the label-switching rules. */
export function compileIntentSplit(input: CompileInput, topo: CompileTopology): CompileSplitResult {
  const ingress: FlowRule[] = [];
  const flows: FlowRule[] = [];
  const groups: GroupEntry[] = [];
  const meters: MeterEntry[] = [];
  const failure = compileInto(input, topo, ingress, flows, groups, meters);
  return failure ?? { ok: true, ingress, flows, groups, meters };
}

function compileInto(
  input: CompileInput,
  topo: CompileTopology,
  ingress: FlowRule[],
  flows: FlowRule[],
  groups: GroupEntry[],
  meters: MeterEntry[],
): { readonly ok: false; readonly reason: IntentFailure } | undefined {
  try {
    for (const d of input.directions) {
      const shape = shapeOf(topo, d.primary, d.backup);
      // The direction's label-switching rules apart, so the classifiers come first as they always did.
      const own: FlowRule[] = flows === ingress ? [] : flows;
      const toNetwork = tunnelRules(shape, d.to, d.label, d.crankbackLabel, input.cookie, own, groups);
      const meterId = input.bandwidthMbps > 0 ? d.label : undefined;
      compileIngressInto(shape, d, toNetwork, input.cookie, meterId, input.bandwidthMbps, ingress, meters);
      if (own !== flows) for (const f of own) flows.push(f);
    }
  } catch (err) {
    if (err instanceof NotProgrammable) return { ok: false, reason: { code: 'not-programmable', message: err.message } };
    throw err;
  }
  return undefined;
}

/**
 * What a direction's tunnel is made of: the ingress switch and the ports of its paths, checked (every
 * reason the direction cannot be programmed is found here, before any label is taken).
 */
export interface TunnelShape {
  readonly ingress: string;
  readonly primary: PathPorts;
  readonly backup: PathPorts | undefined;
  readonly hasLinks: boolean;
  readonly primaryOut: number;
  /** Port of the backup at the ingress when it leaves on another one (fast-failover there). */
  readonly backupOut: number | undefined;
}

export type TunnelPlan =
  | {
      readonly ok: true;
      readonly shape: TunnelShape;
      /** Equal for directions whose tunnel rules are equal (apart from the labels): they share a tunnel. */
      readonly key: string;
      /** Whether the tunnel gets local repair, so a crankback label (crankback-compiler.ts). */
      readonly crankback: boolean;
    }
  | { readonly ok: false; readonly reason: IntentFailure };

/**
 * Plans the tunnel of a direction from `primary` (and `backup`) to the hosts `to`: its shape and its key.
 * Two directions with the same key have the same tunnel rules once given the same labels.
 */
export function planTunnel(
  topo: CompileTopology,
  primary: Path,
  backup: Path | undefined,
  to: readonly AttachedHost[],
): TunnelPlan {
  try {
    const shape = shapeOf(topo, primary, backup);
    const crankback = needsCrankback(primary, backup);
    return { ok: true, shape, key: tunnelKey(shape, to, crankback), crankback };
  } catch (err) {
    if (err instanceof NotProgrammable) return { ok: false, reason: { code: 'not-programmable', message: err.message } };
    throw err;
  }
}

/** A tunnel's rules and groups with its labels, and what its classifiers do (cookie: the tunnel's). */
export function compileTunnel(
  shape: TunnelShape,
  to: readonly AttachedHost[],
  label: number,
  crankbackLabel: number | undefined,
  cookie: number,
): { readonly rules: DeviceState; readonly toNetwork: readonly FlowAction[] } {
  const flows: FlowRule[] = [];
  const groups: GroupEntry[] = [];
  const toNetwork = tunnelRules(shape, to, label, crankbackLabel, cookie, flows, groups);
  return { rules: { flows, groups, meters: NO_METERS }, toNetwork };
}

/**
 * An intent's own rules for one direction: its ingress classifiers (into `ingress`), doing `toNetwork`
 * (the tunnel's push and forward) under the meter `meterId`, and that meter (into `meters`). Without
 * `withArp` the ARP classifiers are left out (the tunnel carries ARP for every intent riding it).
 */
export function compileIngress(
  shape: TunnelShape,
  d: IngressInput,
  toNetwork: readonly FlowAction[],
  cookie: number,
  meterId: number | undefined,
  bandwidthMbps: number,
  ingress: FlowRule[],
  meters: MeterEntry[],
  withArp = true,
): void {
  compileIngressInto(shape, d, toNetwork, cookie, meterId, bandwidthMbps, ingress, meters, withArp);
}

/** What an intent's classifiers of one direction are about. */
export interface IngressInput {
  readonly from: readonly AttachedHost[];
  readonly to: readonly AttachedHost[];
  readonly match?: TrafficMatch;
}

const NO_METERS: readonly MeterEntry[] = [];

/** A programmable switch after the first node of a path: where the path enters and leaves it. */
interface Hop extends CrankbackHop {
  /** outPort is 0 at the last node (it delivers). [output outPort], shared by every rule that forwards there (rules are values, never changed). */
  readonly out: readonly FlowAction[];
}

/**
 * What compiling reads of the topology for one path, looked up once per path and topology version
 * (every intent planned on the same path reuses it). Lookups that fail are kept as the error compiling
 * would raise at that point, so the rules and the errors are exactly those of looking everything up.
 */
interface PathPorts {
  /** The topology and its versions this was looked up in (or last found unchanged in). */
  readonly topo: CompileTopology;
  shape: number | undefined;
  attr: number | undefined;
  /** Datapath id of the first node (undefined: none). */
  readonly first: string | undefined;
  /** Port of the first link at the first node; why not, when it cannot be known. */
  readonly firstOut: number | undefined;
  readonly firstOutError: ((node: string) => string) | undefined;
  /** Programmable transit switches in path order, then the egress (last). */
  readonly transit: readonly Hop[];
  readonly egress: Hop | undefined;
  /** The first failure label switching along this path hits. */
  readonly switchError: string | undefined;
  /** [output firstOut], made on first use. */
  firstOutput: FlowAction | undefined;
  /** The switches and ports of the path as text (see portsKey), made on first use. */
  key: string | undefined;
  /**
   * Tunnel keys of directions with this primary, by backup (null: none), then by their hosts array:
   * directions planned on the same path objects to the same resolution get the same string object,
   * hashed once.
   */
  tunnelKeys: Map<PathPorts | null, WeakMap<readonly AttachedHost[], string>> | undefined;
}

const portsByPath = new WeakMap<Path, PathPorts>();

function pathPorts(topo: CompileTopology, path: Path): PathPorts {
  const shape = topo.shapeVersion;
  const attr = topo.attrVersion;
  const known = portsByPath.get(path);
  if (known !== undefined && shape !== undefined && known.topo === topo) {
    if (known.shape === shape && known.attr === attr) return known;
    // Most attribute changes are bookings and measurements, not ports: when every lookup still finds
    // what it found, the same object (and what is remembered on it, as tunnel keys) stays valid.
    if (portsUnchanged(topo, path, known)) {
      known.shape = shape;
      known.attr = attr;
      return known;
    }
  }
  const p = resolvePorts(topo, path, shape, attr);
  if (shape !== undefined) portsByPath.set(path, p);
  return p;
}

/** Whether looking the path up again would find exactly `known` (a lookup that failed is never trusted). */
function portsUnchanged(topo: CompileTopology, path: Path, known: PathPorts): boolean {
  if (known.firstOutError !== undefined || known.switchError !== undefined) return false;
  const nodes = path.nodes;
  const links = path.links;
  if (topo.findNode(nodes[0])?.datapathId !== known.first) return false;
  if (links.length > 0 && topo.findLink(links[0])?.srcPort !== known.firstOut) return false;
  const last = nodes.length - 1;
  let t = 0;
  for (let i = 1; i <= last && links.length > 0; i++) {
    const device = topo.findNode(nodes[i])?.datapathId;
    const hop = i < last ? known.transit[t] : known.egress;
    if (device === undefined) {
      if (i === last) return false;
      continue;
    }
    if (hop === undefined || hop.device !== device) return false;
    if (topo.findLink(links[i - 1])?.dstPort !== hop.inPort) return false;
    if (i < last) {
      if (topo.findLink(links[i])?.srcPort !== hop.outPort) return false;
      t++;
    }
  }
  return t === known.transit.length;
}

function resolvePorts(topo: CompileTopology, path: Path, shape: number | undefined, attr: number | undefined): PathPorts {
  const nodes = path.nodes;
  const links = path.links;
  const first = topo.findNode(nodes[0])?.datapathId;
  let firstOut: number | undefined;
  let firstOutError: ((node: string) => string) | undefined;
  if (links.length > 0) {
    const id = links[0];
    const l = topo.findLink(id);
    if (l === undefined) firstOutError = () => `link ${id} no longer exists`;
    else if (l.srcPort === undefined) firstOutError = (node) => `link ${id} has no port number at ${node}`;
    else firstOut = l.srcPort;
  }
  const transit: Hop[] = [];
  let egress: Hop | undefined;
  let switchError: string | undefined;
  const last = nodes.length - 1;
  try {
    for (let i = 1; i <= last && links.length > 0; i++) {
      const node = nodes[i];
      const device = i === last ? datapathOf(topo, node, 'egress') : topo.findNode(node)?.datapathId;
      if (device === undefined) continue;
      const inPort = inPortOf(topo, links[i - 1], node);
      if (i < last) {
        const port = outPort(topo, links[i], node);
        transit.push({ device, inPort, outPort: port, out: [{ type: 'output', port }] });
      } else {
        egress = { device, inPort, outPort: 0, out: [] };
      }
    }
  } catch (err) {
    if (!(err instanceof NotProgrammable)) throw err;
    switchError = err.message;
  }
  return {
    topo,
    shape,
    attr,
    first,
    firstOut,
    firstOutError,
    transit,
    egress,
    switchError,
    firstOutput: undefined,
    key: undefined,
    tunnelKeys: undefined,
  };
}

/** The switches and ports label switching along a path uses, as text (once per path and topology version). */
function portsKey(p: PathPorts): string {
  let k = p.key;
  if (k === undefined) {
    k = `${p.first}:${p.firstOut ?? ''}`;
    for (const h of p.transit) k += `>${h.device}:${h.inPort}:${h.outPort}`;
    if (p.egress !== undefined) k += `>${p.egress.device}:${p.egress.inPort}`;
    p.key = k;
  }
  return k;
}

/** The key of a direction's tunnel: the ports of its paths, its hosts and whether it has crankback. */
function tunnelKey(shape: TunnelShape, to: readonly AttachedHost[], crankback: boolean): string {
  const p = shape.primary;
  const b = shape.backup ?? null;
  let byBackup = p.tunnelKeys;
  if (byBackup === undefined) {
    byBackup = new Map();
    p.tunnelKeys = byBackup;
  }
  let byHosts = byBackup.get(b);
  if (byHosts === undefined) {
    byHosts = new WeakMap();
    byBackup.set(b, byHosts);
  }
  let k = byHosts.get(to);
  if (k === undefined) {
    // Flattened once here, so every lookup with it hashes a flat string.
    k = `${portsKey(p)}#${b === null ? '' : portsKey(b)}#${hostsKey(to)}${crankback ? '#cb' : ''}`;
    byHosts.set(to, k);
  }
  return k;
}

const hostKeys = new WeakMap<readonly AttachedHost[], string>();

/** Where and how the egress delivers to these hosts, as text (once per hosts array: resolutions are reused). */
function hostsKey(hosts: readonly AttachedHost[]): string {
  let k = hostKeys.get(hosts);
  if (k === undefined) {
    k = hosts.map((h) => `${h.node}/${h.port}/${h.mac ?? ''}/${h.prefixes.join(',')}`).join(' ');
    hostKeys.set(hosts, k);
  }
  return k;
}

/**
 * Looks up and checks a direction's paths, raising the first reason it cannot be programmed: the
 * ingress has no datapath id, a first port is unknown, a switch along a path cannot label-switch.
 */
function shapeOf(topo: CompileTopology, primaryPath: Path, backupPath: Path | undefined): TunnelShape {
  const ingressNode = primaryPath.nodes[0];
  const primary = pathPorts(topo, primaryPath);
  const ingress = primary.first;
  if (ingress === undefined)
    throw new NotProgrammable(`ingress node ${ingressNode} has no datapath id: no switch can classify or deliver there`);
  const hasLinks = primaryPath.links.length > 0;
  const backup = backupPath && backupPath.links.length > 0 ? pathPorts(topo, backupPath) : undefined;
  if (!hasLinks) return { ingress, primary, backup: undefined, hasLinks, primaryOut: 0, backupOut: undefined };
  const primaryOut = firstOutOf(primary, ingressNode);
  const b = backup === undefined ? undefined : firstOutOf(backup, ingressNode);
  if (primary.switchError !== undefined) throw new NotProgrammable(primary.switchError);
  if (backup?.switchError !== undefined) throw new NotProgrammable(backup.switchError);
  return { ingress, primary, backup, hasLinks, primaryOut, backupOut: b === primaryOut ? undefined : b };
}

/**
 * The label-switching rules of a direction (transit, egress, the ingress fast-failover group and
 * crankback) into `flows` and `groups`; returns what the ingress classifiers do.
 */
function tunnelRules(
  shape: TunnelShape,
  to: readonly AttachedHost[],
  label: number,
  crankbackLabel: number | undefined,
  cookie: number,
  flows: FlowRule[],
  groups: GroupEntry[],
): readonly FlowAction[] {
  if (!shape.hasLinks) return NO_ACTIONS;
  const { ingress, primary, backup, primaryOut, backupOut } = shape;
  let toNetwork: FlowAction[];
  if (backupOut === undefined) {
    toNetwork = [PUSH_VLAN, { type: 'set-vlan-vid', vid: label }, outputTo(primary, primaryOut)];
  } else {
    groups.push({
      device: ingress,
      groupId: label,
      type: 'fast-failover',
      buckets: [
        { watchPort: primaryOut, actions: [{ type: 'output', port: primaryOut }] },
        { watchPort: backupOut, actions: [{ type: 'output', port: backupOut }] },
      ],
    });
    toNetwork = [PUSH_VLAN, { type: 'set-vlan-vid', vid: label }, { type: 'group', groupId: label }];
  }
  if (backupOut !== undefined && crankbackLabel !== undefined) {
    const cb = {
      cookie,
      priority: PRIORITY_LABEL,
      label,
      crankbackLabel,
      ingress: { device: ingress, primaryOut, backupOut },
      transit: primary.transit,
    };
    egressRules(primary, to, label, cookie, flows);
    for (const hop of primary.transit) flows.push(crankbackTransitRule(cb, hop));
    const repair = compileCrankback(cb);
    for (const f of repair.flows) flows.push(f);
    for (const g of repair.groups) groups.push(g);
  } else {
    labelSwitch(primary, to, label, cookie, flows);
  }
  if (backup !== undefined) labelSwitch(backup, to, label, cookie, flows);
  return toNetwork;
}

/** The classifiers of a direction and its meter. */
function compileIngressInto(
  shape: TunnelShape,
  d: IngressInput,
  toNetwork: readonly FlowAction[],
  cookie: number,
  meterId: number | undefined,
  bandwidthMbps: number,
  ingressFlows: FlowRule[],
  meters: MeterEntry[],
  withArp = true,
): void {
  const ingress = shape.ingress;
  if (meterId !== undefined) {
    const rateKbps = Math.max(1, Math.round(bandwidthMbps * 1000));
    // Burst of 50 ms at the rate: enough for TCP to reach it without tail drops at every window.
    meters.push({ device: ingress, meterId, rateKbps, burstKbits: Math.max(100, Math.round(rateKbps / 20)) });
  }
  const l4 = transportMatch(d.match);
  for (const src of d.from) {
    for (const dst of d.to) {
      // Same-switch delivery (both hosts on the ingress switch) needs no label.
      const actions = shape.hasLinks ? toNetwork : deliverActions(dst);
      classify(src, dst, l4, ingress, actions, cookie, meterId, ingressFlows, withArp);
    }
  }
}

const NO_ACTIONS: readonly FlowAction[] = [];

/** Actions are values shared by the rules that use them (rules are never changed). */
const PUSH_VLAN: FlowAction = { type: 'push-vlan' };

/** [output port] at the first node of a path: one object per path and topology version. */
function outputTo(p: PathPorts, port: number): FlowAction {
  let out = p.firstOutput;
  if (out === undefined) {
    out = { type: 'output', port };
    p.firstOutput = out;
  }
  return out;
}

function firstOutOf(p: PathPorts, ingressNode: string): number {
  if (p.firstOutError !== undefined) throw new NotProgrammable(p.firstOutError(ingressNode));
  return p.firstOut as number;
}

/** Transit rules along one path (in path order), then its egress rules. */
function labelSwitch(p: PathPorts, to: readonly AttachedHost[], label: number, cookie: number, flows: FlowRule[]): void {
  for (const hop of p.transit) {
    flows.push({
      device: hop.device,
      tableId: 0,
      priority: PRIORITY_LABEL,
      match: { inPort: hop.inPort, vlanVid: label },
      actions: hop.out,
      cookie,
    });
  }
  egressRules(p, to, label, cookie, flows);
}

/** The egress switch pops the label and delivers (to the host the destination address picks, for a site). */
function egressRules(p: PathPorts, to: readonly AttachedHost[], label: number, cookie: number, flows: FlowRule[]): void {
  const egress = p.egress;
  if (egress === undefined) return;
  const { device, inPort } = egress;
  if (to.length === 1) {
    flows.push({
      device,
      tableId: 0,
      priority: PRIORITY_LABEL,
      match: { inPort, vlanVid: label },
      actions: popAndDeliver(to[0]),
      cookie,
    });
    return;
  }
  // Several hosts behind the egress (a site): pick the host by destination address.
  for (const host of to) {
    for (const prefix of host.prefixes) {
      const q = parseIpPrefix(prefix);
      const priority = PRIORITY_EGRESS_SELECT + q.length;
      const actions = popAndDeliver(host);
      if (q.family === 4) {
        flows.push({
          device,
          tableId: 0,
          priority,
          match: { inPort, vlanVid: label, ethType: ETH_IPV4, ipv4Dst: q.text },
          actions,
          cookie,
        });
        flows.push({
          device,
          tableId: 0,
          priority,
          match: { inPort, vlanVid: label, ethType: ETH_ARP, arpTpa: q.text },
          actions,
          cookie,
        });
      } else {
        flows.push({
          device,
          tableId: 0,
          priority,
          match: { inPort, vlanVid: label, ethType: ETH_IPV6, ipv6Dst: q.text },
          actions,
          cookie,
        });
      }
    }
  }
}

/** Delivery actions per host (hosts are values: a changed host is a new object). */
const deliveries = new WeakMap<AttachedHost, { readonly deliver: FlowAction[]; readonly popAndDeliver: FlowAction[] }>();

function deliveryOf(host: AttachedHost): { readonly deliver: FlowAction[]; readonly popAndDeliver: FlowAction[] } {
  let d = deliveries.get(host);
  if (d === undefined) {
    const deliver: FlowAction[] = host.mac
      ? [
          { type: 'set-eth-dst', mac: host.mac },
          { type: 'output', port: host.port },
        ]
      : [{ type: 'output', port: host.port }];
    d = { deliver, popAndDeliver: [{ type: 'pop-vlan' }, ...deliver] };
    deliveries.set(host, d);
  }
  return d;
}

function popAndDeliver(host: AttachedHost): FlowAction[] {
  return deliveryOf(host).popAndDeliver;
}

function deliverActions(host: AttachedHost): FlowAction[] {
  return deliveryOf(host).deliver;
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
