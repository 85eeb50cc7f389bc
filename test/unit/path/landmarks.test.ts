import { describe, expect, it } from 'vitest';
import { geometricWan, prng } from '../../../bench/path-bench-graphs.js';
import { EventBus } from '../../../src/events/event-bus.js';
import { boundedShortestPath, NO_BOUNDS } from '../../../src/path/bounded-path.js';
import { dijkstraAll } from '../../../src/path/dijkstra.js';
import { PathService } from '../../../src/path/path-service.js';
import { SearchContext } from '../../../src/path/search-context.js';
import { SnapshotKeeper } from '../../../src/path/snapshot-keeper.js';
import { suurballe } from '../../../src/path/suurballe.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';
import { euStore } from './support/eu-sample.js';

/** Every landmark bound is at most the true distance (plain Dijkstra on the current weights). */
function expectAdmissible(ctx: SearchContext): void {
  const s = ctx.snap;
  const lm = ctx.landmarksFor(s.latencyMs, true);
  expect(lm).not.toBeNull();
  if (lm === null) return;
  const dist = new Float64Array(s.nodeCount);
  const pred = new Int32Array(s.nodeCount);
  ctx.setConstraints({});
  for (let u = 0; u < s.nodeCount; u++) {
    dijkstraAll(ctx, u, s.latencyMs, false, dist, pred);
    for (let v = 0; v < s.nodeCount; v++) {
      const b = lm.bound(u, v);
      if (dist[v] === Number.POSITIVE_INFINITY) continue;
      expect(b, `bound ${s.nodeIds[u]}->${s.nodeIds[v]}`).toBeLessThanOrEqual(dist[v] + 1e-9);
    }
  }
}

/** A 300-node geometric WAN in a store, with the snapshot keeper of that store. */
function wan() {
  const g = geometricWan(300, 4, 5);
  const bus = new EventBus();
  const store = new TopologyStore(bus);
  for (const n of g.nodes) store.addNode(n);
  for (const l of g.links) store.addLink(l);
  return { g, store, keeper: new SnapshotKeeper(store, bus) };
}

