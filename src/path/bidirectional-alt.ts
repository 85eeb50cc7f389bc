import type { LandmarkIndex } from './landmarks.js';
import type { SearchContext } from './search-context.js';
import { joinAtMeet, type SlotPath } from './slot-path.js';

/**
 * Point-to-point shortest path by bidirectional A* with landmark bounds (ALT, Goldberg & Harrelson 2005,
 * section 5). For each touched node v the search reads two lower bounds from the active landmarks:
 * ht(v) <= d(v, dst) and hs(v) <= d(src, v). Both searches use the averaged potential
 * pf(v) = (ht(v) - hs(v)) / 2 (forward keys dF + pf, backward keys dB - pf): it is consistent for both
 * directions at once, so the reduced costs are non-negative on either side and the plain bidirectional
 * stopping rule carries over - stop when topF + topB >= mu, the best meeting distance so far. A node is
 * also not relaxed when its distance plus its bound towards the other end already reaches mu.
 *
 * Exactness: the bounds come from floors of the weights over every link, so they stay lower bounds under
 * any filter (see landmarks.ts). A node whose distance improves after it was expanded (float rounding in
 * potentials) is simply pushed again, so the answer is the optimum, not an approximation.
 *
 * The caller checks that `src` and `dst` themselves pass the node filter and that `lm` is current.
 */
