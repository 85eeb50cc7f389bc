import type { EventBus } from '../events/event-bus.js';
import { SdncError } from '../model/errors.js';
import { type ControllerEvent, TOPOLOGY_EVENT_TYPES } from '../model/events.js';
import type { TopoLink } from '../model/topology.js';
import { CapacityWatch, improved, linkBaseline } from './capacity-watch.js';
import { DataPlaneHealth } from './data-plane-health.js';
import { holdingsOf, type InstallChange, type IntentEngine } from './intent-engine.js';
import type { DirectionPaths, IntentFailure, IntentPaths, IntentRecord, IntentSpec } from './intent-types.js';
import { admitWithPreemption } from './preemption.js';
import { assess, isDegraded, onlyBooked, onlyReleased, samePaths, type Verdict } from './reaction-rules.js';
import type { SerialQueue } from './serial-queue.js';

/**
 * Everything that moves intents between states: admission of new intents, make-before-break changes,
 * and the reaction to the network. A data-plane failure on a path (see DataPlaneHealth: a switch out
 * of the controller's reach is not one, it keeps forwarding): protected intents whose backup survives
 * become degraded at once (the fast-failover group already moved the traffic) and get a new backup;
 * the others are rerouted make-before-break, over switches the controller can program right now. Capacity returning (link up, capacity raised, bandwidth released)
 * retries failed intents. Whenever not everything fits, higher priority goes first, and an intent that
 * allows preemption may displace lower-priority ones. All work runs on the service's serial queue.
 */
export class IntentReactor {
  /** Links as last seen: their baseline, and to tell a booking (only reservedMbps grew) from any other change. */
  private readonly links = new Map<string, TopoLink>();
  private readonly watch: CapacityWatch;
  private failureQueued = false;
  private retryQueued = false;
  private settleQueued = false;
  private readonly awaiting = new Set<string>();
  private unsubscribers: (() => void)[] = [];
  private health?: DataPlaneHealth;

  constructor(
    private readonly engine: IntentEngine,
    private readonly bus: EventBus,
    private readonly queue: SerialQueue,
  ) {
    this.watch = new CapacityWatch(engine.deps.topology, {
      get labelsFree() {
        return engine.deps.labels.free;
      },
      metersFreedSinceMark: () => engine.rules.meters.freedSinceMark(),
      markMeters: () => engine.rules.meters.markUse(),
    });
  }

  /** Starts watching the network; call before reload() so the start-up grace counts from here. */
  start(): void {
    const deps = this.engine.deps;
    this.health = new DataPlaneHealth(deps.topology, {
      startupGraceMs: deps.startupGraceMs,
      linkConfirmMs: deps.linkConfirmMs,
      now: this.engine.now,
      onDeadline: () => this.schedule('failure'),
    });
    this.links.clear();
    for (const l of deps.topology.links()) this.links.set(l.id, l);
    // Every change of the network reaches onEvent, which invalidates the plans it may improve.
    deps.planner.keepAcrossPasses();
    this.unsubscribers.push(this.bus.subscribe(({ event }) => this.onEvent(event), TOPOLOGY_EVENT_TYPES));
    this.unsubscribers.push(
      this.engine.deps.flows.subscribe(() => {
        if (this.awaiting.size > 0) this.schedule('settle');
      }),
    );
  }

  stop(): void {
    for (const u of this.unsubscribers.splice(0)) u();
    this.health?.stop();
  }

  private get dataPlane(): DataPlaneHealth {
    if (!this.health) throw new Error('intent reactor is not started');
    return this.health;
  }

  /** Tell the reactor bandwidth was given back (a withdraw): failed intents may fit now. */
  capacityFreed(): void {
    this.schedule('retry');
  }

  /** Admits freshly created intents, highest priority first, and installs them in one pass. */
  async admitNew(ids: readonly string[]): Promise<void> {
    const changes: InstallChange[] = [];
    this.batch(() =>
      this.engine.deps.planner.pass(() => {
        for (const rec of this.byPriority(ids)) {
          this.admitInto(this.engine.transition(rec.id, 'compiling'), rec.spec, changes, 'installing');
        }
      }),
    );
    this.watch.mark();
    await this.apply(changes);
  }

