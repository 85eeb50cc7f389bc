import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntentHarness } from '../../unit/intent/intent-harness.js';

/** 200 clients at once over real HTTP on loopback, all competing for the last 1 Gbit/s of the diamond. */
describe('intent admission under concurrent HTTP requests', () => {
  let h: IntentHarness;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    h = await IntentHarness.create();
    // Leave exactly 1 Gbit/s: the s1-s3-s4 side is administratively down, s1-s2-s4 has 1000 Mbit/s.
    h.topo.patchLink('s1-s3', { adminUp: false });
    const app = await h.server();
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
    close = () => app.close();
  });

  afterAll(async () => close?.());

  it('never over-books: admitted bandwidth fits, and the links book exactly what was admitted', async () => {
    const post = (i: number) =>
      fetch(`${base}/intents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          endpoints: { src: 'h1', dst: 'h2' },
          bandwidthMbps: 7 + (i % 5),
          match: { ipProto: 17, dstPort: 1000 + i },
        }),
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { id: string; state: string; spec: { bandwidthMbps: number } },
      }));
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => post(i)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    const installed = results.filter((r) => r.body.state === 'installed');
    const failed = results.filter((r) => r.body.state === 'failed');
    expect(installed.length + failed.length).toBe(200);
    expect(failed.length).toBeGreaterThan(0);
    const admitted = installed.reduce((s, r) => s + r.body.spec.bandwidthMbps, 0);
    expect(admitted).toBeLessThanOrEqual(1000);
    // Bidirectional: both directions of both cables on the path book the admitted sum, nothing more.
    for (const id of ['s1-s2.a', 's1-s2.b', 's2-s4.a', 's2-s4.b'])
      expect(h.topo.getLink(id).reservedMbps).toBeCloseTo(admitted, 6);
    for (const id of ['s1-s3.a', 's3-s4.a']) expect(h.topo.getLink(id).reservedMbps).toBe(0);
    // The last one that fitted left less than the smallest request free: admission was not too cautious.
    expect(1000 - admitted).toBeLessThan(11);
    const list = (await (await fetch(`${base}/intents?state=installed`)).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(installed.length);
    // Every admitted intent has its own UDP classifier on the ingress switch; ARP between the two hosts
    // is one rule whatever the number of intents between them.
    const ingress = h.driver
      .table('0000000000000001')
      .state()
      .flows.filter((f) => f.match.inPort === 1);
    expect(ingress.filter((f) => f.match.ethType === 0x0800)).toHaveLength(installed.length);
    expect(ingress.filter((f) => f.match.ethType === 0x0806)).toHaveLength(1);
  });
});