export function bidirectionalAlt(
  ctx: SearchContext,
  src: number,
  dst: number,
  weight: Float64Array,
  lm: LandmarkIndex,
): SlotPath | null {
  if (src === dst) return { src, edges: [] };
  const s = ctx.snap;
  const gen = ctx.nextGen();
  const { distF, distB, predF, predB, seenF, seenB, heapF, heapB, potT, potS, potGen } = ctx;
  const outOffsets = s.outOffsets;
  const inOffsets = s.inOffsets;
  const inSlots = s.inSlots;
  const edgeDst = s.edgeDst;
  const edgeSrc = s.edgeSrc;
  const usable = s.usable;
  const residual = s.residualMbps;
  const minResidual = ctx.minResidual;
  const nodeRules = ctx.nodeRules;
  const edgeRules = ctx.edgeRules;

  // Active landmark columns and the distances of both ends to and from them.
  const cols = ctx.activeCols;
  const active = lm.pickActive(src, dst, cols);
  const k = lm.count;
  const from = lm.from;
  const to = lm.to;
  const c0 = active > 0 ? cols[0] : 0;
  const c1 = active > 1 ? cols[1] : c0;
  const c2 = active > 2 ? cols[2] : c0;
  const c3 = active > 3 ? cols[3] : c0;
  const dRow = dst * k;
  const sRow = src * k;
  const toT0 = to[dRow + c0];
  const toT1 = to[dRow + c1];
  const toT2 = to[dRow + c2];
  const toT3 = to[dRow + c3];
  const fromT0 = from[dRow + c0];
  const fromT1 = from[dRow + c1];
  const fromT2 = from[dRow + c2];
  const fromT3 = from[dRow + c3];
  const toS0 = to[sRow + c0];
  const toS1 = to[sRow + c1];
  const toS2 = to[sRow + c2];
  const toS3 = to[sRow + c3];
  const fromS0 = from[sRow + c0];
  const fromS1 = from[sRow + c1];
  const fromS2 = from[sRow + c2];
  const fromS3 = from[sRow + c3];
  /**
   * Fills potT/potS for v once per search. Unrolled over the (up to) four active columns; `x > b`
   * comparisons skip NaN (a landmark reaching neither node tells nothing). Without landmarks (k = 0)
   * every bound is 0 and the search is plain bidirectional Dijkstra.
   */
  const bounds = (v: number): void => {
    potGen[v] = gen;
    if (active === 0) {
      potT[v] = 0;
      potS[v] = 0;
      return;
    }
    const row = v * k;
    const t0 = to[row + c0];
    const t1 = to[row + c1];
    const t2 = to[row + c2];
    const t3 = to[row + c3];
    const f0 = from[row + c0];
    const f1 = from[row + c1];
    const f2 = from[row + c2];
    const f3 = from[row + c3];
    let ht = 0;
    let hs = 0;
    let x = t0 - toT0;
    if (x > ht) ht = x;
    x = t1 - toT1;
    if (x > ht) ht = x;
    x = t2 - toT2;
    if (x > ht) ht = x;
    x = t3 - toT3;
    if (x > ht) ht = x;
    x = fromT0 - f0;
    if (x > ht) ht = x;
    x = fromT1 - f1;
    if (x > ht) ht = x;
    x = fromT2 - f2;
    if (x > ht) ht = x;
    x = fromT3 - f3;
    if (x > ht) ht = x;
    x = toS0 - t0;
    if (x > hs) hs = x;
    x = toS1 - t1;
    if (x > hs) hs = x;
    x = toS2 - t2;
    if (x > hs) hs = x;
    x = toS3 - t3;
    if (x > hs) hs = x;
    x = f0 - fromS0;
    if (x > hs) hs = x;
    x = f1 - fromS1;
    if (x > hs) hs = x;
    x = f2 - fromS2;
    if (x > hs) hs = x;
    x = f3 - fromS3;
    if (x > hs) hs = x;
    potT[v] = ht;
    potS[v] = hs;
  };

  bounds(src);
  bounds(dst);
  if (potT[src] === Number.POSITIVE_INFINITY) return null;
  ctx.seedBidirectional(gen, src, dst, (potT[src] - potS[src]) * 0.5, (potS[dst] - potT[dst]) * 0.5);
  let mu = Number.POSITIVE_INFINITY;
  let meet = -1;
  let settled = 0;

  while (heapF.size > 0 && heapB.size > 0) {
    const topF = heapF.peekKey();
    const topB = heapB.peekKey();
    if (topF + topB >= mu) break;
    settled++;
    if (topF <= topB) {
      const u = heapF.pop();
      const du = distF[u];
      if (topF > du + (potT[u] - potS[u]) * 0.5) continue;
      for (let e = outOffsets[u], end = outOffsets[u + 1]; e < end; e++) {
        if (usable[e] === 0 || residual[e] < minResidual || (edgeRules && !ctx.edgeOk(e))) continue;
        const v = edgeDst[e];
        const nd = du + weight[e];
        if (potGen[v] !== gen) bounds(v);
        const ht = potT[v];
        if (nd + ht >= mu) continue;
        if (seenF[v] !== gen) {
          if (nodeRules && !ctx.nodeOk(v)) continue;
          seenF[v] = gen;
        } else if (nd >= distF[v]) continue;
        distF[v] = nd;
        predF[v] = e;
        heapF.push(nd + (ht - potS[v]) * 0.5, v);
        if (seenB[v] === gen && nd + distB[v] < mu) {
          mu = nd + distB[v];
          meet = v;
        }
      }
    } else {
      const v = heapB.pop();
      const dv = distB[v];
      if (topB > dv + (potS[v] - potT[v]) * 0.5) continue;
      for (let i = inOffsets[v], end = inOffsets[v + 1]; i < end; i++) {
        const e = inSlots[i];
        if (usable[e] === 0 || residual[e] < minResidual || (edgeRules && !ctx.edgeOk(e))) continue;
        const u = edgeSrc[e];
        const nd = dv + weight[e];
        if (potGen[u] !== gen) bounds(u);
        const hs = potS[u];
        if (nd + hs >= mu) continue;
        if (seenB[u] !== gen) {
          if (nodeRules && !ctx.nodeOk(u)) continue;
          seenB[u] = gen;
        } else if (nd >= distB[u]) continue;
        distB[u] = nd;
        predB[u] = e;
        heapB.push(nd + (hs - potT[u]) * 0.5, u);
        if (seenF[u] === gen && nd + distF[u] < mu) {
          mu = nd + distF[u];
          meet = u;
        }
      }
    }
  }
  ctx.searchWork += settled;
  return meet < 0 ? null : joinAtMeet(s, predF, predB, src, dst, meet);
}
