import type { EventBus } from '../events/event-bus.js';
import type { FlowService } from '../flow/flow-service.js';
import { SdncError } from '../model/errors.js';
import type { IntentStore } from '../store/intent-store.js';
import type { BandwidthLedger } from './bandwidth-ledger.js';
import type { HealthTopology } from './data-plane-health.js';
import type { EndpointDirectory, EndpointResolver, ResolvedEndpoint } from './endpoint-resolver.js';
import { type Compiled, type FinishedChange, type InstallChange, InstallSequencer, merge } from './install-sequencer.js';
import { legacyMeters } from './intent-labels.js';
import { assertTransition } from './intent-lifecycle.js';
import { IntentRules } from './intent-rules.js';
import {
  ACTIVE_STATES,
  HISTORY_KEPT,
  HISTORY_MAX,
  INTENT_STATES,
  type IntentFailure,
  type IntentLabels,
  type IntentPaths,
  type IntentRecord,
  type IntentSpec,
  type IntentState,
  IntentUpdatedEvent,
  type StateChange,
} from './intent-types.js';
import type { LabelAllocator } from './label-allocator.js';
import { MeterIds } from './meter-ids.js';
import { linksOfPaths, type PathPlanner, type PlanTopology } from './path-planner.js';
import type { SharedRules } from './tunnel-registry.js';
import type { CompileTopology } from './tunnel-shape.js';

export interface IntentEngineDeps {
  readonly store: IntentStore;
  readonly bus: EventBus;
  readonly topology: CompileTopology & PlanTopology & EndpointDirectory & HealthTopology;
  readonly resolver: EndpointResolver;
  readonly planner: PathPlanner;
  readonly ledger: BandwidthLedger;
  readonly flows: FlowService;
  /** Tunnel labels (VLAN ids), one pool for the network. */
  readonly labels: LabelAllocator;
  /** Meter ids per switch; a fresh set when absent. */
  readonly meters?: MeterIds;
  readonly now?: () => number;
  /** Start-up grace and reconnect confirmation of the data-plane health view (see DataPlaneHealth). */
  readonly startupGraceMs?: number;
  readonly linkConfirmMs?: number;
  /** Errors of background passes (reactions to the network); they never reach a caller. */
  readonly onError?: (err: unknown, what: string) => void;
}

/** Everything an admitted intent holds. */
export interface Admission {
  readonly paths: IntentPaths;
  readonly labels: IntentLabels;
  readonly reservedLinks: readonly string[];
  readonly compiled: Compiled;
}

/** What a record takes over from its admission. */
export function holdingsOf(a: Admission): Pick<IntentRecord, 'paths' | 'labels' | 'reservedLinks'> {
  return { paths: a.paths, labels: a.labels, reservedLinks: a.reservedLinks };
}

export type { Compiled, InstallChange } from './install-sequencer.js';

export type AdmitResult =
  | { readonly ok: true; readonly admission: Admission }
  | { readonly ok: false; readonly reason: IntentFailure };

/**
 * The intent layer's primitives, shared by the service (user requests) and the reactor (network
 * events): records and their persisted, published transitions; admission (resolve, plan, reserve,
 * label, compile) as one synchronous step so that concurrent requests cannot over-book; and installation
 * through the flow service with make-before-break phases. Callers serialise operations.
 */
export class IntentEngine {
  private readonly records = new Map<string, IntentRecord>();
  private readonly compiledState = new Map<string, Compiled>();
  /** Intents per state (an object with every state as a member: cheaper than a Map on every transition). */
  private readonly stateCounts = Object.fromEntries(INTENT_STATES.map((s) => [s, 0])) as Record<IntentState, number>;
  private readonly sequencer: InstallSequencer;
  /** Tunnels, meter ids and the rules an intent has on them. */
  readonly rules: IntentRules;
  private readonly tunnelStatuses = new Map<SharedRules, 'done' | 'pending' | { device: string }>();
  readonly now: () => number;

  constructor(readonly deps: IntentEngineDeps) {
    this.now = deps.now ?? Date.now;
    this.rules = new IntentRules(deps.topology, deps.labels, deps.meters ?? new MeterIds(), deps.flows);
    this.sequencer = new InstallSequencer(deps.flows, (id, retired) => {
      const key = this.records.get(id)?.key;
      if (key !== undefined) for (const labels of retired) this.freeLabels(key, labels);
    });
  }

