import type { SearchContext } from './search-context.js';
import { type SlotPath, tracePred } from './slot-path.js';

/**
 * A* from `src` to `dst` guided by `toDst`, exact distances to `dst` in a supergraph of the one being
 * searched (the request's graph before temporary blocks). Such a potential is admissible and consistent
 * on any subgraph, because removing edges can only lengthen paths, so the first time `dst` is popped its
 * distance is optimal. Yen's spur searches use it: with the reverse shortest-path tree as potential a spur
 * search walks almost straight to the destination.
 */
export function astar(
  ctx: SearchContext,
  src: number,
  dst: number,
  weight: Float64Array,
  toDst: Float64Array,
): { path: SlotPath; weight: number } | null {
  const s = ctx.snap;
  if (toDst[src] === Number.POSITIVE_INFINITY) return null;
  if (src === dst) return { path: { src, edges: [] }, weight: 0 };
  const gen = ctx.nextGen();
  const { distF, predF, seenF, doneF, heapF } = ctx;
  const edgeDst = s.edgeDst;
  const nodeRules = ctx.nodeRules;
  heapF.clear();
  distF[src] = 0;
  seenF[src] = gen;
  predF[src] = -1;
  heapF.push(toDst[src], src);
  while (heapF.size > 0) {
    const u = heapF.pop();
    if (doneF[u] === gen) continue;
    doneF[u] = gen;
    if (u === dst) break;
    const g = distF[u];
    for (let e = s.outOffsets[u], end = s.outOffsets[u + 1]; e < end; e++) {
      if (!ctx.edgeOk(e)) continue;
      const v = edgeDst[e];
      const h = toDst[v];
      if (h === Number.POSITIVE_INFINITY || doneF[v] === gen) continue;
      const nd = g + weight[e];
      if (seenF[v] !== gen) {
        if (nodeRules && !ctx.nodeOk(v)) continue;
        seenF[v] = gen;
      } else if (nd >= distF[v]) continue;
      distF[v] = nd;
      predF[v] = e;
      heapF.push(nd + h, v);
    }
  }
  if (doneF[dst] !== gen) return null;
  return { path: { src, edges: tracePred(s, predF, src, dst) }, weight: distF[dst] };
}