describe('LandmarkIndex', () => {
  it('gives admissible bounds, goes stale when a latency drops under its floor, and is rebuilt', () => {
    const { store, bus } = euStore();
    const keeper = new SnapshotKeeper(store, bus);
    const ctx = new SearchContext(keeper.current(), { count: 3, afterQueries: 0 });
    expectAdmissible(ctx);
    const first = ctx.landmarksFor(ctx.snap.latencyMs);
    expect(ctx.landmarkBuilds).toBe(1);

    // Going up never invalidates lower bounds.
    store.setMeasuredLatency('par-ams.a', 9, null);
    expect(first?.current).toBe(true);
    expect(ctx.landmarksFor(ctx.snap.latencyMs)).toBe(first);

    // Going under the floor does: the next query builds a new index, and the bounds hold again.
    store.setMeasuredLatency('par-mil.a', 0.5, null);
    store.setMeasuredLatency('par-mil.b', 0.5, null);
    expect(first?.current).toBe(false);
    const second = ctx.landmarksFor(ctx.snap.latencyMs);
    expect(second).not.toBe(first);
    expect(ctx.landmarkBuilds).toBe(2);
    expectAdmissible(ctx);
    keeper.close();
  });

  it('finds the new shortest path right after a latency drop (no stale bounds used)', () => {
    const { store, bus } = euStore();
    const paths = new PathService(new SnapshotKeeper(store, bus), { afterQueries: 0 });
    expect(paths.compute({ src: 'par', dst: 'vie' }).ok && paths.prepareLandmarks()).toBe(true);
    const before = paths.compute({ src: 'par', dst: 'vie' });
    expect(before.ok && before.primary.nodes).toEqual(['par', 'fra', 'mun', 'vie']);
    // par-mil-vie becomes 2 ms: with the old landmarks its bound would be far too high.
    store.setMeasuredLatency('par-mil.a', 1, null);
    store.setMeasuredLatency('mil-vie.a', 1, null);
    const after = paths.compute({ src: 'par', dst: 'vie' });
    expect(after.ok && after.primary.nodes).toEqual(['par', 'mil', 'vie']);
    expect(after.ok && after.primary.latencyMs).toBe(2);
  });

  it('matches plain Dijkstra on a 300-node WAN through random latency drops and rises', () => {
    const { g, store, keeper } = wan();
    const paths = new PathService(keeper, { afterQueries: 0, count: 8 });
    const ctx = new SearchContext(keeper.current(), { count: 0 });
    const dist = new Float64Array(g.nodes.length);
    const pred = new Int32Array(g.nodes.length);
    const rnd = prng(9);
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 40; i++) {
        const l = g.links[Math.floor(rnd() * g.links.length)];
        store.setMeasuredLatency(l.id, l.latencyMs * (0.2 + rnd() * 1.6), null);
      }
      const snap = keeper.current();
      ctx.setConstraints({ bandwidthMbps: 7000 });
      for (let q = 0; q < 25; q++) {
        const a = Math.floor(rnd() * g.nodes.length);
        const b = Math.floor(rnd() * g.nodes.length);
        dijkstraAll(ctx, a, snap.latencyMs, false, dist, pred);
        const r = paths.compute({ src: snap.nodeIds[a], dst: snap.nodeIds[b], bandwidthMbps: 7000 });
        expect(r.ok).toBe(dist[b] !== Number.POSITIVE_INFINITY);
        if (r.ok) expect(r.primary.latencyMs).toBeCloseTo(dist[b], 9);
      }
    }
    keeper.close();
  });

  it('builds a live index while links are down once weak bounds cost enough, stays exact, and drops it when a link comes back', () => {
    const { g, store, keeper } = wan();
    const ctx = new SearchContext(keeper.current(), { count: 8, afterQueries: 0 });
    const ref = new SearchContext(keeper.current(), { count: 0 });
    const w = ctx.snap.latencyMs;
    expect(ctx.landmarksFor(w, true)?.live).toBe(false);
    const dist = new Float64Array(g.nodes.length);
    const pred = new Int32Array(g.nodes.length);
    const rnd = prng(3);
    const down: string[] = [];
    let liveUsed = 0;
    for (let round = 0; round < 8; round++) {
      if (round % 2 === 1) {
        // Everything back up: a live index may not be used any more (its bounds ignore these links).
        for (const id of down.splice(0)) store.setLinkOper(id, true);
        expect(keeper.current()).toBe(ctx.snap);
        expect(ctx.landmarksFor(w)?.live).toBe(false);
      } else {
        for (let i = 0; i < 12; i++) {
          const l = g.links[Math.floor(rnd() * g.links.length)];
          if (!down.includes(l.id)) store.setLinkOper(l.id, false);
          down.push(l.id);
        }
        expect(keeper.current()).toBe(ctx.snap);
      }
      for (let q = 0; q < 150; q++) {
        const a = Math.floor(rnd() * g.nodes.length);
        const b = Math.floor(rnd() * g.nodes.length);
        ctx.setConstraints({});
        if (ctx.landmarksFor(w)?.live) liveUsed++;
        const p = boundedShortestPath(ctx, a, b, w, NO_BOUNDS);
        ref.setConstraints({});
        dijkstraAll(ref, a, w, false, dist, pred);
        expect(p === null).toBe(dist[b] === Number.POSITIVE_INFINITY);
        if (p !== null) expect(p.weight).toBeCloseTo(dist[b], 9);
      }
    }
    // Built in each round with links down, once the weak bounds had cost enough.
    expect(liveUsed).toBeGreaterThan(0);
    expect(ctx.landmarkBuilds).toBeGreaterThan(1);
    keeper.close();
  });

  it('builds a live index for protected queries too once their weak bounds cost enough', () => {
    const { g, store, keeper } = wan();
    const ctx = new SearchContext(keeper.current(), { count: 8, afterQueries: 0 });
    const w = ctx.snap.latencyMs;
    expect(ctx.landmarksFor(w, true)?.live).toBe(false);
    const rnd = prng(11);
    for (let i = 0; i < 12; i++) store.setLinkOper(g.links[Math.floor(rnd() * g.links.length)].id, false);
    expect(keeper.current()).toBe(ctx.snap);
    const builds = ctx.landmarkBuilds;
    // Link-disjoint pairs only (Suurballe): their first search is the goal-directed one.
    for (let q = 0; q < 400 && ctx.landmarkBuilds === builds; q++) {
      ctx.setConstraints({});
      suurballe(ctx, Math.floor(rnd() * g.nodes.length), Math.floor(rnd() * g.nodes.length), w, 'link');
    }
    expect(ctx.landmarkBuilds).toBe(builds + 1);
    expect(ctx.landmarksFor(w)?.live).toBe(true);
    keeper.close();
  });
});
