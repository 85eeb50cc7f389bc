import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../../src/northbound/server.js';
import { PathService } from '../../../src/path/path-service.js';
import { SnapshotKeeper } from '../../../src/path/snapshot-keeper.js';
import { TopologyService } from '../../../src/topology/topology-service.js';
import { euStore } from '../path/support/eu-sample.js';

describe('POST /api/v1/paths/compute', () => {
  let app: FastifyInstance;
  let reservedBefore: number[];
  let reservedNow: () => number[];

  beforeAll(async () => {
    const { store, bus } = euStore({
      'par-fra': { reservedMbps: 880 },
      'par-ams': { capacityMbps: 100 },
      'par-mil': { capacityMbps: 50 },
    });
    reservedNow = () => store.links().map((l) => l.reservedMbps);
    reservedBefore = reservedNow();
    const paths = new PathService(new SnapshotKeeper(store, bus));
    app = await buildServer({ topology: new TopologyService(store), bus, paths });
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (body: unknown) => app.inject({ method: 'POST', url: '/api/v1/paths/compute', payload: body as object });

  it('answers with the paths a request would get', async () => {
    const res = await post({ src: 'par', dst: 'vie', protection: 'link-disjoint', k: 2 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.primary).toMatchObject({ nodes: ['par', 'fra', 'mun', 'vie'], latencyMs: 13, hops: 3 });
    expect(body.backup.nodes).toEqual(['par', 'mil', 'vie']);
    expect(body.alternatives).toHaveLength(1);
    expect(body.ok).toBeUndefined();
    // A dry run reserves nothing.
    expect(reservedNow()).toEqual(reservedBefore);
  });

  it('refuses with 422 SDNC_ERR_NO_PATH and the reason as details', async () => {
    const res = await post({ src: 'par', dst: 'fra', bandwidthMbps: 500 });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toEqual({
      code: 'SDNC_ERR_NO_PATH',
      message: 'no path with 500 Mbit/s: bottleneck par-fra.a (par-fra), 120 Mbit/s free',
      details: {
        code: 'bandwidth',
        reason: 'no path with 500 Mbit/s: bottleneck par-fra.a (par-fra), 120 Mbit/s free',
        details: { requestedMbps: 500, bestAvailableMbps: 120, bottleneckLink: 'par-fra.a' },
      },
    });
  });

  it('validates the body against openapi.yaml', async () => {
    const res = await post({ src: 'par', dst: 'fra', k: 99 });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('SDNC_ERR_VALIDATION');
    const extra = await post({ src: 'par', dst: 'fra', colour: 'blue' });
    expect(extra.statusCode).toBe(400);
  });
});
