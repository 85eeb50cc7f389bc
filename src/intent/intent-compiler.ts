import type { DeviceState, FlowAction, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import type { Path } from '../model/path.js';
import { compileCrankback, crankbackTransitRule } from './crankback-compiler.js';
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
import { type CompileTopology, NotProgrammable, outputTo, type PathPorts, shapeOf, type TunnelShape } from './tunnel-shape.js';

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

export type CompileResult =
  | { readonly ok: true; readonly flows: FlowRule[]; readonly groups: GroupEntry[]; readonly meters: MeterEntry[] }
  | { readonly ok: false; readonly reason: IntentFailure };

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
 *
 * This is one intent's rules on tunnels of its own. The engine compiles the same rules in two parts, so
 * that intents on the same paths to the same hosts share the tunnel (compileTunnel: one label, the
 * transit, egress, fast-failover and crankback rules) and keep their own classifiers and meters
 * (compileIngress, with meter ids per ingress switch).
 */
export function compileIntent(input: CompileInput, topo: CompileTopology): CompileResult {
  const flows: FlowRule[] = [];
  const groups: GroupEntry[] = [];
  const meters: MeterEntry[] = [];
  const failure = compileInto(input, topo, flows, groups, meters);
  return failure ?? { ok: true, flows, groups, meters };
}

function compileInto(
  input: CompileInput,
  topo: CompileTopology,
  flows: FlowRule[],
  groups: GroupEntry[],
  meters: MeterEntry[],
): { readonly ok: false; readonly reason: IntentFailure } | undefined {
  try {
    for (const d of input.directions) {
      const shape = shapeOf(topo, d.primary, d.backup);
      // The direction's label-switching rules apart, so that its classifiers come first.
      const own: FlowRule[] = [];
      const toNetwork = tunnelRules(shape, d.to, d.label, d.crankbackLabel, input.cookie, own, groups);
      const meterId = input.bandwidthMbps > 0 ? d.label : undefined;
      compileIngressInto(shape, d, toNetwork, input.cookie, meterId, input.bandwidthMbps, flows, meters);
      for (const f of own) flows.push(f);
    }
  } catch (err) {
    if (err instanceof NotProgrammable) return { ok: false, reason: { code: 'not-programmable', message: err.message } };
    throw err;
  }
  return undefined;
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
