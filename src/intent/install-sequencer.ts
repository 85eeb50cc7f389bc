import type { FlowService } from '../flow/flow-service.js';
import type { DeviceState, FlowRule } from '../model/flow.js';
import type { IntentLabels } from './intent-types.js';

/** An intent's compiled rules, split so make-before-break can switch the ingress last. */
export interface Compiled {
  /** Ingress classification rules: the only rules that decide which path traffic takes. */
  readonly ingress: readonly FlowRule[];
  /** Transit and egress rules, groups and meters. */
  readonly rest: DeviceState;
}

/** One intent moving from what it had installed (`old`) to `next`, or being removed (`next` undefined). */
export interface InstallChange {
  readonly id: string;
  readonly old?: Compiled;
  readonly next?: Compiled;
  /** Labels to free once the old rules are gone. */
  readonly retiredLabels?: IntentLabels;
}

/** A change whose rules are all in place (or all gone): what it had installed before can be forgotten. */
export interface FinishedChange {
  readonly change: InstallChange;
  /** Every label no rule of the intent uses any more. */
  readonly retired: readonly IntentLabels[];
}

interface Phase {
  readonly state: DeviceState;
  /** How `state` differs from the previous phase's (set through the cheaper delta when present). */
  readonly delta?: { readonly add: DeviceState; readonly remove: DeviceState };
  /** Devices that must confirm this phase before the next one may start. */
  readonly confirm: readonly string[];
}

interface Run {
  readonly change: InstallChange;
  readonly phases: readonly Phase[];
  /** Index of the phase to run next. */
  at: number;
  readonly retired: IntentLabels[];
}

type Flows = Pick<FlowService, 'setDesired' | 'changeDesired' | 'flush' | 'isConverged'>;

/**
 * Make-before-break installation. A move runs in three phases, all intents of a batch in step:
 * (A) new transit and egress rules, groups and meters next to the old ones; (B) ingress switched to
 * the new label, old transit rules still in place for packets in flight; (C) old rules removed.
 * A phase only starts once every device the previous phase changed has confirmed it (the flow
 * service converged it: Driver.apply resolved after the device's barrier reply). A device that is
 * not connected, or refused the batch, holds the move where it is - the ingress never moves onto a
 * path that is not completely installed, and old transit rules never go while an ingress may still
 * use them - and `resume()` carries it on once the device confirmed. A new change of a held intent
 * starts from the state the devices may be in.
 */
export class InstallSequencer {
  private readonly held = new Map<string, Run>();

  constructor(private readonly flows: Flows) {}

  /** Whether a move of this intent waits for a device. */
  isHeld(id: string): boolean {
    return this.held.has(id);
  }

  /** The devices a held move waits for. */
  waitingOn(id: string): readonly string[] {
    const r = this.held.get(id);
    return r ? r.phases[r.at - 1].confirm.filter((d) => !this.flows.isConverged(d)) : [];
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
    return { ingress: next.ingress, rest: { ...next.rest, flows: [...next.rest.flows, ...old.rest.flows] } };
  }

  /** Runs changes as far as the devices confirm; returns the ones that finished. */
  async run(changes: readonly InstallChange[]): Promise<FinishedChange[]> {
    const runs = changes.map((c) => {
      const before = this.held.get(c.id);
      this.held.delete(c.id);
      const retired = [...(c.retiredLabels ? [c.retiredLabels] : []), ...(before?.retired ?? [])];
      return { change: c, phases: phasesOf(c), at: 0, retired };
    });
    return this.step(runs);
  }

  /** Carries on held moves whose devices have confirmed since; returns the ones that finished. */
  async resume(): Promise<FinishedChange[]> {
    const ready = [...this.held.values()].filter((r) => this.confirmed(r.phases[r.at - 1]));
    for (const r of ready) this.held.delete(r.change.id);
    return ready.length > 0 ? this.step(ready) : [];
  }

  private async step(runs: Run[]): Promise<FinishedChange[]> {
    const finished: FinishedChange[] = [];
    let active = runs;
    while (active.length > 0) {
      for (const r of active) {
        // A phase after the first starts from the previous phase's state, which this run set itself.
        const phase = r.phases[r.at];
        if (phase.delta && r.at > 0) this.flows.changeDesired(r.change.id, phase.delta.add, phase.delta.remove);
        else this.flows.setDesired(r.change.id, phase.state);
      }
      await this.flows.flush();
      const next: Run[] = [];
      for (const r of active) {
        const phase = r.phases[r.at];
        r.at++;
        if (r.at === r.phases.length) finished.push({ change: r.change, retired: r.retired });
        else if (this.confirmed(phase)) next.push(r);
        else this.held.set(r.change.id, r);
      }
      active = next;
    }
    return finished;
  }

  private confirmed(phase: Phase): boolean {
    return phase.confirm.every((d) => this.flows.isConverged(d));
  }
}

export function merge(c: Compiled, ...more: DeviceState[]): DeviceState {
  return {
    flows: [...c.ingress, ...c.rest.flows, ...more.flatMap((m) => m.flows)],
    groups: [...c.rest.groups, ...more.flatMap((m) => m.groups)],
    meters: [...c.rest.meters, ...more.flatMap((m) => m.meters)],
  };
}

const NOTHING: DeviceState = { flows: [], groups: [], meters: [] };

function phasesOf(c: InstallChange): Phase[] {
  if (!c.next) return [{ state: NOTHING, confirm: [] }];
  if (!c.old) return [{ state: merge(c.next), confirm: [] }];
  const old = c.old;
  const next = c.next;
  return [
    { state: merge(old, next.rest), confirm: devicesOf(next.rest) },
    {
      state: merge(next, { flows: old.rest.flows, groups: [], meters: [] }),
      delta: {
        add: { flows: next.ingress, groups: [], meters: [] },
        remove: { flows: old.ingress, groups: old.rest.groups, meters: old.rest.meters },
      },
      confirm: [...new Set([...next.ingress, ...old.ingress].map((f) => f.device))],
    },
    { state: merge(next), delta: { add: NOTHING, remove: { flows: old.rest.flows, groups: [], meters: [] } }, confirm: [] },
  ];
}

function devicesOf(s: DeviceState): string[] {
  return [...new Set([...s.flows.map((f) => f.device), ...s.groups.map((g) => g.device), ...s.meters.map((m) => m.device)])];
}
