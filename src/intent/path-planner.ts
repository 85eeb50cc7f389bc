import type { Path, PathRequest, PathResult } from '../model/path.js';
import { effectiveLatencyMs, isUsable, residualMbps, type TopoLink, type TopoNode } from '../model/topology.js';
import type { ReverseRequest } from '../path/path-service.js';
import type { ResolvedEndpoint } from './endpoint-resolver.js';
import type { DirectionPaths, IntentFailure, IntentPaths, IntentSpec } from './intent-types.js';

/** The path engine as the intent layer uses it (PathService satisfies it). */
export interface PathEngine {
  compute(req: PathRequest): PathResult;
  /**
   * The path back over the same cables when the engine can tell from its own data (see
   * PathService.reverseOf): undefined when a link back does not qualify, null when it cannot tell.
   */
  reverseOf?(path: Path, req: ReverseRequest): Path | undefined | null;
}

/** What the planner reads from the topology (TopologyStore satisfies it). */
export interface PlanTopology {
  findLink(id: string): TopoLink | undefined;
  findNode(id: string): TopoNode | undefined;
  /** The link leaving `node` on `port`: the reverse direction of a link is the one leaving its far end on its far port. */
  linkFromPort(node: string, port: number): TopoLink | undefined;
  /** Both directions of a cable (fallback for links without port numbers). */
  linksOf(idOrCable: string): TopoLink[];
  /**
   * Counters that change whenever a node or link is added, removed or given new attributes (as
   * TopologyStore's): while both are unchanged every link reads the same. Optional: without them every
   * reuse of a plan checks its links again.
   */
  readonly shapeVersion?: number;
  readonly attrVersion?: number;
}

/** A plan of the memo, and its links' check (stillFeasible) as of topology versions `shape`/`attr`. */
interface MemoPlan {
  readonly epoch: number;
  readonly result: PlanResult;
  checked?: PlanResult;
  shape?: number;
  attr?: number;
}

export type PlanResult =
  | { readonly ok: true; readonly paths: IntentPaths }
  | { readonly ok: false; readonly reason: IntentFailure };

/**
 * Chooses the paths of an intent: the forward primary (and backup when protected) from the path engine;
 * the reverse direction follows the same cables back when that is possible (symmetric paths make
 * latency and failures the same both ways and are what operators expect), otherwise it is computed on
 * its own with the same constraints. Never reserves: the caller reserves the union of the links.
 */
export class PathPlanner {
  /** Plans of the current pass (see `pass`), by request. */
  private memo?: Map<string, MemoPlan>;
  private epoch = 0;
  /** Plans are kept from one pass to the next (see `keepAcrossPasses`). */
  private kept?: Map<string, MemoPlan>;
  /** The most bandwidth any plan made since the last invalidate() asked for (see `released`). */
  private plannedMbps = 0;

  constructor(
    private readonly engine: PathEngine,
    private readonly topo: PlanTopology,
  ) {}

  /**
   * Runs one synchronous admission pass in which equal requests share their plan. Within a pass the
   * network only changes by the pass's own bookings, and a booking only takes links away from the
   * feasible set: a plan whose links all still qualify is still a best one (nothing better can have
   * appeared), and a request that found no path still finds none. Bandwidth given back during the
   * pass (`invalidate()`) ends that: plans made before it are computed again.
   */
  pass<T>(fn: () => T): T {
    if (this.memo) return fn();
    if (this.kept && this.kept.size > MAX_KEPT_PLANS) this.kept.clear();
    this.memo = this.kept ?? new Map();
    try {
      return fn();
    } finally {
      this.memo = undefined;
    }
  }

  /**
   * Keeps plans from one pass to the next. Only for a caller that sees every change of the network and
   * calls `invalidate()` for each one that is not a booking taking bandwidth (the intent reactor): then
   * between passes, as within one, the feasible set has only shrunk since a kept plan was made.
   */
  keepAcrossPasses(): void {
    this.kept ??= new Map();
  }

  /**
   * Links may offer more or other than when the plans were made (a release, a link up, a metric
   * changed, anything added or removed): every plan is made again.
   */
  invalidate(): void {
    this.epoch++;
    this.plannedMbps = 0;
    this.kept?.clear();
  }

