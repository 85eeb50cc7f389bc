import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Objective, Path, PathRequest, Protection } from '../../../src/model/path.js';
import type { TopoLink, TopoNode } from '../../../src/model/topology.js';
import { PathService } from '../../../src/path/path-service.js';
import { SnapshotKeeper } from '../../../src/path/snapshot-keeper.js';
import {
  accessProviders,
  allPaths,
  bestPairValue,
  bestValue,
  disjoint,
  meetsBounds,
  type OraclePath,
  total,
} from './support/brute-force-oracle.js';
import { buildStore, type LinkSpec } from './support/graph-builder.js';

const PROVIDERS = ['pa', 'pb', 'pc'];
const JURISDICTIONS = ['DE', 'FR', 'IT'];
const SRLGS = ['s1', 's2', 's3'];

interface Case {
  readonly nodes: TopoNode[];
  readonly links: TopoLink[];
  readonly service: PathService;
}

const cableArb = fc.record({
  a: fc.nat(6),
  b: fc.nat(6),
  lat: fc.integer({ min: 1, max: 9 }),
  latBack: fc.integer({ min: 1, max: 9 }),
  cost: fc.integer({ min: 1, max: 9 }),
  energy: fc.integer({ min: 1, max: 9 }),
  capacity: fc.constantFrom(100, 500, 1000),
  reserved: fc.constantFrom(0, 0, 50, 400),
  srlgs: fc.subarray(SRLGS, { maxLength: 2 }),
  provider: fc.constantFrom(...PROVIDERS),
  oneWay: fc.boolean(),
  down: fc.constantFrom(false, false, false, false, false, false, true),
});

const graphArb = fc.record({
  n: fc.integer({ min: 4, max: 7 }),
  cables: fc.array(cableArb, { minLength: 9, maxLength: 18 }),
  nodeProviders: fc.array(fc.constantFrom(...PROVIDERS), { minLength: 7, maxLength: 7 }),
  nodeJurisdictions: fc.array(fc.constantFrom(...JURISDICTIONS), { minLength: 7, maxLength: 7 }),
  /** Landmarks from the first query (0: plain bidirectional Dijkstra; more than n: duplicate columns). */
  landmarks: fc.constantFrom(0, 1, 3, 16),
});

const requestArb = fc.record({
  src: fc.nat(6),
  dst: fc.nat(6),
  objective: fc.constantFrom<Objective>('latency', 'cost', 'energy', 'hops'),
  bandwidthMbps: fc.constantFrom(undefined, undefined, undefined, 80, 300),
  maxLatencyMs: fc.constantFrom(undefined, 8, 12, 16),
  maxHops: fc.constantFrom(undefined, undefined, 2, 3),
  avoidProviders: fc.constantFrom(undefined, undefined, undefined, ['pc']),
  avoidSrlgs: fc.constantFrom(undefined, undefined, undefined, ['s3']),
  avoidNodes: fc.constantFrom(undefined, undefined, undefined, ['n3']),
  allowedJurisdictions: fc.constantFrom(undefined, undefined, undefined, ['DE', 'FR']),
});

type GraphSpec = typeof graphArb extends fc.Arbitrary<infer T> ? T : never;
type RequestSpec = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function makeCase(g: GraphSpec): Case {
  const ids = Array.from({ length: g.n }, (_, i) => `n${i}`);
  const specs: LinkSpec[] = [];
  g.cables.forEach((c, i) => {
    const a = c.a % g.n;
    const b = c.b % g.n;
    if (a === b) return;
    const common = {
      cable: `c${i}`,
      cost: c.cost,
      energyJPerGbit: c.energy,
      capacityMbps: c.capacity,
      reservedMbps: c.reserved,
      srlgs: c.srlgs,
      provider: c.provider,
      operUp: !c.down,
    };
    specs.push({ ...common, id: `c${i}.a`, src: ids[a], dst: ids[b], latencyMs: c.lat });
    if (!c.oneWay) specs.push({ ...common, id: `c${i}.b`, src: ids[b], dst: ids[a], latencyMs: c.latBack });
  });
  const nodes = ids.map((id, i) => ({ id, provider: g.nodeProviders[i], jurisdiction: g.nodeJurisdictions[i] }));
  const { store, bus } = buildStore(nodes, specs);
  return {
    nodes: store.nodes(),
    links: store.links(),
    service: new PathService(new SnapshotKeeper(store, bus), { count: g.landmarks, afterQueries: 0 }),
  };
}