  /** PATCH: new spec make-before-break. Throws SDNC_ERR_NO_PATH (intent unchanged) when it does not fit. */
  async change(id: string, spec: IntentSpec): Promise<IntentRecord> {
    const rec = this.engine.mustGet(id);
    if (rec.state === 'withdrawing' || rec.state === 'withdrawn') {
      throw new SdncError('SDNC_ERR_INTENT_CONFLICT', { id, state: rec.state });
    }
    if (!this.engine.isActive(rec)) {
      // A failed intent just takes the new spec and is retried with it.
      this.engine.transition(id, 'failed', { spec }, rec.reason);
      await this.retryFailed({ only: [id] });
      return this.engine.mustGet(id);
    }
    const { result, victims } = admitWithPreemption(this.engine, rec, spec, undefined, this.dataPlane.unreachableNodes());
    this.watch.mark();
    if (!result.ok) {
      throw new SdncError('SDNC_ERR_NO_PATH', {
        reason: `change refused, intent unchanged: ${result.reason.message}`,
        code: result.reason.code,
      });
    }
    const changes: InstallChange[] = [];
    this.preempt(victims, rec, changes);
    this.engine.transition(id, 'rerouting', { spec, ...holdingsOf(result.admission) });
    changes.push({ id, old: this.engine.compiled(id), next: result.admission.compiled, retiredLabels: rec.labels });
    await this.apply(changes);
    return this.engine.mustGet(id);
  }

  /** Restart: re-reserve stored paths and re-install the same rules (same labels); no recomputation. */
  async reload(): Promise<void> {
    const fresh: string[] = [];
    for (const rec of this.engine.all()) {
      if (rec.state === 'requested' || rec.state === 'compiling') {
        fresh.push(rec.id);
      } else if (rec.state === 'withdrawing') {
        this.engine.deps.flows.removeDesired(rec.id);
        this.engine.releaseResources(rec);
        this.engine.transition(rec.id, 'withdrawn', { reservedLinks: [], labels: undefined });
        this.engine.forget(rec.id);
      } else if (this.engine.isActive(rec)) {
        const compiled = this.engine.recompile(rec);
        const reserved =
          rec.reservedLinks.length === 0 || this.engine.deps.ledger.reserve(rec.id, rec.reservedLinks, rec.spec.bandwidthMbps).ok;
        if (compiled.ok) this.engine.adopt(rec.id, compiled.compiled);
        if (!compiled.ok || !reserved) this.awaiting.add(rec.id);
        if (rec.state === 'installing' || rec.state === 'rerouting') this.awaiting.add(rec.id);
      }
    }
    await this.engine.deps.flows.flush();
    for (const id of fresh) {
      const rec = this.engine.mustGet(id);
      if (rec.state === 'compiling')
        this.engine.transition(id, 'failed', {}, { code: 'install-failed', message: 'interrupted by a restart' });
    }
    await this.admitNew(fresh.filter((id) => this.engine.get(id)?.state === 'requested'));
    await this.reactToFailures(true);
    await this.settle();
    await this.retryFailed({ force: true });
  }

