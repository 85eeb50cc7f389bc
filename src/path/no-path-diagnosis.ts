import type { NoPathReason, PathConstraints, PathRequest, Protection } from '../model/path.js';
import { bidirectionalDijkstra } from './bidirectional-dijkstra.js';
import type { SearchContext } from './search-context.js';
import { pathLatency, pathNodes, type SlotPath } from './slot-path.js';
import { widestPath } from './widest-path.js';

/**
 * Explains a refusal by relaxing the request's constraints one at a time and naming the one that, when
 * dropped, lets a path through - and where: the bottleneck link, the excluded provider/node/link/SRLG
 * the only routes cross, the nodes outside the allowed jurisdictions, or the best latency or hop count
 * that is still over the bound. Leaves the context's constraints set to the full request.
 */
export function diagnoseNoPath(ctx: SearchContext, req: PathRequest, src: number, dst: number): NoPathReason {
  const s = ctx.snap;
  const name = (v: number): string => s.nodeIds[v];
  const via = (p: SlotPath): string => pathNodes(s, p).map(name).join('-');
  const reach = (c: PathConstraints): SlotPath | null => {
    ctx.setConstraints(c);
    if (!ctx.nodeOk(src) || !ctx.nodeOk(dst)) return null;
    return bidirectionalDijkstra(ctx, src, dst, s.latencyMs);
  };
  try {
    const full = reach(req);
    if (full !== null) return boundsReason(ctx, req, src, dst, full, via);
    const bare: PathConstraints = {};
    if (reach(bare) === null) return disconnected(ctx, src, dst);

    const noBw: PathConstraints = { ...req, bandwidthMbps: undefined };
    if (req.bandwidthMbps !== undefined && reach(noBw) !== null) {
      ctx.setConstraints(noBw);
      const wide = widestPath(ctx, src, dst);
      const free = wide?.bottleneckMbps ?? 0;
      const e = wide === null ? -1 : bottleneckSlot(ctx, wide.path, free);
      const where =
        e < 0 ? '' : `: bottleneck ${s.linkIds[e]} (${name(s.edgeSrc[e])}-${name(s.edgeDst[e])}), ${fmt(free)} Mbit/s free`;
      return {
        code: 'bandwidth',
        message: `no path with ${fmt(req.bandwidthMbps)} Mbit/s${where}`,
        details: { requestedMbps: req.bandwidthMbps, bestAvailableMbps: free, bottleneckLink: e < 0 ? null : s.linkIds[e] },
      };
    }
    const noExcl: PathConstraints = { ...req, avoidNodes: [], avoidLinks: [], avoidProviders: [], avoidSrlgs: [] };
    const excludedPath = reach(noExcl);
    if (excludedPath !== null) {
      const hits = excludedOn(ctx, req, excludedPath);
      return {
        code: 'excluded',
        message: `only reachable through excluded ${hits.join(', ')} (e.g. via ${via(excludedPath)})`,
        details: { excluded: hits, via: pathNodes(s, excludedPath).map(name) },
      };
    }
    const jurPath = reach({ ...req, allowedJurisdictions: undefined });
    if (jurPath !== null) {
      const allowed = new Set((req.allowedJurisdictions ?? []).map((j) => j.toUpperCase()));
      const outside = pathNodes(s, jurPath)
        .filter((v) => !allowed.has(s.jurisdictions.names[s.nodeJurisdiction[v]]))
        .map((v) => `${name(v)} (${s.jurisdictions.names[s.nodeJurisdiction[v]]})`);
      return {
        code: 'jurisdiction',
        message: `only reachable through nodes outside ${[...allowed].join(', ')}: ${outside.join(', ')}`,
        details: { allowedJurisdictions: [...allowed], outside, via: pathNodes(s, jurPath).map(name) },
      };
    }
    const blocking = [
      req.bandwidthMbps !== undefined ? `${fmt(req.bandwidthMbps)} Mbit/s` : null,
      'the exclusions',
      req.allowedJurisdictions !== undefined ? 'the allowed jurisdictions' : null,
    ].filter((x) => x !== null);
    return {
      code: 'excluded',
      message: `no path meets ${blocking.join(' and ')} together; each alone can be met, relax one of them`,
      details: { constraints: blocking },
    };
  } finally {
    ctx.setConstraints(req);
  }
}

