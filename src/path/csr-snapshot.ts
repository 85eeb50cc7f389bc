import type { TopoLink, TopoNode } from '../model/topology.js';
import { effectiveLatencyMs, isUsable, residualMbps } from '../model/topology.js';

/** Up to this many names, `intern` looks a name up by scanning rather than through the map. */
const SCAN_LIMIT = 8;

/** Interns strings (providers, jurisdictions, SRLGs) to dense small integers. */
export class Interner {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  intern(name: string): number {
    // A build interns one provider per link among a handful: a short scan beats hashing the string.
    const names = this.names;
    if (names.length <= SCAN_LIMIT) {
      for (let j = 0; j < names.length; j++) if (names[j] === name) return j;
    }
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }

  find(name: string): number {
    return this.index.get(name) ?? -1;
  }

  get size(): number {
    return this.names.length;
  }
}

/** A lowered floor goes this far below the new value. */
const FLOOR_HEADROOM = 15 / 16;

/** Where the snapshot's data came from, to detect staleness. */
export interface SnapshotVersions {
  readonly shapeVersion: number;
  readonly attrVersion: number;
}

/**
 * Compressed-sparse-row view of the continuum graph in typed arrays: the path engine's hot data.
 *
 * Edges are stored in "slots" sorted by source node, so the out-edges of node `u` are the slots
 * `outOffsets[u] .. outOffsets[u+1]-1`. A reverse index (`inOffsets`/`inSlots`) lists the slots entering
 * each node, for backward searches. Per-slot attributes that change while the network runs (residual
 * bandwidth, effective latency, usability, cost, energy) are patched in place, found among the source node's out-links (O(out-degree));
 * anything that changes the shape (nodes or links added/removed, SRLG lists resized) needs a rebuild.
 */
export class CsrSnapshot {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly nodeIds: readonly string[];
  readonly nodeIndex: ReadonlyMap<string, number>;
  readonly outOffsets: Int32Array;
  readonly edgeSrc: Int32Array;
  readonly edgeDst: Int32Array;
  readonly inOffsets: Int32Array;
  /** Slots entering each node, grouped by destination. */
  readonly inSlots: Int32Array;
  readonly linkIds: readonly string[];
  /** Effective latency: measured when present, configured otherwise. */
  readonly latencyMs: Float64Array;
  readonly residualMbps: Float64Array;
  readonly cost: Float64Array;
  readonly energy: Float64Array;
  /** 1 when admin and oper up. */
  readonly usable: Uint8Array;
  readonly edgeProvider: Int32Array;
  /** Slot of the other direction of the same cable, or -1. */
  readonly twin: Int32Array;
  /** Identity of the slot's cable (the first slot of that cable): equal values mean one physical cable. */
  readonly cableIndex: Int32Array;
  readonly srlgOffsets: Int32Array;
  readonly srlgIds: Int32Array;
  readonly nodeProvider: Int32Array;
  readonly nodeJurisdiction: Int32Array;
  readonly providers = new Interner();
  readonly jurisdictions = new Interner();
  readonly srlgs = new Interner();
  /**
   * Per weight (0 latency, 1 cost, 2 energy), once `floorOf` asked for it: a lower bound of every value
   * the slot has had since, which is what landmark distances are computed on, so they stay lower bounds
   * while weights go up and down (see landmarks.ts). `floorVersions[i]` is bumped when a patch lowers one.
   */
  private readonly floors: (Float64Array | null)[] = [null, null, null];
  private readonly floorVersions = new Uint32Array(3);
  readonly shapeVersion: number;
  attrVersion: number;
  /** Set when a patch could not be applied in place; the owner must rebuild. */
  stale = false;
  /** Slots not usable right now. */
  unusableCount = 0;
  /** Patches that made a slot usable (`revivals`) or unusable (`outages`): landmarks over usable links watch them. */
  revivals = 0;
  outages = 0;
  private slotIndex: Map<string, number> | null = null;
  private units: Float64Array | null = null;

