import type { SearchContext } from './search-context.js';
import type { SlotPath } from './slot-path.js';

export type Disjointness = 'link' | 'node';

/**
 * Suurballe's algorithm: the pair of disjoint src->dst paths with the minimum total weight (a min-cost
 * flow of value 2). Link-disjoint means cable-disjoint: the second search never uses either direction of
 * a cable the first path uses (a min-cost pair never needs both directions of one cable, so this loses
 * nothing). Node-disjoint splits every interior node of the first path into in/out states.
 *
 * 1. A* from src towards dst with landmark bounds h(v) <= d(v, dst) (plain Dijkstra, h = 0, when the
 *    context has no landmarks), stopped when dst is settled at D = d(dst). Potentials: the distance for
 *    settled nodes, D - h(v) for the rest. Every reduced cost w + pot(u) - pot(v) stays >= 0: between
 *    unsettled nodes it is the A* reduced cost (h is consistent); from a settled u to an unsettled v,
 *    d(u) + w + h(v) >= key(v) >= D; from an unsettled u to a settled v, d(v) + h(v) <= D and h is
 *    consistent. So step 2 is itself goal-directed, and both steps touch far fewer nodes than Dijkstra.
 * 2. Dijkstra on reduced costs in the residual graph: first-path edges removed, their reverses added at
 *    reduced cost 0 (and, node-disjoint, the split arcs reversed).
 * 3. The union of both paths minus edges the second one cancelled splits into the two disjoint paths.
 *
 * Returns null when no disjoint pair exists under the context's filter (including temporary blocks).
 */
