import { bidirectionalAlt } from './bidirectional-alt.js';
import { bidirectionalDijkstra } from './bidirectional-dijkstra.js';
import { type PathBounds, type RestrictedPath, restrictedShortestPath } from './restricted-shortest-path.js';
import type { SearchContext } from './search-context.js';
import { pathWeight, type SlotPath } from './slot-path.js';

export const NO_BOUNDS: PathBounds = { maxLatencyMs: Number.POSITIVE_INFINITY, maxHops: Number.POSITIVE_INFINITY };

export function withinBounds(ctx: SearchContext, p: SlotPath, b: PathBounds): boolean {
  return p.edges.length <= b.maxHops && pathWeight(p, ctx.snap.latencyMs) <= b.maxLatencyMs + 1e-9;
}

/**
 * The best path for `weight` that meets the latency and hop bounds. The unconstrained optimum (one
 * bidirectional search, goal-directed by landmarks once the context has them) is tried first: when it
 * already meets the bounds it is the answer, and only otherwise the exact restricted-shortest-path
 * search runs. Honours the context's temporary blocks.
 */
export function boundedShortestPath(
  ctx: SearchContext,
  src: number,
  dst: number,
  weight: Float64Array,
  bounds: PathBounds,
): RestrictedPath | null {
  if (!ctx.nodeOk(src) || !ctx.nodeOk(dst)) return null;
  const lm = ctx.landmarksFor(weight);
  const p = lm !== null ? bidirectionalAlt(ctx, src, dst, weight, lm) : bidirectionalDijkstra(ctx, src, dst, weight);
  if (p === null) return null;
  if (withinBounds(ctx, p, bounds)) return { path: p, weight: pathWeight(p, weight), exact: true };
  return restrictedShortestPath(ctx, src, dst, weight, bounds);
}
