import { dijkstraAll } from './dijkstra.js';
import { MinHeap } from './min-heap.js';
import type { SearchContext } from './search-context.js';
import type { SlotPath } from './slot-path.js';

export interface PathBounds {
  readonly maxLatencyMs: number;
  readonly maxHops: number;
}

export interface RestrictedPath {
  readonly path: SlotPath;
  readonly weight: number;
  /**
   * True when the path is proven optimal. False only when the label budget ran out: the path then still
   * meets every bound but may cost more than the optimum.
   */
  readonly exact: boolean;
}

/** Slack for float sums compared against user bounds. */
const EPS = 1e-9;

/**
 * Restricted shortest path: the path minimising `weight` (cost, energy, hops or latency) subject to
 * total latency <= maxLatencyMs and hop count <= maxHops. NP-hard in general; solved exactly by
 * label-setting over Pareto-optimal (weight, latency, hops) labels:
 *
 * - Three reverse Dijkstra runs from `dst` give lower bounds of weight, latency and hops to `dst` for
 *   every node. A label whose latency or hops plus the bound exceeds the limit is pruned, and labels
 *   are expanded in order of weight + weight-bound (A*: the bound is consistent), so the first label
 *   popped at `dst` is optimal.
 * - A label dominated by another at the same node (<= in all three) is dropped; this also discards
 *   every label that would revisit a node, so all paths are loopless.
 *
 * Temporary blocks already set on the context are honoured (a backup search blocks the primary).
 *
 * Guarantee: the result is optimal whenever fewer than `maxLabels` labels were created. Past that the
 * search stops and returns the better feasible one of the latency-minimal and hop-minimal paths
 * (`exact: false`). On WAN graphs the latency pruning keeps label counts small (see bench).
 */
export function restrictedShortestPath(
  ctx: SearchContext,
  src: number,
  dst: number,
  weight: Float64Array,
  bounds: PathBounds,
  maxLabels = 400_000,
): RestrictedPath | null {
  const s = ctx.snap;
  const n = s.nodeCount;
  const latLB = new Float64Array(n);
  const latPred = new Int32Array(n);
  const hopLB = new Float64Array(n);
  const hopPred = new Int32Array(n);
  dijkstraAll(ctx, dst, s.latencyMs, true, latLB, latPred);
  dijkstraAll(ctx, dst, s.unit, true, hopLB, hopPred);
  let wLB = latLB;
  if (weight === s.unit) wLB = hopLB;
  else if (weight !== s.latencyMs) {
    wLB = new Float64Array(n);
    dijkstraAll(ctx, dst, weight, true, wLB, new Int32Array(n));
  }
  const maxLat = bounds.maxLatencyMs + EPS;
  const maxHops = bounds.maxHops;
  if (latLB[src] > maxLat || hopLB[src] > maxHops || !ctx.nodeOk(src)) return null;
  if (src === dst) return { path: { src, edges: [] }, weight: 0, exact: true };

  const labNode: number[] = [src];
  const labW: number[] = [0];
  const labLat: number[] = [0];
  const labHops: number[] = [0];
  const labPrev: number[] = [-1];
  const labEdge: number[] = [-1];
  const dead: boolean[] = [false];
  const atNode = new Map<number, number[]>([[src, [0]]]);
  const heap = new MinHeap(1024);
  heap.push(wLB[src], 0);

  while (heap.size > 0) {
    const l = heap.pop();
    if (dead[l]) continue;
    const u = labNode[l];
    if (u === dst) return { path: { src, edges: traceLabels(labPrev, labEdge, l) }, weight: labW[l], exact: true };
    if (labNode.length > maxLabels) break;
    for (let e = s.outOffsets[u], end = s.outOffsets[u + 1]; e < end; e++) {
      if (!ctx.edgeOk(e)) continue;
      const v = s.edgeDst[e];
      const lat = labLat[l] + s.latencyMs[e];
      const hops = labHops[l] + 1;
      if (lat + latLB[v] > maxLat || hops + hopLB[v] > maxHops) continue;
      if (ctx.nodeRules && !ctx.nodeOk(v)) continue;
      const w = labW[l] + weight[e];
      let list = atNode.get(v);
      if (list === undefined) {
        list = [];
        atNode.set(v, list);
      } else if (dominated(list, w, lat, hops, labW, labLat, labHops)) continue;
      else list = prune(list, w, lat, hops, labW, labLat, labHops, dead, atNode, v);
      const id = labNode.length;
      labNode.push(v);
      labW.push(w);
      labLat.push(lat);
      labHops.push(hops);
      labPrev.push(l);
      labEdge.push(e);
      dead.push(false);
      list.push(id);
      heap.push(w + wLB[v], id);
    }
  }
  return fallback(ctx, src, dst, weight, latPred, hopPred, bounds);
}

function dominated(list: number[], w: number, lat: number, hops: number, W: number[], L: number[], H: number[]): boolean {
  for (const o of list) if (W[o] <= w && L[o] <= lat && H[o] <= hops) return true;
  return false;
}

/** Drops (and marks dead) the labels of `v` that the new label dominates. */
function prune(
  list: number[],
  w: number,
  lat: number,
  hops: number,
  W: number[],
  L: number[],
  H: number[],
  dead: boolean[],
  atNode: Map<number, number[]>,
  v: number,
): number[] {
  let keep = 0;
  for (const o of list) {
    if (w <= W[o] && lat <= L[o] && hops <= H[o]) dead[o] = true;
    else list[keep++] = o;
  }
  list.length = keep;
  atNode.set(v, list);
  return list;
}

function traceLabels(prev: number[], edge: number[], l: number): number[] {
  const edges: number[] = [];
  for (let x = l; prev[x] >= 0; x = prev[x]) edges.push(edge[x]);
  return edges.reverse();
}

/** Budget exhausted: the better feasible one of the latency-minimal and hop-minimal paths, if any. */
function fallback(
  ctx: SearchContext,
  src: number,
  dst: number,
  weight: Float64Array,
  latPred: Int32Array,
  hopPred: Int32Array,
  bounds: PathBounds,
): RestrictedPath | null {
  const s = ctx.snap;
  let best: RestrictedPath | null = null;
  for (const pred of [latPred, hopPred]) {
    const edges: number[] = [];
    let lat = 0;
    let w = 0;
    for (let v = src; v !== dst; v = s.edgeDst[pred[v]]) {
      edges.push(pred[v]);
      lat += s.latencyMs[pred[v]];
      w += weight[pred[v]];
    }
    if (lat > bounds.maxLatencyMs + EPS || edges.length > bounds.maxHops) continue;
    if (best === null || w < best.weight) best = { path: { src, edges }, weight: w, exact: false };
  }
  return best;
}
