import type { Objective, Path } from '../model/path.js';
import type { CsrSnapshot } from './csr-snapshot.js';

/** A path inside the engine: edge slots in order from source to destination. */
export interface SlotPath {
  readonly src: number;
  readonly edges: readonly number[];
}

/** The per-slot weight array an objective minimises. */
export function weightOf(snap: CsrSnapshot, objective: Objective): Float64Array {
  switch (objective) {
    case 'latency':
      return snap.latencyMs;
    case 'cost':
      return snap.cost;
    case 'energy':
      return snap.energy;
    case 'hops':
      return snap.unit;
  }
}

export function pathWeight(p: SlotPath, w: Float64Array): number {
  let sum = 0;
  for (const e of p.edges) sum += w[e];
  return sum;
}

export function pathLatency(snap: CsrSnapshot, p: SlotPath): number {
  return pathWeight(p, snap.latencyMs);
}

/** Node indices along the path, source first. */
export function pathNodes(snap: CsrSnapshot, p: SlotPath): number[] {
  const nodes = [p.src];
  for (const e of p.edges) nodes.push(snap.edgeDst[e]);
  return nodes;
}

/** Walks predecessor slots back from `dst` (forward tree: pred[v] is the slot entering v). */
export function tracePred(snap: CsrSnapshot, pred: Int32Array, src: number, dst: number): number[] {
  const edges: number[] = [];
  for (let v = dst; v !== src; ) {
    const e = pred[v];
    edges.push(e);
    v = snap.edgeSrc[e];
  }
  return edges.reverse();
}

/**
 * The path a bidirectional search found through `meet`: the forward tree back to `src` (predF[v] is the
 * slot entering v), then the backward tree on to `dst` (predB[v] is the slot leaving v).
 */
export function joinAtMeet(
  snap: CsrSnapshot,
  predF: Int32Array,
  predB: Int32Array,
  src: number,
  dst: number,
  meet: number,
): SlotPath {
  const edges = tracePred(snap, predF, src, meet);
  for (let v = meet; v !== dst; v = snap.edgeDst[predB[v]]) edges.push(predB[v]);
  return { src, edges };
}

/** Sums rounded to 1e-9 so that float noise never shows in answers. */
function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** The public value of a path, with totals computed from the snapshot. */
export function toPath(snap: CsrSnapshot, p: SlotPath): Path {
  let latencyMs = 0;
  let cost = 0;
  let energy = 0;
  let bottleneck = Number.POSITIVE_INFINITY;
  for (const e of p.edges) {
    latencyMs += snap.latencyMs[e];
    cost += snap.cost[e];
    energy += snap.energy[e];
    if (snap.residualMbps[e] < bottleneck) bottleneck = snap.residualMbps[e];
  }
  return {
    nodes: pathNodes(snap, p).map((v) => snap.nodeIds[v]),
    links: p.edges.map((e) => snap.linkIds[e]),
    latencyMs: round9(latencyMs),
    cost: round9(cost),
    energyJPerGbit: round9(energy),
    hops: p.edges.length,
    bottleneckMbps: p.edges.length === 0 ? 0 : round9(bottleneck),
  };
}

/** Stable key of a path's edge sequence (dedup of candidates). */
export function pathKey(p: SlotPath): string {
  return p.edges.join(',');
}
