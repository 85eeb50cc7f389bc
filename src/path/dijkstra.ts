import type { SearchContext } from './search-context.js';

/**
 * One-to-all Dijkstra over the CSR snapshot under the context's filter, forward from `root` along
 * out-edges or in reverse along in-edges (distances *to* `root`). Writes every node's distance into
 * `dist` (Infinity when unreachable) and the slot that reached it into `pred` (-1 for root/unreached).
 * A single-source search touches every node anyway, so the output arrays are simply filled.
 */
export function dijkstraAll(
  ctx: SearchContext,
  root: number,
  weight: Float64Array,
  reverse: boolean,
  dist: Float64Array,
  pred: Int32Array,
): void {
  const s = ctx.snap;
  dist.fill(Number.POSITIVE_INFINITY);
  pred.fill(-1);
  if (!ctx.nodeOk(root)) return;
  const heap = ctx.heapF;
  heap.clear();
  dist[root] = 0;
  heap.push(0, root);
  const offsets = reverse ? s.inOffsets : s.outOffsets;
  const edgeAt = reverse ? s.inSlots : null;
  const far = reverse ? s.edgeSrc : s.edgeDst;
  const nodeRules = ctx.nodeRules;
  const usable = s.usable;
  const residual = s.residualMbps;
  const minResidual = ctx.minResidual;
  const edgeRules = ctx.edgeRules;
  while (heap.size > 0) {
    const d = heap.peekKey();
    const u = heap.pop();
    if (d > dist[u]) continue;
    for (let i = offsets[u], end = offsets[u + 1]; i < end; i++) {
      const e = edgeAt === null ? i : edgeAt[i];
      if (usable[e] === 0 || residual[e] < minResidual || (edgeRules && !ctx.edgeOk(e))) continue;
      const v = far[e];
      const nd = d + weight[e];
      if (nd < dist[v] && (!nodeRules || ctx.nodeOk(v))) {
        dist[v] = nd;
        pred[v] = e;
        heap.push(nd, v);
      }
    }
  }
}
