import type { FlowService } from '../flow/flow-service.js';
import type { DeviceState, FlowRule } from '../model/flow.js';
import type { IntentLabels } from './intent-types.js';
import type { SharedRules } from './tunnel-registry.js';

/** An intent's compiled rules, split so make-before-break can switch the ingress last. */
export interface Compiled {
  /** Ingress classification rules: the only rules that decide which path traffic takes. */
  readonly ingress: readonly FlowRule[];
  /** The intent's other entries: its meters (and, compiled on their own, any other rules and groups). */
  readonly rest: DeviceState;
  /**
   * Shared rules the intent relies on: the tunnels its ingress pushes onto (their transit and egress
   * rules are the tunnels' own) and the ARP classifiers onto them.
   */
  readonly tunnels: readonly SharedRules[];
}

/** One intent moving from what it had installed (`old`) to `next`, or being removed (`next` undefined). */
export interface InstallChange {
  readonly id: string;
  readonly old?: Compiled;
  readonly next?: Compiled;
  /** Labels (tunnel holds, meter ids) to give back once the ingress no longer uses them. */
  readonly retiredLabels?: IntentLabels;
}

/** A change whose rules are all in place (or all gone): what it had installed before can be forgotten. */
export interface FinishedChange {
  readonly change: InstallChange;
}

/**
 * Gives back what an intent held for rules it no longer uses (see InstallSequencer): tunnel holds, whose
 * last release removes the tunnel's rules in the same flush, and meter ids.
 */
export type Retire = (id: string, labels: readonly IntentLabels[]) => void;

interface Phase {
  /** How the owner's state changes in this phase, in parts (see FlowService.changeDesired). */
  readonly add: readonly DeviceState[];
  readonly remove: readonly DeviceState[];
  /**
   * The whole state after this phase, `base` merged with `more` (nothing without `base`): set instead
   * of the delta when the starting state is not known.
   */
  readonly base: Compiled | undefined;
  readonly more: readonly DeviceState[];
  /** The devices of these entries must confirm this phase before the next one may start. */
  readonly confirm: readonly DeviceState[];
  /** And so must the devices of these tunnels. */
  readonly confirmTunnels: readonly SharedRules[];
  /** Tunnels whose rules must be in the flow service from this phase on. */
  readonly tunnels: readonly SharedRules[];
  /** Whether the retired labels are given back in this phase (the last one). */
  readonly retire: boolean;
}

interface Run {
  readonly change: InstallChange;
  readonly phases: readonly Phase[];
  /** Index of the phase to run next. */
  at: number;
  retired: IntentLabels[];
  /** The flow service's desiredVersion of the intent right after this run last changed it. */
  version: number;
}

type Flows = Pick<FlowService, 'setDesired' | 'changeDesired' | 'flush' | 'isConverged' | 'desiredVersion'>;

/**
 * Make-before-break installation. A move runs in three phases, all intents of a batch in step:
 * (A) the new tunnels' rules (where no other intent put them already) and meters next to the old ones;
 * (B) ingress switched to the new label, old tunnels still in place for packets in flight; (C) the old
 * labels given back: a tunnel whose last holder that was has its rules removed.
 * A phase only starts once every device the previous phase changed has confirmed it (the flow
 * service converged it: Driver.apply resolved after the device's barrier reply). A device that is
 * not connected, or refused the batch, holds the move where it is - the ingress never moves onto a
 * path that is not completely installed, and old transit rules never go while an ingress may still
 * use them - and `resume()` carries it on once the device confirmed. A new change of a held intent
 * starts from the state the devices may be in.
 */
export class InstallSequencer {
  private readonly held = new Map<string, Run>();
  /**
   * What each intent's rules in the flow service are, as of the desiredVersion noted with them: while
   * that version holds, the first phase of the intent's next change is a delta from these rules
   * instead of a replacement of its whole state (which would compare every old rule again).
   */
  private readonly installed = new Map<string, { readonly compiled: Compiled; readonly version: number }>();
  /**
   * Counts flushes and resumes: a tunnel whose devices were all converged in this epoch is not looked
   * at again for the other intents of the batch that ride it (see Tunnel.confirmedAt).
   */
  private epoch = 0;

  constructor(
    private readonly flows: Flows,
    private readonly retire: Retire,
  ) {}

  /**
   * Drops what the sequencer remembers of an intent that is gone (withdrawn, forgotten by the engine):
   * a move still held for a device and the rules it last installed.
   */
  forget(id: string): void {
    this.held.delete(id);
    this.installed.delete(id);
  }

  /** Whether a move of this intent waits for a device. */
  isHeld(id: string): boolean {
    return this.held.has(id);
  }

