import type { PathConstraints } from '../model/path.js';
import type { CsrSnapshot } from './csr-snapshot.js';
import { ACTIVE_LANDMARKS, DEFAULT_LANDMARKS, LandmarkIndex } from './landmarks.js';
import { MinHeap } from './min-heap.js';

/** When goal-directed (landmark) search starts paying off; see SearchContext.landmarksFor. */
export interface LandmarkOptions {
  /** Landmarks per index; 0 turns goal-directed search off. */
  readonly count?: number;
  /**
   * Point-to-point queries a snapshot answers with plain bidirectional Dijkstra before its landmarks
   * are built. Building costs 2 x count one-to-all searches, about what 8 x count point-to-point
   * queries cost, so a snapshot replaced soon after (shape changes) never pays more than twice.
   */
  readonly afterQueries?: number;
}

/**
 * Per-snapshot scratch memory and the compiled constraint filter shared by every search algorithm.
 *
 * Arrays are allocated once per snapshot and reused: validity is tracked with generation counters
 * (`stamp[v] === gen` means "written in this search"), so starting a search costs O(1), not O(n).
 * Exclusions are marked the same way: the request's own (`base`) and temporary ones an algorithm adds
 * while it runs (`temp`, e.g. Yen's root path or the first path of a disjoint pair).
 */
export class SearchContext {
  readonly distF: Float64Array;
  readonly distB: Float64Array;
  readonly predF: Int32Array;
  readonly predB: Int32Array;
  readonly seenF: Uint32Array;
  readonly seenB: Uint32Array;
  readonly doneF: Uint32Array;
  readonly doneB: Uint32Array;
  readonly heapF = new MinHeap(1024);
  readonly heapB = new MinHeap(1024);
  /** Landmark lower bounds of the current search: d(v, dst) and d(src, v), valid where potGen === gen. */
  readonly potT: Float64Array;
  readonly potS: Float64Array;
  readonly potGen: Uint32Array;
  /** Active landmark columns of the current search and their dst/src distances. */
  readonly activeCols = new Int32Array(ACTIVE_LANDMARKS);
  gen = 0;

  /** Minimum residual bandwidth of every usable edge in this query. */
  minResidual = 0;
  /** True when node rules (exclusions, jurisdictions, providers) are active. */
  nodeRules = false;
  /** True when edge rules beyond usable + bandwidth are active. */
  edgeRules = false;
  private readonly edgeBase: Uint32Array;
  private readonly nodeBase: Uint32Array;
  private readonly edgeTemp: Uint32Array;
  private readonly nodeTemp: Uint32Array;
  private baseGen = 1;
  private tempGen = 1;
  private providerBad: Uint8Array = new Uint8Array(0);
  private providerRules = false;
  private jurAllowed: Uint8Array | null = null;
  private srlgBad: Uint8Array | null = null;
  private baseNodeRules = false;
  private baseEdgeRules = false;
  private readonly landmarkCount: number;
  private readonly landmarkAfter: number;
  private readonly landmarkIndexes = new Map<Float64Array, LandmarkIndex>();
  /** Live indexes (over the links usable when built, see LandmarkIndex), preferred while current. */
  private readonly liveIndexes = new Map<Float64Array, LandmarkIndex>();
  /**
   * Nodes the landmark searches settled (bidirectionalAlt and the first, goal-directed search of
   * suurballe add them): what weak bounds cost, counted since a query last found its index not
   * weakened by links that went down, or since the last build (see liveOr).
   */
  searchWork = 0;
  private pointQueries = 0;
  private builds = 0;

  constructor(
    readonly snap: CsrSnapshot,
    landmarks: LandmarkOptions = {},
  ) {
    const n = snap.nodeCount;
    this.landmarkCount = landmarks.count ?? DEFAULT_LANDMARKS;
    this.landmarkAfter = landmarks.afterQueries ?? 8 * this.landmarkCount;
    this.potT = new Float64Array(n);
    this.potS = new Float64Array(n);
    this.potGen = new Uint32Array(n);
    const m = snap.edgeCount;
    this.distF = new Float64Array(n);
    this.distB = new Float64Array(n);
    this.predF = new Int32Array(n);
    this.predB = new Int32Array(n);
    this.seenF = new Uint32Array(n);
    this.seenB = new Uint32Array(n);
    this.doneF = new Uint32Array(n);
    this.doneB = new Uint32Array(n);
    this.edgeBase = new Uint32Array(m);
    this.nodeBase = new Uint32Array(n);
    this.edgeTemp = new Uint32Array(m);
    this.nodeTemp = new Uint32Array(n);
  }