  get(id: string): IntentRecord | undefined {
    return this.records.get(id);
  }

  mustGet(id: string): IntentRecord {
    const r = this.records.get(id);
    if (!r) throw new SdncError('SDNC_ERR_INTENT_NOT_FOUND', { id });
    return r;
  }

  all(): IntentRecord[] {
    return [...this.records.values()];
  }

  /** How many intents are in `state` (counted on every transition). */
  countIn(state: IntentState): number {
    return this.stateCounts[state];
  }

  /** Whether any intent is in one of these states (cheap: counted on every transition). */
  anyIn(...states: IntentState[]): boolean {
    return states.some((s) => this.stateCounts[s] > 0);
  }

  private count(state: IntentState | undefined, delta: number): void {
    if (state !== undefined) this.stateCounts[state] += delta;
  }

  /** What the intent's traffic may be using now: the `old` of its next change. */
  compiled(id: string): Compiled | undefined {
    return this.sequencer.heldCompiled(id) ?? this.compiledState.get(id);
  }

  /** Whether a make-before-break move of this intent waits for a device to confirm. */
  isHeld(id: string): boolean {
    return this.sequencer.isHeld(id);
  }

  /** Devices a held move waits for. */
  heldOn(id: string): readonly string[] {
    return this.sequencer.waitingOn(id);
  }

  /** A new record in state requested, persisted and published. */
  create(spec: IntentSpec): IntentRecord {
    const key = this.deps.store.nextKey();
    const at = this.now();
    const change: StateChange = { state: 'requested', at };
    const rec: IntentRecord = {
      id: intentIdOf(key),
      key,
      spec,
      state: 'requested',
      reason: undefined,
      paths: undefined,
      labels: undefined,
      reservedLinks: [],
      createdAt: at,
      updatedAt: at,
      history: [change],
    };
    this.records.set(rec.id, rec);
    this.count(rec.state, 1);
    this.deps.store.save(rec);
    this.publish(rec);
    return rec;
  }

  /**
   * Puts a record loaded from the store back in memory (restart), holding its tunnels and meter ids. A
   * record from before meters had their own ids polices with its labels as meter ids, as it did then.
   */
  restore(loaded: IntentRecord): void {
    const rec = legacyMeters(loaded);
    this.count(this.records.get(rec.id)?.state, -1);
    this.records.set(rec.id, rec);
    this.count(rec.state, 1);
    this.rules.restore(rec);
  }

  /**
   * Moves an intent to `state`, applying `changes`; persists the row and a history entry and publishes
   * the public view. A same-state call (failed -> failed with a new reason) is recorded the same way.
   */
  transition(
    id: string,
    state: IntentState,
    changes: Partial<Pick<IntentRecord, 'spec' | 'paths' | 'labels' | 'reservedLinks'>> = {},
    reason?: IntentFailure,
  ): IntentRecord {
    const cur = this.mustGet(id);
    assertTransition(id, cur.state, state);
    const at = this.now();
    const change: StateChange = reason ? { state, at, reason } : { state, at };
    // Every record has the same members (absent ones undefined): one object shape, no spreads.
    const next: IntentRecord = {
      id: cur.id,
      key: cur.key,
      spec: changes.spec ?? cur.spec,
      state,
      reason,
      paths: 'paths' in changes ? changes.paths : cur.paths,
      labels: 'labels' in changes ? changes.labels : cur.labels,
      reservedLinks: changes.reservedLinks ?? cur.reservedLinks,
      createdAt: cur.createdAt,
      updatedAt: at,
      history: appended(cur.history, change),
    };
    this.records.set(id, next);
    this.count(cur.state, -1);
    this.count(state, 1);
    const store = this.deps.store;
    if (cur.labels === next.labels) store.save(next);
    else
      store.transaction(() => {
        store.save(next);
        store.saveLabels(next.key, next.labels);
      });
    this.publish(next);
    return next;
  }

  /** Drops a withdrawn intent from memory and the store and tells subscribers it is gone. */
  forget(id: string): void {
    const rec = this.records.get(id);
    if (!rec) return;
    this.records.delete(id);
    this.count(rec.state, -1);
    this.compiledState.delete(id);
    this.sequencer.forget(id);
    this.deps.store.delete(rec.key);
    this.deps.bus.publish({ type: 'intent-removed', intentId: id });
  }