  constructor(nodes: readonly TopoNode[], links: readonly TopoLink[], versions: SnapshotVersions) {
    const n = nodes.length;
    const m = links.length;
    this.nodeCount = n;
    this.edgeCount = m;
    this.shapeVersion = versions.shapeVersion;
    this.attrVersion = versions.attrVersion;
    const nodeIds = new Array<string>(n);
    const nodeIndex = new Map<string, number>();
    this.nodeProvider = new Int32Array(n);
    this.nodeJurisdiction = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const node = nodes[i];
      nodeIds[i] = node.id;
      nodeIndex.set(node.id, i);
      this.nodeProvider[i] = this.providers.intern(node.provider);
      this.nodeJurisdiction[i] = this.jurisdictions.intern(node.jurisdiction);
    }
    this.nodeIds = nodeIds;
    this.nodeIndex = nodeIndex;

    // Counting sort of links by source node gives the CSR order. Link objects are read in input order
    // only (two passes), never by slot: at 100k nodes random access to half a million objects is what a
    // build spends its time on otherwise.
    const srcOf = new Int32Array(m);
    const dstOf = new Int32Array(m);
    const outOffsets = new Int32Array(n + 1);
    const inOffsets = new Int32Array(n + 1);
    // Consecutive links usually share an endpoint (the two directions of a cable, the cables of one
    // node): compare with the previous link's endpoints before asking the map.
    let prevSrc = '';
    let prevDst = '';
    let prevS = -1;
    let prevD = -1;
    for (let i = 0; i < m; i++) {
      const link = links[i];
      const src = link.src;
      const dst = link.dst;
      const s = src === prevDst ? prevD : src === prevSrc ? prevS : (nodeIndex.get(src) ?? -1);
      const d = dst === prevSrc ? prevS : dst === prevDst ? prevD : (nodeIndex.get(dst) ?? -1);
      if (s < 0 || d < 0) throw new Error(`link ${link.id} names an unknown node`);
      prevSrc = src;
      prevDst = dst;
      prevS = s;
      prevD = d;
      srcOf[i] = s;
      dstOf[i] = d;
      outOffsets[s + 1]++;
      inOffsets[d + 1]++;
    }
    for (let i = 0; i < n; i++) {
      outOffsets[i + 1] += outOffsets[i];
      inOffsets[i + 1] += inOffsets[i];
    }
    this.outOffsets = outOffsets;
    this.inOffsets = inOffsets;
    const edgeSrc = new Int32Array(m);
    const edgeDst = new Int32Array(m);
    this.edgeSrc = edgeSrc;
    this.edgeDst = edgeDst;
    this.latencyMs = new Float64Array(m);
    this.residualMbps = new Float64Array(m);
    this.cost = new Float64Array(m);
    this.energy = new Float64Array(m);
    this.usable = new Uint8Array(m);
    this.edgeProvider = new Int32Array(m);
    const twin = new Int32Array(m);
    const cableIndex = new Int32Array(m);
    this.twin = twin;
    this.cableIndex = cableIndex;
    const srlgOffsets = new Int32Array(m + 1);
    this.srlgOffsets = srlgOffsets;
    const linkIds = new Array<string>(m);
    /** (input index, slot) pairs of links with SRLGs: usually few, so their lists are read once more. */
    const withSrlgs: number[] = [];
    const fill = outOffsets.slice(0, n);
    // A link listed right after the other direction of its cable is paired here, so the common case
    // needs no list of cable names by slot (see pairCables for the rest).
    let prevCable = '';
    let prevSlot = -1;
    let paired = 0;
    for (let i = 0; i < m; i++) {
      const link = links[i];
      const s = srcOf[i];
      const d = dstOf[i];
      const slot = fill[s]++;
      linkIds[slot] = link.id;
      edgeSrc[slot] = s;
      edgeDst[slot] = d;
      this.writeAttributes(slot, link);
      if (this.usable[slot] === 0) this.unusableCount++;
      const groups = link.srlgs.length;
      if (groups > 0) {
        srlgOffsets[slot + 1] = groups;
        withSrlgs.push(i, slot);
      }
      const cable = link.cable;
      if (prevSlot >= 0 && d === prevS && s === prevD && cable === prevCable) {
        twin[slot] = prevSlot;
        twin[prevSlot] = slot;
        const first = Math.min(slot, prevSlot);
        cableIndex[slot] = first;
        cableIndex[prevSlot] = first;
        paired += 2;
        prevSlot = -1;
      } else {
        twin[slot] = -1;
        prevSlot = slot;
      }
      prevCable = cable;
      prevS = s;
      prevD = d;
    }
    this.linkIds = linkIds;

