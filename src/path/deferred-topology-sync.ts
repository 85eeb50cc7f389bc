import type { LedgerTopology } from './reservation-ledger.js';

export const EPS = 1e-9;

/** What the sync needs of a link's book. */
export interface UnappliedBook {
  readonly id: string;
  /** Mbps booked (positive) or released (negative) and not yet applied to the graph (see `unapplied`). */
  unapplied: number;
  /** Whether this book is in the sync's `unapplied` set. */
  queued: boolean;
}

/**
 * Keeps the graph's reservedMbps equal to the ledger's books through TopologyStore.adjustReserved: at
 * once, or inside `deferTopology` once per touched link at the end (see ReservationLedger).
 */
export class DeferredTopologySync {
  /**
   * Links whose `unapplied` is not zero, in the order they became so: bookings of the batch not yet
   * applied to the graph.
   */
  private readonly unapplied = new Set<UnappliedBook>();
  /** Whether some link in `unapplied` is released net: the graph shows less free than the books. */
  private releasesUnapplied = false;
  private deferDepth = 0;

  constructor(private readonly topology: Pick<LedgerTopology, 'findLink' | 'adjustReserved'>) {}

  /**
   * Runs `fn` with the graph's reservedMbps brought up to the books once at its end (see
   * ReservationLedger's class comment), also when `fn` throws. Nests: the outermost call applies.
   */
  deferTopology<T>(fn: () => T): T {
    this.deferDepth++;
    try {
      return fn();
    } finally {
      if (--this.deferDepth === 0) this.syncTopology();
    }
  }

  /** Applies every unapplied change to the graph now (one link-updated per link); true when there were any. */
  syncTopology(): boolean {
    if (this.unapplied.size === 0) return false;
    // Taken out of the books first: applying publishes events, whose listeners may book again.
    const ids: string[] = [];
    const deltas: number[] = [];
    for (const b of this.unapplied) {
      ids.push(b.id);
      deltas.push(b.unapplied);
      b.unapplied = 0;
      b.queued = false;
    }
    this.unapplied.clear();
    this.releasesUnapplied = false;
    for (let i = 0; i < ids.length; i++) this.applyToGraph(ids[i], deltas[i]);
    return true;
  }

  /**
   * Applies the links released net (where the graph shows less free than the books): call before
   * planning inside a deferral, so that no path is refused for bandwidth that was given back.
   */
  syncReleases(): void {
    if (!this.releasesUnapplied) return;
    this.releasesUnapplied = false;
    for (const b of this.unapplied) {
      const delta = b.unapplied;
      if (delta >= 0) continue;
      b.unapplied = 0;
      b.queued = false;
      this.unapplied.delete(b);
      this.applyToGraph(b.id, delta);
    }
  }

  /** Brings the graph along with per-link changes of the books (`deltas[i]` Mbps on `books[i]`). */
  apply(books: readonly UnappliedBook[], deltas: readonly number[]): void {
    for (let i = 0; i < books.length; i++) {
      const delta = deltas[i];
      if (delta === 0) continue;
      const book = books[i];
      if (this.deferDepth === 0) {
        this.topology.adjustReserved(book.id, delta);
        continue;
      }
      const net = book.unapplied + delta;
      // Booked and released within the batch: the graph is right as it is (and nobody is woken up).
      if (Math.abs(net) <= EPS) {
        book.unapplied = 0;
        if (book.queued) {
          book.queued = false;
          this.unapplied.delete(book);
        }
      } else {
        book.unapplied = net;
        if (!book.queued) {
          book.queued = true;
          this.unapplied.add(book);
        }
      }
      if (net < -EPS) this.releasesUnapplied = true;
    }
  }

  private applyToGraph(id: string, delta: number): void {
    // A link removed meanwhile has no graph entry to correct (its books stay until released).
    if (this.topology.findLink(id) !== undefined) this.topology.adjustReserved(id, delta);
  }
}
