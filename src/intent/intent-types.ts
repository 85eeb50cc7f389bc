import type { IntentEvent } from '../model/events.js';
import type { NoPathCode, Objective, Path, Protection } from '../model/path.js';

/**
 * Value types of the intent layer: what a user asks for (IntentSpec), what the controller keeps about
 * it (IntentRecord) and what it shows (IntentView). Plain data, no I/O.
 */

export type IntentState =
  | 'requested'
  | 'compiling'
  | 'installing'
  | 'installed'
  | 'failed'
  | 'rerouting'
  | 'degraded'
  | 'withdrawing'
  | 'withdrawn';

export const INTENT_STATES: readonly IntentState[] = [
  'requested',
  'compiling',
  'installing',
  'installed',
  'failed',
  'rerouting',
  'degraded',
  'withdrawing',
  'withdrawn',
];

/** States in which an intent holds a reservation, labels and rules. */
export const ACTIVE_STATES: ReadonlySet<IntentState> = new Set(['installing', 'installed', 'rerouting', 'degraded']);

/**
 * One side of an intent: an endpoint id, an IP address or prefix (longest-prefix match to the endpoint
 * that owns it) or a site (a forwarding node: every endpoint attached to it). A bare string is looked up
 * in that order: endpoint, site, address.
 */
export type EndpointRef = string | { readonly endpoint: string } | { readonly address: string } | { readonly site: string };

export interface IntentConstraints {
  readonly avoidProviders?: readonly string[];
  readonly avoidNodes?: readonly string[];
  readonly avoidLinks?: readonly string[];
  readonly allowedJurisdictions?: readonly string[];
  readonly maxHops?: number;
}

/** Optional refinement of the traffic an intent carries (on top of the endpoints' addresses). */
export interface TrafficMatch {
  /** IP protocol number: 6 TCP, 17 UDP, 1 ICMP... */
  readonly ipProto?: number;
  /** Destination transport port (needs ipProto 6 or 17). The reverse direction matches it as source port. */
  readonly dstPort?: number;
  readonly srcPort?: number;
}

export interface IntentSpec {
  readonly src: EndpointRef;
  readonly dst: EndpointRef;
  readonly bandwidthMbps: number;
  readonly maxLatencyMs?: number;
  readonly objective: Objective;
  readonly protection: Protection;
  readonly constraints: IntentConstraints;
  /** 0 (lowest) to 1000. */
  readonly priority: number;
  /** This intent may take bandwidth from intents of lower priority when it does not fit otherwise. */
  readonly allowPreemption: boolean;
  readonly bidirectional: boolean;
  readonly match?: TrafficMatch;
}

/** Fields PATCH may change (make-before-break). */
export interface IntentPatch {
  readonly bandwidthMbps?: number;
  readonly maxLatencyMs?: number | null;
  readonly protection?: Protection;
  readonly priority?: number;
}

export type FailureCode =
  | NoPathCode
  | 'preempted'
  | 'unresolvable-endpoint'
  | 'not-programmable'
  | 'labels-exhausted'
  | 'meters-exhausted'
  | 'duplicate'
  | 'install-failed';