    for (let slot = 0; slot < m; slot++) srlgOffsets[slot + 1] += srlgOffsets[slot];
    this.srlgIds = new Int32Array(srlgOffsets[m]);
    for (let j = 0; j < withSrlgs.length; j += 2) {
      let k = srlgOffsets[withSrlgs[j + 1]];
      for (const g of links[withSrlgs[j]].srlgs) this.srlgIds[k++] = this.srlgs.intern(g);
    }

    if (paired < m) {
      // Cable names by slot, read again in input order, only when some link was not paired above.
      const cableOf = new Array<string>(m);
      fill.set(outOffsets.subarray(0, n));
      for (let i = 0; i < m; i++) cableOf[fill[srcOf[i]]++] = links[i].cable;
      this.pairCables(cableOf);
    }

    // The input-order sources are no longer needed: their buffer becomes the in-edge index.
    const inSlots = srcOf;
    fill.set(inOffsets.subarray(0, n));
    for (let slot = 0; slot < m; slot++) inSlots[fill[edgeDst[slot]]++] = slot;
    this.inSlots = inSlots;
  }

  /** All ones: the weight of the `hops` objective. Made on first use (few searches count hops). */
  get unit(): Float64Array {
    if (this.units === null) this.units = new Float64Array(this.edgeCount).fill(1);
    return this.units;
  }

  /**
   * Cables pair up the two directions of one physical link. The twin of u->v is found among v's few
   * out-edges (no map of half a million cable names); a cable's identity is its lowest slot. Slots the
   * constructor already paired are kept. Only when some link has no twin (one-way cables, odd
   * topologies) cables are grouped by name through a map.
   */
  private pairCables(cableOf: readonly string[]): void {
    const m = this.edgeCount;
    const { edgeSrc, edgeDst, outOffsets, twin, cableIndex } = this;
    let unpaired = 0;
    for (let e = 0; e < m; e++) {
      if (twin[e] >= 0) continue;
      const u = edgeSrc[e];
      const v = edgeDst[e];
      for (let f = outOffsets[v], end = outOffsets[v + 1]; f < end; f++) {
        if (edgeDst[f] === u && twin[f] < 0 && f !== e && cableOf[f] === cableOf[e]) {
          twin[e] = f;
          twin[f] = e;
          break;
        }
      }
      if (twin[e] < 0) unpaired++;
      else {
        cableIndex[e] = Math.min(e, twin[e]);
        cableIndex[twin[e]] = cableIndex[e];
      }
    }
    if (unpaired === 0) return;
    const first = new Map<string, number>();
    for (let e = 0; e < m; e++) {
      const other = first.get(cableOf[e]);
      if (other !== undefined) {
        cableIndex[e] = other;
        continue;
      }
      cableIndex[e] = twin[e] >= 0 ? Math.min(e, twin[e]) : e;
      first.set(cableOf[e], cableIndex[e]);
    }
  }

  /**
   * Link id -> slot. Built on first use (exclusion lists name links by id): a rebuild at 100k nodes
   * would otherwise spend a third of its time on a map that patches do not need (they find the slot
   * among the source node's out-edges).
   */
  get slotOf(): ReadonlyMap<string, number> {
    if (this.slotIndex === null) {
      const index = new Map<string, number>();
      for (let e = 0; e < this.edgeCount; e++) index.set(this.linkIds[e], e);
      this.slotIndex = index;
    }
    return this.slotIndex;
  }

  /** Slot of a link, found among its source node's out-edges; -1 when unknown. */
  slotOfLink(link: Pick<TopoLink, 'id' | 'src'>): number {
    const u = this.nodeIndex.get(link.src);
    if (u === undefined) return -1;
    for (let e = this.outOffsets[u], end = this.outOffsets[u + 1]; e < end; e++) if (this.linkIds[e] === link.id) return e;
    return -1;
  }

  /**
   * Applies a link's changed attributes in place, in O(out-degree of its source). Returns false (and marks the snapshot stale) when the
   * change cannot be applied in place: unknown link or a changed SRLG list.
   */
  patchLink(link: TopoLink): boolean {
    const slot = this.slotOfLink(link);
    if (slot < 0 || !this.sameSrlgs(slot, link.srlgs)) {
      this.stale = true;
      return false;
    }
    const wasUsable = this.usable[slot];
    this.writeAttributes(slot, link);
    if (this.usable[slot] !== wasUsable) {
      if (wasUsable === 0) {
        this.revivals++;
        this.unusableCount--;
      } else {
        this.outages++;
        this.unusableCount++;
      }
    }
    this.keepFloor(0, slot, this.latencyMs[slot]);
    this.keepFloor(1, slot, this.cost[slot]);
    this.keepFloor(2, slot, this.energy[slot]);
    return true;
  }

  /**
   * The floor array of one of this snapshot's weight arrays, started from the current values on first
   * use; the weight itself for hops (it never changes); null for a foreign array.
   */
  floorOf(weight: Float64Array): Float64Array | null {
    if (weight === this.unit) return weight;
    const i = this.weightIndex(weight);
    if (i < 0) return null;
    let floor = this.floors[i];
    if (floor === null) {
      floor = weight.slice();
      this.floors[i] = floor;
    }
    return floor;
  }

  /** Changes whenever `floorOf(weight)` was lowered somewhere. */
  floorVersionOf(weight: Float64Array): number {
    const i = this.weightIndex(weight);
    return i < 0 ? 0 : this.floorVersions[i];
  }

  private weightIndex(weight: Float64Array): number {
    if (weight === this.latencyMs) return 0;
    if (weight === this.cost) return 1;
    return weight === this.energy ? 2 : -1;
  }

  patchNode(node: TopoNode): boolean {
    const i = this.nodeIndex.get(node.id);
    if (i === undefined) {
      this.stale = true;
      return false;
    }
    this.nodeProvider[i] = this.providers.intern(node.provider);
    this.nodeJurisdiction[i] = this.jurisdictions.intern(node.jurisdiction);
    return true;
  }

  /** Node index, or -1 when the id is unknown. */
  indexOf(nodeId: string): number {
    return this.nodeIndex.get(nodeId) ?? -1;
  }

  /**
   * Lowers a floor the new value went under, with headroom (FLOOR_HEADROOM) so that a measurement
   * jittering around a new low does not invalidate the landmarks on every sample.
   */
  private keepFloor(which: number, slot: number, value: number): void {
    const floor = this.floors[which];
    if (floor === null || value >= floor[slot]) return;
    floor[slot] = Math.max(0, value * FLOOR_HEADROOM);
    this.floorVersions[which]++;
  }

  private writeAttributes(slot: number, link: TopoLink): void {
    this.latencyMs[slot] = effectiveLatencyMs(link);
    this.residualMbps[slot] = residualMbps(link);
    this.cost[slot] = link.cost;
    this.energy[slot] = link.energyJPerGbit;
    this.usable[slot] = isUsable(link) ? 1 : 0;
    this.edgeProvider[slot] = this.providers.intern(link.provider);
  }

  private sameSrlgs(slot: number, srlgs: readonly string[]): boolean {
    const from = this.srlgOffsets[slot];
    if (this.srlgOffsets[slot + 1] - from !== srlgs.length) return false;
    for (let i = 0; i < srlgs.length; i++) if (this.srlgs.names[this.srlgIds[from + i]] !== srlgs[i]) return false;
    return true;
  }
}
