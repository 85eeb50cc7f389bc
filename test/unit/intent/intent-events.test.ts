import { describe, expect, it } from 'vitest';
import { type IntentRecord, IntentUpdatedEvent, type IntentView, toView } from '../../../src/intent/intent-types.js';
import type { IntentEvent } from '../../../src/model/events.js';
import { IntentHarness } from './intent-harness.js';

const request = { endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100 };

describe('intent-updated events', () => {
  it('publishes every transition with the view the intent had then, built once when read', async () => {
    const h = await IntentHarness.create();
    const [view] = await h.intents.submitBatch([request]);
    const updates = h.events
      .map((e) => e.event)
      .filter((e): e is IntentEvent => e.type === 'intent-updated' && e.intentId === view.id);
    expect(updates.map((e) => (e.intent as IntentView).state)).toEqual(['requested', 'compiling', 'installing', 'installed']);
    for (const e of updates) {
      expect(e).toBeInstanceOf(IntentUpdatedEvent);
      // Read twice: the same object, not a new view per read.
      expect(e.intent).toBe(e.intent);
    }
    const installing = updates[2].intent as IntentView;
    expect(installing.history.map((x) => x.state)).toEqual(['requested', 'compiling', 'installing']);
    expect(installing.paths?.forward.primary.nodes).toEqual(['s1', 's2', 's4']);
    // The last one is what the API answers; JSON (the event stream) carries type, id and view.
    expect(updates[3].intent).toEqual(h.intents.get(view.id));
    expect(JSON.parse(JSON.stringify(updates[3]))).toEqual({
      type: 'intent-updated',
      intentId: view.id,
      intent: JSON.parse(JSON.stringify(view)),
    });
  });

  it('shows each record with its own times, whatever the views built before', async () => {
    const h = await IntentHarness.create();
    const [view] = await h.intents.submitBatch([request]);
    const rec = h.intents.get(view.id);
    const at = (createdAt: number, updatedAt: number) => {
      const r = { ...(rec as unknown as IntentRecord), createdAt, updatedAt, reservedLinks: [], history: [] };
      const v = toView(r);
      return [v.createdAt, v.updatedAt];
    };
    expect(at(0, 1)).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.001Z']);
    expect(at(0, 0)).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z']);
    expect(at(86_400_000, 1)).toEqual(['1970-01-02T00:00:00.000Z', '1970-01-01T00:00:00.001Z']);
    expect(at(0, 1)).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.001Z']);
  });
});