  /** The devices a held move waits for. */
  waitingOn(id: string): readonly string[] {
    const r = this.held.get(id);
    if (!r) return [];
    const phase = r.phases[r.at - 1];
    const devices = new Set(devicesOf(phase.confirm));
    for (const t of phase.confirmTunnels) for (const d of t.devices) devices.add(d);
    return [...devices].filter((d) => !this.flows.isConverged(d));
  }

  /**
   * What a held intent's traffic may be using, as the `old` of a later change: the old rules while
   * the new path is being built, old and new once the ingress may have moved.
   */
  heldCompiled(id: string): Compiled | undefined {
    const r = this.held.get(id);
    if (!r) return undefined;
    const { old, next } = r.change;
    if (r.at <= 1 || !old || !next) return old;
    return { ingress: next.ingress, rest: next.rest, tunnels: [...next.tunnels, ...old.tunnels] };
  }

  /** Runs changes as far as the devices confirm; returns the ones that finished. */
  async run(changes: readonly InstallChange[]): Promise<FinishedChange[]> {
    const runs = changes.map((c) => {
      const before = this.held.get(c.id);
      this.held.delete(c.id);
      const retired = [...(c.retiredLabels ? [c.retiredLabels] : []), ...(before?.retired ?? [])];
      return { change: c, phases: phasesOf(c), at: 0, retired, version: 0 };
    });
    return this.step(runs);
  }

  /** Carries on held moves whose devices have confirmed since; returns the ones that finished. */
  async resume(): Promise<FinishedChange[]> {
    this.epoch++;
    const ready = [...this.held.values()].filter((r) => this.confirmed(r.phases[r.at - 1]));
    for (const r of ready) this.held.delete(r.change.id);
    return ready.length > 0 ? this.step(ready) : [];
  }

  private async step(runs: Run[]): Promise<FinishedChange[]> {
    const finished: FinishedChange[] = [];
    let active = runs;
    while (active.length > 0) {
      for (const r of active) {
        // A phase after the first starts from the previous phase's state, which this run set itself;
        // the first one from the change's `old` when that is what the intent has.
        const phase = r.phases[r.at];
        const id = r.change.id;
        for (const t of phase.tunnels) {
          if (t.desired || t.rules === undefined) continue;
          this.flows.setDesired(t.owner, t.rules);
          t.desired = true;
        }
        if (r.at > 0 || this.has(id, r.change.old)) {
          if (phase.add.length > 0 || phase.remove.length > 0) this.flows.changeDesired(id, phase.add, phase.remove);
        } else this.flows.setDesired(id, phase.base === undefined ? NOTHING : merge(phase.base, ...phase.more));
        r.version = this.flows.desiredVersion(id);
        if (phase.retire && r.retired.length > 0) {
          this.retire(id, r.retired);
          r.retired = [];
        }
      }
      await this.flows.flush();
      this.epoch++;
      const next: Run[] = [];
      for (const r of active) {
        const phase = r.phases[r.at];
        r.at++;
        if (r.at === r.phases.length) {
          const { id, next } = r.change;
          if (next) this.installed.set(id, { compiled: next, version: r.version });
          else this.installed.delete(id);
          finished.push({ change: r.change });
        } else if (this.confirmed(phase)) next.push(r);
        else this.held.set(r.change.id, r);
      }
      active = next;
    }
    return finished;
  }

  /** Notes that the intent's rules were set to `compiled` without phases (see IntentEngine.adopt). */
  adopted(id: string, compiled: Compiled): void {
    this.installed.set(id, { compiled, version: this.flows.desiredVersion(id) });
  }

  /** Whether exactly the rules of `compiled` (nothing when undefined) are what the intent has in the flow service. */
  private has(id: string, compiled: Compiled | undefined): boolean {
    const version = this.flows.desiredVersion(id);
    if (compiled === undefined) return version === 0;
    const i = this.installed.get(id);
    return version !== 0 && i !== undefined && i.compiled === compiled && i.version === version;
  }

