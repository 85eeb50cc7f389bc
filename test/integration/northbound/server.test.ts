import type { AddressInfo, Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type IntentRecord, IntentUpdatedEvent, toView } from '../../../src/intent/intent-types.js';
import { buildServer, type ServerDeps } from '../../../src/northbound/server.js';
import { buildFixture } from '../../unit/northbound/topology-fixture.js';

interface Running {
  app: FastifyInstance;
  base: string;
  wsUrl: string;
  fixture: ReturnType<typeof buildFixture>;
}

const running: Running[] = [];

async function start(extra: Partial<ServerDeps> = {}): Promise<Running> {
  const fixture = buildFixture();
  const app = await buildServer({
    topology: fixture.topology,
    bus: fixture.bus,
    intentsSnapshot: () => [{ id: 'i-1' }],
    ...extra,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const r = { app, base: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/api/v1/events`, fixture };
  running.push(r);
  return r;
}

afterEach(async () => {
  for (const r of running.splice(0)) await r.app.close();
});

// biome-ignore lint/suspicious/noExplicitAny: messages are checked field by field
type Msg = any;

/** A ws client that records every message and can wait for one that satisfies a predicate. */
function connect(url: string) {
  const ws = new WebSocket(url);
  const messages: Msg[] = [];
  const waiters: Array<{ pred: (m: Msg) => boolean; resolve: (m: Msg) => void }> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.pred(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const next = (pred: (m: Msg) => boolean, timeoutMs = 5000): Promise<Msg> => {
    const seen = messages.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
      waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  };
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return { ws, messages, next, closed };
}

describe('REST over a real socket', () => {
  it('serves the topology, applies a PATCH and refuses an oversized body', async () => {
    const r = await start({ bodyLimitBytes: 4096 });
    const topo = await (await fetch(`${r.base}/api/v1/topology`)).json();
    expect(topo.seq).toBe(r.fixture.bus.seq);
    expect(topo.links).toHaveLength(4);

    const patch = await fetch(`${r.base}/api/v1/links/par-fra`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 6.5 }),
    });
    expect(patch.status).toBe(200);
    expect(r.fixture.store.getLink('par-fra.b').latencyMs).toBe(6.5);

    const big = await fetch(`${r.base}/api/v1/nodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', kind: 'exchange', name: 'n'.repeat(10_000), provider: 'p', jurisdiction: 'FR' }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'SDNC_ERR_BODY_TOO_LARGE', details: { limitBytes: 4096 } });
    expect(r.fixture.store.hasNode('x')).toBe(false);
  });
});