function makeRequest(g: GraphSpec, r: RequestSpec, extra: Partial<PathRequest> = {}): PathRequest {
  const clean = Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined));
  return { ...clean, ...extra, src: `n${r.src % g.n}`, dst: `n${r.dst % g.n}` } as PathRequest;
}

/** Checks an engine path literally against the request and returns it as an oracle path. */
function checkValid(c: Case, req: PathRequest, p: Path): OraclePath {
  const byId = new Map(c.links.map((l) => [l.id, l]));
  const links = p.links.map((id) => {
    const l = byId.get(id);
    if (l === undefined) throw new Error(`unknown link ${id}`);
    return l;
  });
  expect(p.nodes[0]).toBe(req.src);
  expect(p.nodes[p.nodes.length - 1]).toBe(req.dst);
  links.forEach((l, i) => {
    expect(l.src).toBe(p.nodes[i]);
    expect(l.dst).toBe(p.nodes[i + 1]);
  });
  expect(new Set(p.nodes).size).toBe(p.nodes.length);
  const literal = allPaths(c.nodes, c.links, req).some((o) => o.links.map((l) => l.id).join() === p.links.join());
  expect(literal, `path ${p.links.join()} passes every filter`).toBe(true);
  const op = { links, nodes: p.nodes };
  expect(meetsBounds(op, req)).toBe(true);
  expect(p.hops).toBe(links.length);
  expect(p.latencyMs).toBeCloseTo(total(op, 'latency'), 9);
  return op;
}

const RUNS = 300;