export function suurballe(
  ctx: SearchContext,
  src: number,
  dst: number,
  weight: Float64Array,
  mode: Disjointness,
): [SlotPath, SlotPath] | null {
  const s = ctx.snap;
  const n = s.nodeCount;
  if (src === dst || !ctx.nodeOk(src) || !ctx.nodeOk(dst)) return null;

  // 1. Shortest path tree (A* towards dst), stopped at dst.
  const g1 = ctx.nextGen();
  const { distF, predF, seenF, doneF, heapF, potT, potGen } = ctx;
  const lm = ctx.landmarksFor(weight);
  const cols = ctx.activeCols;
  const active = lm === null ? 0 : lm.pickActive(src, dst, cols);
  const h = (v: number): number => {
    if (potGen[v] !== g1) {
      potGen[v] = g1;
      potT[v] = lm === null ? 0 : lm.boundToward(v, dst, cols, active);
    }
    return potT[v];
  };
  heapF.clear();
  distF[src] = 0;
  seenF[src] = g1;
  heapF.push(h(src), src);
  let settled = 0;
  while (heapF.size > 0) {
    const u = heapF.pop();
    if (doneF[u] === g1) continue;
    doneF[u] = g1;
    settled++;
    if (u === dst) break;
    const d = distF[u];
    for (let e = s.outOffsets[u], end = s.outOffsets[u + 1]; e < end; e++) {
      if (!ctx.edgeOk(e)) continue;
      const v = s.edgeDst[e];
      const hv = h(v);
      if (hv === Number.POSITIVE_INFINITY) continue;
      const nd = d + weight[e];
      if (seenF[v] !== g1) {
        if (ctx.nodeRules && !ctx.nodeOk(v)) continue;
        seenF[v] = g1;
      } else if (nd >= distF[v]) continue;
      distF[v] = nd;
      predF[v] = e;
      heapF.push(nd + hv, v);
    }
  }
  // What weak bounds cost counts toward a live landmark index, as for point-to-point searches.
  ctx.searchWork += settled;
  if (doneF[dst] !== g1) return null;
  const total = distF[dst];
  const pot = (v: number): number => (doneF[v] === g1 ? distF[v] : total - h(v));
  const p1: number[] = [];
  for (let v = dst; v !== src; v = s.edgeSrc[predF[v]]) p1.push(predF[v]);
  p1.reverse();
  const k = p1.length;
  const p1Nodes = [src];
  for (const e of p1) p1Nodes.push(s.edgeDst[e]);
  const onP1 = new Map<number, number>();
  for (let i = 0; i < p1Nodes.length; i++) onP1.set(p1Nodes[i], i);
  const p1Cables = new Set<number>();
  for (const e of p1) p1Cables.add(s.cableIndex[e]);

  // 2. Second search over states: node v, plus (node-disjoint) an out-state n+i-1 for interior x_i.
  const split = mode === 'node';
  const states = split ? n + Math.max(0, k - 1) : n;
  const dist = new Float64Array(states).fill(Number.POSITIVE_INFINITY);
  const done = new Uint8Array(states);
  const prevState = new Int32Array(states);
  /** >= 0: real slot; -1-i: reverse of first-path edge a_i (1-based); -2-k: reversed split arc. */
  const via = new Int32Array(states);
  const SPLIT = -2 - k;
  const interior = (i: number | undefined): boolean => split && i !== undefined && i > 0 && i < k;
  const heap = ctx.heapB;
  heap.clear();
  dist[src] = 0;
  heap.push(0, src);
  const relax = (from: number, to: number, d: number, how: number): void => {
    if (d < dist[to]) {
      dist[to] = d;
      prevState[to] = from;
      via[to] = how;
      heap.push(d, to);
    }
  };
  const relaxReal = (from: number, u: number, d: number): void => {
    const pu = pot(u);
    for (let e = s.outOffsets[u], end = s.outOffsets[u + 1]; e < end; e++) {
      if (p1Cables.has(s.cableIndex[e]) || !ctx.edgeOk(e)) continue;
      const v = s.edgeDst[e];
      if ((ctx.nodeRules && !ctx.nodeOk(v)) || h(v) === Number.POSITIVE_INFINITY) continue;
      relax(from, v, d + Math.max(0, weight[e] + pu - pot(v)), e);
    }
  };
  while (heap.size > 0) {
    const d = heap.peekKey();
    const st = heap.pop();
    if (done[st] === 1) continue;
    done[st] = 1;
    if (st === dst) break;
    if (st >= n) {
      const i = st - n + 1;
      relaxReal(st, p1Nodes[i], d);
      relax(st, p1Nodes[i], d, SPLIT);
      continue;
    }
    const i = onP1.get(st);
    if (i !== undefined && i > 0) {
      // Reverse of a_i leads back to x_{i-1} (its out-state when that is a split interior node).
      const back = interior(i - 1) ? n + i - 2 : p1Nodes[i - 1];
      relax(st, back, d, -1 - i);
      if (interior(i)) continue;
    }
    relaxReal(st, st, d);
  }
  if (done[dst] !== 1) return null;

  // 3. Union minus cancelled edges, then walk it twice from src.
  const cancelled = new Set<number>();
  const p2: number[] = [];
  for (let st = dst; st !== src; st = prevState[st]) {
    const how = via[st];
    if (how >= 0) p2.push(how);
    else if (how !== SPLIT) cancelled.add(p1[-1 - how - 1]);
  }
  const out = new Map<number, number[]>();
  for (const e of [...p1.filter((e) => !cancelled.has(e)), ...p2]) {
    const u = s.edgeSrc[e];
    const list = out.get(u);
    if (list === undefined) out.set(u, [e]);
    else list.push(e);
  }
  const walk = (): SlotPath | null => {
    const edges: number[] = [];
    for (let v = src, steps = 0; v !== dst; steps++) {
      const e = out.get(v)?.pop();
      if (e === undefined || steps > p1.length + p2.length) return null;
      edges.push(e);
      v = s.edgeDst[e];
    }
    return { src, edges };
  };
  const a = walk();
  const b = walk();
  if (a === null || b === null) return null;
  return sumOf(a, weight) <= sumOf(b, weight) ? [a, b] : [b, a];
}

function sumOf(p: SlotPath, w: Float64Array): number {
  let x = 0;
  for (const e of p.edges) x += w[e];
  return x;
}