describe('event stream over a real WebSocket', () => {
  it('sends a snapshot, then deltas after a PATCH, then a new snapshot on resync', async () => {
    const r = await start();
    const c = connect(r.wsUrl);
    const snap = await c.next((m) => m.type === 'snapshot');
    expect(snap.seq).toBe(r.fixture.bus.seq);
    expect(snap.topology).toEqual(JSON.parse(JSON.stringify(r.fixture.store.snapshot())));
    expect(snap.intents).toEqual([{ id: 'i-1' }]);

    const metrics = await (await fetch(`${r.base}/metrics`)).text();
    expect(metrics).toContain('sdnc_ws_subscribers 1');

    const res = await fetch(`${r.base}/api/v1/links/fra-ams`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ adminUp: false }),
    });
    expect(res.status).toBe(200);
    const second = await c.next((m) => m.type === 'event' && m.seq === snap.seq + 2);
    const first = c.messages.find((m) => m.type === 'event' && m.seq === snap.seq + 1);
    expect(first.event).toMatchObject({ type: 'link-updated', link: { id: 'fra-ams.a', adminUp: false } });
    expect(second.event).toMatchObject({ type: 'link-updated', link: { id: 'fra-ams.b', adminUp: false } });
    expect(typeof second.time).toBe('number');

    c.ws.send(JSON.stringify({ type: 'resync' }));
    const again = await c.next((m) => m.type === 'snapshot' && m !== snap);
    expect(again.seq).toBe(snap.seq + 2);
    expect(again.topology.links.find((l: { id: string }) => l.id === 'fra-ams.b').adminUp).toBe(false);

    c.ws.send('hello');
    const err = await c.next((m) => m.type === 'error');
    expect(err).toMatchObject({ code: 'SDNC_ERR_VALIDATION', message: expect.stringContaining('resync') });
    c.ws.close();
    await c.closed;
  });

  it('sends an intent event with the public view of the intent', async () => {
    const r = await start();
    const c = connect(r.wsUrl);
    const snap = await c.next((m) => m.type === 'snapshot');
    const record: IntentRecord = {
      id: 'intent-7',
      key: 7,
      spec: {
        src: 'h1',
        dst: 'h2',
        bandwidthMbps: 10,
        objective: 'latency',
        protection: 'none',
        constraints: {},
        priority: 100,
        allowPreemption: false,
        bidirectional: false,
      },
      state: 'requested',
      reservedLinks: [],
      createdAt: 1000,
      updatedAt: 1000,
      history: [{ state: 'requested', at: 1000 }],
    };
    r.fixture.bus.publish(new IntentUpdatedEvent(record));
    const m = await c.next((x) => x.type === 'event' && x.seq === snap.seq + 1);
    expect(m.event).toEqual({ type: 'intent-updated', intentId: 'intent-7', intent: JSON.parse(JSON.stringify(toView(record))) });
    expect(m.event.intent.createdAt).toBe('1970-01-01T00:00:01.000Z');
    c.ws.close();
    await c.closed;
  });

  it('refuses upgrades on other paths with 404', async () => {
    const r = await start();
    const ws = new WebSocket(r.wsUrl.replace('/events', '/other'));
    const status = await new Promise<number>((resolve, reject) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('upgrade on an unknown path was accepted')));
      ws.on('error', () => {});
    });
    expect(status).toBe(404);
  });

  it("drops a slow client's deltas and replaces them with a fresh snapshot once it catches up", async () => {
    const r = await start({ events: { maxBufferedBytes: 64 * 1024 } });
    const c = connect(r.wsUrl);
    await c.next((m) => m.type === 'snapshot');
    // Stop reading: the kernel buffers fill, then the server's buffer passes the bound.
    const socket = (c.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const padding = 'x'.repeat(16 * 1024);
    const total = 1500;
    for (let i = 0; i < total; i++) {
      r.fixture.store.updateLink('par-fra.a', (l) => ({ ...l, srlgs: [padding, String(i)] }));
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(r.app.eventsStream.subscribers).toBe(1);
    socket.resume();
    // Deltas resume after the fresh snapshot.
    r.fixture.topology.patchLink('par-fra', { cost: 9 });
    await c.next((m) => m.seq === r.fixture.bus.seq, 20_000);

    // The stream is a valid sequence: every event follows its predecessor by exactly one; a snapshot may
    // skip ahead (the dropped deltas), and the client that replays it ends with the server's state.
    let state = c.messages[0].topology;
    let seq = c.messages[0].seq;
    let snapshots = 0;
    let skipped = 0;
    for (const m of c.messages.slice(1)) {
      if (m.type === 'snapshot') {
        expect(m.seq).toBeGreaterThanOrEqual(seq);
        skipped += m.seq - seq;
        snapshots++;
        state = m.topology;
      } else {
        expect(m.type).toBe('event');
        expect(m.seq).toBe(seq + 1);
        expect(m.event.type).toBe('link-updated');
        state = { ...state, links: state.links.map((l: { id: string }) => (l.id === m.event.link.id ? m.event.link : l)) };
      }
      seq = m.seq;
    }
    expect(snapshots).toBeGreaterThanOrEqual(1);
    expect(skipped).toBeGreaterThan(0);
    expect(c.messages.filter((m: Msg) => m.type === 'event').length).toBeLessThan(total);
    expect(seq).toBe(r.fixture.bus.seq);
    expect(state).toEqual(JSON.parse(JSON.stringify(r.fixture.store.snapshot())));
    c.ws.close();
  }, 60_000);

  it('disconnects a client that stops answering pings', async () => {
    const r = await start({ events: { heartbeatMs: 100 } });
    const c = connect(r.wsUrl);
    await c.next((m) => m.type === 'snapshot');
    (c.ws as unknown as { _socket: Socket })._socket.pause();
    const deadline = Date.now() + 5000;
    while (r.app.eventsStream.subscribers > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect(r.app.eventsStream.subscribers).toBe(0);
    c.ws.terminate();
  });

  it('closes clients with 1001 when the server shuts down', async () => {
    const r = await start();
    const c = connect(r.wsUrl);
    await c.next((m) => m.type === 'snapshot');
    running.splice(running.indexOf(r), 1);
    await r.app.close();
    expect(await c.closed).toBe(1001);
  });
});
