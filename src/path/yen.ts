import { astar } from './astar.js';
import { dijkstraAll } from './dijkstra.js';
import type { SearchContext } from './search-context.js';
import { pathKey, type SlotPath } from './slot-path.js';

export interface KShortestOptions {
  /** Paths failing this (e.g. a latency or hop bound) are generated but not returned. */
  readonly accept?: (p: SlotPath, weight: number) => boolean;
  /** Upper bound on paths generated in total, accepted or not (keeps a hopeless bound cheap). */
  readonly maxGenerated?: number;
}

interface Candidate {
  readonly path: SlotPath;
  readonly weight: number;
  readonly nodes: readonly number[];
}

/**
 * Yen's k shortest loopless paths in non-decreasing weight order. Each spur search is an A* guided by
 * exact distances to `dst` from one reverse Dijkstra (see astar.ts), so it costs little more than the
 * spur path's length; the root path's nodes and the next edges of already found paths sharing the root
 * are blocked through the context's temporary marks (O(1) to clear).
 */
export function yenKShortest(
  ctx: SearchContext,
  src: number,
  dst: number,
  weight: Float64Array,
  k: number,
  opts: KShortestOptions = {},
): SlotPath[] {
  const s = ctx.snap;
  const n = s.nodeCount;
  const toDst = new Float64Array(n);
  const nextHop = new Int32Array(n);
  ctx.clearTemp();
  dijkstraAll(ctx, dst, weight, true, toDst, nextHop);
  if (toDst[src] === Number.POSITIVE_INFINITY || !ctx.nodeOk(src)) return [];
  const firstEdges: number[] = [];
  for (let v = src; v !== dst; v = s.edgeDst[nextHop[v]]) firstEdges.push(nextHop[v]);
  const first = candidate(s.edgeDst, { src, edges: firstEdges }, toDst[src]);

  const found: Candidate[] = [first];
  const accepted: SlotPath[] = [];
  const accept = opts.accept ?? (() => true);
  const maxGenerated = opts.maxGenerated ?? Math.max(64, k * 16);
  if (accept(first.path, first.weight)) accepted.push(first.path);
  const pending: Candidate[] = [];
  const seen = new Set<string>([pathKey(first.path)]);

  while (accepted.length < k && found.length < maxGenerated) {
    const last = found[found.length - 1];
    let rootWeight = 0;
    for (let i = 0; i < last.path.edges.length; i++) {
      const spurNode = last.nodes[i];
      ctx.clearTemp();
      for (let j = 0; j < i; j++) ctx.blockNode(last.nodes[j]);
      for (const p of found) if (sharesRoot(p.path.edges, last.path.edges, i)) ctx.blockEdge(p.path.edges[i]);
      const spur = astar(ctx, spurNode, dst, weight, toDst);
      if (spur !== null) {
        const edges = last.path.edges.slice(0, i).concat(spur.path.edges);
        const p = { src, edges };
        const key = pathKey(p);
        if (!seen.has(key)) {
          seen.add(key);
          pending.push(candidate(s.edgeDst, p, rootWeight + spur.weight));
        }
      }
      rootWeight += weight[last.path.edges[i]];
    }
    ctx.clearTemp();
    if (pending.length === 0) break;
    let best = 0;
    for (let i = 1; i < pending.length; i++) {
      const a = pending[i];
      const b = pending[best];
      if (a.weight < b.weight || (a.weight === b.weight && a.path.edges.length < b.path.edges.length)) best = i;
    }
    const next = pending[best];
    pending[best] = pending[pending.length - 1];
    pending.pop();
    found.push(next);
    if (accept(next.path, next.weight)) accepted.push(next.path);
  }
  return accepted;
}

function candidate(edgeDst: Int32Array, path: SlotPath, weight: number): Candidate {
  const nodes = [path.src];
  for (const e of path.edges) nodes.push(edgeDst[e]);
  return { path, weight, nodes };
}

function sharesRoot(a: readonly number[], b: readonly number[], len: number): boolean {
  if (a.length <= len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return false;
  return true;
}
