import type { SearchContext } from './search-context.js';
import { joinAtMeet, type SlotPath } from './slot-path.js';

/**
 * Point-to-point shortest path by bidirectional Dijkstra: a forward search from `src` over out-edges
 * and a backward search from `dst` over in-edges, each expanding the side whose queue head is smaller.
 * `mu` is the best src->dst distance seen through any edge joining the two searched regions; the search
 * stops once headF + headB >= mu, when no undiscovered path can be shorter (Goldberg & Harrelson's
 * stopping rule). On road-like and WAN graphs each side settles roughly a disc of half the radius, so
 * far fewer nodes are touched than by a one-directional search.
 *
 * The caller checks that `src` and `dst` themselves pass the node filter.
 */
export function bidirectionalDijkstra(ctx: SearchContext, src: number, dst: number, weight: Float64Array): SlotPath | null {
  if (src === dst) return { src, edges: [] };
  const s = ctx.snap;
  const gen = ctx.nextGen();
  const { distF, distB, predF, predB, seenF, seenB, heapF, heapB } = ctx;
  const outOffsets = s.outOffsets;
  const inOffsets = s.inOffsets;
  const inSlots = s.inSlots;
  const edgeDst = s.edgeDst;
  const edgeSrc = s.edgeSrc;
  const nodeRules = ctx.nodeRules;
  // Hot loop: the common checks (link up, enough bandwidth) read local arrays; the rest only when active.
  const usable = s.usable;
  const residual = s.residualMbps;
  const minResidual = ctx.minResidual;
  const edgeRules = ctx.edgeRules;
  ctx.seedBidirectional(gen, src, dst, 0, 0);
  let mu = Number.POSITIVE_INFINITY;
  let meet = -1;

  while (heapF.size > 0 && heapB.size > 0) {
    const topF = heapF.peekKey();
    const topB = heapB.peekKey();
    if (topF + topB >= mu) break;
    if (topF <= topB) {
      const u = heapF.pop();
      if (topF > distF[u]) continue;
      for (let e = outOffsets[u], end = outOffsets[u + 1]; e < end; e++) {
        if (usable[e] === 0 || residual[e] < minResidual || (edgeRules && !ctx.edgeOk(e))) continue;
        const v = edgeDst[e];
        const nd = topF + weight[e];
        if (seenF[v] !== gen) {
          if (nodeRules && !ctx.nodeOk(v)) continue;
          seenF[v] = gen;
        } else if (nd >= distF[v]) continue;
        distF[v] = nd;
        predF[v] = e;
        heapF.push(nd, v);
        if (seenB[v] === gen && nd + distB[v] < mu) {
          mu = nd + distB[v];
          meet = v;
        }
      }
    } else {
      const v = heapB.pop();
      if (topB > distB[v]) continue;
      for (let i = inOffsets[v], end = inOffsets[v + 1]; i < end; i++) {
        const e = inSlots[i];
        if (usable[e] === 0 || residual[e] < minResidual || (edgeRules && !ctx.edgeOk(e))) continue;
        const u = edgeSrc[e];
        const nd = topB + weight[e];
        if (seenB[u] !== gen) {
          if (nodeRules && !ctx.nodeOk(u)) continue;
          seenB[u] = gen;
        } else if (nd >= distB[u]) continue;
        distB[u] = nd;
        predB[u] = e;
        heapB.push(nd, u);
        if (seenF[u] === gen && nd + distF[u] < mu) {
          mu = nd + distF[u];
          meet = u;
        }
      }
    }
  }
  return meet < 0 ? null : joinAtMeet(s, predF, predB, src, dst, meet);
}
