import { describe, expect, it } from 'vitest';
import type { PathRequest, PathResult } from '../../../src/model/path.js';
import { PathService } from '../../../src/path/path-service.js';
import { SnapshotKeeper } from '../../../src/path/snapshot-keeper.js';
import { euStore } from './support/eu-sample.js';
import type { LinkSpec } from './support/graph-builder.js';
import { link } from './support/graph-builder.js';

function service(overrides: Record<string, Partial<LinkSpec>> = {}) {
  const { store, bus } = euStore(overrides);
  const keeper = new SnapshotKeeper(store, bus);
  return { store, keeper, paths: new PathService(keeper) };
}

function ok(res: PathResult) {
  if (!res.ok) throw new Error(`expected a path: ${res.reason.message}`);
  return res;
}

function refused(res: PathResult) {
  if (res.ok) throw new Error(`expected a refusal, got ${res.primary.nodes.join('-')}`);
  return res.reason;
}

describe('PathService on literal graphs', () => {
  it('minimises the requested objective', () => {
    const { paths } = service();
    const fast = ok(paths.compute({ src: 'par', dst: 'fra' })).primary;
    expect(fast).toEqual({
      nodes: ['par', 'fra'],
      links: ['par-fra.a'],
      latencyMs: 5,
      cost: 10,
      energyJPerGbit: 1,
      hops: 1,
      bottleneckMbps: 1000,
    });
    const cheap = ok(paths.compute({ src: 'par', dst: 'fra', objective: 'cost' })).primary;
    expect(cheap.links).toEqual(['par-ams.a', 'ams-fra.a']);
    expect(cheap.cost).toBe(4);
    expect(cheap.latencyMs).toBe(6);
  });

  it('finds the cheapest path within a latency bound', () => {
    const { paths } = service();
    // par->vie: cheapest is par-mil-vie (cost 9, 14 ms); within 13 ms only par-fra-mun-vie (cost 16).
    expect(ok(paths.compute({ src: 'par', dst: 'vie', objective: 'cost' })).primary.cost).toBe(9);
    const bounded = ok(paths.compute({ src: 'par', dst: 'vie', objective: 'cost', maxLatencyMs: 13 })).primary;
    expect(bounded.nodes).toEqual(['par', 'fra', 'mun', 'vie']);
    expect(bounded.cost).toBe(16);
    const twoHops = ok(paths.compute({ src: 'par', dst: 'vie', maxHops: 2 })).primary;
    expect(twoHops.nodes).toEqual(['par', 'mil', 'vie']);
  });

  it('returns k shortest paths in order', () => {
    const { paths } = service();
    const res = ok(paths.compute({ src: 'par', dst: 'vie', k: 3 }));
    expect(res.primary.latencyMs).toBe(13);
    expect(res.alternatives?.map((p) => p.latencyMs)).toEqual([14, 14]);
  });

  it('returns a minimum-total link-disjoint pair and a provider-diverse one', () => {
    const { paths } = service();
    const link = ok(paths.compute({ src: 'par', dst: 'vie', protection: 'link-disjoint' }));
    expect(link.primary.nodes).toEqual(['par', 'fra', 'mun', 'vie']);
    expect(link.backup?.nodes).toEqual(['par', 'mil', 'vie']);
    const diverse = ok(paths.compute({ src: 'par', dst: 'vie', protection: 'provider-diverse' }));
    expect(diverse.backup?.nodes).toEqual(['par', 'mil', 'vie']);
  });

  it('asks provider diversity of the transit providers, not of the end sites own access providers', () => {
    // par is provider pa: its access cable par-mil being pa too does not make the backup less diverse.
    const access = service({ 'par-mil': { provider: 'pa' } });
    const res = ok(access.paths.compute({ src: 'par', dst: 'vie', protection: 'provider-diverse' }));
    expect(res.backup?.nodes).toEqual(['par', 'mil', 'vie']);
    // A transit provider (pt) on every primary and every backup candidate: refused.
    const transit = service({ 'fra-mun': { provider: 'pt' }, 'mil-vie': { provider: 'pt' } });
    const reason = refused(transit.paths.compute({ src: 'par', dst: 'vie', protection: 'provider-diverse' }));
    expect(reason.code).toBe('no-disjoint-backup');
  });

  it('explains a missing SRLG-disjoint backup', () => {
    // Every way into vie crosses the rhine group once mil-vie shares it.
    const { paths } = service({ 'mil-vie': { srlgs: ['rhine'] } });
    const reason = refused(paths.compute({ src: 'par', dst: 'vie', protection: 'srlg-disjoint' }));
    expect(reason.code).toBe('no-disjoint-backup');
    expect(reason.message).toContain('srlg-disjoint backup');
  });

  it('names the bottleneck when bandwidth is short', () => {
    const { paths } = service({
      'par-fra': { reservedMbps: 880 },
      'par-ams': { capacityMbps: 100 },
      'par-mil': { capacityMbps: 50 },
    });
    const reason = refused(paths.compute({ src: 'par', dst: 'fra', bandwidthMbps: 500 }));
    expect(reason.code).toBe('bandwidth');
    expect(reason.message).toBe('no path with 500 Mbit/s: bottleneck par-fra.a (par-fra), 120 Mbit/s free');
    expect(reason.details).toMatchObject({ bottleneckLink: 'par-fra.a', bestAvailableMbps: 120 });
  });

  it('names the best latency when the bound cannot be met', () => {
    const { paths } = service();
    const reason = refused(paths.compute({ src: 'par', dst: 'vie', maxLatencyMs: 10 }));
    expect(reason.code).toBe('latency');
    expect(reason.message).toBe('best latency 13 ms > bound 10 ms via par-fra-mun-vie');
  });

  it('names the excluded provider the only routes cross', () => {
    const { paths } = service();
    const reason = refused(paths.compute({ src: 'par', dst: 'mil', avoidProviders: ['pc'] }));
    expect(reason.code).toBe('excluded');
    expect(reason.message).toMatch(/^only reachable through excluded provider pc/);
  });

  it('names the nodes outside the allowed jurisdictions', () => {
    const { paths } = service({ 'par-fra': { operUp: false } });
    const reason = refused(paths.compute({ src: 'par', dst: 'mun', allowedJurisdictions: ['FR', 'DE'] }));
    expect(reason.code).toBe('jurisdiction');
    expect(reason.message).toBe('only reachable through nodes outside FR, DE: ams (NL)');
  });

  it('names down links and unknown nodes', () => {
    const { store, paths } = service();
    store.addNode({ id: 'lis', kind: 'switch', name: 'lis', provider: 'pa', jurisdiction: 'PT', operUp: true });
    store.addLink(link({ id: 'par-lis.a', cable: 'par-lis', src: 'par', dst: 'lis', latencyMs: 9, adminUp: false }));
    const down = refused(paths.compute({ src: 'par', dst: 'lis' }));
    expect(down.code).toBe('disconnected');
    expect(down.details).toMatchObject({ downLinks: ['par-lis.a'] });
    expect(refused(paths.compute({ src: 'lis', dst: 'par' })).message).toBe(
      'par is not reachable from lis: no links connect them',
    );
    expect(refused(paths.compute({ src: 'par', dst: 'nowhere' })).code).toBe('unknown-node');
  });

  it('lists equal-cost paths', () => {
    const { paths } = service();
    const ecmp = paths.equalCostPaths({ src: 'par', dst: 'mun', objective: 'hops' });
    expect(ecmp.map((p) => p.nodes.join('-')).sort()).toEqual(['par-fra-mun', 'par-mil-mun']);
  });

  it('rejects malformed requests with a typed error', () => {
    const { paths } = service();
    const bad: PathRequest = { src: 'par', dst: 'fra', k: 0 };
    expect(() => paths.compute(bad)).toThrow(expect.objectContaining({ code: 'SDNC_ERR_VALIDATION' }));
  });

  it('follows attribute changes by patching, and shape changes by rebuilding', () => {
    const { store, keeper, paths } = service();
    expect(ok(paths.compute({ src: 'par', dst: 'fra', bandwidthMbps: 600 })).primary.links).toEqual(['par-fra.a']);
    store.adjustReserved('par-fra.a', 500);
    expect(ok(paths.compute({ src: 'par', dst: 'fra', bandwidthMbps: 600 })).primary.links).toEqual(['par-ams.a', 'ams-fra.a']);
    store.setMeasuredLatency('par-ams.a', 0.5, 0.1);
    expect(ok(paths.compute({ src: 'par', dst: 'fra' })).primary.latencyMs).toBe(3.5);
    expect(keeper.rebuildCount).toBe(1);
    store.removeLink('ams-fra.a');
    expect(ok(paths.compute({ src: 'par', dst: 'fra' })).primary.links).toEqual(['par-fra.a']);
    expect(keeper.rebuildCount).toBe(2);
  });
});

