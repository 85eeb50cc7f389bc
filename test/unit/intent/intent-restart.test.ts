import { describe, expect, it } from 'vitest';
import { IntentHarness, ipv4 } from './intent-harness.js';

describe('restart', () => {
  it('reloads intents with their stored paths and labels and rewrites no rule', async () => {
    const h = await IntentHarness.create();
    const a = await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100, protection: 'link-disjoint' });
    const b = await h.intents.submit({
      endpoints: { src: 'h1', dst: 'h2' },
      bandwidthMbps: 50,
      objective: 'hops',
      match: { ipProto: 6, dstPort: 443 },
    });
    const failed = await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 950, match: { ipProto: 17 } });
    expect([a.intent.state, b.intent.state, failed.intent.state]).toEqual(['installed', 'installed', 'failed']);
    const before = h.intents.list();
    const reserved = h.topo.links().map((l) => [l.id, l.reservedMbps]);
    const writes = h.driver.totalWrites();
    const rules = h.driver.totalFlows();

    await h.restart();

    const after = h.intents.list();
    expect(after.map((i) => [i.id, i.state, i.paths, i.labels])).toEqual(before.map((i) => [i.id, i.state, i.paths, i.labels]));
    expect(after.map((i) => i.history.length)).toEqual(before.map((i) => i.history.length));
    expect(h.topo.links().map((l) => [l.id, l.reservedMbps])).toEqual(reserved);
    expect(h.driver.totalWrites()).toBe(writes);
    expect(h.driver.totalFlows()).toBe(rules);
    expect(h.send('h1', ipv4('10.0.1.1', '10.0.4.2')).delivered.map((d) => d.endpoint)).toEqual(['h2']);
    // New intents get keys and labels that do not collide with the reloaded ones.
    const c = await h.intents.submit({
      endpoints: { src: 'h2', dst: 'h1' },
      bandwidthMbps: 10,
      bidirectional: false,
      match: { ipProto: 1 },
    });
    expect(c.intent.state).toBe('installed');
    expect(before.map((i) => i.id)).not.toContain(c.intent.id);
    const used = before.flatMap((i) => (i.labels ? [i.labels.forward, i.labels.reverse] : []));
    expect(used).not.toContain(c.intent.labels!.forward);
  });

  it('converges switches that changed while the controller was down, without touching correct rules', async () => {
    const h = await IntentHarness.create();
    await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100 });
    const s2 = h.driver.table('0000000000000002');
    const [lost] = s2.state().flows;
    // While down: one switch lost a rule, another got a stray rule with an old intent cookie.
    s2.apply({
      addMeters: [],
      modifyMeters: [],
      addGroups: [],
      modifyGroups: [],
      addFlows: [],
      modifyFlows: [],
      deleteFlows: [lost],
      deleteGroups: [],
      deleteMeters: [],
    });
    h.driver.table('0000000000000003').apply({
      addMeters: [],
      modifyMeters: [],
      addGroups: [],
      modifyGroups: [],
      addFlows: [
        { device: '0000000000000003', tableId: 0, priority: 20000, match: { inPort: 1, vlanVid: 99 }, actions: [], cookie: 77 },
      ],
      modifyFlows: [],
      deleteFlows: [],
      deleteGroups: [],
      deleteMeters: [],
    });
    const writes = h.driver.totalWrites();
    await h.restart();
    await h.intents.idle();
    expect(h.driver.totalWrites() - writes).toBe(2);
    expect(h.driver.table('0000000000000003').flowCount()).toBe(0);
    expect(h.send('h1', ipv4('10.0.1.1', '10.0.4.2')).delivered.map((d) => d.endpoint)).toEqual(['h2']);
  });
});
