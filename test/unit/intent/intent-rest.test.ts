import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { arpRequest, IntentHarness, ipv4 } from './intent-harness.js';

let h: IntentHarness;
let app: FastifyInstance;

async function setup(): Promise<void> {
  h = await IntentHarness.create();
  app = await h.server();
}

afterEach(async () => {
  await app?.close();
});

const body = (over: Record<string, unknown> = {}) => ({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100, ...over });

describe('intents through the REST API with the fake driver', () => {
  it('installs a label-switched path both ways, carries ARP, and shows paths, labels and history', async () => {
    await setup();
    const res = await app.inject({ method: 'POST', url: '/api/v1/intents', payload: body() });
    expect(res.statusCode).toBe(201);
    const intent = res.json();
    expect(intent.state).toBe('installed');
    expect(intent.paths.forward.primary.nodes).toEqual(['s1', 's2', 's4']);
    expect(intent.paths.reverse.primary.nodes).toEqual(['s4', 's2', 's1']);
    expect(intent.paths.forward.primary.latencyMs).toBe(2);
    expect(intent.history.map((x: { state: string }) => x.state)).toEqual(['requested', 'compiling', 'installing', 'installed']);
    expect(intent.reservation).toEqual({ bandwidthMbps: 100, links: ['s1-s2.a', 's2-s4.a', 's2-s4.b', 's1-s2.b'] });
    expect(intent.labels.forward).not.toBe(intent.labels.reverse);

    const fwd = h.send('h1', ipv4('10.0.1.1', '10.0.4.2'));
    expect(fwd.delivered).toHaveLength(1);
    expect(fwd.delivered[0]).toMatchObject({ endpoint: 'h2', packet: { vlans: [], ethDst: '02:00:00:00:04:02' } });
    expect(fwd.hops.map((x) => x.node)).toEqual(['s1', 's2', 's4']);
    expect(fwd.hops[1].packet.vlans).toEqual([intent.labels.forward]);
    const back = h.send('h2', ipv4('10.0.4.2', '10.0.1.1'));
    expect(back.delivered.map((d) => d.endpoint)).toEqual(['h1']);
    expect(back.hops.map((x) => x.node)).toEqual(['s4', 's2', 's1']);
    expect(h.send('h1', arpRequest('10.0.1.1', '10.0.4.2')).delivered.map((d) => d.endpoint)).toEqual(['h2']);
    expect(h.send('h2', arpRequest('10.0.4.2', '10.0.1.1')).delivered.map((d) => d.endpoint)).toEqual(['h1']);
    // Other traffic is not carried.
    expect(h.send('h1', ipv4('10.0.1.1', '10.9.9.9')).delivered).toEqual([]);
    // Meter at ingress with the reserved rate; the link books show the reservation.
    expect(
      h.driver
        .table('0000000000000001')
        .state()
        .meters.map((m) => m.rateKbps),
    ).toEqual([100000]);
    expect(h.topo.getLink('s1-s2.a').reservedMbps).toBe(100);

    const got = await app.inject({ method: 'GET', url: `/api/v1/intents/${intent.id}` });
    expect(got.json().state).toBe('installed');
    const list = await app.inject({ method: 'GET', url: '/api/v1/intents?state=installed&endpoint=h2' });
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([intent.id]);
    expect((await app.inject({ method: 'GET', url: '/api/v1/intents?state=failed' })).json().items).toEqual([]);
  });

  it('withdraw leaves no rule, no label and no reservation behind', async () => {
    await setup();
    const intent = (
      await app.inject({ method: 'POST', url: '/api/v1/intents', payload: body({ protection: 'link-disjoint' }) })
    ).json();
    expect(intent.state).toBe('installed');
    expect(h.driver.totalFlows()).toBeGreaterThan(0);
    const del = await app.inject({ method: 'DELETE', url: `/api/v1/intents/${intent.id}` });
    expect(del.statusCode).toBe(200);
    expect(del.json().state).toBe('withdrawn');
    expect(h.driver.totalFlows()).toBe(0);
    for (const d of h.driver.devices()) expect(h.driver.table(d).state()).toEqual({ flows: [], groups: [], meters: [] });
    expect(h.topo.links().every((l) => l.reservedMbps === 0)).toBe(true);
    expect(h.ledger.list()).toEqual([]);
    expect((await app.inject({ method: 'GET', url: `/api/v1/intents/${intent.id}` })).statusCode).toBe(404);
    expect(h.db.prepare('SELECT COUNT(*) AS n FROM intent_labels').get()).toEqual({ n: 0 });
  });

  it('Idempotency-Key: same key and body returns the same intent, a different body is refused', async () => {
    await setup();
    const headers = { 'idempotency-key': 'k-1' };
    const first = await app.inject({ method: 'POST', url: '/api/v1/intents', payload: body(), headers });
    const again = await app.inject({ method: 'POST', url: '/api/v1/intents', payload: body(), headers });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const other = await app.inject({ method: 'POST', url: '/api/v1/intents', payload: body({ bandwidthMbps: 5 }), headers });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('SDNC_ERR_IDEMPOTENCY_MISMATCH');
    expect(h.intents.list()).toHaveLength(1);
  });

  it('bad input gives a 4xx or a failed intent with a clear reason', async () => {
    await setup();
    const post = (payload: unknown) => app.inject({ method: 'POST', url: '/api/v1/intents', payload: payload as object });
    const unknown = await post(body({ endpoints: { src: 'h1', dst: 'nope' } }));
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'SDNC_ERR_ENDPOINT_NOT_FOUND']);
    const negative = await post(body({ bandwidthMbps: -5 }));
    expect([negative.statusCode, negative.json().code]).toEqual([400, 'SDNC_ERR_VALIDATION']);
    const malformed = await post(body({ endpoints: { src: { address: '10.0.1.300/33' }, dst: 'h2' } }));
    expect([malformed.statusCode, malformed.json().code]).toEqual([400, 'SDNC_ERR_INVALID_PREFIX']);
    const unowned = await post(body({ endpoints: { src: '192.168.7.7', dst: 'h2' } }));
    expect([unowned.statusCode, unowned.json().code]).toEqual([404, 'SDNC_ERR_NO_ENDPOINT_FOR_ADDRESS']);
    const impossible = (await post(body({ maxLatencyMs: 0.5 }))).json();
    expect(impossible.state).toBe('failed');
    expect(impossible.reason.code).toBe('latency');
    expect(impossible.reason.message.length).toBeGreaterThan(10);
    const tooBig = (await post(body({ bandwidthMbps: 5000, match: { ipProto: 6, dstPort: 80 } }))).json();
    expect([tooBig.state, tooBig.reason.code]).toEqual(['failed', 'bandwidth']);
    expect(h.topo.links().every((l) => l.reservedMbps === 0)).toBe(true);
    expect(h.driver.totalFlows()).toBe(0);
  });

  it('resolves an address by longest-prefix match and refuses a second intent for the same traffic', async () => {
    await setup();
    const a = await app.inject({
      method: 'POST',
      url: '/api/v1/intents',
      payload: body({ endpoints: { src: { address: '10.0.1.1' }, dst: 'h2' } }),
    });
    expect(a.json().state).toBe('installed');
    const dup = await app.inject({
      method: 'POST',
      url: '/api/v1/intents',
      payload: body({ endpoints: { src: 'h1', dst: '10.0.4.2' } }),
    });
    expect([dup.statusCode, dup.json().code]).toEqual([409, 'SDNC_ERR_INTENT_DUPLICATE']);
  });
});