  private confirmed(phase: Phase): boolean {
    // Entry by entry, with the previous entry's device skipped: no device list to build.
    let last: string | undefined;
    const parts = phase.confirm;
    for (let p = 0; p < parts.length; p++) {
      const { flows, groups, meters } = parts[p];
      for (let i = 0; i < flows.length; i++) {
        const d = flows[i].device;
        if (d === last) continue;
        last = d;
        if (!this.flows.isConverged(d)) return false;
      }
      for (let i = 0; i < groups.length; i++) {
        const d = groups[i].device;
        if (d === last) continue;
        last = d;
        if (!this.flows.isConverged(d)) return false;
      }
      for (let i = 0; i < meters.length; i++) {
        const d = meters[i].device;
        if (d === last) continue;
        last = d;
        if (!this.flows.isConverged(d)) return false;
      }
    }
    const tunnels = phase.confirmTunnels;
    for (let t = 0; t < tunnels.length; t++) {
      const tunnel = tunnels[t];
      if (tunnel.confirmedAt === this.epoch) continue;
      const devices = tunnel.devices;
      for (let i = 0; i < devices.length; i++) if (!this.flows.isConverged(devices[i])) return false;
      tunnel.confirmedAt = this.epoch;
    }
    return true;
  }
}

export function merge(c: Compiled, ...more: DeviceState[]): DeviceState {
  // The common case, a new intent's own rules: its ingress flows and the rest's entries as they are.
  if (more.length === 0 && c.rest.flows.length === 0) return { flows: c.ingress, groups: c.rest.groups, meters: c.rest.meters };
  return {
    flows: [...c.ingress, ...c.rest.flows, ...more.flatMap((m) => m.flows)],
    groups: [...c.rest.groups, ...more.flatMap((m) => m.groups)],
    meters: [...c.rest.meters, ...more.flatMap((m) => m.meters)],
  };
}

const NOTHING: DeviceState = { flows: [], groups: [], meters: [] };
const NO_PARTS: readonly DeviceState[] = [];

function flowsOnly(flows: readonly FlowRule[]): DeviceState {
  return { flows, groups: [], meters: [] };
}

/** A compiled intent's rules as parts of a delta (ingress and the rest), without merging them. */
function compiledParts(c: Compiled): DeviceState[] {
  return [flowsOnly(c.ingress), c.rest];
}

function phasesOf(c: InstallChange): Phase[] {
  const { old, next } = c;
  if (!next)
    return [
      {
        add: NO_PARTS,
        remove: old ? compiledParts(old) : NO_PARTS,
        base: undefined,
        more: NO_PARTS,
        confirm: NO_PARTS,
        confirmTunnels: NO_TUNNELS,
        tunnels: NO_TUNNELS,
        retire: true,
      },
    ];
  if (!old)
    return [
      {
        add: compiledParts(next),
        remove: NO_PARTS,
        base: next,
        more: NO_PARTS,
        confirm: NO_PARTS,
        confirmTunnels: NO_TUNNELS,
        tunnels: next.tunnels,
        retire: true,
      },
    ];
  // Entries both use (a meter kept at the same rate) stay as they are: added and removed by nobody.
  const added = without(next.rest, old.rest);
  const removedMeters = added === next.rest ? old.rest.meters : old.rest.meters.filter((m) => !next.rest.meters.includes(m));
  const addA = added.flows.length + added.groups.length + added.meters.length > 0 ? [added] : NO_PARTS;
  return [
    {
      add: addA,
      remove: NO_PARTS,
      base: old,
      more: addA,
      confirm: addA,
      confirmTunnels: next.tunnels,
      tunnels: next.tunnels,
      retire: false,
    },
    {
      add: [flowsOnly(next.ingress)],
      remove: [{ flows: old.ingress, groups: old.rest.groups, meters: removedMeters }],
      base: next,
      more: [flowsOnly(old.rest.flows)],
      confirm: [flowsOnly(next.ingress), flowsOnly(old.ingress)],
      confirmTunnels: NO_TUNNELS,
      tunnels: NO_TUNNELS,
      retire: false,
    },
    {
      add: NO_PARTS,
      remove: old.rest.flows.length > 0 ? [flowsOnly(old.rest.flows)] : NO_PARTS,
      base: next,
      more: NO_PARTS,
      confirm: NO_PARTS,
      confirmTunnels: NO_TUNNELS,
      tunnels: NO_TUNNELS,
      retire: true,
    },
  ];
}

const NO_TUNNELS: readonly SharedRules[] = [];

/** `s` without the meters that are also `old`'s (the same objects); `s` itself when there are none. */
function without(s: DeviceState, old: DeviceState): DeviceState {
  const meters = s.meters;
  if (old.meters.length === 0 || !meters.some((m) => old.meters.includes(m))) return s;
  return { flows: s.flows, groups: s.groups, meters: meters.filter((m) => !old.meters.includes(m)) };
}

function devicesOf(states: readonly DeviceState[]): string[] {
  const out = new Set<string>();
  for (const s of states) {
    for (const f of s.flows) out.add(f.device);
    for (const g of s.groups) out.add(g.device);
    for (const m of s.meters) out.add(m.device);
  }
  return [...out];
}
