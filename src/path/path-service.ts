import { SdncError } from '../model/errors.js';
import type { Objective, Path, PathRequest, PathResult } from '../model/path.js';
import { boundedShortestPath, NO_BOUNDS, withinBounds } from './bounded-path.js';
import type { CsrSnapshot } from './csr-snapshot.js';
import { equalCostPaths } from './ecmp.js';
import { diagnoseNoPath } from './no-path-diagnosis.js';
import { protectedPair } from './protected-pair.js';
import type { PathBounds } from './restricted-shortest-path.js';
import { type LandmarkOptions, SearchContext } from './search-context.js';
import { pathKey, type SlotPath, toPath, weightOf } from './slot-path.js';
import type { SnapshotKeeper } from './snapshot-keeper.js';
import { yenKShortest } from './yen.js';

/** What reverseOf checks on the links back besides their being up. */
export interface ReverseRequest {
  readonly bandwidthMbps?: number;
  readonly avoidLinks?: readonly string[];
  readonly avoidProviders?: readonly string[];
}

/** The slots of the primaries and backups answered, and the snapshot they are slots of (see reverseOf). */
const foundOn = new WeakMap<Path, { readonly snap: CsrSnapshot; readonly path: SlotPath }>();

/** The public path of `p`, remembered with its slots. */
function found(snap: CsrSnapshot, p: SlotPath): Path {
  const path = toPath(snap, p);
  foundOn.set(path, { snap, path: p });
  return path;
}

/** Largest k a request may ask for (Yen's cost grows with k times path length). */
export const MAX_K = 16;

/**
 * The path engine's entry point. Picks the algorithm from the request:
 * - no protection, k = 1: bidirectional Dijkstra on the objective's weight; when that path breaks the
 *   latency or hop bound, the exact restricted-shortest-path label-setting search;
 * - k > 1: Yen's k shortest loopless paths (those breaking a bound are skipped);
 * - protection: Suurballe (link/node) or its SRLG/provider heuristic, both paths within the bounds.
 * Constraints (bandwidth, exclusions, jurisdictions) are applied as a filter in every search. A failure
 * returns a NoPathReason from diagnoseNoPath. Never reserves anything: admission is the ledger's job.
 */
export class PathService {
  private ctx: SearchContext | null = null;

  /** `landmarks` tunes goal-directed search (see LandmarkOptions); the defaults suit production. */
  constructor(
    private readonly keeper: SnapshotKeeper,
    private readonly landmarks: LandmarkOptions = {},
  ) {}

  compute(req: PathRequest): PathResult {
    return this.computeOn(this.context(), req);
  }

  /** Every path of optimal weight (up to `limit`) for load balancing; empty when none exists. */
  equalCostPaths(req: PathRequest, limit = 8): Path[] {
    validate(req);
    const ctx = this.context();
    const src = ctx.snap.indexOf(req.src);
    const dst = ctx.snap.indexOf(req.dst);
    if (src < 0 || dst < 0) return [];
    ctx.setConstraints(req);
    const bounds = boundsOf(req);
    return equalCostPaths(ctx, src, dst, weightOf(ctx.snap, req.objective ?? 'latency'), limit)
      .filter((p) => withinBounds(ctx, p, bounds))
      .map((p) => toPath(ctx.snap, p));
  }

  /**
   * Builds the landmark index for an objective now (otherwise built once enough queries ran on the
   * snapshot), e.g. right after start-up, off the request path. Returns whether an index is in place.
   */
  prepareLandmarks(objective: Objective = 'latency'): boolean {
    const ctx = this.context();
    return ctx.landmarksFor(weightOf(ctx.snap, objective), true) !== null;
  }

  /** The snapshot queries currently run on. */
  snapshot(): CsrSnapshot {
    return this.context().snap;
  }

  private context(): SearchContext {
    const snap = this.keeper.current();
    if (this.ctx === null || this.ctx.snap !== snap) this.ctx = new SearchContext(snap, this.landmarks);
    return this.ctx;
  }

