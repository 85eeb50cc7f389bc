import type { Protection } from '../model/path.js';
import { boundedShortestPath, withinBounds } from './bounded-path.js';
import type { PathBounds } from './restricted-shortest-path.js';
import type { SearchContext } from './search-context.js';
import { pathWeight, type SlotPath } from './slot-path.js';
import { suurballe } from './suurballe.js';
import { yenKShortest } from './yen.js';

export type PairKind = Exclude<Protection, 'none'>;

export interface ProtectedPair {
  readonly primary: SlotPath;
  readonly backup: SlotPath;
  /** True when the pair is the minimum-total pair of its kind (Suurballe's answer was valid). */
  readonly optimal: boolean;
}

/** How many primaries the remove-and-retry fallback tries. */
const FALLBACK_PRIMARIES = 5;

/**
 * A primary and a disjoint backup, both within the bounds.
 *
 * Link- and node-disjoint pairs of minimum total weight come from Suurballe. SRLG- and provider-disjoint
 * pairs are NP-hard in general; the heuristic is: (1) Suurballe's link-disjoint pair, accepted when it
 * happens to share no SRLG/provider - then it is optimal, because every SRLG/provider-disjoint pair is
 * also link-disjoint; (2) otherwise remove-and-retry: for each of the first few loopless primaries in
 * weight order (Yen), remove every link that shares a cable, an SRLG or a link provider with it and
 * search the best bounded backup in what remains; the pair with the least total wins (`optimal: false`).
 * Step (2) also runs when Suurballe's pair breaks a latency or hop bound. Provider diversity is judged on
 * links: nodes may belong to a shared provider (sites typically do). The providers that own the two end
 * nodes are exempt: an edge site's own access links are unavoidable on every path out of it, so
 * diversity is asked of the providers in between (a backup must avoid every transit provider of the
 * primary).
 */
export function protectedPair(
  ctx: SearchContext,
  src: number,
  dst: number,
  weight: Float64Array,
  kind: PairKind,
  bounds: PathBounds,
): ProtectedPair | null {
  ctx.clearTemp();
  const pair = suurballe(ctx, src, dst, weight, kind === 'node-disjoint' ? 'node' : 'link');
  if (pair !== null && withinBounds(ctx, pair[0], bounds) && withinBounds(ctx, pair[1], bounds)) {
    if (conflicts(ctx, pair[0], pair[1], kind) === null) return { primary: pair[0], backup: pair[1], optimal: true };
  }
  if (pair === null && (kind === 'link-disjoint' || kind === 'node-disjoint')) return null;

  const primaries = yenKShortest(ctx, src, dst, weight, FALLBACK_PRIMARIES, {
    accept: (p) => withinBounds(ctx, p, bounds),
  });
  let best: ProtectedPair | null = null;
  let bestTotal = Number.POSITIVE_INFINITY;
  for (const primary of primaries) {
    ctx.clearTemp();
    blockConflicting(ctx, primary, kind);
    const backup = boundedShortestPath(ctx, src, dst, weight, bounds);
    if (backup === null) continue;
    const total = pathWeight(primary, weight) + backup.weight;
    if (total < bestTotal && conflicts(ctx, primary, backup.path, kind) === null) {
      best = { primary, backup: backup.path, optimal: false };
      bestTotal = total;
    }
  }
  ctx.clearTemp();
  return best;
}

/**
 * The first shared element of two paths for `kind` ("cable c", "node v", "srlg g", "provider p"), or
 * null when they are disjoint. Cables always count: two paths over one cable are never protection.
 */
export function conflicts(ctx: SearchContext, a: SlotPath, b: SlotPath, kind: PairKind): string | null {
  const s = ctx.snap;
  const cables = new Set(a.edges.map((e) => s.cableIndex[e]));
  for (const e of b.edges) if (cables.has(s.cableIndex[e])) return `link ${s.linkIds[e]}`;
  if (kind === 'node-disjoint') {
    const nodes = new Set(a.edges.map((e) => s.edgeDst[e]));
    for (let i = 0; i < b.edges.length - 1; i++) {
      const v = s.edgeDst[b.edges[i]];
      if (nodes.has(v)) return `node ${s.nodeIds[v]}`;
    }
  } else if (kind === 'srlg-disjoint') {
    const groups = new Set<number>();
    for (const e of a.edges) for (let i = s.srlgOffsets[e]; i < s.srlgOffsets[e + 1]; i++) groups.add(s.srlgIds[i]);
    for (const e of b.edges) {
      for (let i = s.srlgOffsets[e]; i < s.srlgOffsets[e + 1]; i++) {
        if (groups.has(s.srlgIds[i])) return `shared-risk group ${s.srlgs.names[s.srlgIds[i]]}`;
      }
    }
  } else if (kind === 'provider-diverse') {
    const exempt = accessProviders(ctx, a);
    const providers = new Set(a.edges.map((e) => s.edgeProvider[e]).filter((p) => !exempt.has(p)));
    for (const e of b.edges) if (providers.has(s.edgeProvider[e])) return `provider ${s.providers.names[s.edgeProvider[e]]}`;
  }
  return null;
}

function blockConflicting(ctx: SearchContext, primary: SlotPath, kind: PairKind): void {
  const s = ctx.snap;
  const cables = new Set(primary.edges.map((e) => s.cableIndex[e]));
  const groups = new Set<number>();
  const providers = new Set<number>();
  for (const e of primary.edges) {
    if (kind === 'srlg-disjoint') for (let i = s.srlgOffsets[e]; i < s.srlgOffsets[e + 1]; i++) groups.add(s.srlgIds[i]);
    if (kind === 'provider-diverse') providers.add(s.edgeProvider[e]);
  }
  if (kind === 'provider-diverse') for (const p of accessProviders(ctx, primary)) providers.delete(p);
  if (kind === 'node-disjoint') for (let i = 0; i < primary.edges.length - 1; i++) ctx.blockNode(s.edgeDst[primary.edges[i]]);
  for (let e = 0; e < s.edgeCount; e++) {
    let hit = cables.has(s.cableIndex[e]) || providers.has(s.edgeProvider[e]);
    for (let i = s.srlgOffsets[e]; !hit && i < s.srlgOffsets[e + 1]; i++) hit = groups.has(s.srlgIds[i]);
    if (hit) ctx.blockEdge(e);
  }
}

/** Providers of a path's two end nodes, exempt from provider diversity. */
function accessProviders(ctx: SearchContext, path: SlotPath): Set<number> {
  const s = ctx.snap;
  const exempt = new Set<number>([s.nodeProvider[path.src]]);
  if (path.edges.length > 0) exempt.add(s.nodeProvider[s.edgeDst[path.edges[path.edges.length - 1]]]);
  return exempt;
}
