import type { CsrSnapshot } from './csr-snapshot.js';
import { MinHeap } from './min-heap.js';

/** Landmarks per index; more tighten the bounds but cost two one-to-all searches each to build. */
export const DEFAULT_LANDMARKS = 16;
/** Landmarks a single query uses: the ones giving the best src->dst bound (Goldberg & Werneck's "active"). */
export const ACTIVE_LANDMARKS = 4;

/**
 * ALT lower bounds (A*, Landmarks, Triangle inequality; Goldberg & Harrelson 2005). For a few landmark
 * nodes L the index stores, for every node v, the distances L->v and v->L on the snapshot's floor of the
 * weight (per slot the smallest value it has had, see CsrSnapshot.floorOf) over every link, up or down.
 * By the triangle inequality d(v,t) >= d(v,L) - d(t,L) and d(v,t) >= d(L,t) - d(L,v) on that graph, and
 * every graph a query searches is a subgraph of it with weights at or above the floor (constraints only
 * remove links; current weights never go under the floor), so the bounds hold for every query until a
 * patch lowers a floor. Then `floorVersion` no longer matches and the owner builds a new index.
 *
 * A `live` index is computed over the links usable when it is built: its bounds are tighter while links
 * are down (a cut bridge makes the other bounds count it as still there), and they hold for as long as
 * no link becomes usable again (queries only use usable links); `current` turns false on the first
 * revival. The owner decides when one is worth building (SearchContext.landmarksFor).
 *
 * Layout: `from[v * count + l]` = d(L_l, v) and `to[v * count + l]` = d(v, L_l), one row per node, so
 * reading a node's bounds touches one or two cache lines. Infinity marks "unreachable".
 */
export class LandmarkIndex {
  readonly count: number;
  readonly landmarks: Int32Array;
  readonly from: Float64Array;
  readonly to: Float64Array;
  /** snap.floorVersionOf(weight) when built. */
  readonly floorVersion: number;
  /** snap.revivals and snap.outages when built. */
  readonly revivals: number;
  readonly outages: number;
  /** Scratch of pickActive (no allocation per query). */
  private readonly scores: Float64Array;

  constructor(
    readonly snap: CsrSnapshot,
    readonly weight: Float64Array,
    wanted = DEFAULT_LANDMARKS,
    readonly live = false,
  ) {
    const floor = snap.floorOf(weight);
    if (floor === null) throw new Error('landmarks need one of the snapshot weight arrays');
    this.floorVersion = snap.floorVersionOf(weight);
    this.revivals = snap.revivals;
    this.outages = snap.outages;
    // Always a mask (every link for the usual index): one shape of call, so the search compiled for the
    // first index is not thrown away by the first live one (built rarely, and then during a reroute).
    const only = live ? snap.usable : new Uint8Array(snap.edgeCount).fill(1);
    const n = snap.nodeCount;
    const k = Math.max(0, Math.min(wanted, n));
    this.landmarks = new Int32Array(k);
    this.from = new Float64Array(n * k);
    this.to = new Float64Array(n * k);
    const heap = new MinHeap(1024);
    const dist = new Float64Array(n);
    /** Smallest distance of each node from the landmarks chosen so far (farthest-point selection). */
    const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    let count = 0;
    let next = firstNode(snap);
    if (next >= 0) {
      // Start from the node farthest from an arbitrary one: a periphery node, as the selection wants.
      searchAll(snap, floor, only, next, false, dist, heap);
      next = farthestOf(snap, dist);
    }
    while (count < k && next >= 0) {
      this.landmarks[count] = next;
      searchAll(snap, floor, only, next, false, dist, heap);
      for (let v = 0; v < n; v++) {
        this.from[v * k + count] = dist[v];
        if (dist[v] < nearest[v]) nearest[v] = dist[v];
      }
      searchAll(snap, floor, only, next, true, dist, heap);
      for (let v = 0; v < n; v++) this.to[v * k + count] = dist[v];
      nearest[next] = 0;
      count++;
      next = farthest(snap, nearest);
    }
    this.count = k;
    this.scores = new Float64Array(k);
    // Unused columns (fewer linked nodes than wanted) repeat the first one: duplicates, still bounds.
    for (let c = count; c < k; c++) {
      this.landmarks[c] = this.landmarks[0];
      for (let v = 0; v < n; v++) {
        this.from[v * k + c] = this.from[v * k];
        this.to[v * k + c] = this.to[v * k];
      }
    }
  }

