import { SdncError } from '../model/errors.js';
import type { ResolvedEndpoint } from './endpoint-resolver.js';
import { type InstallChange, IntentEngine, type IntentEngineDeps, intentIdOf } from './intent-engine.js';
import { IntentReactor } from './intent-reactor.js';
import { applyPatch, type IntentRequest, normalizeRequest, requestHash } from './intent-request.js';
import type { IntentPatch, IntentRecord, IntentSpec, IntentState, IntentView } from './intent-types.js';
import { INTENT_STATES, toView } from './intent-types.js';
import { LABEL_COUNT } from './label-allocator.js';
import { SerialQueue } from './serial-queue.js';
import { type TrafficClaim, TrafficRegistry } from './traffic-registry.js';

const asCreated = (intent: IntentView): SubmitOutcome => ({ intent, created: true });
const asRetry = (intent: IntentView): SubmitOutcome => ({ intent, created: false });

export interface IntentFilter {
  readonly state?: IntentState;
  /** An endpoint id, site id or address an intent names or resolved to. */
  readonly endpoint?: string;
  readonly priority?: number;
  readonly minPriority?: number;
}

export interface SubmitOptions {
  /** Idempotency-Key header: a retry with the same key and body returns the same intent. */
  readonly idempotencyKey?: string;
}

export interface SubmitOutcome {
  readonly intent: IntentView;
  /** False when an Idempotency-Key retry returned the intent created before. */
  readonly created: boolean;
}

type Ends = { src: ResolvedEndpoint; dst: ResolvedEndpoint };

interface PendingSubmit {
  readonly spec: IntentSpec;
  /** Endpoints and traffic as resolved when submitted; still valid at admission unless a node changed since. */
  readonly ends: Ends;
  readonly claim: TrafficClaim;
  readonly nodeEpoch: number;
  readonly idem?: { key: string; hash: string };
  readonly resolve: (v: IntentView) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The intent API used by REST and the CLI. Requests are validated synchronously (bad input throws a
 * catalogue error before anything is created); accepted work runs on one serial queue shared with the
 * reactor, and submits waiting in the queue are admitted together as one batch, so a burst of POSTs
 * costs one flow-service convergence per device, not one per request. Admission itself is synchronous,
 * so no two requests ever book the same bandwidth.
 */
/** What the intents use now (see IntentService.usage). */
export interface IntentUsage {
  readonly byState: Readonly<Record<IntentState, number>>;
  /** Label-switched tunnels in place (shared by the intents on the same paths to the same hosts). */
  readonly tunnels: number;
  /** VLAN labels held by tunnels (with their crankback labels), of labelsTotal. */
  readonly labelsUsed: number;
  readonly labelsTotal: number;
  /** Meter ids held, over all switches (each switch has MAX_METER_ID). */
  readonly metersUsed: number;
}

export class IntentService {
  private pending: PendingSubmit[] = [];
  private readonly idemInflight = new Map<string, { hash: string; promise: Promise<IntentView> }>();
  private readonly traffic = new TrafficRegistry();
  /** Counts node changes: endpoint resolution reads nodes only. */
  private nodeEpoch = 0;

  constructor(
    private readonly engine: IntentEngine,
    private readonly reactor: IntentReactor,
    private readonly queue: SerialQueue,
  ) {
    engine.deps.bus.subscribe(() => this.nodeEpoch++, ['node-added', 'node-updated', 'node-removed']);
  }

  /** Wires engine, reactor and service over one serial queue. */
  static create(deps: IntentEngineDeps): IntentService {
    const engine = new IntentEngine(deps);
    const queue = new SerialQueue();
    return new IntentService(engine, new IntentReactor(engine, deps.bus, queue), queue);
  }

  /** Reloads intents from the store and re-installs their stored paths (no recomputation). */
  async start(): Promise<void> {
    // Watching first: switches connecting during the reload are seen, their passes queue behind it.
    this.reactor.start();
    await this.queue.run(async () => {
      for (const rec of this.engine.deps.store.loadAll()) {
        this.engine.restore(rec);
        this.traffic.addReloaded(rec.id, this.engine, rec.spec);
      }
      await this.reactor.reload();
    });
  }

  stop(): void {
    this.reactor.stop();
  }

  /** Waits until everything queued so far has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue.run(async () => {});
  }

  /** What the intents use now, for metrics: intents per state, tunnels, their labels and meter ids. */
  usage(): IntentUsage {
    const e = this.engine;
    const byState = {} as Record<IntentState, number>;
    for (const s of INTENT_STATES) byState[s] = e.countIn(s);
    return {
      byState,
      tunnels: e.rules.tunnels.size,
      labelsUsed: e.deps.labels.used,
      labelsTotal: LABEL_COUNT,
      metersUsed: e.rules.meters.used,
    };
  }

  list(filter: IntentFilter = {}): IntentView[] {
    return this.engine
      .all()
      .filter((r) => this.matches(r, filter))
      .sort((a, b) => a.key - b.key)
      .map(toView);
  }

  get(id: string): IntentView {
    return toView(this.engine.mustGet(id));
  }