  /**
   * Bandwidth was given back on a link that read `before` (nothing else about it changed). A search
   * leaves a link out for bandwidth only when it has less free than the request asks: if `before` had
   * at least what every plan made since the last invalidate() asked for, no plan left it out, no
   * search would run differently now and every plan (and every refusal) stands. Otherwise invalidate().
   */
  released(before: TopoLink): void {
    if (residualMbps(before) < this.plannedMbps) this.invalidate();
  }

  /**
   * `avoidNodes`: nodes the paths must not cross (besides the intent's own exclusions), e.g. switches
   * that cannot be programmed right now; never applied to the intent's own ends.
   */
  plan(spec: IntentSpec, src: ResolvedEndpoint, dst: ResolvedEndpoint, avoidNodes?: readonly string[]): PlanResult {
    const avoid =
      avoidNodes === undefined || avoidNodes.length === 0
        ? avoidNodes
        : avoidNodes.filter((n) => n !== src.node && n !== dst.node);
    if (!this.memo) return this.planNow(spec, src.node, dst.node, avoid);
    const key = planKey(spec, src.node, dst.node, avoid);
    const hit = this.memo.get(key);
    if (hit && hit.epoch === this.epoch) {
      if (!hit.result.ok) return hit.result;
      // The check reads nothing but the links: with the topology unchanged since the last one it would
      // find exactly what it found then.
      const shape = this.topo.shapeVersion;
      const attr = this.topo.attrVersion;
      if (hit.checked !== undefined && shape !== undefined && hit.shape === shape && hit.attr === attr) return hit.checked;
      const reused = this.stillFeasible(hit.result.paths, spec.bandwidthMbps);
      if (reused) {
        const again: PlanResult = reused === hit.result.paths ? hit.result : { ok: true, paths: reused };
        hit.checked = again;
        hit.shape = shape;
        hit.attr = attr;
        return again;
      }
    }
    const result = this.planNow(spec, src.node, dst.node, avoid);
    if (spec.bandwidthMbps > this.plannedMbps) this.plannedMbps = spec.bandwidthMbps;
    // Made on the topology as it is now: it passes the check at these versions by construction (every
    // link qualified for the search, and its bottleneck is the one the search found).
    const shape = this.topo.shapeVersion;
    const attr = this.topo.attrVersion;
    this.memo.set(key, { epoch: this.epoch, result, checked: result.ok ? result : undefined, shape, attr });
    return result;
  }

  /**
   * The paths again with current bottlenecks, when every link still qualifies; undefined otherwise.
   * What did not change is returned as it was (the same objects): whatever is remembered per path or per
   * paths object (compiled ports, link lists) is then found again.
   */
  private stillFeasible(paths: IntentPaths, mbps: number): IntentPaths | undefined {
    const forward = this.feasibleDirection(paths.forward, mbps);
    const reverse = paths.reverse ? this.feasibleDirection(paths.reverse, mbps) : undefined;
    if (!forward || (paths.reverse && !reverse)) return undefined;
    if (forward === paths.forward && reverse === paths.reverse) return paths;
    return { forward, ...(reverse ? { reverse } : {}) };
  }

  private feasibleDirection(d: DirectionPaths, mbps: number): DirectionPaths | undefined {
    const primary = this.feasiblePath(d.primary, mbps);
    const backup = d.backup ? this.feasiblePath(d.backup, mbps) : undefined;
    if (!primary || (d.backup && !backup)) return undefined;
    if (primary === d.primary && backup === d.backup) return d;
    return { primary, ...(backup ? { backup } : {}), active: d.active };
  }

  /** The path with its current bottleneck when every link still qualifies (itself when that is unchanged). */
  private feasiblePath(p: Path, mbps: number): Path | undefined {
    let bottleneck = Number.POSITIVE_INFINITY;
    const links = p.links;
    for (let i = 0; i < links.length; i++) {
      const l = this.topo.findLink(links[i]);
      if (l === undefined || !l.adminUp || !l.operUp) return undefined;
      const residual = l.capacityMbps - l.reservedMbps;
      if (residual < mbps) return undefined;
      if (residual < bottleneck) bottleneck = residual;
    }
    return links.length === 0 || bottleneck === p.bottleneckMbps ? p : { ...p, bottleneckMbps: bottleneck };
  }

