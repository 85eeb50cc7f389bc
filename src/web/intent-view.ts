import { effectiveLatencyMs, type TopoLink } from '../model/topology.js';

/** An intent's path as the intent API shows it. */
export interface IntentPathView {
  readonly nodes: readonly string[];
  readonly links: readonly string[];
  readonly latencyMs: number;
}

interface DirectionView {
  readonly primary?: IntentPathView | null;
  readonly backup?: IntentPathView | null;
  readonly active?: 'primary' | 'backup';
}

/**
 * The intent's public view, as carried by the REST API and intent events on the stream. Only the
 * fields the page reads are typed; paths are per direction (`forward`, optional `reverse`).
 */
export interface IntentView {
  readonly id: string;
  readonly state: string;
  readonly spec?: {
    readonly endpoints?: { readonly src?: unknown; readonly dst?: unknown };
    readonly src?: unknown;
    readonly dst?: unknown;
    readonly bandwidthMbps?: number;
    readonly maxLatencyMs?: number;
    readonly protection?: string;
  };
  readonly paths?: { readonly forward?: DirectionView; readonly reverse?: DirectionView } | null;
  readonly reason?: { readonly code?: string; readonly message?: string } | null;
}

/** The forward direction's paths: what the map highlights and the latency check is about. */
export function forwardPaths(v: IntentView): { primary: IntentPathView | null; backup: IntentPathView | null; active: string } {
  const f = v.paths?.forward;
  return { primary: f?.primary ?? null, backup: f?.backup ?? null, active: f?.active ?? 'primary' };
}

/** Keeps the latest view of every intent, fed by the snapshot and intent events. */
export class IntentModel {
  readonly intents = new Map<string, IntentView>();

  replace(list: readonly unknown[]): void {
    this.intents.clear();
    for (const raw of list) {
      const v = asIntentView(raw);
      if (v) this.intents.set(v.id, v);
    }
  }

  update(id: string, raw: unknown): void {
    const v = asIntentView(raw);
    if (v) this.intents.set(id, v);
  }

  remove(id: string): void {
    this.intents.delete(id);
  }

  sorted(): IntentView[] {
    return [...this.intents.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

export function asIntentView(raw: unknown): IntentView | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.state !== 'string') return undefined;
  return o as unknown as IntentView;
}

/**
 * Latency of a path as measured now: the sum over its links of the measured latency, or the configured
 * one where nothing was measured yet. `unknownLinks` counts links the view no longer knows (removed).
 */
export function measuredPathLatencyMs(
  path: IntentPathView,
  links: ReadonlyMap<string, TopoLink>,
): { latencyMs: number; unknownLinks: number } {
  let latencyMs = 0;
  let unknownLinks = 0;
  for (const id of path.links) {
    const l = links.get(id);
    if (l) latencyMs += effectiveLatencyMs(l);
    else unknownLinks++;
  }
  return { latencyMs: Math.round(latencyMs * 1000) / 1000, unknownLinks };
}

/** "a -> b" from the spec's endpoint references (an id, or { endpoint | address | site }). */
export function formatEndpoints(v: IntentView): string {
  const ends = v.spec?.endpoints ?? v.spec;
  return `${endpointName(ends?.src)} -> ${endpointName(ends?.dst)}`;
}

function endpointName(e: unknown): string {
  if (e === undefined || e === null) return '?';
  if (typeof e === 'object') {
    const o = e as Record<string, unknown>;
    return String(o.endpoint ?? o.site ?? o.address ?? JSON.stringify(e));
  }
  return String(e);
}