  /** Starts a new search: every dist/pred/seen entry becomes invalid. */
  nextGen(): number {
    if (this.gen === 0xffffffff) {
      this.seenF.fill(0);
      this.seenB.fill(0);
      this.doneF.fill(0);
      this.doneB.fill(0);
      this.potGen.fill(0);
      this.gen = 0;
    }
    return ++this.gen;
  }

  /** Seeds both sides of a bidirectional search of generation `gen`: `src` forward, `dst` backward, at the given heap keys. */
  seedBidirectional(gen: number, src: number, dst: number, keyF: number, keyB: number): void {
    this.heapF.clear();
    this.heapB.clear();
    this.distF[src] = 0;
    this.seenF[src] = gen;
    this.predF[src] = -1;
    this.heapF.push(keyF, src);
    this.distB[dst] = 0;
    this.seenB[dst] = gen;
    this.predB[dst] = -1;
    this.heapB.push(keyB, dst);
  }

  /**
   * The landmark index for `weight` when goal-directed search should be used, else null (turned off,
   * not yet worth building, or a weight without floors). An index whose floors were lowered by a patch
   * is rebuilt here, on the next query that needs it: the bounds must hold, never approximately.
   * `now` builds a missing index at once instead of waiting for enough queries.
   */
  landmarksFor(weight: Float64Array, now = false): LandmarkIndex | null {
    if (this.landmarkCount <= 0 || this.snap.nodeCount < 2) return null;
    const have = this.landmarkIndexes.get(weight);
    if (have?.current) return this.liveOr(have, weight);
    if (have === undefined && !now && ++this.pointQueries <= this.landmarkAfter) return null;
    if (this.snap.floorOf(weight) === null) return null;
    const built = new LandmarkIndex(this.snap, weight, this.landmarkCount);
    this.landmarkIndexes.set(weight, built);
    this.liveIndexes.delete(weight);
    this.builds++;
    this.searchWork = 0;
    return built;
  }

  /**
   * The index to search with, given a current index over every link. Links that are down weaken its
   * bounds (a cut bridge still counts as there: searches around it settle most of the graph), and so do
   * links that went down after a live index was built. While the bounds are weak, what searches settle
   * is counted; once that reaches what a live index costs to build, one is built over the links usable
   * now: never much more than twice the work of the better choice in hindsight (ski rental). A live
   * index has half the landmarks (a query uses 4 of them; it is a stopgap until links come back, and
   * it halves the build). The build settles every node 2 x its landmarks times, but a goal-directed
   * settle costs about twice a plain one (bounds of every neighbour), so its landmarks x nodes settled
   * is the break-even. A live index is dropped when a link comes back (its bounds may not hold).
   */
  private liveOr(all: LandmarkIndex, weight: Float64Array): LandmarkIndex {
    const snap = this.snap;
    let live = this.liveIndexes.get(weight);
    if (live !== undefined && !live.current) {
      this.liveIndexes.delete(weight);
      live = undefined;
    }
    const weak = live === undefined ? snap.unusableCount > 0 : snap.outages !== live.outages;
    if (!weak) {
      this.searchWork = 0;
      return live ?? all;
    }
    const landmarks = Math.max(1, this.landmarkCount >> 1);
    if (this.searchWork < landmarks * snap.nodeCount) return live ?? all;
    const built = new LandmarkIndex(snap, weight, landmarks, true);
    this.liveIndexes.set(weight, built);
    this.builds++;
    this.searchWork = 0;
    return built;
  }

  /** How many landmark indexes this context built (for tests and metrics). */
  get landmarkBuilds(): number {
    return this.builds;
  }

