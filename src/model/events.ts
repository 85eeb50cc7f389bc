import type { TopoLink, TopoNode } from './topology.js';

/**
 * Everything that changes in the controller is published as one of these on the event bus, in order,
 * each with a sequence number. Later subsystems (intents, flows, discovery) add their members here.
 */
export type TopologyEvent =
  | { readonly type: 'node-added'; readonly node: TopoNode }
  | { readonly type: 'node-updated'; readonly node: TopoNode }
  | { readonly type: 'node-removed'; readonly id: string }
  | { readonly type: 'link-added'; readonly link: TopoLink }
  | {
      readonly type: 'link-updated';
      readonly link: TopoLink;
      /** Present (true) when nothing but the link's reserved bandwidth changed: a booking or a release. */
      readonly reservedOnly?: true;
    }
  | { readonly type: 'link-removed'; readonly id: string };

/** The types of TopologyEvent: every change of the network (what its readers subscribe to). */
export const TOPOLOGY_EVENT_TYPES: readonly TopologyEvent['type'][] = [
  'node-added',
  'node-updated',
  'node-removed',
  'link-added',
  'link-updated',
  'link-removed',
];

/**
 * Intent lifecycle changes; the payload is the intent's public view (see src/intent). The intent layer
 * publishes 'intent-updated' as an IntentUpdatedEvent, whose `intent` is built when first read.
 */
export interface IntentEvent {
  readonly type: 'intent-updated' | 'intent-removed';
  readonly intentId: string;
  readonly intent?: unknown;
}

export type ControllerEvent = TopologyEvent | IntentEvent;

export interface SequencedEvent<E = ControllerEvent> {
  readonly seq: number;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly event: E;
}