  resolve(spec: IntentSpec): { src: ResolvedEndpoint; dst: ResolvedEndpoint } {
    return { src: this.deps.resolver.resolve(spec.src), dst: this.deps.resolver.resolve(spec.dst) };
  }

  /** resolve() with an endpoint that cannot be resolved as an outcome, not an exception. */
  private tryResolve(
    spec: IntentSpec,
  ): { ok: true; ends: { src: ResolvedEndpoint; dst: ResolvedEndpoint } } | { ok: false; reason: IntentFailure } {
    try {
      return { ok: true, ends: this.resolve(spec) };
    } catch (err) {
      if (err instanceof SdncError)
        return { ok: false, reason: { code: 'unresolvable-endpoint', message: err.message, details: err.details } };
      throw err;
    }
  }

  /**
   * Resolve, plan, label, reserve and compile `spec` for `rec`, all synchronously. The intent's current
   * reservation is released first (its own bandwidth may be reused by the new paths) and restored when
   * admission fails, so a refused change leaves everything as it was. Every admission holds its tunnels
   * and meter ids anew (the same ones when nothing about them changed), so the old rules stay valid until
   * make-before-break gives the old holds back. Labels and meter ids are taken before the bandwidth: an
   * intent refused for lack of them never touches the ledger (whose changes are events that wake failed
   * intents up).
   */
  admit(rec: IntentRecord, spec: IntentSpec, fixedPaths?: IntentPaths, avoidNodes?: readonly string[]): AdmitResult {
    const resolved = this.tryResolve(spec);
    if (!resolved.ok) return resolved;
    const { ends } = resolved;
    const ledger = this.deps.ledger;
    const held = ledger.heldBy(rec.id);
    if (held.length > 0) ledger.release(rec.id);
    // At most two rounds: the second only when the first planned on residuals that lagged the batch's
    // own bookings (see BandwidthLedger.batch) and the ledger refused; it plans on the real ones.
    for (let round = 0; ; round++) {
      let paths = fixedPaths;
      if (!paths) {
        ledger.syncReleases?.(spec.bandwidthMbps);
        const plan = this.deps.planner.plan(spec, ends.src, ends.dst, avoidNodes);
        if (!plan.ok) {
          this.restoreHeld(rec, held);
          return plan;
        }
        paths = plan.paths;
      }
      const plans = this.rules.plan(ends, paths);
      if (!plans.ok) {
        this.restoreHeld(rec, held);
        return plans;
      }
      const taken = this.rules.take(rec, spec, plans);
      if (!taken.ok) {
        this.restoreHeld(rec, held);
        return taken;
      }
      const labels = taken.labels;
      const reservedLinks = spec.bandwidthMbps > 0 ? linksOfPaths(paths) : [];
      if (reservedLinks.length > 0) {
        const r = ledger.reserve(rec.id, reservedLinks, spec.bandwidthMbps);
        if (!r.ok) {
          this.freeLabels(rec.key, labels);
          if (round === 0 && !fixedPaths && ledger.syncTopology?.()) continue;
          this.restoreHeld(rec, held);
          return r;
        }
      }
      const compiled = this.rules.compile(rec.key, spec, ends, paths, labels, plans, this.compiled(rec.id));
      if (!compiled.ok) {
        this.freeLabels(rec.key, labels);
        ledger.release(rec.id);
        this.restoreHeld(rec, held);
        return compiled;
      }
      return { ok: true, admission: { paths, labels, reservedLinks, compiled: compiled.compiled } };
    }
  }

  /** Books again what an intent held before a refused admission (a method: admit runs for every intent). */
  private restoreHeld(rec: IntentRecord, held: readonly string[]): void {
    if (held.length > 0) this.deps.ledger.reserve(rec.id, held, rec.spec.bandwidthMbps);
  }

  /** Compiles known paths with known labels (restart reload: same rules as before the restart). */
  recompile(rec: IntentRecord): { ok: true; compiled: Compiled } | { ok: false; reason: IntentFailure } {
    if (!rec.paths || !rec.labels)
      return { ok: false, reason: { code: 'not-programmable', message: 'intent has no stored paths' } };
    const resolved = this.tryResolve(rec.spec);
    return resolved.ok ? this.rules.compile(rec.key, rec.spec, resolved.ends, rec.paths, rec.labels) : resolved;
  }

