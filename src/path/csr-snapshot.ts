import type { TopoLink, TopoNode } from '../model/topology.js';
import { effectiveLatencyMs, isUsable, residualMbps } from '../model/topology.js';

/** Interns strings (providers, jurisdictions, SRLGs) to dense small integers. */
export class Interner {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  intern(name: string): number {
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
 * bandwidth, effective latency, usability, cost, energy) are patched in place in O(1) through `slotOf`;
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
  readonly slotOf: ReadonlyMap<string, number>;
  /** Effective latency: measured when present, configured otherwise. */
  readonly latencyMs: Float64Array;
  readonly residualMbps: Float64Array;
  readonly cost: Float64Array;
  readonly energy: Float64Array;
  /** All ones: the weight of the `hops` objective. */
  readonly unit: Float64Array;
  /** 1 when admin and oper up. */
  readonly usable: Uint8Array;
  readonly edgeProvider: Int32Array;
  /** Slot of the other direction of the same cable, or -1. */
  readonly twin: Int32Array;
  readonly cableIndex: Int32Array;
  readonly srlgOffsets: Int32Array;
  readonly srlgIds: Int32Array;
  readonly nodeProvider: Int32Array;
  readonly nodeJurisdiction: Int32Array;
  readonly providers = new Interner();
  readonly jurisdictions = new Interner();
  readonly srlgs = new Interner();
  readonly shapeVersion: number;
  attrVersion: number;
  /** Set when a patch could not be applied in place; the owner must rebuild. */
  stale = false;

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

    // Counting sort of links by source node gives the CSR order.
    const srcOf = new Int32Array(m);
    const dstOf = new Int32Array(m);
    const outOffsets = new Int32Array(n + 1);
    const inOffsets = new Int32Array(n + 1);
    for (let i = 0; i < m; i++) {
      const s = nodeIndex.get(links[i].src);
      const d = nodeIndex.get(links[i].dst);
      if (s === undefined || d === undefined) throw new Error(`link ${links[i].id} names an unknown node`);
      srcOf[i] = s;
      dstOf[i] = d;
      outOffsets[s + 1]++;
      inOffsets[d + 1]++;
    }
    for (let i = 0; i < n; i++) {
      outOffsets[i + 1] += outOffsets[i];
      inOffsets[i + 1] += inOffsets[i];
    }
    const fill = outOffsets.slice(0, n);
    const slotOfLink = new Int32Array(m);
    let srlgTotal = 0;
    for (let i = 0; i < m; i++) {
      slotOfLink[i] = fill[srcOf[i]]++;
      srlgTotal += links[i].srlgs.length;
    }

    this.outOffsets = outOffsets;
    this.inOffsets = inOffsets;
    this.edgeSrc = new Int32Array(m);
    this.edgeDst = new Int32Array(m);
    this.latencyMs = new Float64Array(m);
    this.residualMbps = new Float64Array(m);
    this.cost = new Float64Array(m);
    this.energy = new Float64Array(m);
    this.unit = new Float64Array(m).fill(1);
    this.usable = new Uint8Array(m);
    this.edgeProvider = new Int32Array(m);
    this.twin = new Int32Array(m).fill(-1);
    this.cableIndex = new Int32Array(m);
    const linkIds = new Array<string>(m);
    const slotOf = new Map<string, number>();
    const bySlot = new Array<TopoLink>(m);
    for (let i = 0; i < m; i++) {
      const slot = slotOfLink[i];
      const link = links[i];
      bySlot[slot] = link;
      linkIds[slot] = link.id;
      slotOf.set(link.id, slot);
      this.edgeSrc[slot] = srcOf[i];
      this.edgeDst[slot] = dstOf[i];
      this.writeAttributes(slot, link);
    }
    this.linkIds = linkIds;
    this.slotOf = slotOf;

    // Cables pair up the two directions of one physical link; SRLG lists are stored CSR-style too.
    const cables = new Map<string, number>();
    this.srlgOffsets = new Int32Array(m + 1);
    this.srlgIds = new Int32Array(srlgTotal);
    let k = 0;
    for (let slot = 0; slot < m; slot++) {
      const link = bySlot[slot];
      const other = cables.get(link.cable);
      if (other === undefined) {
        cables.set(link.cable, slot);
        this.cableIndex[slot] = cables.size - 1;
      } else {
        this.cableIndex[slot] = this.cableIndex[other];
        if (this.edgeSrc[other] === this.edgeDst[slot] && this.edgeDst[other] === this.edgeSrc[slot]) {
          this.twin[slot] = other;
          this.twin[other] = slot;
        }
      }
      for (const g of link.srlgs) this.srlgIds[k++] = this.srlgs.intern(g);
      this.srlgOffsets[slot + 1] = k;
    }

    const inFill = inOffsets.slice(0, n);
    this.inSlots = new Int32Array(m);
    for (let slot = 0; slot < m; slot++) this.inSlots[inFill[this.edgeDst[slot]]++] = slot;
  }

  /**
   * Applies a link's changed attributes in O(1). Returns false (and marks the snapshot stale) when the
   * change cannot be applied in place: unknown link or a changed SRLG list.
   */
  patchLink(link: TopoLink): boolean {
    const slot = this.slotOf.get(link.id);
    if (slot === undefined || !this.sameSrlgs(slot, link.srlgs)) {
      this.stale = true;
      return false;
    }
    this.writeAttributes(slot, link);
    return true;
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