/** A path exists under the filters; the latency or hop bound (or the backup) is what failed. */
function boundsReason(
  ctx: SearchContext,
  req: PathRequest,
  src: number,
  dst: number,
  fastest: SlotPath,
  via: (p: SlotPath) => string,
): NoPathReason {
  const s = ctx.snap;
  const latency = pathLatency(s, fastest);
  if (req.maxLatencyMs !== undefined && latency > req.maxLatencyMs + 1e-9) {
    return {
      code: 'latency',
      message: `best latency ${fmt(latency)} ms > bound ${fmt(req.maxLatencyMs)} ms via ${via(fastest)}`,
      details: { bestLatencyMs: latency, maxLatencyMs: req.maxLatencyMs, via: pathNodes(s, fastest).map((v) => s.nodeIds[v]) },
    };
  }
  const fewest = bidirectionalDijkstra(ctx, src, dst, s.unit) ?? fastest;
  if (req.maxHops !== undefined && fewest.edges.length > req.maxHops) {
    return {
      code: 'hops',
      message: `fewest hops ${fewest.edges.length} > limit ${req.maxHops} via ${via(fewest)}`,
      details: { fewestHops: fewest.edges.length, maxHops: req.maxHops },
    };
  }
  if (fastest.edges.length > (req.maxHops ?? Number.POSITIVE_INFINITY)) {
    return {
      code: 'latency',
      message: `no path meets ${fmt(req.maxLatencyMs ?? 0)} ms within ${req.maxHops} hops: the fastest (${fmt(latency)} ms) has ${fastest.edges.length} hops, the one with fewest hops takes ${fmt(pathLatency(s, fewest))} ms`,
      details: { bestLatencyMs: latency, fastestHops: fastest.edges.length, fewestHops: fewest.edges.length },
    };
  }
  const kind: Protection = req.protection ?? 'none';
  return {
    code: 'no-disjoint-backup',
    message: `a primary path exists (via ${via(fastest)}) but no ${kind} backup meets the request's constraints`,
    details: { protection: kind, primaryVia: pathNodes(s, fastest).map((v) => s.nodeIds[v]) },
  };
}

/** Not even a path over up links without constraints: maybe over down links, maybe none at all. */
function disconnected(ctx: SearchContext, src: number, dst: number): NoPathReason {
  const s = ctx.snap;
  const pred = new Int32Array(s.nodeCount).fill(-2);
  pred[src] = -1;
  const queue = [src];
  for (let h = 0; h < queue.length && pred[dst] === -2; h++) {
    const u = queue[h];
    for (let e = s.outOffsets[u]; e < s.outOffsets[u + 1]; e++) {
      const v = s.edgeDst[e];
      if (pred[v] === -2) {
        pred[v] = e;
        queue.push(v);
      }
    }
  }
  const a = s.nodeIds[src];
  const b = s.nodeIds[dst];
  if (pred[dst] === -2) {
    return {
      code: 'disconnected',
      message: `${b} is not reachable from ${a}: no links connect them`,
      details: { src: a, dst: b },
    };
  }
  const down: string[] = [];
  for (let v = dst; v !== src; v = s.edgeSrc[pred[v]]) if (s.usable[pred[v]] === 0) down.push(s.linkIds[pred[v]]);
  down.reverse();
  return {
    code: 'disconnected',
    message: `${b} is only reachable from ${a} over links that are down: ${down.join(', ')}`,
    details: { src: a, dst: b, downLinks: down },
  };
}

function bottleneckSlot(ctx: SearchContext, p: SlotPath, free: number): number {
  for (const e of p.edges) if (ctx.snap.residualMbps[e] === free) return e;
  return p.edges.length > 0 ? p.edges[0] : -1;
}

/** Names of the request's exclusions the path crosses ("provider P", "node X", ...). */
function excludedOn(ctx: SearchContext, req: PathRequest, p: SlotPath): string[] {
  const s = ctx.snap;
  const hits = new Set<string>();
  const providers = new Set(req.avoidProviders ?? []);
  const nodes = new Set(req.avoidNodes ?? []);
  const links = new Set(req.avoidLinks ?? []);
  const srlgs = new Set(req.avoidSrlgs ?? []);
  for (const v of pathNodes(s, p)) {
    if (nodes.has(s.nodeIds[v])) hits.add(`node ${s.nodeIds[v]}`);
    const prov = s.providers.names[s.nodeProvider[v]];
    if (providers.has(prov)) hits.add(`provider ${prov}`);
  }
  for (const e of p.edges) {
    if (links.has(s.linkIds[e])) hits.add(`link ${s.linkIds[e]}`);
    const prov = s.providers.names[s.edgeProvider[e]];
    if (providers.has(prov)) hits.add(`provider ${prov}`);
    for (let i = s.srlgOffsets[e]; i < s.srlgOffsets[e + 1]; i++) {
      const g = s.srlgs.names[s.srlgIds[i]];
      if (srlgs.has(g)) hits.add(`shared-risk group ${g}`);
    }
  }
  return [...hits];
}

/** Numbers in messages: at most one decimal for readability ("14.2 ms", "120 Mbit/s"). */
function fmt(x: number | undefined): string {
  return x === undefined ? '?' : String(Math.round(x * 10) / 10);
}