  /** Compiles a request's constraints into the filter. Unknown names simply never match. */
  setConstraints(c: PathConstraints): void {
    const s = this.snap;
    this.baseGen = bump(this.baseGen, this.edgeBase, this.nodeBase);
    this.clearTemp();
    this.minResidual = c.bandwidthMbps ?? 0;
    for (const id of c.avoidNodes ?? []) {
      const v = s.indexOf(id);
      if (v >= 0) this.nodeBase[v] = this.baseGen;
    }
    for (const id of c.avoidLinks ?? []) {
      const e = s.slotOf.get(id);
      if (e !== undefined) this.edgeBase[e] = this.baseGen;
    }
    this.providerBad = new Uint8Array(s.providers.size);
    this.providerRules = false;
    for (const p of c.avoidProviders ?? []) {
      const i = s.providers.find(p);
      if (i >= 0) {
        this.providerBad[i] = 1;
        this.providerRules = true;
      }
    }
    this.jurAllowed = null;
    if (c.allowedJurisdictions !== undefined) {
      this.jurAllowed = new Uint8Array(s.jurisdictions.size);
      for (const j of c.allowedJurisdictions) {
        const i = s.jurisdictions.find(j.toUpperCase());
        if (i >= 0) this.jurAllowed[i] = 1;
      }
    }
    this.srlgBad = null;
    if (c.avoidSrlgs !== undefined && c.avoidSrlgs.length > 0) {
      this.srlgBad = new Uint8Array(s.srlgs.size);
      for (const g of c.avoidSrlgs) {
        const i = s.srlgs.find(g);
        if (i >= 0) this.srlgBad[i] = 1;
      }
    }
    this.baseNodeRules = (c.avoidNodes?.length ?? 0) > 0 || this.providerRules || this.jurAllowed !== null;
    this.baseEdgeRules = (c.avoidLinks?.length ?? 0) > 0 || this.providerRules || this.srlgBad !== null;
    this.nodeRules = this.baseNodeRules;
    this.edgeRules = this.baseEdgeRules;
  }

  /** Removes every temporary block (O(1)). */
  clearTemp(): void {
    this.tempGen = bump(this.tempGen, this.edgeTemp, this.nodeTemp);
    this.nodeRules = this.baseNodeRules;
    this.edgeRules = this.baseEdgeRules;
  }

  blockEdge(e: number): void {
    this.edgeTemp[e] = this.tempGen;
    this.edgeRules = true;
  }

  blockNode(v: number): void {
    this.nodeTemp[v] = this.tempGen;
    this.nodeRules = true;
  }

  /** Whether slot `e` itself may be used: up, enough residual bandwidth, not excluded. */
  edgeOk(e: number): boolean {
    const s = this.snap;
    if (s.usable[e] === 0 || s.residualMbps[e] < this.minResidual) return false;
    if (!this.edgeRules) return true;
    if (this.edgeBase[e] === this.baseGen || this.edgeTemp[e] === this.tempGen) return false;
    if (this.providerRules && this.providerBad[s.edgeProvider[e]] === 1) return false;
    const bad = this.srlgBad;
    if (bad !== null) {
      for (let i = s.srlgOffsets[e], end = s.srlgOffsets[e + 1]; i < end; i++) if (bad[s.srlgIds[i]] === 1) return false;
    }
    return true;
  }

  /** Whether node `v` may be on the path. */
  nodeOk(v: number): boolean {
    if (!this.nodeRules) return true;
    if (this.nodeBase[v] === this.baseGen || this.nodeTemp[v] === this.tempGen) return false;
    const s = this.snap;
    if (this.providerRules && this.providerBad[s.nodeProvider[v]] === 1) return false;
    const jur = this.jurAllowed;
    return jur === null || jur[s.nodeJurisdiction[v]] === 1;
  }
}

/** Advances a generation used for marks; wraps by clearing the marked arrays. */
function bump(gen: number, a: Uint32Array, b: Uint32Array): number {
  if (gen === 0xffffffff) {
    a.fill(0);
    b.fill(0);
    return 1;
  }
  return gen + 1;
}
