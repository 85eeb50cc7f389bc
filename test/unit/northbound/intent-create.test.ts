import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { IntentHarness } from '../intent/intent-harness.js';

let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function setup(): Promise<{ h: IntentHarness; app: FastifyInstance }> {
  const h = await IntentHarness.create();
  app = await h.server();
  return { h, app };
}

const body = (dstPort: number, bandwidthMbps = 10) => ({
  endpoints: { src: 'h1', dst: 'h2' },
  bandwidthMbps,
  match: { ipProto: 17, dstPort },
});

describe('POST /api/v1/intents', () => {
  it('answers 201 with the Location of the new intent, which GET serves', async () => {
    const { app } = await setup();
    const res = await app.inject({ method: 'POST', url: '/api/v1/intents', payload: body(1) });
    expect(res.statusCode).toBe(201);
    const id = res.json().id;
    expect(res.headers.location).toBe(`/api/v1/intents/${id}`);
    const got = await app.inject({ method: 'GET', url: res.headers.location as string });
    expect([got.statusCode, got.json().id, got.json().state]).toEqual([200, id, 'installed']);
  });

  it('answers concurrent retries with one Idempotency-Key with one intent, and refuses a concurrent different body', async () => {
    const { h, app } = await setup();
    const headers = { 'idempotency-key': 'burst-1' };
    const post = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/intents', payload, headers });
    const [a, b, c] = await Promise.all([post(body(2)), post(body(2)), post(body(2, 20))]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201]);
    expect(a.json().id).toBe(b.json().id);
    expect(b.headers.location).toBe(`/api/v1/intents/${a.json().id}`);
    expect([c.statusCode, c.json().code]).toEqual([422, 'SDNC_ERR_IDEMPOTENCY_MISMATCH']);
    expect(h.intents.list()).toHaveLength(1);
    // Later, from the store: same answer.
    const later = await post(body(2));
    expect([later.statusCode, later.json().id]).toEqual([200, a.json().id]);
  });

  it('answers every one of concurrent distinct POSTs once its intent is installed and on disk', async () => {
    const { h, app } = await setup();
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) => app.inject({ method: 'POST', url: '/api/v1/intents', payload: body(100 + i) })),
    );
    expect(answers.map((r) => r.statusCode)).toEqual(Array(16).fill(201));
    expect(new Set(answers.map((r) => r.json().id)).size).toBe(16);
    expect(answers.every((r) => r.json().state === 'installed')).toBe(true);
    const stored = h.db.prepare("SELECT COUNT(*) AS n FROM intents WHERE state = 'installed'").get() as { n: number };
    expect(stored.n).toBe(16);
  });
});
