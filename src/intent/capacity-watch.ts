import { effectiveLatencyMs, isUsable, residualMbps, type TopoLink } from '../model/topology.js';
/** Counts of free identifiers (tunnel labels, meter ids): more than at the last mark is growth. */
export interface FreeCounts {
  readonly labelsFree: number;
  /** Meter ids free, as minus those in use (each switch has its own pool; see MeterIds). */
  readonly metersFree: number;
}

/** What an intent could use of a link at some moment. */
export interface LinkBaseline {
  readonly usable: boolean;
  readonly freeMbps: number;
  readonly latencyMs: number;
}

const EPS = 1e-9;

/**
 * Decides whether retrying failed intents can help: only when the network offers more than it did when
 * they were last tried. Every admission pass ends with `mark()`; a link change records the link as it
 * was at the last mark (the first change after a mark only), and `grew()` compares the links changed
 * since with those baselines, net: a reservation booked and rolled back in the same pass (an admission
 * that never completed) leaves the link as it was and wakes nobody up. Growth seen by a pass that does
 * not retry (admission of new intents, a reroute) is kept until a retry pass takes it, so no freed
 * capacity is lost. Labels and meter ids count the same way, each on its own: more free labels, or more
 * free meter ids, than at the last mark is growth (meter ids net over all switches: one freed on a
 * switch while another is taken elsewhere in the same pass goes unseen until the next growth).
 */
export class CapacityWatch {
  private readonly baselines = new Map<string, LinkBaseline>();
  private labelsFree: number;
  private metersFree: number;
  private pending = false;

  constructor(
    private readonly links: { findLink(id: string): TopoLink | undefined },
    private readonly free: FreeCounts,
  ) {
    this.labelsFree = free.labelsFree;
    this.metersFree = free.metersFree;
  }

  /**
   * A link changed; `before` is the link as it was before this change (undefined: it is new). Only the
   * first change after a mark records a baseline: later ones cost a lookup.
   */
  linkChanged(id: string, before: TopoLink | undefined): void {
    if (this.baselines.has(id)) return;
    this.baselines.set(id, before ? linkBaseline(before) : { usable: false, freeMbps: 0, latencyMs: Infinity });
  }

  /** Something was added to the network (a link, a node coming up): always worth a retry. */
  added(): void {
    this.pending = true;
  }

  /** Whether labels or meter ids were freed since the last mark (a retry may be due although no link changed). */
  labelsGrew(): boolean {
    return this.free.labelsFree > this.labelsFree || this.free.metersFree > this.metersFree;
  }

  /** An admission pass ended: growth so far is kept, the current state is the new baseline. */
  mark(): void {
    if (!this.pending) this.pending = this.grewSinceMark();
    this.reset();
  }

  /** Whether anything grew since the last retry pass; takes the growth (a retry pass is starting). */
  take(): boolean {
    const grew = this.pending || this.grewSinceMark();
    this.pending = false;
    this.reset();
    return grew;
  }

  private reset(): void {
    this.baselines.clear();
    this.labelsFree = this.free.labelsFree;
    this.metersFree = this.free.metersFree;
  }

  private grewSinceMark(): boolean {
    if (this.labelsGrew()) return true;
    for (const [id, was] of this.baselines) {
      const l = this.links.findLink(id);
      if (l !== undefined && improved(was, linkBaseline(l))) return true;
    }
    return false;
  }
}

export function linkBaseline(l: TopoLink): LinkBaseline {
  return { usable: isUsable(l), freeMbps: residualMbps(l), latencyMs: effectiveLatencyMs(l) };
}

/** Whether `now` offers more than `was`: up again, more free bandwidth or lower latency. */
export function improved(was: LinkBaseline, now: LinkBaseline): boolean {
  return now.usable && (!was.usable || now.freeMbps > was.freeMbps + EPS || now.latencyMs < was.latencyMs);
}
