import { dijkstraAll } from './dijkstra.js';
import type { SearchContext } from './search-context.js';
import type { SlotPath } from './slot-path.js';

/**
 * Equal-cost multipath set: every src->dst path whose weight equals the optimum (within 1e-9 relative),
 * up to `limit` paths, for load balancing across them (e.g. an OpenFlow select group).
 *
 * An edge u->v lies on some shortest path iff dist(src,u) + w + dist(v,dst) = dist(src,dst); those edges
 * form a DAG (weights are positive) that a depth-first walk enumerates. Paths come out in a
 * deterministic order (CSR order of the edges).
 */
export function equalCostPaths(ctx: SearchContext, src: number, dst: number, weight: Float64Array, limit: number): SlotPath[] {
  const s = ctx.snap;
  const n = s.nodeCount;
  const fromSrc = new Float64Array(n);
  const toDst = new Float64Array(n);
  const pred = new Int32Array(n);
  dijkstraAll(ctx, src, weight, false, fromSrc, pred);
  const best = fromSrc[dst];
  if (best === Number.POSITIVE_INFINITY || limit <= 0) return [];
  if (src === dst) return [{ src, edges: [] }];
  dijkstraAll(ctx, dst, weight, true, toDst, pred);
  const tol = 1e-9 * Math.max(1, best);
  const onDag = (e: number): boolean => {
    if (!ctx.edgeOk(e)) return false;
    const u = s.edgeSrc[e];
    const v = s.edgeDst[e];
    return fromSrc[u] + weight[e] + toDst[v] <= best + tol && fromSrc[u] + weight[e] <= fromSrc[v] + tol;
  };
  const out: SlotPath[] = [];
  const stack: number[] = [];
  const onStack = new Uint8Array(n);
  const dfs = (u: number): void => {
    if (out.length >= limit) return;
    if (u === dst) {
      out.push({ src, edges: stack.slice() });
      return;
    }
    onStack[u] = 1;
    for (let e = s.outOffsets[u], end = s.outOffsets[u + 1]; e < end && out.length < limit; e++) {
      const v = s.edgeDst[e];
      if (onStack[v] === 1 || !onDag(e)) continue;
      stack.push(e);
      dfs(v);
      stack.pop();
    }
    onStack[u] = 0;
  };
  dfs(src);
  return out;
}