  /** Whether the bounds still hold for the snapshot's current weights (and links, for a live index). */
  get current(): boolean {
    return this.snap.floorVersionOf(this.weight) === this.floorVersion && (!this.live || this.snap.revivals === this.revivals);
  }

  /** Lower bound of d(u, v) from one landmark column; NaN (no information) when both sides are unreachable. */
  bound(u: number, v: number): number {
    let best = 0;
    const k = this.count;
    for (let l = 0; l < k; l++) {
      const a = this.to[u * k + l] - this.to[v * k + l];
      const b = this.from[v * k + l] - this.from[u * k + l];
      if (a > best) best = a;
      if (b > best) best = b;
    }
    return best;
  }

  /** Lower bound of d(v, dst) from the columns `cols[0..active-1]` (see pickActive); 0 without any. */
  boundToward(v: number, dst: number, cols: Int32Array, active: number): number {
    const k = this.count;
    let best = 0;
    for (let i = 0; i < active; i++) {
      const c = cols[i];
      const a = this.to[v * k + c] - this.to[dst * k + c];
      const b = this.from[dst * k + c] - this.from[v * k + c];
      if (a > best) best = a;
      if (b > best) best = b;
    }
    return best;
  }

  /**
   * The `want` landmark columns with the largest bound on d(src, dst), written into `out`; returns how
   * many were written. Comparisons skip NaN (Infinity minus Infinity) on purpose.
   */
  pickActive(src: number, dst: number, out: Int32Array, want = ACTIVE_LANDMARKS): number {
    const k = this.count;
    const score = this.scores;
    for (let l = 0; l < k; l++) {
      let s = 0;
      const a = this.to[src * k + l] - this.to[dst * k + l];
      const b = this.from[dst * k + l] - this.from[src * k + l];
      if (a > s) s = a;
      if (b > s) s = b;
      score[l] = s;
    }
    const m = Math.min(want, k, out.length);
    for (let i = 0; i < m; i++) {
      let best = -1;
      for (let l = 0; l < k; l++) if (score[l] >= 0 && (best < 0 || score[l] > score[best])) best = l;
      out[i] = best;
      score[best] = -1;
    }
    return m;
  }
}

/** One-to-all Dijkstra over the links `only` marks 1 on `w`, forward or along in-edges. */
function searchAll(
  snap: CsrSnapshot,
  w: Float64Array,
  only: Uint8Array,
  root: number,
  reverse: boolean,
  dist: Float64Array,
  heap: MinHeap,
): void {
  dist.fill(Number.POSITIVE_INFINITY);
  dist[root] = 0;
  heap.clear();
  heap.push(0, root);
  const offsets = reverse ? snap.inOffsets : snap.outOffsets;
  const far = reverse ? snap.edgeSrc : snap.edgeDst;
  const inSlots = snap.inSlots;
  while (heap.size > 0) {
    const d = heap.peekKey();
    const u = heap.pop();
    if (d > dist[u]) continue;
    for (let i = offsets[u], end = offsets[u + 1]; i < end; i++) {
      const e = reverse ? inSlots[i] : i;
      if (only[e] === 0) continue;
      const v = far[e];
      const nd = d + w[e];
      if (nd < dist[v]) {
        dist[v] = nd;
        heap.push(nd, v);
      }
    }
  }
}

function hasLinks(snap: CsrSnapshot, v: number): boolean {
  return snap.outOffsets[v + 1] > snap.outOffsets[v] || snap.inOffsets[v + 1] > snap.inOffsets[v];
}

function firstNode(snap: CsrSnapshot): number {
  for (let v = 0; v < snap.nodeCount; v++) if (hasLinks(snap, v)) return v;
  return -1;
}

/** The linked node with the largest finite distance (the periphery as seen from the root). */
function farthestOf(snap: CsrSnapshot, dist: Float64Array): number {
  let best = -1;
  for (let v = 0; v < snap.nodeCount; v++) {
    if (dist[v] !== Number.POSITIVE_INFINITY && hasLinks(snap, v) && (best < 0 || dist[v] > dist[best])) best = v;
  }
  return best;
}

/**
 * The linked node farthest from every landmark chosen so far; a node no landmark reaches counts as
 * farthest (it lies in a part of the graph that has no landmark yet). -1 when every node is a landmark.
 */
function farthest(snap: CsrSnapshot, nearest: Float64Array): number {
  let best = -1;
  for (let v = 0; v < snap.nodeCount; v++) {
    if (nearest[v] === 0 || !hasLinks(snap, v)) continue;
    if (best < 0 || nearest[v] > nearest[best]) best = v;
  }
  return best;
}
