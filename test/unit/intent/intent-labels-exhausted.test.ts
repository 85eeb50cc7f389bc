import { describe, expect, it } from 'vitest';
import type { IntentRequest } from '../../../src/intent/intent-request.js';
import { MAX_METER_ID } from '../../../src/intent/meter-ids.js';
import { DIAMOND, IntentHarness } from './intent-harness.js';

/** The diamond with room for thousands of 10 Mbit/s intents: meters run out long before bandwidth. */
const WIDE = { ...DIAMOND, cables: DIAMOND.cables.map((c) => ({ ...c, capacityMbps: 1_000_000 })) };

const req = (port: number, bandwidthMbps = 10): IntentRequest => ({
  endpoints: { src: 'h1', dst: 'h2' },
  bandwidthMbps,
  match: { ipProto: 17, dstPort: port },
});

const pause = () => new Promise((r) => setTimeout(r, 30));

describe('running out of meters or labels (regression: POSTs past 2,046 intents never finished)', () => {
  it('fails the intent whose ingress has no meter left without touching the ledger, goes quiet, and retries it when meters are freed', async () => {
    const h = await IntentHarness.create(WIDE);
    // Every intent rides the same two tunnels; each takes a meter id on s1 (forward) and on s4 (reverse).
    const views = await h.intents.submitBatch(Array.from({ length: MAX_METER_ID }, (_, i) => req(i + 1)));
    expect(views.every((v) => v.state === 'installed')).toBe(true);
    expect(h.labels.used).toBe(2);
    const reservedBefore = h.topo.links().map((l) => l.reservedMbps);

    const seqBefore = h.bus.seq;
    const { intent: late } = await h.intents.submit(req(60_000));
    expect(late.state).toBe('failed');
    expect(late.reason?.code).toBe('meters-exhausted');
    expect(late.reason?.message).toMatch(/^no free meter on switch 0000000000000001: all 4095 meter ids police other intents/);
    expect(late.reason?.details).toEqual({ device: '0000000000000001', totalMeters: 4095 });
    // The ledger was never touched: no link changed, so nothing woke the failed intent up.
    const linkEvents = h.events.filter((e) => e.seq > seqBefore && e.event.type === 'link-updated');
    expect(linkEvents).toHaveLength(0);
    expect(h.topo.links().map((l) => l.reservedMbps)).toEqual(reservedBefore);

    // Quiet: no retry pass keeps running behind the answer (the old loop published events forever).
    await h.intents.idle();
    await pause();
    const settled = h.bus.seq;
    await pause();
    await h.intents.idle();
    expect(h.bus.seq).toBe(settled);
    expect(h.intents.get(late.id).history.filter((x) => x.state === 'failed')).toHaveLength(1);

    // More requests still get an answer, with the same clear reason; one without bandwidth needs no meter.
    const more = await h.intents.submitBatch([req(60_001), req(60_002), req(60_003, 0)]);
    expect(more.map((v) => v.reason?.code ?? v.state)).toEqual(['meters-exhausted', 'meters-exhausted', 'installed']);

    // Freeing meters retries the failed intents, oldest first among equals.
    await h.intents.withdraw(views[0].id);
    await h.intents.idle();
    expect(h.intents.get(late.id).state).toBe('installed');
    expect(h.intents.get(more[0].id).state).toBe('failed');
    expect(h.intents.get(more[1].id).state).toBe('failed');
  }, 60_000);

  it('fails an intent that needs a new tunnel when no label is free, and retries it when labels are freed', async () => {
    const h = await IntentHarness.create(WIDE);
    // A one-way intent on the upper path holds one tunnel; the lower path is another tunnel.
    const { intent: upper } = await h.intents.submit({ ...req(1), bidirectional: false, constraints: { avoidNodes: ['s3'] } });
    expect(upper.state).toBe('installed');
    // Someone else holds all other labels but one: a bidirectional intent on the lower path needs two.
    while (h.labels.free > 1) h.labels.allocate(999);
    const seqBefore = h.bus.seq;
    const { intent } = await h.intents.submit({ ...req(2), constraints: { avoidNodes: ['s2'] } });
    expect(intent.state).toBe('failed');
    expect(intent.reason?.code).toBe('labels-exhausted');
    expect(intent.reason?.message).toMatch(
      /^no free label: 4092 of 4093 VLAN labels in use by tunnels, this intent needs 2 for a new one; withdraw intents/,
    );
    expect(intent.reason?.details).toEqual({ usedLabels: 4092, totalLabels: 4093, neededLabels: 2 });
    expect(h.events.filter((e) => e.seq > seqBefore && e.event.type === 'link-updated')).toHaveLength(0);
    expect(h.labels.used).toBe(4092);
    // Withdrawing the upper intent closes its tunnel: its label comes back and the failed intent fits.
    await h.intents.withdraw(upper.id);
    await h.intents.idle();
    expect(h.intents.get(intent.id).state).toBe('installed');
    expect(h.labels.used).toBe(4093);
  });

  it('plans kept between passes never outlive a change that could improve on them', async () => {
    const h = await IntentHarness.create(WIDE);
    const first = await h.intents.submit(req(1));
    expect(first.intent.paths?.forward.primary.nodes).toEqual(['s1', 's2', 's4']);
    // The lower path becomes faster (a latency measurement): the next equal request must see it.
    for (const id of ['s1-s3.a', 's1-s3.b', 's3-s4.a', 's3-s4.b']) h.topo.setMeasuredLatency(id, 0.1, null);
    const second = await h.intents.submit(req(2));
    expect(second.intent.paths?.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
    // Only bookings since: the plan is reused, and it is the same best path.
    const third = await h.intents.submit(req(3));
    expect(third.intent.paths?.forward.primary.nodes).toEqual(['s1', 's3', 's4']);
  });

  it('a bandwidth refusal keeps no labels, a refused change wakes no failed intent, freed bandwidth does', async () => {
    const h = await IntentHarness.create();
    const { intent: big } = await h.intents.submit(req(1, 1000));
    const { intent: other } = await h.intents.submit(req(3, 1000));
    const { intent: refused } = await h.intents.submit(req(2, 1000));
    expect([big.state, other.state]).toEqual(['installed', 'installed']);
    expect(refused.state).toBe('failed');
    expect(refused.reason?.code).toBe('bandwidth');
    expect(refused.labels).toBeUndefined();
    await h.intents.idle();
    const steps = () => h.intents.get(refused.id).history.length;
    const before = steps();
    // A change that fits nowhere reserves nothing in the end: no retry pass comes of it.
    await expect(h.intents.patch(big.id, { bandwidthMbps: 5000 })).rejects.toThrow(/change refused/);
    await h.intents.idle();
    await pause();
    // Not retried at all: a retry would have added compiling and failed to its history.
    expect(steps()).toBe(before);
    // Real freed capacity does retry it.
    await h.intents.withdraw(big.id);
    await h.intents.idle();
    expect(h.intents.get(refused.id).state).toBe('installed');
  });
});
