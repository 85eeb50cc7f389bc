import type { FlowRule, GroupEntry } from '../model/flow.js';
import type { Path } from '../model/path.js';

/**
 * Local repair with crankback for a protected label-switched path.
 *
 * The ingress fast-failover group only sees its own port: when a cable further along the primary is cut,
 * the ingress keeps sending into the dead path until the controller reroutes. With crankback, every
 * programmable switch strictly between ingress and egress reaches its primary out-port through a
 * fast-failover group of its own (OpenFlow 1.3 section 5.6.1: the first live bucket forwards):
 *   bucket 1 watches the primary out-port and forwards there, label unchanged;
 *   bucket 2 watches the in-port, rewrites the VLAN id to the LSP's crankback label and sends the
 *   frame back out of the port it came in on. That must be the reserved port OFPP_IN_PORT: section
 *   7.2.1 (ofp_port_no) says a packet is only sent back out its ingress port through IN_PORT, and
 *   Open vSwitch drops an output to the ingress port by number.
 * Each upstream switch passes the crankback label back towards the ingress (in_port = its primary
 * out-port, crankback label -> its primary in-port); the ingress takes it from its primary next hop,
 * restores the LSP label and sends it on the backup path. A single cut anywhere on the primary is thus
 * repaired in the data plane by the switch next to it, with no controller round trip.
 *
 * The crankback label differs from the LSP label so no switch can confuse a returning frame with a
 * forward one (same in_port, opposite direction), and frames only ever travel back along the primary
 * and then onto the backup, which never enters these rules: there is no loop. Extra state is one group
 * and at most two rules per transit switch: linear in the path length.
 */

/** A programmable switch strictly between ingress and egress on the primary path, in path order. */
export interface CrankbackHop {
  readonly device: string;
  /** Port the LSP enters this switch on (from upstream). */
  readonly inPort: number;
  /** Primary port towards the egress. */
  readonly outPort: number;
}

export interface CrankbackInput {
  readonly cookie: number;
  readonly priority: number;
  /** The LSP's label, also the group id of every crankback group (network-wide unique). */
  readonly label: number;
  readonly crankbackLabel: number;
  readonly ingress: { readonly device: string; readonly primaryOut: number; readonly backupOut: number };
  readonly transit: readonly CrankbackHop[];
}

/**
 * Whether a direction gets crankback: a backup that leaves the ingress on another link (the ingress
 * fast-failover group is where traffic moves to it) and at least one transit node on the primary.
 * Decides whether a crankback label is allocated.
 */
export function needsCrankback(primary: Path, backup: Path | undefined): boolean {
  return backup !== undefined && backup.links.length > 0 && primary.links.length >= 2 && backup.links[0] !== primary.links[0];
}

/** The rule a transit switch uses for the LSP instead of a plain output: through its crankback group. */
export function crankbackTransitRule(input: CrankbackInput, hop: CrankbackHop): FlowRule {
  return {
    device: hop.device,
    tableId: 0,
    priority: input.priority,
    match: { inPort: hop.inPort, vlanVid: input.label },
    actions: [{ type: 'group', groupId: input.label }],
    cookie: input.cookie,
  };
}

/** Crankback groups of the transit switches and the rules that carry the crankback label back to the ingress. */
export function compileCrankback(input: CrankbackInput): { flows: FlowRule[]; groups: GroupEntry[] } {
  const { cookie, priority, label, crankbackLabel: back, ingress, transit } = input;
  const flows: FlowRule[] = [];
  const groups: GroupEntry[] = [];
  if (transit.length === 0) return { flows, groups };
  transit.forEach((hop, i) => {
    groups.push({
      device: hop.device,
      groupId: label,
      type: 'fast-failover',
      buckets: [
        { watchPort: hop.outPort, actions: [{ type: 'output', port: hop.outPort }] },
        {
          watchPort: hop.inPort,
          actions: [
            { type: 'set-vlan-vid', vid: back },
            { type: 'output', port: 'in-port' },
          ],
        },
      ],
    });
    // The last transit switch only originates crankback: nothing downstream of it sends any.
    if (i < transit.length - 1) {
      flows.push({
        device: hop.device,
        tableId: 0,
        priority,
        match: { inPort: hop.outPort, vlanVid: back },
        actions: [{ type: 'output', port: hop.inPort }],
        cookie,
      });
    }
  });
  flows.push({
    device: ingress.device,
    tableId: 0,
    priority,
    match: { inPort: ingress.primaryOut, vlanVid: back },
    actions: [
      { type: 'set-vlan-vid', vid: label },
      { type: 'output', port: ingress.backupOut },
    ],
    cookie,
  });
  return { flows, groups };
}