  private onEvent(e: ControllerEvent): void {
    this.dataPlane.observe(e);
    const planner = this.engine.deps.planner;
    if (e.type === 'link-updated') {
      const link = e.link;
      const before = this.links.get(link.id);
      this.links.set(link.id, link);
      this.watch.linkChanged(link.id, before);
      // A booking only takes bandwidth away (admission publishes one per booked link): kept plans stay
      // valid, nothing broke and nothing grew. The store marks a change of the reservation alone; any
      // other change is compared member by member.
      if (before !== undefined && (e.reservedOnly ? link.reservedMbps >= before.reservedMbps : onlyBooked(before, link))) return;
      // Bandwidth given back changes kept plans only where a plan may have left the link out for lack
      // of it (a reroute releases every moved intent's old links before it plans the next one).
      if (before !== undefined && (e.reservedOnly || onlyReleased(before, link))) planner.released(before);
      // Anything else may improve on kept plans.
      else planner.invalidate();
      const prev = before && linkBaseline(before);
      const now = linkBaseline(link);
      if (prev?.usable && !now.usable) this.schedule('failure');
      // Only a hint: the retry pass itself decides, net, whether anything grew (CapacityWatch).
      else if (!prev || improved(prev, now)) this.schedule('retry');
    } else if (e.type === 'link-removed' || e.type === 'node-removed') {
      planner.invalidate();
      if (e.type === 'link-removed') this.links.delete(e.id);
      this.schedule('failure');
    } else if (e.type === 'node-updated') {
      planner.invalidate();
      // A disconnect may hold a move that waits for the switch; a connect may confirm a failure.
      this.schedule('failure');
      if (e.node.operUp) {
        this.watch.added();
        this.schedule('retry');
      }
    } else if (e.type === 'link-added' || e.type === 'node-added') {
      planner.invalidate();
      if (e.type === 'link-added') this.links.set(e.link.id, e.link);
      this.watch.added();
      this.schedule('retry');
    }
  }

  private schedule(what: 'failure' | 'retry' | 'settle'): void {
    const report = (err: unknown) => this.engine.deps.onError?.(err, `intent ${what} pass`);
    if (what === 'failure' && !this.failureQueued) {
      this.failureQueued = true;
      this.queue.run(() => this.reactToFailures(false)).catch(report);
    } else if (what === 'retry' && !this.retryQueued && this.engine.anyIn('failed', 'degraded')) {
      this.retryQueued = true;
      this.queue.run(() => this.retryFailed()).catch(report);
    } else if (what === 'settle' && !this.settleQueued) {
      this.settleQueued = true;
      this.queue.run(() => this.settle()).catch(report);
    }
  }

  /**
   * Finds active intents whose paths cross a data-plane failure and repairs them: failover to the
   * backup (degraded) where it survives, reroute otherwise, re-protection where only a backup broke.
   * A move held for a switch that went out of reach is planned again around it.
   */
  private async reactToFailures(all: boolean): Promise<void> {
    this.failureQueued = false;
    const candidates = all ? this.engine.all() : this.engine.all().filter((r) => r.paths !== undefined);
    const changes: InstallChange[] = [];
    this.batch(() => this.repairFailures(candidates, changes));
    this.watch.mark();
    await this.apply(changes);
  }

  private repairFailures(candidates: readonly IntentRecord[], changes: InstallChange[]): void {
    const health = this.dataPlane;
    const linkDown = (id: string) => health.linkBroken(id);
    const nodeDown = (id: string) => health.nodeBroken(id);
    // Intents planned together share their path objects: each path is judged once per pass.
    const judged = new Map<DirectionPaths['primary'], boolean>();
    const broken = (p: DirectionPaths['primary']): boolean => {
      let b = judged.get(p);
      if (b === undefined) {
        b = p.links.some(linkDown) || p.nodes.some(nodeDown);
        judged.set(p, b);
      }
      return b;
    };
    const work: { rec: IntentRecord; kind: 'reroute' | 'reprotect' }[] = [];
    for (const rec of this.byPriority(candidates.filter((r) => this.engine.isActive(r) && r.paths).map((r) => r.id))) {
      const stranded = this.engine.isHeld(rec.id) && this.engine.heldOn(rec.id).some((d) => !health.deviceReachable(d));
      const verdict: Verdict = stranded ? { kind: 'reroute' } : assess(rec.paths!, broken);
      if (verdict.kind === 'ok') continue;
      if (verdict.kind === 'failover') {
        this.engine.transition(rec.id, 'degraded', { paths: verdict.paths });
        work.push({ rec: this.engine.mustGet(rec.id), kind: 'reprotect' });
      } else if (verdict.kind === 'reprotect') {
        work.push({ rec, kind: 'reprotect' });
      } else {
        // Broken beyond repair: its bandwidth goes back to the pool before anyone is re-admitted.
        this.engine.deps.ledger.release(rec.id);
        work.push({ rec, kind: 'reroute' });
      }
    }
    this.engine.deps.planner.pass(() => {
      for (const { rec, kind } of work) {
        const cur = this.engine.mustGet(rec.id);
        if (!this.engine.isActive(cur)) continue; // preempted by a higher-priority reroute of this pass
        if (kind === 'reroute') this.admitInto(cur, cur.spec, changes, 'rerouting');
        else this.reprotect(cur, changes);
      }
    });
  }

