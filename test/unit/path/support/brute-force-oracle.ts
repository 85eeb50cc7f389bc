import type { Objective, PathRequest, Protection } from '../../../../src/model/path.js';
import type { TopoLink, TopoNode } from '../../../../src/model/topology.js';

/**
 * Independent oracle for the path engine: enumerates every simple path on a small graph straight from
 * the TopoNode/TopoLink values (no CSR, no shared code with src/path) and checks constraints literally.
 */
export interface OraclePath {
  readonly links: readonly TopoLink[];
  readonly nodes: readonly string[];
}

export function weightOf(l: TopoLink, objective: Objective): number {
  if (objective === 'latency') return l.measuredLatencyMs ?? l.latencyMs;
  if (objective === 'cost') return l.cost;
  if (objective === 'energy') return l.energyJPerGbit;
  return 1;
}

export function total(p: OraclePath, objective: Objective): number {
  return p.links.reduce((s, l) => s + weightOf(l, objective), 0);
}

function linkAllowed(l: TopoLink, req: PathRequest): boolean {
  if (!l.adminUp || !l.operUp) return false;
  if (l.capacityMbps - l.reservedMbps < (req.bandwidthMbps ?? 0)) return false;
  if (req.avoidLinks?.includes(l.id)) return false;
  if (req.avoidProviders?.includes(l.provider)) return false;
  if (l.srlgs.some((g) => req.avoidSrlgs?.includes(g))) return false;
  return true;
}

function nodeAllowed(n: TopoNode, req: PathRequest): boolean {
  if (req.avoidNodes?.includes(n.id)) return false;
  if (req.avoidProviders?.includes(n.provider)) return false;
  if (req.allowedJurisdictions !== undefined && !req.allowedJurisdictions.includes(n.jurisdiction)) return false;
  return true;
}

/** Every simple src->dst path over allowed links and nodes (bounds not applied). */
export function allPaths(nodes: readonly TopoNode[], links: readonly TopoLink[], req: PathRequest): OraclePath[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out: OraclePath[] = [];
  const src = byId.get(req.src);
  if (src === undefined || byId.get(req.dst) === undefined || !nodeAllowed(src, req)) return out;
  const walk = (at: string, visited: string[], used: TopoLink[]): void => {
    if (at === req.dst) {
      out.push({ links: [...used], nodes: [...visited] });
      return;
    }
    for (const l of links) {
      if (l.src !== at || visited.includes(l.dst) || !linkAllowed(l, req)) continue;
      const next = byId.get(l.dst);
      if (next === undefined || !nodeAllowed(next, req)) continue;
      walk(l.dst, [...visited, l.dst], [...used, l]);
    }
  };
  walk(req.src, [req.src], []);
  return out;
}

export function meetsBounds(p: OraclePath, req: PathRequest): boolean {
  if (req.maxHops !== undefined && p.links.length > req.maxHops) return false;
  if (req.maxLatencyMs !== undefined && total(p, 'latency') > req.maxLatencyMs + 1e-9) return false;
  return true;
}

/** Minimum objective value of a path meeting all constraints and bounds, or null. */
export function bestValue(nodes: readonly TopoNode[], links: readonly TopoLink[], req: PathRequest): number | null {
  let best: number | null = null;
  for (const p of allPaths(nodes, links, req)) {
    if (!meetsBounds(p, req)) continue;
    const v = total(p, req.objective ?? 'latency');
    if (best === null || v < best) best = v;
  }
  return best;
}

/** Providers of the request's two end nodes: exempt from provider diversity (their access links are unavoidable). */
export function accessProviders(nodes: readonly TopoNode[], req: PathRequest): Set<string> {
  return new Set(nodes.filter((n) => n.id === req.src || n.id === req.dst).map((n) => n.provider));
}

/** Whether two paths are disjoint in the sense of `kind` (cables always; plus nodes/SRLGs/transit providers). */
export function disjoint(
  a: OraclePath,
  b: OraclePath,
  kind: Exclude<Protection, 'none'>,
  exempt: ReadonlySet<string> = new Set(),
): boolean {
  const cables = new Set(a.links.map((l) => l.cable));
  if (b.links.some((l) => cables.has(l.cable))) return false;
  if (kind === 'node-disjoint') {
    const inner = new Set(a.nodes.slice(1, -1));
    if (b.nodes.slice(1, -1).some((n) => inner.has(n))) return false;
  }
  if (kind === 'srlg-disjoint') {
    const groups = new Set(a.links.flatMap((l) => l.srlgs));
    if (b.links.some((l) => l.srlgs.some((g) => groups.has(g)))) return false;
  }
  if (kind === 'provider-diverse') {
    const providers = new Set(a.links.map((l) => l.provider).filter((p) => !exempt.has(p)));
    if (b.links.some((l) => providers.has(l.provider))) return false;
  }
  return true;
}

/** Minimum total objective of a disjoint pair meeting constraints and bounds, or null. */
export function bestPairValue(
  nodes: readonly TopoNode[],
  links: readonly TopoLink[],
  req: PathRequest,
  kind: Exclude<Protection, 'none'>,
): number | null {
  const paths = allPaths(nodes, links, req).filter((p) => meetsBounds(p, req));
  const objective = req.objective ?? 'latency';
  const exempt = accessProviders(nodes, req);
  let best: number | null = null;
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      if (!disjoint(paths[i], paths[j], kind, exempt)) continue;
      const v = total(paths[i], objective) + total(paths[j], objective);
      if (best === null || v < best) best = v;
    }
  }
  return best;
}
