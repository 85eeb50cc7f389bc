import { describe, expect, it } from 'vitest';
import type { IntentRequest } from '../../../src/intent/intent-request.js';
import { TUNNEL_COOKIE_BASE } from '../../../src/intent/tunnel-registry.js';
import { arpRequest, IntentHarness, ipv4 } from './intent-harness.js';

const udp = (dstPort: number, over: Partial<IntentRequest> = {}): IntentRequest => ({
  endpoints: { src: 'h1', dst: 'h2' },
  bandwidthMbps: 10,
  match: { ipProto: 17, dstPort },
  ...over,
});
const packet = (dport: number) => ipv4('10.0.1.1', '10.0.4.2', { ipProto: 17, udpDst: dport });
const flowsOf = (h: IntentHarness) => h.driver.devices().flatMap((d) => h.driver.table(d).state().flows);

describe('shared tunnels', () => {
  it('gives intents on the same paths to the same host one tunnel, each its own classifiers and meter', async () => {
    const h = await IntentHarness.create();
    const { intent: a } = await h.intents.submit(udp(1000));
    const rulesOne = h.driver.totalFlows();
    const { intent: b } = await h.intents.submit(udp(2000));
    expect([a.state, b.state]).toEqual(['installed', 'installed']);
    expect([b.labels!.forward, b.labels!.reverse]).toEqual([a.labels!.forward, a.labels!.reverse]);
    expect(h.labels.used).toBe(2);
    // The second intent adds its two classifiers only: no transit, egress or ARP rule of its own.
    expect(h.driver.totalFlows() - rulesOne).toBe(2);
    const own = flowsOf(h).filter((f) => f.cookie === b.key);
    expect(own.map((f) => f.match.ethType)).toEqual([0x0800, 0x0800]);
    expect(own.map((f) => f.meterId)).toEqual([b.labels!.forwardMeter, b.labels!.reverseMeter]);
    const tunnelRules = flowsOf(h).filter((f) => f.cookie >= TUNNEL_COOKIE_BASE);
    expect(new Set(tunnelRules.map((f) => f.cookie))).toEqual(
      new Set([TUNNEL_COOKIE_BASE + a.labels!.forward, TUNNEL_COOKIE_BASE + a.labels!.reverse!]),
    );
    // Each intent's traffic is delivered and policed by its own meter; ARP is carried once for both.
    for (const [port, intent] of [
      [1000, a],
      [2000, b],
    ] as const) {
      const t = h.send('h1', packet(port));
      expect(t.delivered.map((d) => d.endpoint)).toEqual(['h2']);
      // h1 is on s1 port 1.
      expect(h.driver.table(h.dpidOf('s1')).process(packet(port), 1).meters).toEqual([intent.labels!.forwardMeter]);
    }
    expect(h.send('h1', packet(3000)).delivered).toEqual([]);
    const arpRules = flowsOf(h).filter((f) => f.match.ethType === 0x0806);
    expect(arpRules).toHaveLength(2);
    expect(h.send('h1', arpRequest('10.0.1.1', '10.0.4.2')).delivered.map((d) => d.endpoint)).toEqual(['h2']);
    expect(h.send('h2', arpRequest('10.0.4.2', '10.0.1.1')).delivered.map((d) => d.endpoint)).toEqual(['h1']);
  });

  it('keeps the tunnel and its ARP while an intent rides it, and removes everything with the last one', async () => {
    const h = await IntentHarness.create();
    const { intent: a } = await h.intents.submit(udp(1000));
    const { intent: b } = await h.intents.submit(udp(2000));
    await h.intents.withdraw(a.id);
    expect(h.send('h1', packet(1000)).delivered).toEqual([]);
    expect(h.send('h1', packet(2000)).delivered.map((d) => d.endpoint)).toEqual(['h2']);
    expect(h.send('h1', arpRequest('10.0.1.1', '10.0.4.2')).delivered.map((d) => d.endpoint)).toEqual(['h2']);
    expect(flowsOf(h).some((f) => f.cookie === a.key)).toBe(false);
    expect(h.labels.used).toBe(2);
    await h.intents.withdraw(b.id);
    expect(h.driver.totalFlows()).toBe(0);
    expect(h.labels.used).toBe(0);
  });

  it('moves intents of a tunnel that loses a link onto one new tunnel, and closes the old one', async () => {
    const h = await IntentHarness.create();
    const views = await h.intents.submitBatch([udp(1000), udp(2000), udp(3000)]);
    const old = views[0].labels!;
    h.cut('s1', 's2');
    await h.intents.idle();
    const moved = views.map((v) => h.intents.get(v.id));
    expect(moved.map((v) => v.state)).toEqual(['installed', 'installed', 'installed']);
    expect(new Set(moved.map((v) => v.labels!.forward)).size).toBe(1);
    expect(moved[0].labels!.forward).not.toBe(old.forward);
    expect(h.labels.used).toBe(2);
    const vids = new Set(flowsOf(h).map((f) => f.match.vlanVid));
    expect(vids.has(old.forward)).toBe(false);
    expect(vids.has(old.reverse)).toBe(false);
    for (const port of [1000, 2000, 3000]) {
      expect(h.send('h1', packet(port)).hops.map((x) => x.node)).toEqual(['s1', 's3', 's4']);
    }
  });

  it('gives a protected intent its own tunnel next to an unprotected one on the same primary', async () => {
    const h = await IntentHarness.create();
    const { intent: plain } = await h.intents.submit(udp(1000));
    const { intent: safe } = await h.intents.submit(udp(2000, { protection: 'link-disjoint' }));
    expect(safe.paths!.forward.primary.nodes).toEqual(plain.paths!.forward.primary.nodes);
    expect(safe.labels!.forward).not.toBe(plain.labels!.forward);
    // Two tunnels for the plain one, two with a crankback label each for the protected one.
    expect(safe.labels!.forwardCrankback).toBeDefined();
    expect(h.labels.used).toBe(6);
  });

  it('reports intents, tunnels, labels and meters in use on /metrics', async () => {
    const h = await IntentHarness.create();
    const app = await h.server();
    try {
      await h.intents.submitBatch([udp(1000), udp(2000), udp(3000, { bandwidthMbps: 0 })]);
      const text = (await app.inject({ url: '/metrics' })).body;
      expect(text).toContain('sdnc_intents{state="installed"} 3');
      expect(text).toContain('sdnc_intents{state="failed"} 0');
      expect(text).toContain('sdnc_tunnels 2');
      expect(text).toContain('sdnc_tunnel_labels_used 2');
      expect(text).toContain('sdnc_tunnel_labels_total 4093');
      // Two policed intents, a meter at each end; the one without bandwidth has none.
      expect(text).toContain('sdnc_meters_used 4');
    } finally {
      await app.close();
    }
  });
});