  /**
   * Re-installs an intent on the paths that work: the one carrying traffic becomes the primary, with a
   * new backup where one exists. Without a backup it runs unprotected (degraded), but every ingress now
   * sends on the working path (the far end's fast-failover group cannot see a remote failure).
   */
  private reprotect(rec: IntentRecord, changes: InstallChange[]): void {
    const planner = this.engine.deps.planner;
    // Backups are planned here, outside admit: bandwidth released in this pass must be visible to them.
    this.engine.deps.ledger.syncReleases?.();
    const working = (d: DirectionPaths) => (d.active === 'backup' && d.backup ? d.backup : d.primary);
    const redo = (d: DirectionPaths, withBackup: boolean): DirectionPaths => {
      const w = working(d);
      const backup = withBackup ? planner.backupFor(rec.spec, w, this.dataPlane.unreachableNodes()) : undefined;
      return { primary: w, ...(backup ? { backup } : {}), active: 'primary' };
    };
    const paths = rec.paths!;
    const plan = (withBackup: boolean): IntentPaths => ({
      forward: redo(paths.forward, withBackup),
      ...(paths.reverse ? { reverse: redo(paths.reverse, withBackup) } : {}),
    });
    const protectedPaths = plan(true);
    const same = samePaths(protectedPaths, paths);
    if (same) return;
    let outcome = admitWithPreemption(this.engine, rec, rec.spec, protectedPaths);
    if (!outcome.result.ok) {
      const bare = plan(false);
      if (samePaths(bare, paths)) return;
      outcome = { result: this.engine.admit(rec, rec.spec, bare), victims: [] };
    }
    const { result, victims } = outcome;
    if (!result.ok) return;
    this.preempt(victims, rec, changes);
    this.engine.transition(rec.id, 'rerouting', holdingsOf(result.admission));
    changes.push({ id: rec.id, old: this.engine.compiled(rec.id), next: result.admission.compiled, retiredLabels: rec.labels });
  }

  /**
   * Failed intents, highest priority first, admitted when they fit now; unchanged when they still do
   * not. A pass over all of them (no `only`) runs only when the network offers more than at the last
   * admission pass (CapacityWatch: a booking rolled back by an admission that never completed is no
   * growth) or when `force`d (restart). Passes run on the serial queue, so they never overlap, and the
   * events of one pass queue at most one more, which finds nothing grew unless something was released.
   */
  private async retryFailed(opts: { readonly only?: readonly string[]; readonly force?: boolean } = {}): Promise<void> {
    const only = opts.only;
    if (!only) {
      this.retryQueued = false;
      if (!this.watch.take() && !opts.force) return;
    }
    const ids =
      only ??
      this.engine
        .all()
        .filter((r) => r.state === 'failed')
        .map((r) => r.id);
    const changes: InstallChange[] = [];
    this.batch(() => this.retryPass(ids, !only, changes));
    this.watch.mark();
    await this.apply(changes);
  }

  private retryPass(ids: readonly string[], all: boolean, changes: InstallChange[]): void {
    this.engine.deps.planner.pass(() => {
      for (const rec of this.byPriority(ids)) {
        const cur = this.engine.mustGet(rec.id);
        if (cur.state !== 'failed') continue;
        const { result, victims } = admitWithPreemption(this.engine, cur, cur.spec);
        if (!result.ok) {
          if (!all) this.engine.transition(cur.id, 'failed', {}, result.reason);
          continue;
        }
        this.preempt(victims, cur, changes);
        this.engine.transition(cur.id, 'compiling');
        this.engine.transition(cur.id, 'installing', holdingsOf(result.admission));
        changes.push({ id: cur.id, next: result.admission.compiled });
      }
    });
    // Degraded intents may find a new backup now.
    if (all)
      for (const rec of this.byPriority(
        this.engine
          .all()
          .filter((r) => r.state === 'degraded')
          .map((r) => r.id),
      ))
        this.reprotect(rec, changes);
  }