  private computeOn(ctx: SearchContext, req: PathRequest): PathResult {
    validate(req);
    const snap = ctx.snap;
    const src = snap.indexOf(req.src);
    const dst = snap.indexOf(req.dst);
    const missing = [src < 0 ? req.src : null, dst < 0 ? req.dst : null].filter((x) => x !== null);
    if (missing.length > 0) {
      return {
        ok: false,
        reason: { code: 'unknown-node', message: `unknown node ${missing.join(' and ')}`, details: { nodes: missing } },
      };
    }
    ctx.setConstraints(req);
    const weight = weightOf(snap, req.objective ?? 'latency');
    const bounds = boundsOf(req);
    const k = req.k ?? 1;
    const protection = req.protection ?? 'none';
    let primary: SlotPath | null = null;
    let backup: SlotPath | undefined;
    let alternatives: SlotPath[] = [];
    if (protection !== 'none') {
      const pair = protectedPair(ctx, src, dst, weight, protection, bounds);
      if (pair !== null) {
        primary = pair.primary;
        backup = pair.backup;
        if (k > 1)
          alternatives = this.kShortest(ctx, src, dst, weight, k, bounds).filter((p) => pathKey(p) !== pathKey(pair.primary));
      }
    } else if (k > 1) {
      const paths = this.kShortest(ctx, src, dst, weight, k, bounds);
      if (paths.length > 0) {
        primary = paths[0];
        alternatives = paths.slice(1);
      }
    } else {
      ctx.clearTemp();
      primary = boundedShortestPath(ctx, src, dst, weight, bounds)?.path ?? null;
    }
    if (primary === null) return { ok: false, reason: diagnoseNoPath(ctx, req, src, dst) };
    return {
      ok: true,
      primary: found(snap, primary),
      ...(backup !== undefined ? { backup: found(snap, backup) } : {}),
      ...(k > 1 ? { alternatives: alternatives.slice(0, k - 1).map((p) => toPath(snap, p)) } : {}),
    };
  }

  /**
   * The path back over the same cables: each link's twin (the other direction of its cable) in reverse
   * order, with its totals, when `path` is a primary or backup this service answered on the snapshot
   * queries run on now. Undefined when a twin is down, has less than `bandwidthMbps` free or is
   * excluded by `avoidLinks` / `avoidProviders`; null when this service cannot tell (a path it did not
   * find, one found on an earlier snapshot, a link without a twin). Reads the snapshot's arrays only,
   * no link objects.
   */
  reverseOf(path: Path, req: ReverseRequest): Path | undefined | null {
    const known = foundOn.get(path);
    if (known === undefined) return null;
    const snap = this.context().snap;
    if (known.snap !== snap) return null;
    const edges = known.path.edges;
    const twins: number[] = new Array(edges.length);
    const mbps = req.bandwidthMbps ?? 0;
    for (let i = 0; i < edges.length; i++) {
      const t = snap.twin[edges[edges.length - 1 - i]];
      if (t < 0) return null;
      if (snap.usable[t] === 0 || snap.residualMbps[t] < mbps) return undefined;
      twins[i] = t;
    }
    if (req.avoidLinks !== undefined || req.avoidProviders !== undefined) {
      const providers = (req.avoidProviders ?? []).map((p) => snap.providers.find(p));
      for (const t of twins) {
        if (req.avoidLinks?.includes(snap.linkIds[t]) || providers.includes(snap.edgeProvider[t])) return undefined;
      }
    }
    const src = edges.length === 0 ? known.path.src : snap.edgeDst[edges[edges.length - 1]];
    return found(snap, { src, edges: twins });
  }

  private kShortest(
    ctx: SearchContext,
    src: number,
    dst: number,
    weight: Float64Array,
    k: number,
    bounds: PathBounds,
  ): SlotPath[] {
    const bounded = bounds !== NO_BOUNDS;
    return yenKShortest(ctx, src, dst, weight, k, bounded ? { accept: (p) => withinBounds(ctx, p, bounds) } : {});
  }
}

function boundsOf(req: PathRequest): PathBounds {
  if (req.maxLatencyMs === undefined && req.maxHops === undefined) return NO_BOUNDS;
  return {
    maxLatencyMs: req.maxLatencyMs ?? Number.POSITIVE_INFINITY,
    maxHops: req.maxHops ?? Number.POSITIVE_INFINITY,
  };
}

/** Programmatic callers get the same clear errors the REST schema gives. */
function validate(req: PathRequest): void {
  const bad = (reason: string): never => {
    throw new SdncError('SDNC_ERR_VALIDATION', { reason });
  };
  if (typeof req.src !== 'string' || typeof req.dst !== 'string') bad('src and dst must be node ids');
  if (req.bandwidthMbps !== undefined && !(req.bandwidthMbps >= 0)) bad('bandwidthMbps must be >= 0');
  if (req.maxLatencyMs !== undefined && !(req.maxLatencyMs > 0)) bad('maxLatencyMs must be > 0');
  if (req.maxHops !== undefined && !(Number.isInteger(req.maxHops) && req.maxHops >= 1)) bad('maxHops must be an integer >= 1');
  if (req.k !== undefined && !(Number.isInteger(req.k) && req.k >= 1 && req.k <= MAX_K))
    bad(`k must be an integer from 1 to ${MAX_K}`);
  if (req.objective !== undefined && !['latency', 'cost', 'energy', 'hops'].includes(req.objective)) bad('objective is unknown');
  const protections = ['none', 'link-disjoint', 'node-disjoint', 'srlg-disjoint', 'provider-diverse'];
  if (req.protection !== undefined && !protections.includes(req.protection)) bad('protection is unknown');
}
