import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import type { ControllerEvent } from '../../../src/model/events.js';

const removed = (id: string): ControllerEvent => ({ type: 'node-removed', id });
const intent = (id: string): ControllerEvent => ({ type: 'intent-removed', intentId: id });

describe('EventBus', () => {
  it('numbers every event and calls a typed subscriber for its types only, in subscription order', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    bus.subscribe(({ seq, event }) => calls.push(`all:${seq}:${event.type}`));
    bus.subscribe(({ seq }) => calls.push(`nodes:${seq}`), ['node-removed', 'node-added']);
    bus.subscribe(({ seq }) => calls.push(`last:${seq}`));
    bus.publish(removed('n1'));
    bus.publish(intent('i1'));
    expect(calls).toEqual(['all:1:node-removed', 'nodes:1', 'last:1', 'all:2:intent-removed', 'last:2']);
    expect(bus.seq).toBe(2);
  });

  it('numbers an event of a type nobody wants too: the next subscriber sees the gap', () => {
    const bus = new EventBus();
    const seqs: number[] = [];
    bus.subscribe(({ seq }) => seqs.push(seq), ['node-removed']);
    bus.publish(removed('n1'));
    bus.publish(intent('i1'));
    bus.publish(intent('i2'));
    bus.publish(removed('n2'));
    expect(seqs).toEqual([1, 4]);
    expect(bus.seq).toBe(4);
  });

  it('stops calling a subscriber once it unsubscribed, typed or not, and reports a throwing one', () => {
    const errors: unknown[] = [];
    const bus = new EventBus((err) => errors.push(err));
    const seen: string[] = [];
    const offTyped = bus.subscribe(() => seen.push('typed'), ['intent-removed']);
    const offAll = bus.subscribe(() => {
      seen.push('all');
      throw new Error('listener broke');
    });
    bus.publish(intent('i1'));
    offTyped();
    bus.publish(intent('i2'));
    offAll();
    bus.publish(intent('i3'));
    expect(seen).toEqual(['typed', 'all', 'all']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['listener broke', 'listener broke']);
  });
});
