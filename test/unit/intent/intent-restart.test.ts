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
    // New intents get keys that do not collide with the reloaded ones, and a label of a reloaded tunnel
    // only when they ride that very tunnel (the same paths to the same host).
    const c = await h.intents.submit({
      endpoints: { src: 'h2', dst: 'h1' },
      bandwidthMbps: 10,
      bidirectional: false,
      match: { ipProto: 1 },
    });
    expect(c.intent.state).toBe('installed');
    expect(before.map((i) => i.id)).not.toContain(c.intent.id);
    const label = c.intent.labels!.forward;
    const sharing = before.flatMap((i) => [
      ...(i.labels?.forward === label ? [i.paths!.forward] : []),
      ...(i.labels?.reverse === label ? [i.paths!.reverse!] : []),
    ]);
    for (const d of sharing) {
      expect([d.primary.links, d.backup?.links]).toEqual([c.intent.paths!.forward.primary.links, undefined]);
    }
    expect(h.send('h2', ipv4('10.0.4.2', '10.0.1.1', { ipProto: 1 })).delivered.map((d) => d.endpoint)).toEqual(['h1']);
  });

  it('reloads an intent stored before meters had ids of their own: its labels become its meter ids', async () => {
    const h = await IntentHarness.create();
    const { intent } = await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100 });
    // What the previous release stored: tunnel labels only (it policed each direction with its label).
    h.db.prepare(`DELETE FROM intent_labels WHERE direction IN ('forwardMeter', 'reverseMeter')`).run();
    await h.restart();
    const l = h.intents.get(intent.id).labels!;
    expect(l).toEqual({ forward: l.forward, reverse: l.reverse, forwardMeter: l.forward, reverseMeter: l.reverse });
    await h.intents.idle();
    const meters = h.driver.table(h.dpidOf('s1')).state().meters;
    expect(meters.map((m) => [m.meterId, m.rateKbps])).toEqual([[l.forward, 100_000]]);
    expect(h.send('h1', ipv4('10.0.1.1', '10.0.4.2')).delivered.map((d) => d.endpoint)).toEqual(['h2']);
    // The ids are held: a new intent entering at s1 gets another one.
    const other = await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 10, match: { ipProto: 17 } });
    expect(other.intent.labels!.forwardMeter).not.toBe(l.forward);
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

/** Every order of `items` (small lists only). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]));
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('restart with switches reconnecting late', () => {
  async function populated(opts: { startupGraceMs?: number } = {}) {
    const h = await IntentHarness.create(undefined, { sync: true, ...opts });
    const a = await h.intents.submit({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100, protection: 'link-disjoint' });
    const b = await h.intents.submit({
      endpoints: { src: 'h1', dst: 'h2' },
      bandwidthMbps: 50,
      match: { ipProto: 6, dstPort: 443 },
    });
    expect([a.intent.state, b.intent.state]).toEqual(['installed', 'installed']);
    return h;
  }

  const view = (h: IntentHarness) => h.intents.list().map((i) => [i.id, i.state, i.paths, i.labels, i.history.length]);

  it('keeps stored paths, labels and rules whatever the order the switches come back in', async () => {
    for (const order of permutations(['s1', 's2', 's3', 's4'])) {
      const h = await populated();
      const before = view(h);
      const reserved = h.topo.links().map((l) => [l.id, l.reservedMbps]);
      const writes = h.driver.totalWrites();
      await h.restart();
      expect(view(h)).toEqual(before);
      for (const s of order) {
        h.connectSwitch(s);
        await tick();
        await h.intents.idle();
        // Nothing moves while the others are still away.
        expect(view(h), `after ${s} of ${order.join(',')}`).toEqual(before);
      }
      await h.intents.idle();
      expect(h.driver.totalWrites(), order.join(',')).toBe(writes);
      expect(h.topo.links().map((l) => [l.id, l.reservedMbps])).toEqual(reserved);
      expect(
        h.topo
          .nodes()
          .filter((n) => n.datapathId)
          .every((n) => n.operUp),
      ).toBe(true);
      expect(h.send('h1', ipv4('10.0.1.1', '10.0.4.2')).delivered.map((d) => d.endpoint)).toEqual(['h2']);
    }
  });

  it('writes exactly the differences a switch picked up while the controller was down', async () => {
    const h = await populated();
    const before = view(h);
    const s3 = h.driver.table(h.dpidOf('s3'));
    const lost = s3.state().flows[0];
    s3.apply({
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
    const writes = h.driver.totalWrites();
    await h.restart();
    for (const s of ['s4', 's3', 's2', 's1']) h.connectSwitch(s);
    await tick();
    await h.intents.idle();
    expect(h.driver.totalWrites() - writes).toBe(1);
    expect(s3.state().flows).toContainEqual(lost);
    expect(view(h)).toEqual(before);
  });

  it('reroutes around a switch that has not come back when the start-up grace is over', async () => {
    const h = await populated({ startupGraceMs: 150 });
    const unprotected = h.intents.list()[1];
    expect(unprotected.paths!.forward.primary.nodes).toEqual(['s1', 's2', 's4']);
    await h.restart();
    for (const s of ['s1', 's3', 's4']) h.connectSwitch(s);
    await tick();
    await h.intents.idle();
    // Within the grace s2 is presumed to keep forwarding: nothing changes.
    expect(h.intents.get(unprotected.id).labels).toEqual(unprotected.labels);
    expect(h.intents.get(unprotected.id).state).toBe('installed');
    await tick(200);
    await h.intents.idle();
    const moved = h.intents.get(unprotected.id);
    expect(moved.state).toBe('installed');
    expect(moved.paths!.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
    expect(moved.labels!.forward).not.toBe(unprotected.labels!.forward);
    // The protected one runs on its backup around s2, degraded.
    const prot = h.intents.list()[0];
    expect(prot.state).toBe('degraded');
    expect(prot.paths!.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
    expect(h.send('h1', ipv4('10.0.1.1', '10.0.4.2', { ipProto: 6, tcpDst: 443 })).hops.map((x) => x.node)).toEqual([
      's1',
      's3',
      's4',
    ]);
  });
});
