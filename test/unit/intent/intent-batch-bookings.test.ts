import { describe, expect, it } from 'vitest';
import type { IntentRequest } from '../../../src/intent/intent-request.js';
import { DIAMOND, IntentHarness } from './intent-harness.js';

/** The diamond with 100 Mbit/s per direction: one 60 Mbit/s intent fills the short way (via s2). */
const NARROW = { ...DIAMOND, cables: DIAMOND.cables.map((c) => ({ ...c, capacityMbps: 100 })) };

const req = (port: number, bandwidthMbps: number): IntentRequest => ({
  endpoints: { src: 'h1', dst: 'h2' },
  bandwidthMbps,
  match: { ipProto: 17, dstPort: port },
});

function linkUpdatesSince(h: IntentHarness, seq: number): string[] {
  return h.events.flatMap(({ seq: s, event }) => (s > seq && event.type === 'link-updated' ? [event.link.id] : []));
}

function expectGraphEqualsBooks(h: IntentHarness): void {
  for (const l of h.topo.links()) {
    expect(l.reservedMbps).toBeCloseTo(h.ledger.bookedMbps(l.id), 6);
    expect(l.reservedMbps).toBeLessThanOrEqual(l.capacityMbps);
  }
}

describe('batch admission with bookings applied to the topology once per batch', () => {
  it('re-plans an intent whose path (planned on residuals lagging the batch) the ledger refused, instead of failing it', async () => {
    const h = await IntentHarness.create(NARROW);
    const seq = h.bus.seq;
    const views = await h.intents.submitBatch([req(1, 60), req(2, 60), req(3, 60)]);
    // The second planned the full short way first (the graph did not show the first's booking yet).
    expect(views.map((v) => v.state)).toEqual(['installed', 'installed', 'failed']);
    expect(views[0].paths?.forward.primary.nodes).toEqual(['s1', 's2', 's4']);
    expect(views[1].paths?.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
    expect(views[2].reason?.code).toBe('bandwidth');
    expectGraphEqualsBooks(h);
    // Each link changed at most twice (the flush before re-planning, the end of the batch), not per booking.
    const updates = linkUpdatesSince(h, seq);
    for (const id of new Set(updates)) expect(updates.filter((x) => x === id).length).toBeLessThanOrEqual(2);
    const trace = h.send('h1', {
      ethType: 0x0800,
      ipProto: 17,
      ipv4Src: '10.0.1.1',
      ipv4Dst: '10.0.4.2',
      udpSrc: 5000,
      udpDst: 2,
    });
    expect(trace.hops.map((x) => x.node)).toEqual(['s1', 's3', 's4']);
    expect(trace.delivered.map((d) => d.endpoint)).toEqual(['h2']);
  });

  it('keeps reservedMbps equal to the books after every batch: admissions, a reroute and withdrawals', async () => {
    const h = await IntentHarness.create(NARROW);
    const first = await h.intents.submitBatch([req(1, 30), req(2, 30), req(3, 30), req(4, 30), req(5, 30)]);
    expect(first.filter((v) => v.state === 'installed')).toHaveLength(5);
    expectGraphEqualsBooks(h);
    h.cut('s2', 's4');
    await h.intents.idle();
    expectGraphEqualsBooks(h);
    const after = h.intents.list();
    // 3 x 30 fit on the long way: the two that do not fail, and nothing is booked on the cut links.
    expect(after.filter((v) => v.state === 'installed')).toHaveLength(3);
    expect(
      h.topo
        .links()
        .filter((l) => l.src === 's3' || l.dst === 's3')
        .every((l) => l.reservedMbps === 90),
    ).toBe(true);
    const withdrawn = after.filter((v) => v.state === 'installed').slice(0, 2);
    for (const v of withdrawn) await h.intents.withdraw(v.id);
    await h.intents.idle();
    expectGraphEqualsBooks(h);
    expect(h.intents.list().filter((v) => v.state === 'installed')).toHaveLength(3);
  });
});