export interface IntentFailure {
  readonly code: FailureCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The paths of one direction. `active` says which one carries traffic. */
export interface DirectionPaths {
  readonly primary: Path;
  readonly backup?: Path;
  readonly active: 'primary' | 'backup';
}

export interface IntentPaths {
  readonly forward: DirectionPaths;
  readonly reverse?: DirectionPaths;
}

/**
 * The labels of the tunnels an intent's directions ride (shared by every intent on the same paths to the
 * same hosts, see tunnel-registry.ts) and the intent's own meter ids (one per policed direction, unique on
 * the direction's ingress switch).
 */
export interface IntentLabels {
  readonly forward: number;
  readonly reverse?: number;
  /** Crankback labels of protected directions whose primary has transit switches (crankback-compiler.ts). */
  readonly forwardCrankback?: number;
  readonly reverseCrankback?: number;
  readonly forwardMeter?: number;
  readonly reverseMeter?: number;
}

export interface StateChange {
  readonly state: IntentState;
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly reason?: IntentFailure;
}

/** What the controller keeps about an intent (in memory and in SQLite). */
export interface IntentRecord {
  readonly id: string;
  /** Numeric key: the cookie of every rule the intent owns, and the owner id of its reservation. */
  readonly key: number;
  readonly spec: IntentSpec;
  readonly state: IntentState;
  readonly reason?: IntentFailure;
  readonly paths?: IntentPaths;
  readonly labels?: IntentLabels;
  /** Directed links carrying a reservation of spec.bandwidthMbps for this intent. */
  readonly reservedLinks: readonly string[];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly history: readonly StateChange[];
}

export interface PathView {
  readonly nodes: readonly string[];
  readonly links: readonly string[];
  readonly latencyMs: number;
  readonly hops: number;
  readonly cost: number;
}

/** The public view: REST responses, events and the WebSocket snapshot. */
export interface IntentView {
  readonly id: string;
  readonly key: number;
  readonly state: IntentState;
  readonly reason?: IntentFailure;
  readonly spec: IntentSpec;
  readonly paths?: {
    readonly forward: { readonly primary: PathView; readonly backup?: PathView; readonly active: 'primary' | 'backup' };
    readonly reverse?: { readonly primary: PathView; readonly backup?: PathView; readonly active: 'primary' | 'backup' };
  };
  readonly labels?: IntentLabels;
  readonly reservation: { readonly bandwidthMbps: number; readonly links: readonly string[] };
  readonly history: readonly StateChange[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

const HISTORY_IN_VIEW = 50;

/**
 * How many transitions a record keeps: a transition that would take its history past HISTORY_MAX drops
 * the oldest and keeps the latest HISTORY_KEPT (the new one included), in memory and in the store's row.
 * An intent that flaps for months keeps a bounded record, and its row's history is rewritten whole once
 * per HISTORY_MAX - HISTORY_KEPT transitions, appended to otherwise. The view shows the latest 50.
 */
export const HISTORY_KEPT = 100;
export const HISTORY_MAX = 200;

type PathsView = NonNullable<IntentView['paths']>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function pathView(p: Path): PathView {
  return { nodes: p.nodes, links: p.links, latencyMs: round3(p.latencyMs), hops: p.hops, cost: p.cost };
}

function directionView(d: DirectionPaths): PathsView['forward'] {
  return d.backup
    ? { primary: pathView(d.primary), backup: pathView(d.backup), active: d.active }
    : { primary: pathView(d.primary), active: d.active };
}

/**
 * The public view of a record. Optional members are absent, not undefined, and in this order; the
 * view shares the record's immutable values (spec, labels, links, the history when it is short).
 */
export function toView(r: IntentRecord): IntentView {
  const v = { id: r.id, key: r.key, state: r.state } as Mutable<IntentView>;
  if (r.reason) v.reason = r.reason;
  v.spec = r.spec;
  if (r.paths) v.paths = pathsView(r.paths);
  if (r.labels) v.labels = r.labels;
  v.reservation = { bandwidthMbps: reservedMbps(r), links: r.reservedLinks };
  v.history = historyInView(r);
  v.createdAt = createdIso.of(r.createdAt);
  v.updatedAt = updatedIso.of(r.updatedAt);
  return v;
}

/** Views of paths objects: paths are immutable and shared (by versions of a record, by intents planned together). */
const pathsViews = new WeakMap<IntentPaths, PathsView>();

function pathsView(paths: IntentPaths): PathsView {
  let v = pathsViews.get(paths);
  if (v === undefined) {
    v = paths.reverse
      ? { forward: directionView(paths.forward), reverse: directionView(paths.reverse) }
      : { forward: directionView(paths.forward) };
    pathsViews.set(paths, v);
  }
  return v;
}

function reservedMbps(r: IntentRecord): number {
  return r.reservedLinks.length > 0 ? r.spec.bandwidthMbps : 0;
}

function historyInView(r: IntentRecord): readonly StateChange[] {
  return r.history.length > HISTORY_IN_VIEW ? r.history.slice(-HISTORY_IN_VIEW) : r.history;
}

/**
 * `JSON.stringify(toView(r))`, the same text, without building the view. `memo` keeps the JSON of the
 * spec, paths, labels and reserved links serialised through it, by object: records share them between
 * versions and intents admitted together share paths, so a run of views (the events of a batch)
 * serialises each of them once. The caller decides how long `memo` lives.
 */
export function viewJson(r: IntentRecord, memo: Map<object, string>): string {
  let s = `{"id":${JSON.stringify(r.id)},"key":${JSON.stringify(r.key)},"state":${JSON.stringify(r.state)}`;
  if (r.reason) s += `,"reason":${JSON.stringify(r.reason)}`;
  s += `,"spec":${memoJson(memo, r.spec)}`;
  if (r.paths) s += `,"paths":${memoJson(memo, r.paths, pathsView)}`;
  if (r.labels) s += `,"labels":${memoJson(memo, r.labels)}`;
  s += `,"reservation":{"bandwidthMbps":${JSON.stringify(reservedMbps(r))},"links":${memoJson(memo, r.reservedLinks)}}`;
  s += `,"history":${JSON.stringify(historyInView(r))}`;
  s += `,"createdAt":${JSON.stringify(createdIso.of(r.createdAt))},"updatedAt":${JSON.stringify(updatedIso.of(r.updatedAt))}}`;
  return s;
}

function memoJson<T extends object>(memo: Map<object, string>, value: T, view?: (v: T) => unknown): string {
  let s = memo.get(value);
  if (s === undefined) {
    s = JSON.stringify(view ? view(value) : value);
    memo.set(value, s);
  }
  return s;
}

/** The ISO 8601 form of a time, remembering the last one: the views of a batch share their times. */
class IsoTime {
  private ms = Number.NaN;
  private iso = '';

  of(ms: number): string {
    if (ms !== this.ms) {
      this.iso = new Date(ms).toISOString();
      this.ms = ms;
    }
    return this.iso;
  }
}

const createdIso = new IsoTime();
const updatedIso = new IsoTime();

/**
 * The 'intent-updated' event of a record. Its public view is built when first read and then kept, so
 * that publishing costs nothing when no subscriber reads it (no event-stream client). JSON (the event
 * stream) has the members of IntentEvent: type, intentId, intent.
 */
export class IntentUpdatedEvent implements IntentEvent {
  readonly type = 'intent-updated';
  readonly intentId: string;
  readonly #record: IntentRecord;
  #view: IntentView | undefined;

  constructor(record: IntentRecord) {
    this.intentId = record.id;
    this.#record = record;
  }

  get intent(): IntentView {
    if (this.#view === undefined) this.#view = toView(this.#record);
    return this.#view;
  }

  toJSON(): { type: 'intent-updated'; intentId: string; intent: IntentView } {
    return { type: this.type, intentId: this.intentId, intent: this.intent };
  }

  /** `JSON.stringify(this)`, the same text, through viewJson (see there for `memo`). */
  json(memo: Map<object, string>): string {
    return `{"type":"intent-updated","intentId":${JSON.stringify(this.intentId)},"intent":${viewJson(this.#record, memo)}}`;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
