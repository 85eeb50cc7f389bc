import { describe, expect, it } from 'vitest';
import {
  type EventMessage,
  EventStream,
  type SnapshotMessage,
  type SocketLike,
  type StreamStatus,
} from '../../../src/web/event-stream.js';

class FakeSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  readonly sent: string[] = [];
  closed = false;
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.closed = true;
  }
  receive(msg: object): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

const snapshot = (seq: number) => ({ type: 'snapshot', seq, topology: { nodes: [], links: [] }, intents: [] });
const event = (seq: number) => ({ type: 'event', seq, time: 0, event: { type: 'node-removed', id: `n${seq}` } });

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const snapshots: SnapshotMessage[] = [];
  const events: EventMessage[] = [];
  const statuses: StreamStatus[] = [];
  const stream = new EventStream({
    url: 'ws://x/api/v1/events',
    openSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    onSnapshot: (m) => snapshots.push(m),
    onEvent: (m) => events.push(m),
    onStatus: (s) => statuses.push(s),
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    random: () => 0.5,
  });
  stream.start();
  return { stream, sockets, timers, snapshots, events, statuses };
}

describe('EventStream', () => {
  it('applies the snapshot, then events with consecutive seq', () => {
    const t = setup();
    t.sockets[0].receive(event(4)); // before any snapshot: ignored
    t.sockets[0].receive(snapshot(5));
    t.sockets[0].receive(event(6));
    t.sockets[0].receive(event(7));
    t.sockets[0].receive(event(7)); // duplicate: ignored
    expect(t.snapshots.map((s) => s.seq)).toEqual([5]);
    expect(t.events.map((e) => e.seq)).toEqual([6, 7]);
    expect(t.stream.seq).toBe(7);
    expect(t.stream.status).toBe('connected');
  });

  it('asks for a resync on a gap and drops events until the new snapshot', () => {
    const t = setup();
    t.sockets[0].receive(snapshot(1));
    t.sockets[0].receive(event(2));
    t.sockets[0].receive(event(4));
    expect(t.sockets[0].sent).toEqual([JSON.stringify({ type: 'resync' })]);
    expect(t.stream.status).toBe('resyncing');
    t.sockets[0].receive(event(5));
    expect(t.events.map((e) => e.seq)).toEqual([2]);
    t.sockets[0].receive(snapshot(5));
    t.sockets[0].receive(event(6));
    expect(t.events.map((e) => e.seq)).toEqual([2, 6]);
    expect(t.stream.gaps).toBe(1);
    expect(t.statuses).toEqual(['connected', 'resyncing', 'connected']);
  });

  it('reconnects with exponential backoff and resynchronises from the new snapshot', () => {
    const t = setup();
    t.sockets[0].receive(snapshot(10));
    t.sockets[0].onclose?.({});
    expect(t.stream.status).toBe('reconnecting');
    // Equal jitter with random() = 0.5: 3/4 of the capped exponential delay.
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const timer = t.timers.shift()!;
      delays.push(timer.ms);
      timer.fn();
      t.sockets[t.sockets.length - 1].onclose?.({});
    }
    expect(delays).toEqual([188, 375, 750, 1500, 3000, 3750, 3750]);
    t.timers.shift()!.fn();
    const fresh = t.sockets[t.sockets.length - 1];
    fresh.receive(snapshot(3)); // a restarted controller counts from scratch
    fresh.receive(event(4));
    expect(t.snapshots.map((s) => s.seq)).toEqual([10, 3]);
    expect(t.events.map((e) => e.seq)).toEqual([4]);
    expect(t.stream.status).toBe('connected');
    // The backoff starts over after a successful connection.
    expect(t.stream.nextDelayMs()).toBe(188);
  });

  it('ignores malformed messages and stops cleanly', () => {
    const t = setup();
    t.sockets[0].onmessage?.({ data: 'not json' });
    t.sockets[0].onmessage?.({ data: JSON.stringify({ type: 'event' }) });
    expect(t.snapshots).toHaveLength(0);
    t.stream.stop();
    expect(t.sockets[0].closed).toBe(true);
    expect(t.timers).toHaveLength(0);
  });
});