  private planNow(spec: IntentSpec, from: string, to: string, avoid: readonly string[] | undefined): PlanResult {
    const forward = this.direction(spec, from, to, avoid);
    if (!forward.ok) return forward;
    if (!spec.bidirectional) return { ok: true, paths: { forward: forward.paths } };
    const mirrored = this.mirror(spec, forward.paths);
    if (mirrored) return { ok: true, paths: { forward: forward.paths, reverse: mirrored } };
    const reverse = this.direction(spec, to, from, avoid);
    if (!reverse.ok) return { ok: false, reason: { ...reverse.reason, message: `reverse direction: ${reverse.reason.message}` } };
    return { ok: true, paths: { forward: forward.paths, reverse: reverse.paths } };
  }

  /**
   * A new backup for a direction now running on `working` (its former backup): the same protection
   * kind, expressed as exclusions of what `working` uses. Undefined when none exists.
   */
  backupFor(spec: IntentSpec, working: Path, avoidNodes?: readonly string[]): Path | undefined {
    if (working.links.length === 0 || spec.protection === 'none') return undefined;
    const links = working.links.map((id) => this.topo.findLink(id)).filter((l): l is TopoLink => l !== undefined);
    const inner = working.nodes.slice(1, -1);
    const src = working.nodes[0];
    const dst = working.nodes[working.nodes.length - 1];
    const avoid = avoidNodes?.filter((n) => n !== src && n !== dst) ?? [];
    const c = spec.constraints;
    const base = this.baseRequest(spec, src, dst, avoid);
    const req: PathRequest = {
      ...base,
      protection: 'none',
      avoidLinks: [...(c.avoidLinks ?? []), ...working.links],
      ...(spec.protection === 'node-disjoint' ? { avoidNodes: [...(base.avoidNodes ?? []), ...inner] } : {}),
      ...(spec.protection === 'srlg-disjoint' ? { avoidSrlgs: links.flatMap((l) => l.srlgs) } : {}),
      ...(spec.protection === 'provider-diverse'
        ? { avoidProviders: [...(c.avoidProviders ?? []), ...links.map((l) => l.provider)] }
        : {}),
    };
    const r = this.engine.compute(req);
    return r.ok ? r.primary : undefined;
  }

  private direction(
    spec: IntentSpec,
    from: string,
    to: string,
    avoid: readonly string[] | undefined,
  ): { ok: true; paths: DirectionPaths } | { ok: false; reason: IntentFailure } {
    if (from === to) return { ok: true, paths: { primary: localPath(from), active: 'primary' } };
    const r = this.engine.compute({ ...this.baseRequest(spec, from, to, avoid), protection: spec.protection });
    if (!r.ok) return { ok: false, reason: { code: r.reason.code, message: r.reason.message, details: r.reason.details } };
    return { ok: true, paths: { primary: r.primary, ...(r.backup ? { backup: r.backup } : {}), active: 'primary' } };
  }

  private baseRequest(spec: IntentSpec, src: string, dst: string, avoid?: readonly string[]): PathRequest {
    const c = spec.constraints;
    const avoidNodes = avoid && avoid.length > 0 ? [...(c.avoidNodes ?? []), ...avoid] : c.avoidNodes;
    return {
      src,
      dst,
      objective: spec.objective,
      ...(spec.bandwidthMbps > 0 ? { bandwidthMbps: spec.bandwidthMbps } : {}),
      ...(spec.maxLatencyMs !== undefined ? { maxLatencyMs: spec.maxLatencyMs } : {}),
      ...(c.maxHops !== undefined ? { maxHops: c.maxHops } : {}),
      ...(c.avoidProviders ? { avoidProviders: c.avoidProviders } : {}),
      ...(avoidNodes ? { avoidNodes } : {}),
      ...(c.avoidLinks ? { avoidLinks: c.avoidLinks } : {}),
      ...(c.allowedJurisdictions ? { allowedJurisdictions: c.allowedJurisdictions } : {}),
    };
  }

  /** The forward paths run backwards over the same cables, when every reverse link qualifies. */
  private mirror(spec: IntentSpec, fwd: DirectionPaths): DirectionPaths | undefined {
    const primary = this.mirrorPath(spec, fwd.primary);
    if (!primary) return undefined;
    if (!fwd.backup) return { primary, active: 'primary' };
    const backup = this.mirrorPath(spec, fwd.backup);
    return backup ? { primary, backup, active: 'primary' } : undefined;
  }

