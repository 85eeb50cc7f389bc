import { effectiveLatencyMs, isUsable, residualMbps, type TopoLink } from '../model/topology.js';
/** Free identifiers: more free tunnel labels, or more free meter ids on some switch, than at the last mark is growth. */
export interface FreeCounts {
  readonly labelsFree: number;
  /** Whether some switch has more free meter ids than at the last markMeters() (each has its own pool; see MeterIds). */
  metersFreedSinceMark(): boolean;
  markMeters(): void;
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
 * free meter ids on some switch, than at the last mark is growth (switch by switch: an id freed on one
 * switch counts even when another switch took one in the same pass).
 */
export class CapacityWatch {
  private readonly baselines = new Map<string, LinkBaseline>();
  private labelsFree: number;
  private pending = false;

  constructor(
    private readonly links: { findLink(id: string): TopoLink | undefined },
    private readonly free: FreeCounts,
  ) {
    this.labelsFree = free.labelsFree;
    free.markMeters();
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
    return this.free.labelsFree > this.labelsFree || this.free.metersFreedSinceMark();
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
    this.free.markMeters();
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
