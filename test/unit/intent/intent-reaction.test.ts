import { describe, expect, it } from 'vitest';
import type { IntentRequest } from '../../../src/intent/intent-request.js';
import { IntentHarness, ipv4 } from './intent-harness.js';

const req = (over: Partial<IntentRequest> = {}): IntentRequest => ({
  endpoints: { src: 'h1', dst: 'h2' },
  bandwidthMbps: 100,
  ...over,
});
const states = (h: IntentHarness, id: string) => h.intents.get(id).history.map((x) => x.state);

describe('reaction to the network', () => {
  it('reroutes an unprotected intent make-before-break when a link on its path is cut', async () => {
    const h = await IntentHarness.create();
    const { intent } = await h.intents.submit(req());
    const oldLabels = intent.labels!;
    h.cut('s1', 's2');
    await h.intents.idle();
    const now = h.intents.get(intent.id);
    expect(now.state).toBe('installed');
    expect(now.paths!.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
    expect(states(h, intent.id).slice(-3)).toEqual(['installed', 'rerouting', 'installed']);
    expect(now.labels!.forward).not.toBe(oldLabels.forward);
    expect(h.send('h1', ipv4('10.0.1.1', '10.0.4.2')).hops.map((x) => x.node)).toEqual(['s1', 's3', 's4']);
    expect(h.send('h2', ipv4('10.0.4.2', '10.0.1.1')).delivered.map((d) => d.endpoint)).toEqual(['h1']);
    // Old rules, labels and reservations are gone.
    const vids = h.driver.devices().flatMap((d) =>
      h.driver
        .table(d)
        .state()
        .flows.map((f) => f.match.vlanVid),
    );
    expect(vids).not.toContain(oldLabels.forward);
    expect(h.topo.getLink('s2-s4.a').reservedMbps).toBe(0);
    expect(h.topo.getLink('s3-s4.a').reservedMbps).toBe(100);
  });

  it('keeps the meters of a rerouted intent: same ids, never written again, and not freed', async () => {
    const h = await IntentHarness.create();
    const { intent } = await h.intents.submit(req());
    const ingress = (n: string) => h.driver.table(h.dpidOf(n));
    const before = [ingress('s1').state().meters, ingress('s4').state().meters];
    // Every meter write the controller sends from here on.
    const meterWrites: string[] = [];
    const apply = h.driver.apply.bind(h.driver);
    h.driver.apply = async (device, batch) => {
      for (const m of [...batch.addMeters, ...batch.modifyMeters, ...batch.deleteMeters])
        meterWrites.push(`${device}:${m.meterId}`);
      await apply(device, batch);
    };
    h.cut('s1', 's2');
    await h.intents.idle();
    const now = h.intents.get(intent.id);
    expect(now.paths!.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
    expect([now.labels!.forwardMeter, now.labels!.reverseMeter]).toEqual([
      intent.labels!.forwardMeter,
      intent.labels!.reverseMeter,
    ]);
    expect([ingress('s1').state().meters, ingress('s4').state().meters]).toEqual(before);
    expect(meterWrites).toEqual([]);
    // Still held: a new intent entering at s1 gets another meter id.
    const other = await h.intents.submit(req({ bandwidthMbps: 10, match: { ipProto: 17 } }));
    expect(other.intent.labels!.forwardMeter).not.toBe(intent.labels!.forwardMeter);
    // Withdrawn, it gives them back: the switches hold only the other intent's meters.
    await h.intents.withdraw(intent.id);
    expect(
      ingress('s1')
        .state()
        .meters.map((m) => m.meterId),
    ).toEqual([other.intent.labels!.forwardMeter]);
  });

  it('a protected intent survives the cut in the data plane, then becomes degraded and is re-protected when possible', async () => {
    const h = await IntentHarness.create();
    const { intent } = await h.intents.submit(req({ protection: 'link-disjoint' }));
    expect(intent.state).toBe('installed');
    expect(intent.paths!.forward.backup!.nodes).toEqual(['s1', 's3', 's4']);
    const ingress = h.driver.table('0000000000000001').state();
    expect(ingress.groups.map((g) => g.type)).toEqual(['fast-failover', 'fast-failover'].slice(0, ingress.groups.length));
    // Port dies before the controller hears of it: the fast-failover group already moves the traffic.
    h.driver.setPortUp('0000000000000001', 2, false);
    const writes = h.driver.totalWrites();
    const during = h.send('h1', ipv4('10.0.1.1', '10.0.4.2'));
    expect(during.delivered.map((d) => d.endpoint)).toEqual(['h2']);
    expect(during.hops.map((x) => x.node)).toEqual(['s1', 's3', 's4']);
    expect(h.driver.totalWrites()).toBe(writes);
    // The controller then hears of it: degraded (no disjoint alternative left in the diamond).
    h.cut('s1', 's2');
    await h.intents.idle();
    expect(h.intents.get(intent.id).state).toBe('degraded');
    // Re-installed on the working path (the far ingress cannot see a remote failure), no backup left.
    expect(h.intents.get(intent.id).paths!.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
    expect(h.intents.get(intent.id).paths!.forward.backup).toBeUndefined();
    expect(states(h, intent.id).slice(-3)).toEqual(['degraded', 'rerouting', 'degraded']);
    expect(h.send('h1', ipv4('10.0.1.1', '10.0.4.2')).delivered.map((d) => d.endpoint)).toEqual(['h2']);
    expect(h.send('h2', ipv4('10.0.4.2', '10.0.1.1')).delivered.map((d) => d.endpoint)).toEqual(['h1']);
    // Bandwidth is held only where traffic runs.
    expect(h.topo.getLink('s2-s4.a').reservedMbps).toBe(0);
    // The cable comes back: a new backup is computed and installed, the intent is protected again.
    h.restore('s1', 's2');
    await h.intents.idle();
    const again = h.intents.get(intent.id);
    expect(again.state).toBe('installed');
    expect(again.paths!.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
    expect(again.paths!.forward.backup!.nodes).toEqual(['s1', 's2', 's4']);
  });

  it('fails an intent with the path engine reason when nothing is left and retries it when a link comes back', async () => {
    const h = await IntentHarness.create();
    const { intent } = await h.intents.submit(req());
    h.cut('s1', 's2');
    h.cut('s1', 's3');
    await h.intents.idle();
    const failed = h.intents.get(intent.id);
    expect(failed.state).toBe('failed');
    expect(failed.reason?.code).toBe('disconnected');
    expect(h.driver.totalFlows()).toBe(0);
    expect(h.topo.links().every((l) => l.reservedMbps === 0)).toBe(true);
    h.restore('s1', 's3');
    await h.intents.idle();
    expect(h.intents.get(intent.id).state).toBe('installed');
    expect(h.send('h1', ipv4('10.0.1.1', '10.0.4.2')).hops.map((x) => x.node)).toEqual(['s1', 's3', 's4']);
  });

  it('retries a failed intent when bandwidth is released, and lets priority decide who goes first', async () => {
    const h = await IntentHarness.create();
    const big = await h.intents.submit(req({ bandwidthMbps: 1000, bidirectional: false, match: { ipProto: 17, dstPort: 1 } }));
    const big2 = await h.intents.submit(req({ bandwidthMbps: 1000, bidirectional: false, match: { ipProto: 17, dstPort: 2 } }));
    const low = await h.intents.submit(
      req({ bandwidthMbps: 600, priority: 10, bidirectional: false, match: { ipProto: 17, dstPort: 3 } }),
    );
    const high = await h.intents.submit(
      req({ bandwidthMbps: 600, priority: 900, bidirectional: false, match: { ipProto: 17, dstPort: 4 } }),
    );
    expect([big.intent.state, big2.intent.state, low.intent.state, high.intent.state]).toEqual([
      'installed',
      'installed',
      'failed',
      'failed',
    ]);
    await h.intents.withdraw(big.intent.id);
    await h.intents.idle();
    expect(h.intents.get(high.intent.id).state).toBe('installed');
    expect(h.intents.get(low.intent.id).state).toBe('failed');
  });

  it('preempts lower-priority intents only when the request allows it', async () => {
    const h = await IntentHarness.create();
    const low = await h.intents.submit(req({ bandwidthMbps: 700, priority: 10 }));
    const low2 = await h.intents.submit(req({ bandwidthMbps: 700, priority: 10, match: { ipProto: 6 } }));
    const polite = await h.intents.submit(req({ bandwidthMbps: 700, priority: 500, match: { ipProto: 17 } }));
    expect(polite.intent.state).toBe('failed');
    const pushy = await h.intents.submit(
      req({ bandwidthMbps: 700, priority: 500, allowPreemption: true, match: { ipProto: 1 } }),
    );
    expect(pushy.intent.state).toBe('installed');
    const victims = [low, low2].map((x) => h.intents.get(x.intent.id)).filter((x) => x.state === 'failed');
    expect(victims).toHaveLength(1);
    expect(victims[0].reason).toMatchObject({ code: 'preempted' });
    expect(h.topo.links().every((l) => l.reservedMbps <= l.capacityMbps)).toBe(true);
  });

  it('PATCH changes bandwidth make-before-break without losing a packet, and refuses what does not fit', async () => {
    const h = await IntentHarness.create();
    const { intent } = await h.intents.submit(req());
    // After every batch a switch confirms, the h1 -> h2 traffic must still be delivered.
    const losses: string[] = [];
    const apply = h.driver.apply.bind(h.driver);
    h.driver.apply = async (device, batch) => {
      await apply(device, batch);
      if (h.send('h1', ipv4('10.0.1.1', '10.0.4.2')).delivered.length !== 1) losses.push(device);
    };
    const changed = await h.intents.patch(intent.id, { bandwidthMbps: 300 });
    expect(losses).toEqual([]);
    expect(changed.state).toBe('installed');
    expect(changed.reservation.bandwidthMbps).toBe(300);
    // Same paths: the same tunnel; the new meter is a new one, so the old one polices until the ingress moved.
    expect(changed.labels!.forward).toBe(intent.labels!.forward);
    expect(changed.labels!.forwardMeter).not.toBe(intent.labels!.forwardMeter);
    expect(
      h.driver
        .table('0000000000000001')
        .state()
        .meters.map((m) => m.rateKbps),
    ).toEqual([300000]);
    expect(h.topo.getLink('s1-s2.a').reservedMbps).toBe(300);
    await expect(h.intents.patch(intent.id, { bandwidthMbps: 5000 })).rejects.toMatchObject({ code: 'SDNC_ERR_NO_PATH' });
    expect(h.intents.get(intent.id).reservation.bandwidthMbps).toBe(300);
    expect(h.topo.getLink('s1-s2.a').reservedMbps).toBe(300);
  });
});