  /** Gives up everything an intent holds except its own rules (removed by install with next undefined). */
  releaseResources(rec: IntentRecord): void {
    this.deps.ledger.release(rec.id);
    if (rec.labels) this.freeLabels(rec.key, rec.labels);
  }

  /**
   * Gives back one admission's labels: its tunnel and ARP holds (the last holder's release removes their
   * rules with the next flush) and its meter ids.
   */
  freeLabels(key: number, labels: IntentLabels): void {
    this.rules.release(key, labels);
  }

  /**
   * Installs a set of changes make-before-break, all intents of the batch in step (see
   * InstallSequencer). A move whose devices do not all confirm a phase is held there; resumeHeld()
   * carries it on.
   */
  async install(changes: readonly InstallChange[]): Promise<void> {
    this.finish(await this.sequencer.run(changes));
  }

  /** Carries on held moves whose devices confirmed since. */
  async resumeHeld(): Promise<void> {
    this.finish(await this.sequencer.resume());
  }

  private finish(done: readonly FinishedChange[]): void {
    for (const { change: c } of done) {
      if (c.next) this.compiledState.set(c.id, c.next);
      else this.compiledState.delete(c.id);
    }
  }

  /** Sets the compiled state without phases (reload: the devices already have it). */
  adopt(id: string, compiled: Compiled): void {
    this.compiledState.set(id, compiled);
    const flows = this.deps.flows;
    for (const t of compiled.tunnels) {
      if (t.desired || t.rules === undefined) continue;
      flows.setDesired(t.owner, t.rules);
      t.desired = true;
    }
    flows.setDesired(id, merge(compiled));
    this.sequencer.adopted(id, compiled);
  }

  /** Whether every device an intent has rules on confirmed them; 'failed' with the first device error. */
  installStatus(id: string): 'done' | 'pending' | { device: string } {
    const flows = this.deps.flows;
    const own = ownerStatus(flows, id, this.sequencer.isHeld(id));
    if (own !== 'done' && own !== 'pending') return own;
    let pending = own === 'pending';
    for (const t of this.compiled(id)?.tunnels ?? NO_TUNNELS) {
      const s = this.tunnelStatus(t);
      if (s !== 'done' && s !== 'pending') return s;
      if (s === 'pending') pending = true;
    }
    return pending ? 'pending' : 'done';
  }

  /**
   * installStatus of a tunnel's own rules, kept until the current synchronous pass ends (the intents of
   * a batch riding one tunnel look at its devices once).
   */
  private tunnelStatus(t: SharedRules): 'done' | 'pending' | { device: string } {
    let s = this.tunnelStatuses.get(t);
    if (s === undefined) {
      s = ownerStatus(this.deps.flows, t.owner, false);
      if (this.tunnelStatuses.size === 0) queueMicrotask(() => this.tunnelStatuses.clear());
      this.tunnelStatuses.set(t, s);
    }
    return s;
  }

  isActive(rec: IntentRecord): boolean {
    return ACTIVE_STATES.has(rec.state);
  }

  private publish(rec: IntentRecord): void {
    this.deps.bus.publish(new IntentUpdatedEvent(rec));
  }
}

/** Whether every device `owner` has rules on confirmed them; the first device that refused them. */
function ownerStatus(flows: FlowService, owner: string, held: boolean): 'done' | 'pending' | { device: string } {
  const s = flows.ownerStatus(owner);
  return s === 'done' && held ? 'pending' : s;
}

const NO_TUNNELS: readonly SharedRules[] = [];

/**
 * The history `xs` with `x` after its last entry, in an array of exactly that length (a spread copy grows
 * its array as it iterates, push after a copy reallocates); only the latest HISTORY_KEPT entries when it
 * would grow past HISTORY_MAX.
 */
function appended(xs: readonly StateChange[], x: StateChange): StateChange[] {
  const n = xs.length;
  const from = n < HISTORY_MAX ? 0 : n - HISTORY_KEPT + 1;
  const out = new Array<StateChange>(n - from + 1);
  for (let i = from; i < n; i++) out[i - from] = xs[i];
  out[n - from] = x;
  return out;
}

/** The id the engine gives the intent with store key `key` (the idempotency record keeps the key only). */
export function intentIdOf(key: number): string {
  return `intent-${key}`;
}
