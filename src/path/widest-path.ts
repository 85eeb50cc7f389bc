import type { SearchContext } from './search-context.js';
import type { SlotPath } from './slot-path.js';

/**
 * Widest (maximum-bottleneck) path: maximises the smallest residual bandwidth along the path, under the
 * context's filter. A Dijkstra variant with key = -bottleneck (max-min is monotone along paths, so the
 * greedy settle order stays correct). Used to explain bandwidth refusals: its bottleneck is the most any
 * single path could carry, and the link holding it is the one to upgrade.
 */
export function widestPath(ctx: SearchContext, src: number, dst: number): { path: SlotPath; bottleneckMbps: number } | null {
  const s = ctx.snap;
  if (!ctx.nodeOk(src) || !ctx.nodeOk(dst)) return null;
  const gen = ctx.nextGen();
  const { distF: width, predF, seenF, doneF, heapF } = ctx;
  heapF.clear();
  width[src] = Number.POSITIVE_INFINITY;
  seenF[src] = gen;
  heapF.push(Number.NEGATIVE_INFINITY, src);
  while (heapF.size > 0) {
    const u = heapF.pop();
    if (doneF[u] === gen) continue;
    doneF[u] = gen;
    if (u === dst) break;
    for (let e = s.outOffsets[u], end = s.outOffsets[u + 1]; e < end; e++) {
      if (!ctx.edgeOk(e)) continue;
      const v = s.edgeDst[e];
      const w = Math.min(width[u], s.residualMbps[e]);
      if (seenF[v] !== gen) {
        if (ctx.nodeRules && !ctx.nodeOk(v)) continue;
        seenF[v] = gen;
      } else if (w <= width[v]) continue;
      width[v] = w;
      predF[v] = e;
      heapF.push(-w, v);
    }
  }
  if (doneF[dst] !== gen || src === dst) return null;
  const edges: number[] = [];
  for (let v = dst; v !== src; v = s.edgeSrc[predF[v]]) edges.push(predF[v]);
  return { path: { src, edges: edges.reverse() }, bottleneckMbps: width[dst] };
}
