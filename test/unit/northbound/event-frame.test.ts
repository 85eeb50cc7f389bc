import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { type IntentRecord, IntentUpdatedEvent } from '../../../src/intent/intent-types.js';
import type { SequencedEvent } from '../../../src/model/events.js';
import { eventFrame } from '../../../src/northbound/events-stream.js';

const record: IntentRecord = {
  id: 'intent-3',
  key: 3,
  spec: {
    src: 'h1',
    dst: 'h2',
    bandwidthMbps: 10,
    objective: 'latency',
    protection: 'none',
    constraints: {},
    priority: 100,
    allowPreemption: false,
    bidirectional: false,
  },
  state: 'installed',
  reservedLinks: ['s1-s2.a'],
  createdAt: 1000,
  updatedAt: 2000,
  history: [
    { state: 'requested', at: 1000 },
    { state: 'installed', at: 2000 },
  ],
};

describe('event stream frames', () => {
  it('frames every event as the JSON of {type, seq, time, event}', () => {
    const bus = new EventBus();
    const seen: SequencedEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    bus.publish({ type: 'node-removed', id: 'n"1' });
    bus.publish(new IntentUpdatedEvent(record));
    bus.publish({ type: 'intent-removed', intentId: 'intent-3' });
    const fragments = new Map<object, string>();
    for (const e of seen) {
      const frame = eventFrame(e, fragments);
      expect(frame).toBe(JSON.stringify({ type: 'event', seq: e.seq, time: e.time, event: e.event }));
      expect(JSON.parse(frame).event.type).toBe(e.event.type);
    }
    expect(JSON.parse(eventFrame(seen[1], fragments)).event.intent.spec).toEqual(record.spec);
  });
});
