import { describe, expect, it } from 'vitest';
import {
  type IntentPaths,
  type IntentRecord,
  IntentUpdatedEvent,
  type IntentView,
  type StateChange,
  toView,
  viewJson,
} from '../../../src/intent/intent-types.js';
import type { IntentEvent } from '../../../src/model/events.js';
import type { Path } from '../../../src/model/path.js';
import { IntentHarness } from './intent-harness.js';

const request = { endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 100 };

const base: IntentRecord = {
  id: 'intent-1',
  key: 1,
  spec: {
    src: 'h1',
    dst: 'h2',
    bandwidthMbps: 100,
    objective: 'latency',
    protection: 'none',
    constraints: {},
    priority: 100,
    allowPreemption: false,
    bidirectional: true,
    match: { ipProto: 17, dstPort: 53 },
  },
  state: 'installed',
  reason: undefined,
  paths: undefined,
  labels: { forward: 5, reverse: 6 },
  reservedLinks: ['s1-s2.a', 's2-s1.a'],
  createdAt: 1_700_000_000_000,
  updatedAt: 1_700_000_000_005,
  history: [
    { state: 'requested', at: 1_700_000_000_000 },
    { state: 'installed', at: 1_700_000_000_005 },
  ],
};

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

  it('shows each record with its own times, whatever the views built before', () => {
    const at = (createdAt: number, updatedAt: number) => {
      const v = toView({ ...base, createdAt, updatedAt });
      return [v.createdAt, v.updatedAt];
    };
    expect(at(0, 1)).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.001Z']);
    expect(at(0, 0)).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z']);
    expect(at(86_400_000, 1)).toEqual(['1970-01-02T00:00:00.000Z', '1970-01-01T00:00:00.001Z']);
    expect(at(0, 1)).toEqual(['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.001Z']);
  });

  it('writes the JSON of a view without building it, the same text as JSON.stringify(toView(r))', () => {
    const p = (...nodes: string[]): Path => ({
      nodes,
      links: nodes.slice(1).map((n, i) => `${nodes[i]}-${n}`),
      latencyMs: 1.23456,
      cost: 3,
      energyJPerGbit: 2,
      hops: nodes.length - 1,
      bottleneckMbps: 7,
    });
    const protectedPaths: IntentPaths = {
      forward: { primary: p('a', 'b"q', 'c'), backup: p('a', 'd', 'c'), active: 'backup' },
      reverse: { primary: p('c', 'b', 'a'), active: 'primary' },
    };
    const long: StateChange[] = Array.from({ length: 60 }, (_, i) => ({ state: i % 2 ? 'rerouting' : 'installed', at: i }));
    const variants: IntentRecord[] = [
      base,
      { ...base, history: [] },
      { ...base, paths: undefined, labels: undefined, reservedLinks: [] },
      { ...base, state: 'failed', reason: { code: 'bandwidth', message: 'no room "here"', details: { need: 5 } } },
      { ...base, paths: protectedPaths, labels: { forward: 3, forwardCrankback: 9 }, history: long },
      { ...base, paths: { forward: protectedPaths.forward }, reservedLinks: ['a-d', 'd-c'] },
    ];
    const memo = new Map<object, string>();
    // Twice: the second time every shared part comes from the memo.
    for (const round of [1, 2]) {
      for (const r of variants) expect(viewJson(r, memo), `round ${round}`).toBe(JSON.stringify(toView(r)));
    }
    const event = new IntentUpdatedEvent(variants[3]);
    expect(event.json(memo)).toBe(JSON.stringify(event));
  });
});
