import { describe, expect, it } from 'vitest';
import type { IntentRequest } from '../../../src/intent/intent-request.js';
import type { SubmitOutcome } from '../../../src/intent/intent-service.js';
import type { SdncError } from '../../../src/model/errors.js';
import { IntentHarness } from './intent-harness.js';

const req = (port: number): IntentRequest => ({
  endpoints: { src: 'h1', dst: 'h2' },
  bandwidthMbps: 1,
  match: { ipProto: 17, dstPort: port },
});

/** The states intents went through, in the order the bus saw them. */
function transitions(h: IntentHarness, sinceSeq: number): string[] {
  return h.events.flatMap(({ seq, event }) =>
    seq > sinceSeq && event.type === 'intent-updated' ? [(event.intent as { state: string }).state] : [],
  );
}

describe('submits waiting in the service queue are admitted as one batch', () => {
  it('admits submits that arrive in separate callbacks of one event-loop turn (as concurrent HTTP requests do) together', async () => {
    const h = await IntentHarness.create();
    const seq = h.bus.seq;
    const outcomes = await Promise.all(
      Array.from(
        { length: 16 },
        (_, i) =>
          new Promise<SubmitOutcome>((resolve, reject) => setImmediate(() => h.intents.submit(req(i + 1)).then(resolve, reject))),
      ),
    );
    expect(outcomes.map((o) => o.intent.state)).toEqual(Array(16).fill('installed'));
    const states = transitions(h, seq);
    // One admission pass: every intent is compiled before the first is installed.
    expect(states.filter((s) => s === 'compiling')).toHaveLength(16);
    expect(states.lastIndexOf('compiling')).toBeLessThan(states.indexOf('installed'));
  });

  it('refuses the second of two equal requests of one batch as a duplicate of the first', async () => {
    const h = await IntentHarness.create();
    const [first, second] = await Promise.allSettled([h.intents.submit(req(7)), h.intents.submit(req(7))]);
    expect(first.status === 'fulfilled' && first.value.intent.state).toBe('installed');
    expect(second.status).toBe('rejected');
    const err = (second as PromiseRejectedResult).reason as SdncError;
    expect(err.code).toBe('SDNC_ERR_INTENT_DUPLICATE');
    expect(h.intents.list()).toHaveLength(1);
  });

  it('resolves a waiting submit again when a node changed after it was submitted', async () => {
    const h = await IntentHarness.create();
    const pending = h.intents.submit(req(9));
    // Before the batch runs, the destination endpoint goes away.
    h.topo.removeNode('h2');
    await expect(pending).rejects.toMatchObject({ code: 'SDNC_ERR_ENDPOINT_NOT_FOUND' });
    expect(h.intents.list()).toHaveLength(0);
  });
});
