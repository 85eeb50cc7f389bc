import { afterEach, describe, expect, it } from 'vitest';
import { harness } from './server-harness.js';

let current: Awaited<ReturnType<typeof harness>> | undefined;
async function setup(extra: Parameters<typeof harness>[0] = {}) {
  current = await harness(extra);
  return current;
}
afterEach(async () => {
  await current?.app.close();
  current = undefined;
});

describe('topology, node, link and endpoint routes', () => {
  it('serves the whole topology with the event seq it reflects', async () => {
    const h = await setup();
    const res = await h.call('getTopology', { url: '/api/v1/topology', expectStatus: 200 });
    const body = res.json();
    expect(body.seq).toBe(h.bus.seq);
    expect(body.nodes.map((n: { id: string }) => n.id)).toEqual(['par', 'fra', 'ams', 'h-par', 'h-ams']);
    expect(body.links).toHaveLength(4);
    expect(body.links[0]).toEqual(h.store.getLink('par-fra.a'));
  });

  it('lists nodes with filters and gets one', async () => {
    const h = await setup();
    const ids = async (q: string) =>
      (await h.call('listNodes', { url: `/api/v1/nodes${q}`, expectStatus: 200 })).json().items.map((n: { id: string }) => n.id);
    expect(await ids('')).toHaveLength(5);
    expect(await ids('?kind=exchange')).toEqual(['ams']);
    expect(await ids('?jurisdiction=NL')).toEqual(['ams', 'h-ams']);
    expect(await ids('?provider=telco-west&jurisdiction=DE')).toEqual(['fra']);
    const one = await h.call('getNode', { url: '/api/v1/nodes/ams', expectStatus: 200 });
    expect(one.json()).toEqual(h.store.getNode('ams'));
  });

  it('creates and deletes a node', async () => {
    const h = await setup();
    const node = {
      id: 'mil',
      kind: 'switch',
      name: 'Milan',
      provider: 'telco-south',
      jurisdiction: 'IT',
      datapathId: '00000000000000b2',
    };
    const res = await h.call('createNode', { method: 'POST', url: '/api/v1/nodes', payload: node, expectStatus: 201 });
    expect(res.headers.location).toBe('/api/v1/nodes/mil');
    expect(res.json()).toEqual({ ...node, operUp: false });
    expect(h.events).toEqual([{ type: 'node-added', node: { ...node, operUp: false } }]);
    await h.call('deleteNode', { method: 'DELETE', url: '/api/v1/nodes/mil', expectStatus: 204 });
    expect(h.store.hasNode('mil')).toBe(false);
  });

  it('lists links with filters, gets one, adds a cable and patches it', async () => {
    const h = await setup();
    const ids = async (q: string) =>
      (await h.call('listLinks', { url: `/api/v1/links${q}`, expectStatus: 200 })).json().items.map((l: { id: string }) => l.id);
    expect(await ids('?src=fra')).toEqual(['par-fra.b', 'fra-ams.a']);
    expect(await ids('?srlg=duct-east')).toEqual(['par-fra.a', 'par-fra.b']);
    expect(await ids('?cable=fra-ams&dst=fra')).toEqual(['fra-ams.b']);
    expect(await ids('?adminUp=false')).toEqual([]);
    expect((await h.call('getLink', { url: '/api/v1/links/fra-ams.b', expectStatus: 200 })).json()).toEqual(
      h.store.getLink('fra-ams.b'),
    );

    const created = await h.call('createCable', {
      method: 'POST',
      url: '/api/v1/links',
      payload: {
        id: 'par-ams',
        src: 'par',
        dst: 'ams',
        srcPort: 2,
        dstPort: 2,
        capacityMbps: 250,
        latencyMs: 7.5,
        srlgs: ['sea'],
      },
      expectStatus: 201,
    });
    expect(created.json().links.map((l: { id: string; src: string }) => [l.id, l.src])).toEqual([
      ['par-ams.a', 'par'],
      ['par-ams.b', 'ams'],
    ]);

    const patched = await h.call('patchLink', {
      method: 'PATCH',
      url: '/api/v1/links/par-ams',
      payload: { adminUp: false, capacityMbps: 500 },
      expectStatus: 200,
    });
    expect(patched.json().cable).toBe('par-ams');
    expect(patched.json().links.map((l: { adminUp: boolean; capacityMbps: number }) => [l.adminUp, l.capacityMbps])).toEqual([
      [false, 500],
      [false, 500],
    ]);
    expect(await ids('?adminUp=false')).toEqual(['par-ams.a', 'par-ams.b']);
    expect(h.events.map((e) => e.type)).toEqual(['link-added', 'link-added', 'link-updated', 'link-updated']);
  });

  it('lists, creates, looks up and deletes endpoints', async () => {
    const h = await setup();
    const list = await h.call('listEndpoints', { url: '/api/v1/endpoints?node=ams', expectStatus: 200 });
    expect(list.json().items.map((n: { id: string }) => n.id)).toEqual(['h-ams']);
    const created = await h.call('createEndpoint', {
      method: 'POST',
      url: '/api/v1/endpoints',
      payload: {
        id: 'h-fra',
        name: 'Frankfurt hosts',
        addresses: ['10.1.0.64/26', '10.9.9.9'],
        mac: '02:00:00:00:00:01',
        attachment: { node: 'fra', port: 20 },
      },
      expectStatus: 201,
    });
    expect(created.json()).toMatchObject({
      id: 'h-fra',
      kind: 'endpoint',
      provider: 'telco-west',
      jurisdiction: 'DE',
      operUp: true,
    });
    const lookup = async (address: string) =>
      h.call('lookupEndpoint', { url: `/api/v1/endpoints/lookup?address=${encodeURIComponent(address)}`, expectStatus: 200 });
    expect((await lookup('10.1.0.70')).json()).toMatchObject({
      address: '10.1.0.70',
      prefix: '10.1.0.64/26',
      endpoint: { id: 'h-fra' },
    });
    expect((await lookup('10.1.0.5')).json()).toMatchObject({ prefix: '10.1.0.0/24', endpoint: { id: 'h-par' } });
    expect((await lookup('10.9.9.9')).json().prefix).toBe('10.9.9.9/32');
    expect((await h.call('getEndpoint', { url: '/api/v1/endpoints/h-fra', expectStatus: 200 })).json().id).toBe('h-fra');
    await h.call('deleteEndpoint', { method: 'DELETE', url: '/api/v1/endpoints/h-fra', expectStatus: 204 });
    const gone = await h.call('lookupEndpoint', { url: '/api/v1/endpoints/lookup?address=10.9.9.9', expectStatus: 404 });
    expect(gone.json()).toMatchObject({ code: 'SDNC_ERR_NO_ENDPOINT_FOR_ADDRESS', message: 'No endpoint owns address 10.9.9.9' });
  });
});