  /** One admission pass with the topology's bookings applied once at its end (see BandwidthLedger.batch). */
  private batch(fn: () => void): void {
    const ledger = this.engine.deps.ledger;
    if (ledger.batch) ledger.batch(fn);
    else fn();
  }

  /** Admission of one intent already in compiling/rerouting; appends its install change or fails it. */
  private admitInto(rec: IntentRecord, spec: IntentSpec, changes: InstallChange[], onSuccess: 'installing' | 'rerouting'): void {
    // A move must not rely on a switch that cannot confirm its rules; a fresh install may wait for one.
    const avoid = onSuccess === 'rerouting' ? this.dataPlane.unreachableNodes() : undefined;
    const { result, victims } = admitWithPreemption(this.engine, rec, spec, undefined, avoid);
    if (result.ok) {
      this.preempt(victims, rec, changes);
      const old = this.engine.compiled(rec.id);
      this.engine.transition(rec.id, onSuccess, holdingsOf(result.admission));
      changes.push({ id: rec.id, old, next: result.admission.compiled, retiredLabels: rec.labels });
    } else {
      this.fail(rec, result.reason, changes);
    }
  }

  private preempt(victims: readonly IntentRecord[], by: IntentRecord, changes: InstallChange[]): void {
    for (const v of victims) {
      this.fail(
        this.engine.mustGet(v.id),
        { code: 'preempted', message: `preempted by ${by.id} (priority ${by.spec.priority} > ${v.spec.priority})` },
        changes,
      );
    }
  }

  /** Fails an intent: its rules go, its bandwidth and labels are given back. */
  private fail(rec: IntentRecord, reason: IntentFailure, changes: InstallChange[]): void {
    this.engine.deps.ledger.release(rec.id);
    const old = this.engine.compiled(rec.id);
    this.engine.transition(rec.id, 'failed', { paths: undefined, labels: undefined, reservedLinks: [] }, reason);
    this.awaiting.delete(rec.id);
    if (old || this.engine.deps.flows.devicesOf(rec.id).length > 0) changes.push({ id: rec.id, old, retiredLabels: rec.labels });
    else if (rec.labels) this.engine.freeLabels(rec.key, rec.labels);
  }

  private async apply(changes: InstallChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.engine.install(changes);
    for (const c of changes) if (c.next) this.awaiting.add(c.id);
    await this.settle();
    // Old labels are freed once make-before-break finished: intents waiting for labels may fit now.
    if (this.watch.labelsGrew()) this.schedule('retry');
  }

  /**
   * Intents waiting for their devices: held moves carried on where their devices confirmed, then
   * installed (or degraded) once everything is confirmed, failed on a device error.
   */
  private async settle(): Promise<void> {
    this.settleQueued = false;
    await this.engine.resumeHeld();
    const changes: InstallChange[] = [];
    for (const id of [...this.awaiting]) {
      const rec = this.engine.get(id);
      if (!rec || (rec.state !== 'installing' && rec.state !== 'rerouting')) {
        this.awaiting.delete(id);
        continue;
      }
      const status = this.engine.installStatus(id);
      // A device that dropped its connection did not refuse anything: it is converged when it is back.
      if (status === 'pending' || (status !== 'done' && !this.dataPlane.deviceReachable(status.device))) continue;
      this.awaiting.delete(id);
      if (status === 'done') {
        this.engine.transition(id, isDegraded(rec) ? 'degraded' : 'installed');
      } else {
        this.fail(
          rec,
          { code: 'install-failed', message: `device ${status.device} refused the rules`, details: status },
          changes,
        );
      }
    }
    if (changes.length > 0) await this.engine.install(changes);
  }

  private byPriority(ids: readonly string[]): IntentRecord[] {
    return ids.map((id) => this.engine.mustGet(id)).sort((a, b) => b.spec.priority - a.spec.priority || a.key - b.key);
  }
}