  submit(request: IntentRequest, options: SubmitOptions = {}): Promise<SubmitOutcome> {
    const spec = normalizeRequest(request);
    const key = options.idempotencyKey;
    if (key === undefined) return this.enqueue(spec).then(asCreated);
    const hash = requestHash(request);
    const inflight = this.idemInflight.get(key);
    if (inflight) {
      if (inflight.hash !== hash) throw new SdncError('SDNC_ERR_IDEMPOTENCY_MISMATCH', { key });
      return inflight.promise.then(asRetry);
    }
    const stored = this.engine.deps.store.findIdempotency(key);
    if (stored) {
      if (stored.bodyHash !== hash) throw new SdncError('SDNC_ERR_IDEMPOTENCY_MISMATCH', { key });
      const id = intentIdOf(stored.intentKey);
      const found = this.engine.get(id);
      if (!found) throw new SdncError('SDNC_ERR_INTENT_NOT_FOUND', { id });
      return Promise.resolve(asRetry(toView(found)));
    }
    const promise = this.enqueue(spec, { key, hash });
    this.idemInflight.set(key, { hash, promise });
    const done = () => this.idemInflight.delete(key);
    promise.then(done, done);
    return promise.then(asCreated);
  }

  /** Many intents admitted as one batch (one convergence pass). Invalid input rejects the whole batch. */
  async submitBatch(requests: readonly IntentRequest[]): Promise<IntentView[]> {
    const specs = requests.map(normalizeRequest);
    return Promise.all(specs.map((s) => this.enqueue(s)));
  }

  /** Make-before-break change; refused (422, intent unchanged) when the new spec does not fit. */
  patch(id: string, patch: IntentPatch): Promise<IntentView> {
    const spec = applyPatch(this.engine.mustGet(id).spec, patch);
    return this.queue.run(async () => this.durable(toView(await this.reactor.change(id, spec))));
  }

  /** Removes the rules, then releases the bandwidth and frees the labels. */
  withdraw(id: string): Promise<IntentView> {
    this.engine.mustGet(id);
    return this.queue.run(async () => {
      const rec = this.engine.get(id);
      if (!rec) throw new SdncError('SDNC_ERR_INTENT_NOT_FOUND', { id });
      if (rec.state === 'withdrawing' || rec.state === 'withdrawn') return toView(rec);
      this.engine.transition(id, 'withdrawing');
      const change: InstallChange = { id, old: this.engine.compiled(id) };
      await this.engine.install([change]);
      const current = this.engine.mustGet(id);
      this.engine.releaseResources(current);
      const done = this.engine.transition(id, 'withdrawn', { reservedLinks: [], labels: undefined });
      this.engine.forget(id);
      this.traffic.remove(id);
      this.reactor.capacityFreed();
      return this.durable(toView(done));
    });
  }

  private enqueue(spec: IntentSpec, idem?: { key: string; hash: string }): Promise<IntentView> {
    // Resolution errors (unknown endpoint, address nobody owns) and duplicates are the caller's, now.
    const ends = this.engine.resolve(spec);
    const claim = this.traffic.claim(ends, spec);
    const nodeEpoch = this.nodeEpoch;
    return new Promise<IntentView>((resolve, reject) => {
      this.pending.push({ spec, ends, claim, nodeEpoch, idem, resolve, reject });
      if (this.pending.length === 1) void this.queue.run(() => this.drain());
    });
  }

  /**
   * Admits every submit waiting, as one batch. The queue turn starts with one I/O turn, so that requests
   * arriving together (concurrent clients) are admitted together. Each is checked again for duplicates
   * (an earlier one of the same batch may claim the same traffic) and, if a node changed since it was
   * submitted, resolved again. Each is answered once its transitions are in the database.
   */
  private async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const batch = this.pending;
    this.pending = [];
    const created: { rec: IntentRecord; p: PendingSubmit }[] = [];
    const store = this.engine.deps.store;
    store.transaction(() => {
      for (const p of batch) {
        try {
          let { ends, claim } = p;
          if (p.nodeEpoch === this.nodeEpoch) this.traffic.check(claim);
          else {
            ends = this.engine.resolve(p.spec);
            claim = this.traffic.claim(ends, p.spec);
          }
          const rec = this.engine.create(p.spec);
          this.traffic.add(rec.id, ends, claim);
          if (p.idem) store.saveIdempotency(p.idem.key, p.idem.hash, rec.key);
          created.push({ rec, p });
        } catch (err) {
          p.reject(err);
        }
      }
    });
    try {
      await this.reactor.admitNew(created.map((c) => c.rec.id));
    } finally {
      let unwritten: unknown;
      try {
        store.flush();
      } catch (err) {
        unwritten = err;
      }
      for (const c of created) {
        if (unwritten === undefined) c.p.resolve(toView(this.engine.get(c.rec.id) ?? c.rec));
        else c.p.reject(unwritten);
      }
    }
  }

  /**
   * Everything changed so far is in the database before a caller hears about it (the store commits
   * once per turn; this commits now). Throws when the write fails: the caller learns it was not stored.
   */
  private durable<T>(value: T): T {
    this.engine.deps.store.flush();
    return value;
  }

  private matches(r: IntentRecord, f: IntentFilter): boolean {
    if (f.state !== undefined && r.state !== f.state) return false;
    if (f.priority !== undefined && r.spec.priority !== f.priority) return false;
    if (f.minPriority !== undefined && r.spec.priority < f.minPriority) return false;
    if (f.endpoint !== undefined && !this.traffic.involves(r.id, r.spec, f.endpoint)) return false;
    return true;
  }
}
