import type { ControllerEvent, SequencedEvent } from '../model/events.js';

export type EventListener = (e: SequencedEvent) => void;

/**
 * The one in-process event bus. Every published event gets the next sequence number, so a subscriber
 * that sees seq jump by more than one knows it missed something and must resynchronise.
 * Listeners run synchronously in publish order; a throwing listener is isolated and reported.
 */
export class EventBus {
  private seqNo = 0;
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  get seq(): number {
    return this.seqNo;
  }

  publish(event: ControllerEvent): SequencedEvent {
    const sequenced: SequencedEvent = { seq: ++this.seqNo, time: Date.now(), event };
    for (const l of this.listeners) {
      try {
        l(sequenced);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return sequenced;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
