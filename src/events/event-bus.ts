import type { ControllerEvent, SequencedEvent } from '../model/events.js';

export type EventListener = (e: SequencedEvent) => void;

export type EventType = ControllerEvent['type'];

interface Subscription {
  readonly listener: EventListener;
  /** The event types it wants; undefined for all. */
  readonly types: ReadonlySet<EventType> | undefined;
}

/**
 * The one in-process event bus. Every published event gets the next sequence number, so a subscriber
 * that sees seq jump by more than one knows it missed something and must resynchronise (a subscriber
 * of some types only sees the numbers of those).
 * Listeners run synchronously in publish order, and for one event in the order they subscribed; a
 * throwing listener is isolated and reported. A subscriber that names its event types is not called
 * for the others: a batch of intents publishes thousands of intent updates that topology readers
 * would only look at to ignore.
 */
export class EventBus {
  private seqNo = 0;
  private subscriptions: Subscription[] = [];
  /** Per event type, the listeners that want it in subscription order; rebuilt after (un)subscribing. */
  private readonly byType = new Map<EventType, readonly EventListener[]>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  get seq(): number {
    return this.seqNo;
  }

  publish(event: ControllerEvent): void {
    const seq = ++this.seqNo;
    const listeners = this.byType.get(event.type) ?? this.listenersOf(event.type);
    // Nobody wants this type (a batch's thousands of intent updates without an event stream client):
    // the number is taken, nothing is built.
    if (listeners.length === 0) return;
    const sequenced: SequencedEvent = { seq, time: Date.now(), event };
    for (let i = 0; i < listeners.length; i++) {
      try {
        listeners[i](sequenced);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  /** Calls `listener` for every event, or only for events of `types`. Returns the unsubscribe function. */
  subscribe(listener: EventListener, types?: readonly EventType[]): () => void {
    const sub: Subscription = { listener, types: types === undefined ? undefined : new Set(types) };
    this.subscriptions = [...this.subscriptions, sub];
    this.byType.clear();
    return () => {
      this.subscriptions = this.subscriptions.filter((s) => s !== sub);
      this.byType.clear();
    };
  }

  private listenersOf(type: EventType): readonly EventListener[] {
    const list = this.subscriptions.filter((s) => s.types === undefined || s.types.has(type)).map((s) => s.listener);
    this.byType.set(type, list);
    return list;
  }
}