describe('health, readiness, metrics and docs', () => {
  it('answers liveness and readiness from deps.ready()', async () => {
    let ready = { ok: false, reason: 'topology not loaded' };
    const h = await setup({ ready: () => ready });
    expect((await h.call('getLiveness', { url: '/healthz', expectStatus: 200 })).json()).toEqual({ status: 'ok' });
    const notReady = await h.call('getReadiness', { url: '/readyz', expectStatus: 503 });
    expect(notReady.json()).toEqual({
      code: 'SDNC_ERR_NOT_READY',
      message: 'Controller is not ready: topology not loaded',
      details: { reason: 'topology not loaded' },
    });
    ready = { ok: true, reason: '' };
    await h.call('getReadiness', { url: '/readyz', expectStatus: 200 });
  });

  it('exposes process metrics, live topology gauges and request counters', async () => {
    const h = await setup();
    h.store.adjustReserved('par-fra.a', 120.5);
    h.store.setLinkOper('fra-ams.b', false);
    await h.app.inject({ url: '/api/v1/nodes/nowhere' });
    const res = await h.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('sdnc_nodes{kind="endpoint"} 2');
    expect(text).toContain('sdnc_links 4');
    expect(text).toContain('sdnc_links_down 1');
    expect(text).toContain('sdnc_reserved_mbps_total 120.5');
    expect(text).toContain('sdnc_ws_subscribers 0');
    expect(text).toContain('sdnc_http_requests_total{method="GET",route="/api/v1/nodes/:id",status="404"} 1');
  });

  it('lets other areas add metrics to the shared registry and routes through extraRoutes', async () => {
    const { Counter } = await import('prom-client');
    const h = await setup({
      extraRoutes: [
        (app) => {
          new Counter({ name: 'sdnc_test_extra_total', help: 'extra', registers: [app.metricsRegistry] }).inc(3);
          app.get('/api/v1/extra', async () => ({ ok: true }));
        },
      ],
    });
    expect((await h.app.inject({ url: '/api/v1/extra' })).json()).toEqual({ ok: true });
    expect((await h.app.inject({ url: '/metrics' })).body).toContain('sdnc_test_extra_total 3');
  });

  it('serves the same document as JSON, YAML and interactive docs', async () => {
    const h = await setup();
    const json = await h.app.inject({ url: '/openapi.json' });
    expect(json.json()).toEqual(h.api.document);
    const yaml = await h.app.inject({ url: '/openapi.yaml' });
    expect(yaml.headers['content-type']).toMatch(/yaml/);
    const { parse } = await import('yaml');
    expect(parse(yaml.body)).toEqual(h.api.document);
    const docs = await h.app.inject({ url: '/docs' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('Swagger UI');
    expect((await h.app.inject({ url: '/docs/json' })).json().info.title).toBe(h.api.document.info.title);
  });

  it('filters endpoints by provider and jurisdiction, alone, together and with the node', async () => {
    const h = await setup();
    const create = (payload: object) =>
      h.call('createEndpoint', { method: 'POST', url: '/api/v1/endpoints', payload, expectStatus: 201 });
    // h-fra takes telco-west/DE from its node; h-fra-nl is attached there too but declared under NL.
    await create({ id: 'h-fra', addresses: ['10.2.0.0/24'], attachment: { node: 'fra', port: 20 } });
    await create({
      id: 'h-fra-nl',
      addresses: ['10.3.0.0/24'],
      provider: 'telco-west',
      jurisdiction: 'NL',
      attachment: { node: 'fra', port: 21 },
    });
    const ids = async (q: string) =>
      (await h.call('listEndpoints', { url: `/api/v1/endpoints${q}`, expectStatus: 200 }))
        .json()
        .items.map((n: { id: string }) => n.id);
    expect(await ids('')).toEqual(['h-par', 'h-ams', 'h-fra', 'h-fra-nl']);
    // Only endpoints: the nodes par, fra and ams have these providers and jurisdictions too.
    expect(await ids('?provider=aurora')).toEqual(['h-par']);
    expect(await ids('?provider=telco-west')).toEqual(['h-fra', 'h-fra-nl']);
    expect(await ids('?jurisdiction=NL')).toEqual(['h-ams', 'h-fra-nl']);
    expect(await ids('?jurisdiction=DE')).toEqual(['h-fra']);
    // Both filters must hold.
    expect(await ids('?provider=telco-west&jurisdiction=NL')).toEqual(['h-fra-nl']);
    expect(await ids('?jurisdiction=DE&provider=telco-west')).toEqual(['h-fra']);
    expect(await ids('?provider=amsix&jurisdiction=DE')).toEqual([]);
    expect(await ids('?node=fra&jurisdiction=NL')).toEqual(['h-fra-nl']);
    expect(await ids('?node=ams&provider=telco-west')).toEqual([]);
    // Filters that match nothing.
    expect(await ids('?provider=nobody')).toEqual([]);
    expect(await ids('?jurisdiction=JP')).toEqual([]);
    // A jurisdiction that is not a country code is refused, not matched against nothing.
    const bad = await h.call('listEndpoints', { url: '/api/v1/endpoints?jurisdiction=nl', expectStatus: 400 });
    expect(bad.json().code).toBe('SDNC_ERR_VALIDATION');
  });
});