describe('PathService.reverseOf', () => {
  it('runs a path it found back over the same cables, or says why not', () => {
    const { store, paths } = service({ 'ams-fra': { capacityMbps: 100 } });
    const there = ok(paths.compute({ src: 'par', dst: 'fra', objective: 'cost' })).primary;
    expect(there.links).toEqual(['par-ams.a', 'ams-fra.a']);
    expect(paths.reverseOf(there, { bandwidthMbps: 50 })).toEqual({
      nodes: ['fra', 'ams', 'par'],
      links: ['ams-fra.b', 'par-ams.b'],
      latencyMs: 6,
      cost: 4,
      energyJPerGbit: 2,
      hops: 2,
      bottleneckMbps: 100,
    });
    // A link back that is too thin, excluded or down does not qualify.
    expect(paths.reverseOf(there, { bandwidthMbps: 150 })).toBeUndefined();
    expect(paths.reverseOf(there, { avoidLinks: ['par-ams.b'] })).toBeUndefined();
    expect(paths.reverseOf(there, { avoidProviders: ['pb'] })).toBeUndefined();
    store.setLinkOper('ams-fra.b', false);
    expect(paths.reverseOf(there, {})).toBeUndefined();
    // A path it did not find, or found before the graph changed shape, it cannot tell about.
    expect(paths.reverseOf({ ...there }, {})).toBeNull();
    store.removeLink('mun-vie.a');
    expect(paths.reverseOf(there, {})).toBeNull();
  });
});