  private mirrorPath(spec: IntentSpec, p: Path): Path | undefined {
    const c = spec.constraints;
    const engine = this.engine;
    // Null (the engine cannot tell, or has no such method): the links back are looked up below.
    const back = engine.reverseOf
      ? engine.reverseOf(p, { bandwidthMbps: spec.bandwidthMbps, avoidLinks: c.avoidLinks, avoidProviders: c.avoidProviders })
      : null;
    if (back === undefined) return undefined;
    if (back !== null) return spec.maxLatencyMs !== undefined && back.latencyMs > spec.maxLatencyMs ? undefined : back;
    const links: TopoLink[] = [];
    for (let i = p.links.length - 1; i >= 0; i--) {
      const fwd = this.topo.findLink(p.links[i]);
      if (!fwd) return undefined;
      const byPort = fwd.dstPort === undefined ? undefined : this.topo.linkFromPort(fwd.dst, fwd.dstPort);
      const rev =
        byPort !== undefined && byPort.dst === fwd.src && byPort.cable === fwd.cable
          ? byPort
          : this.topo.linksOf(fwd.cable).find((l) => l.src === fwd.dst && l.dst === fwd.src);
      if (!rev || !isUsable(rev) || residualMbps(rev) < spec.bandwidthMbps) return undefined;
      if (c.avoidLinks?.includes(rev.id) || c.avoidProviders?.includes(rev.provider)) return undefined;
      links.push(rev);
    }
    const latencyMs = links.reduce((s, l) => s + effectiveLatencyMs(l), 0);
    if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) return undefined;
    return {
      nodes: [...p.nodes].reverse(),
      links: links.map((l) => l.id),
      latencyMs,
      cost: links.reduce((s, l) => s + l.cost, 0),
      energyJPerGbit: links.reduce((s, l) => s + l.energyJPerGbit, 0),
      hops: links.length,
      bottleneckMbps: links.reduce((m, l) => Math.min(m, residualMbps(l)), Number.POSITIVE_INFINITY),
    };
  }
}

/** Distinct requests kept across passes before the plans are dropped (bounds memory, not correctness). */
const MAX_KEPT_PLANS = 10_000;

/**
 * The memo key: everything planNow reads (ends, objective, bandwidth, latency bound, protection,
 * direction, constraints, extra nodes to avoid). Ids are length-prefixed and the lists are JSON, so
 * different requests never share a key.
 */
function planKey(spec: IntentSpec, src: string, dst: string, avoid: readonly string[] | undefined): string {
  let key = `${src.length}:${src}${dst.length}:${dst}|${spec.objective}|${spec.bandwidthMbps}|${spec.maxLatencyMs}|${spec.protection}|${spec.bidirectional}|`;
  const c = spec.constraints;
  if (hasKeys(c)) key += JSON.stringify(c);
  if (avoid !== undefined && avoid.length > 0) key += `|${JSON.stringify(avoid)}`;
  return key;
}

/** Whether `o` has an own enumerable key (without building the key list). */
function hasKeys(o: object): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}

function localPath(node: string): Path {
  return { nodes: [node], links: [], latencyMs: 0, cost: 0, energyJPerGbit: 0, hops: 0, bottleneckMbps: Number.MAX_SAFE_INTEGER };
}

/** linksOfPaths by paths object (paths are values, shared by the intents of one plan). */
const linksByPaths = new WeakMap<IntentPaths, readonly string[]>();

/**
 * Every directed link an intent's paths use, each once (a link on two paths carries one reservation).
 * The list is shared by every caller asking about the same paths object: never change it.
 */
export function linksOfPaths(paths: IntentPaths): readonly string[] {
  let links = linksByPaths.get(paths);
  if (links === undefined) {
    const out = new Set<string>();
    for (const d of [paths.forward, paths.reverse]) {
      if (!d) continue;
      for (const l of d.primary.links) out.add(l);
      for (const l of d.backup?.links ?? []) out.add(l);
    }
    // Frozen: it is shared, and the ledger keeps a frozen list as it is instead of copying it.
    links = Object.freeze([...out]);
    linksByPaths.set(paths, links);
  }
  return links;
}