describe('path engine against a brute-force oracle on random small graphs', () => {
  it('finds an optimal path that meets every constraint exactly when one exists', () => {
    let found = 0;
    fc.assert(
      fc.property(graphArb, requestArb, (g, r) => {
        const c = makeCase(g);
        const req = makeRequest(g, r);
        const best = bestValue(c.nodes, c.links, req);
        const res = c.service.compute(req);
        expect(res.ok, JSON.stringify({ req, res })).toBe(best !== null);
        if (res.ok && best !== null) {
          const op = checkValid(c, req, res.primary);
          expect(total(op, req.objective ?? 'latency')).toBeCloseTo(best, 9);
          found++;
        } else if (!res.ok) {
          expect(res.reason.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
    // The cases must exercise the engine: many answers (bounds that change the optimum: next test).
    expect(found).toBeGreaterThan(RUNS / 4);
  });

  it('solves restricted shortest path exactly for bounds between the fastest and the cheapest path', () => {
    let tight = 0;
    fc.assert(
      fc.property(
        graphArb,
        requestArb,
        fc.constantFrom<Objective>('cost', 'energy', 'hops'),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(undefined, 2, 3),
        (g, r, objective, t, maxHops) => {
          const c = makeCase(g);
          const base = makeRequest(g, r, { objective, maxLatencyMs: undefined, maxHops: undefined });
          const paths = allPaths(c.nodes, c.links, base);
          if (paths.length < 2) return;
          const fastest = Math.min(...paths.map((p) => total(p, 'latency')));
          const cheapest = paths.reduce((a, b) => (total(b, objective) < total(a, objective) ? b : a));
          const req: PathRequest = { ...base, maxLatencyMs: fastest + t * (total(cheapest, 'latency') - fastest), maxHops };
          const best = bestValue(c.nodes, c.links, req);
          const res = c.service.compute(req);
          expect(res.ok).toBe(best !== null);
          if (!res.ok || best === null) return;
          expect(total(checkValid(c, req, res.primary), objective)).toBeCloseTo(best, 9);
          if (best > total(cheapest, objective) + 1e-9) tight++;
        },
      ),
      { numRuns: RUNS },
    );
    // Cases where the bound forces a costlier path than the cheapest: the label-setting search must run.
    expect(tight).toBeGreaterThan(3);
  });

  it('returns the k shortest loopless paths in order (Yen)', () => {
    fc.assert(
      fc.property(graphArb, requestArb, fc.integer({ min: 2, max: 5 }), (g, r, k) => {
        const c = makeCase(g);
        const req = makeRequest(g, r, { k, maxLatencyMs: undefined, maxHops: undefined });
        const objective = req.objective ?? 'latency';
        const expected = allPaths(c.nodes, c.links, req)
          .map((p) => total(p, objective))
          .sort((a, b) => a - b)
          .slice(0, k);
        const res = c.service.compute(req);
        if (expected.length === 0) {
          expect(res.ok).toBe(false);
          return;
        }
        if (!res.ok) throw new Error(`expected paths: ${res.reason.message}`);
        const paths = [res.primary, ...(res.alternatives ?? [])];
        const values = paths.map((p) => total(checkValid(c, req, p), objective));
        expect(new Set(paths.map((p) => p.links.join())).size).toBe(paths.length);
        expect(values.length).toBe(expected.length);
        for (const [i, v] of values.entries()) expect(v).toBeCloseTo(expected[i], 9);
      }),
      { numRuns: RUNS },
    );
  });

  it('finds minimum-total link- and node-disjoint pairs (Suurballe) exactly when they exist', () => {
    fc.assert(
      fc.property(
        graphArb,
        requestArb,
        fc.constantFrom<Exclude<Protection, 'none'>>('link-disjoint', 'node-disjoint'),
        (g, r, kind) => {
          const c = makeCase(g);
          const req = makeRequest(g, r, { protection: kind, maxLatencyMs: undefined, maxHops: undefined });
          if (req.src === req.dst) return;
          const best = bestPairValue(c.nodes, c.links, req, kind);
          const res = c.service.compute(req);
          expect(res.ok, JSON.stringify({ req, res })).toBe(best !== null);
          if (!res.ok || best === null) return;
          if (res.backup === undefined) throw new Error('protected result without backup');
          const a = checkValid(c, req, res.primary);
          const b = checkValid(c, req, res.backup);
          expect(disjoint(a, b, kind)).toBe(true);
          const objective = req.objective ?? 'latency';
          expect(total(a, objective) + total(b, objective)).toBeCloseTo(best, 9);
        },
      ),
      { numRuns: 2 * RUNS },
    );
  });

  it('returns only valid SRLG-disjoint and provider-diverse pairs within the bounds', () => {
    let found = 0;
    let optimal = 0;
    fc.assert(
      fc.property(
        graphArb,
        requestArb,
        fc.constantFrom<Exclude<Protection, 'none'>>('srlg-disjoint', 'provider-diverse', 'link-disjoint', 'node-disjoint'),
        (g, r, kind) => {
          const c = makeCase(g);
          const req = makeRequest(g, r, { protection: kind });
          if (req.src === req.dst) return;
          const best = bestPairValue(c.nodes, c.links, req, kind);
          const res = c.service.compute(req);
          if (best === null) expect(res.ok).toBe(false);
          if (!res.ok) return;
          if (res.backup === undefined) throw new Error('protected result without backup');
          const a = checkValid(c, req, res.primary);
          const b = checkValid(c, req, res.backup);
          expect(disjoint(a, b, kind, accessProviders(c.nodes, req))).toBe(true);
          const objective = req.objective ?? 'latency';
          const sum = total(a, objective) + total(b, objective);
          expect(sum).toBeGreaterThanOrEqual((best ?? 0) - 1e-9);
          found++;
          if (Math.abs(sum - (best ?? 0)) < 1e-9) optimal++;
        },
      ),
      { numRuns: RUNS },
    );
    // The heuristic is not guaranteed optimal, but on these graphs it almost always is.
    expect(optimal / Math.max(1, found)).toBeGreaterThan(0.8);
  });

  it('returns every equal-cost path (up to the limit) and only those', () => {
    fc.assert(
      fc.property(graphArb, requestArb, (g, r) => {
        const c = makeCase(g);
        const req = makeRequest(g, r, { maxLatencyMs: undefined, maxHops: undefined });
        const objective = req.objective ?? 'latency';
        const best = bestValue(c.nodes, c.links, req);
        const paths = c.service.equalCostPaths(req, 4);
        if (best === null) {
          expect(paths).toEqual([]);
          return;
        }
        const optimalCount = allPaths(c.nodes, c.links, req).filter((p) => Math.abs(total(p, objective) - best) < 1e-9).length;
        expect(paths.length).toBe(Math.min(4, optimalCount));
        expect(new Set(paths.map((p) => p.links.join())).size).toBe(paths.length);
        for (const p of paths) expect(total(checkValid(c, req, p), objective)).toBeCloseTo(best, 9);
      }),
      { numRuns: RUNS },
    );
  });
});
