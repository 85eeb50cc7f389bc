import type { FlowService } from '../flow/flow-service.js';
import type { FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';
import type { ResolvedEndpoint } from './endpoint-resolver.js';
import { classifyArp } from './ingress-classifier.js';
import type { Compiled } from './install-sequencer.js';
import { compileIngress, compileTunnel } from './intent-compiler.js';
import { acquireLabels, type MeterPlaces, releaseLabels, restoreLabels } from './intent-labels.js';
import type { IntentFailure, IntentLabels, IntentPaths, IntentRecord, IntentSpec, TrafficMatch } from './intent-types.js';
import type { LabelAllocator } from './label-allocator.js';
import type { MeterIds } from './meter-ids.js';
import { type ArpShare, type SharedRules, type Tunnel, TunnelRegistry, tunnelCookie } from './tunnel-registry.js';
import { type CompileTopology, planTunnel, type TunnelPlan } from './tunnel-shape.js';

/** A direction's tunnel plan. */
export type PlannedTunnel = Extract<TunnelPlan, { ok: true }>;

/** The tunnel plans of an intent's directions. */
export interface TunnelPlans {
  readonly forward: PlannedTunnel;
  readonly reverse: PlannedTunnel | undefined;
}

/** The tunnel plans of an intent's directions, or why it cannot be programmed. */
export type TunnelPlanning = ({ readonly ok: true } & TunnelPlans) | { readonly ok: false; readonly reason: IntentFailure };

/** Tunnel plans made on a paths object, with the topology versions and resolutions they were made for. */
interface KnownPlanning {
  readonly shape: number;
  readonly attr: number | undefined;
  readonly src: ResolvedEndpoint['hosts'];
  readonly dst: ResolvedEndpoint['hosts'];
  readonly planning: TunnelPlanning;
}

/**
 * An intent's share of the data plane: the tunnels its directions ride (joined or opened, their labels),
 * its meter ids, the ARP classifiers it holds on its tunnels, and its own rules on them (classifiers and
 * meters). Every admission takes them once (`take`, or `restore` after a restart) and gives them back
 * once (`release`): the last release of a tunnel or an ARP share removes its rules with the next flush.
 */
export class IntentRules {
  readonly tunnels: TunnelRegistry;
  /** The switches of each admission's meter ids (IntentLabels carries the ids only). */
  private readonly meterPlaces = new WeakMap<IntentLabels, MeterPlaces>();
  /** The ARP classifiers each admission's labels hold (given back with the labels). */
  private readonly arpHolds = new WeakMap<IntentLabels, readonly ArpShare[]>();
  /** The last tunnel plans made on each paths object, with what they were made for (see plan). */
  private readonly plans = new WeakMap<IntentPaths, KnownPlanning>();

  constructor(
    private readonly topology: CompileTopology,
    labels: LabelAllocator,
    readonly meters: MeterIds,
    private readonly flows: Pick<FlowService, 'setDesired'>,
  ) {
    this.tunnels = new TunnelRegistry(labels);
  }

  /**
   * The labels and meter ids of an admission of `spec` for `rec` on `plans`. The same rate keeps the
   * meters the installed rules use where they stay on their switch.
   */
  take(
    rec: IntentRecord,
    spec: IntentSpec,
    plans: TunnelPlans,
  ): { ok: true; labels: IntentLabels } | { ok: false; reason: IntentFailure } {
    const places = rec.labels && this.meterPlaces.get(rec.labels);
    const keep =
      spec.bandwidthMbps === rec.spec.bandwidthMbps && rec.labels && places ? { labels: rec.labels, places } : undefined;
    const acquired = acquireLabels(
      this.tunnels,
      this.meters,
      rec.key,
      plans.forward,
      plans.reverse,
      spec.bandwidthMbps > 0,
      keep,
    );
    if (!acquired.ok) return acquired;
    this.meterPlaces.set(acquired.labels, acquired.places);
    return { ok: true, labels: acquired.labels };
  }

  /**
   * Holds again what a record loaded from the store held: its tunnels and its meter ids, on the ingress
   * switches of its stored primaries.
   */
  restore(rec: IntentRecord): void {
    if (!rec.labels || !rec.paths) return;
    const first = (p: IntentPaths['forward'] | undefined) =>
      p ? this.topology.findNode(p.primary.nodes[0])?.datapathId : undefined;
    const places = restoreLabels(this.tunnels, this.meters, rec.key, rec.labels, [
      first(rec.paths.forward),
      first(rec.paths.reverse),
    ]);
    this.meterPlaces.set(rec.labels, places);
  }

  /**
   * Gives back one admission's labels: its tunnel holds (a tunnel it was the last holder of has its
   * rules removed with the next flush) and its meter ids.
   */
  release(key: number, labels: IntentLabels): void {
    const arps = this.arpHolds.get(labels);
    if (arps !== undefined) {
      this.arpHolds.delete(labels);
      for (const a of arps) {
        if (--a.holds > 0) continue;
        a.tunnel.dropArp(a);
        if (a.desired) {
          a.desired = false;
          this.flows.setDesired(a.owner, NO_RULES);
        }
      }
    }
    const places = this.meterPlaces.get(labels);
    this.meterPlaces.delete(labels);
    for (const t of releaseLabels(this.tunnels, this.meters, key, labels, places)) {
      t.desired = false;
      this.flows.setDesired(t.owner, NO_RULES);
    }
  }

  /**
   * The tunnel plans of an intent's directions (why it cannot be programmed, when it cannot). Intents
   * admitted on the same paths object (the planner hands out one per equal request) to the same
   * resolutions get the plans made for the first of them while the topology is unchanged: a batch
   * plans each tunnel once, not once per intent.
   */
  plan(ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint }, paths: IntentPaths): TunnelPlanning {
    const topo = this.topology;
    const shape = topo.shapeVersion;
    const attr = topo.attrVersion;
    const known = this.plans.get(paths);
    if (
      known !== undefined &&
      shape !== undefined &&
      known.shape === shape &&
      known.attr === attr &&
      known.src === ends.src.hosts &&
      known.dst === ends.dst.hosts
    )
      return known.planning;
    const planning = this.planNow(ends, paths);
    if (shape !== undefined) this.plans.set(paths, { shape, attr, src: ends.src.hosts, dst: ends.dst.hosts, planning });
    return planning;
  }

  private planNow(ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint }, paths: IntentPaths): TunnelPlanning {
    const topo = this.topology;
    const f = paths.forward;
    const forward = planTunnel(topo, f.primary, f.backup, ends.dst.hosts);
    if (!forward.ok) return forward;
    const r = paths.reverse;
    if (r === undefined) return { ok: true, forward, reverse: undefined };
    const reverse = planTunnel(topo, r.primary, r.backup, ends.src.hosts);
    if (!reverse.ok) return reverse;
    return { ok: true, forward, reverse };
  }

  /**
   * An intent's own rules (classifiers and meters) on the tunnels its labels hold, compiling a tunnel's
   * rules when it has none yet (a new tunnel, or one reloaded from the store).
   */
  compile(
    cookie: number,
    spec: IntentSpec,
    ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint },
    paths: IntentPaths,
    labels: IntentLabels,
    known?: TunnelPlans,
    installed?: Compiled,
  ): { ok: true; compiled: Compiled } | { ok: false; reason: IntentFailure } {
    const plans = known ?? this.plan(ends, paths);
    if (!('forward' in plans)) return plans;
    const ingress: FlowRule[] = [];
    const meters: MeterEntry[] = [];
    const shared: SharedRules[] = [];
    const bw = spec.bandwidthMbps;
    const fwd = this.tunnelOf(labels.forward, plans.forward, ends.dst.hosts);
    if (!fwd.ok) return fwd;
    const m = spec.match;
    const fShape = plans.forward.shape;
    const f = { from: ends.src.hosts, to: ends.dst.hosts, match: m };
    compileIngress(fShape, f, fwd.tunnel.toNetwork, cookie, labels.forwardMeter, bw, ingress, meters, !fShape.hasLinks);
    shared.push(fwd.tunnel);
    let rev: Tunnel | undefined;
    const rShape = plans.reverse?.shape;
    const r = { from: ends.dst.hosts, to: ends.src.hosts, match: m ? reverseMatch(m) : undefined };
    if (plans.reverse !== undefined && rShape !== undefined && labels.reverse !== undefined) {
      const t = this.tunnelOf(labels.reverse, plans.reverse, ends.src.hosts);
      if (!t.ok) return t;
      rev = t.tunnel;
      compileIngress(rShape, r, rev.toNetwork, cookie, labels.reverseMeter, bw, ingress, meters, !rShape.hasLinks);
      shared.push(rev);
    }
    // ARP between the hosts rides the tunnel, classified once for every intent between them on it.
    const arps: ArpShare[] = [];
    if (fShape.hasLinks) this.holdArps(fwd.tunnel, fShape.ingress, f.from, f.to, arps);
    if (rev !== undefined && rShape?.hasLinks) this.holdArps(rev, rShape.ingress, r.from, r.to, arps);
    if (arps.length > 0) {
      this.arpHolds.set(labels, arps);
      for (const a of arps) shared.push(a);
    }
    // A meter equal to one the installed rules use is that very entry: make-before-break leaves it alone.
    const installedMeters = installed?.rest.meters;
    if (installedMeters !== undefined && installedMeters.length > 0) {
      for (let i = 0; i < meters.length; i++) {
        const m = meters[i];
        const same = installedMeters.find(
          (o) => o.device === m.device && o.meterId === m.meterId && o.rateKbps === m.rateKbps && o.burstKbits === m.burstKbits,
        );
        if (same !== undefined) meters[i] = same;
      }
    }
    // A classifier whose match is the installed one's (a reroute changes the label it pushes) shares that
    // match object: the flow service then pairs the two as a modify without comparing them.
    const before = installed?.ingress;
    if (before !== undefined && before.length === ingress.length) {
      for (let i = 0; i < ingress.length; i++) {
        const o = before[i];
        const n = ingress[i];
        if (o.device === n.device && o.priority === n.priority && o.match !== n.match && sameMatch(o.match, n.match)) {
          (n as { match: FlowRule['match'] }).match = o.match;
        }
      }
    }
    return { ok: true, compiled: { ingress, rest: { flows: NO_FLOWS, groups: NO_GROUPS, meters }, tunnels: shared } };
  }

  /** Holds the ARP classifiers from every host of `from` to every host of `to` onto `tunnel`. */
  private holdArps(
    tunnel: Tunnel,
    device: string,
    from: readonly AttachedHostOf[],
    to: readonly AttachedHostOf[],
    out: ArpShare[],
  ): void {
    const cookie = tunnelCookie(tunnel.label);
    for (const src of from) {
      for (const dst of to) {
        const share = tunnel.arpShare(src, dst, () => classifyArp(src, dst, device, tunnel.toNetwork, cookie));
        if (share.rules.flows.length === 0) continue;
        share.holds++;
        out.push(share);
      }
    }
  }

  /** The tunnel a held label names, with its rules compiled. */
  private tunnelOf(
    label: number,
    plan: PlannedTunnel,
    to: ResolvedEndpoint['hosts'],
  ): { ok: true; tunnel: Tunnel } | { ok: false; reason: IntentFailure } {
    const t = this.tunnels.get(label);
    if (t === undefined) throw new Error(`label ${label} is not held by any tunnel`);
    if (t.rules === undefined) {
      const c = compileTunnel(plan.shape, to, t.label, t.crankbackLabel, tunnelCookie(t.label));
      this.tunnels.compiled(t, plan.key, c.rules, c.toNetwork);
    } else if (t.signature !== plan.key) {
      // Only after a restart: the stored label belongs to a tunnel another intent compiled differently.
      return {
        ok: false,
        reason: { code: 'not-programmable', message: `label ${label} is held by a tunnel on other paths or to other hosts` },
      };
    }
    return { ok: true, tunnel: t };
  }
}

/** Whether two matches have the same fields with the same values. */
function sameMatch(a: FlowRule['match'], b: FlowRule['match']): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k as keyof typeof a] !== b[k as keyof typeof b]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

type AttachedHostOf = ResolvedEndpoint['hosts'][number];

const NO_RULES = { flows: [], groups: [], meters: [] };
const NO_FLOWS: readonly FlowRule[] = [];
const NO_GROUPS: readonly GroupEntry[] = [];

/** The reverse direction's traffic: the same protocol, source and destination ports swapped. */
function reverseMatch(m: TrafficMatch): TrafficMatch {
  const r: { ipProto?: number; dstPort?: number; srcPort?: number } = {};
  if (m.ipProto !== undefined) r.ipProto = m.ipProto;
  r.srcPort = m.dstPort;
  r.dstPort = m.srcPort;
  return r;
}
