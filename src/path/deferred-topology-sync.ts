import { type LinkBooks, QUEUE_POS, REC, UNAPPLIED } from './link-books.js';
import type { LedgerTopology } from './reservation-ledger.js';

export const EPS = 1e-9;

/**
 * Keeps the graph's reservedMbps equal to the ledger's books through TopologyStore.adjustReserved: at
 * once, or inside `deferTopology` once per touched link at the end (see ReservationLedger).
 *
 * Per-link state lives in the books' slot records (UNAPPLIED, QUEUE_POS) and `releasedMark`; the queue of
 * unapplied links is a list of slots in the order they became unapplied, with -1 where a link left it
 * (booked and released within the batch), so that taking a link out costs nothing.
 */
export class DeferredTopologySync {
  /** Slots whose UNAPPLIED is not zero, in the order they became so; -1 for a slot that left since. */
  private queue: Int32Array = new Int32Array(256);
  private queueLength = 0;
  /** Slots in `queue` (its length less the holes). */
  private queued = 0;
  /** Slots that became released net (UNAPPLIED < 0) since the last sync, each once (see `releasedMark`). */
  private released: Int32Array = new Int32Array(64);
  private releasedLength = 0;
  /**
   * The least free bandwidth the graph showed on a link of `released` when it joined the list (the graph
   * does not change under a deferral but through this class): see syncReleases' `forMbps`.
   */
  private releasedMinFree = Number.POSITIVE_INFINITY;
  private deferDepth = 0;

  constructor(
    private readonly topology: LedgerTopology,
    private readonly books: LinkBooks,
  ) {}

  /** Whether changes are collected for the end of a deferral rather than applied at once. */
  get deferring(): boolean {
    return this.deferDepth > 0;
  }

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
    this.clearReleased();
    const length = this.queueLength;
    this.queueLength = 0;
    if (this.queued === 0) return false;
    this.queued = 0;
    // Taken out of the books first: applying publishes events, whose listeners may book again.
    const rec = this.books.rec;
    const queue = this.queue;
    const slots: number[] = [];
    const deltas: number[] = [];
    for (let i = 0; i < length; i++) {
      const s = queue[i];
      if (s < 0) continue;
      const at = s * REC;
      slots.push(s);
      deltas.push(rec[at + UNAPPLIED]);
      rec[at + UNAPPLIED] = 0;
      rec[at + QUEUE_POS] = -1;
    }
    for (let i = 0; i < slots.length; i++) this.applyToGraph(slots[i], deltas[i]);
    return true;
  }

  /**
   * Applies the links released net (where the graph shows less free than the books): call before
   * planning inside a deferral, so that no path is refused for bandwidth that was given back. Costs
   * nothing when no link was released net since the last call (it looks at those links only).
   *
   * With `forMbps` (the bandwidth of the plan about to be made), nothing is applied while every link
   * released net still shows at least that much free in the graph: a search asking for `forMbps` leaves
   * none of them out either way, so the releases can wait for the end of the deferral, where a link
   * released and booked again within it costs no update at all (a reroute releases every moved
   * intent's old links and books new ones, largely the same).
   */
  syncReleases(forMbps?: number): void {
    const n = this.releasedLength;
    if (n === 0) return;
    if (forMbps !== undefined && forMbps <= this.releasedMinFree) return;
    this.releasedLength = 0;
    this.releasedMinFree = Number.POSITIVE_INFINITY;
    const b = this.books;
    const rec = b.rec;
    const releasedMark = b.releasedMark;
    const released = this.released;
    // Still released net, taken out of the books first (as syncTopology), in the queue's order: the
    // order they became released, unless one was booked net before.
    let m = 0;
    let ordered = true;
    for (let i = 0; i < n; i++) {
      const s = released[i];
      releasedMark[s] = 0;
      if (rec[s * REC + UNAPPLIED] >= 0) continue;
      if (m > 0 && rec[s * REC + QUEUE_POS] < rec[released[m - 1] * REC + QUEUE_POS]) ordered = false;
      released[m++] = s;
    }
    if (m === 0) return;
    const slots: number[] = [];
    for (let i = 0; i < m; i++) slots.push(released[i]);
    if (!ordered) slots.sort((x, y) => rec[x * REC + QUEUE_POS] - rec[y * REC + QUEUE_POS]);
    const deltas: number[] = [];
    const queue = this.queue;
    for (let i = 0; i < m; i++) {
      const at = slots[i] * REC;
      deltas.push(rec[at + UNAPPLIED]);
      rec[at + UNAPPLIED] = 0;
      queue[rec[at + QUEUE_POS] | 0] = -1;
      rec[at + QUEUE_POS] = -1;
    }
    this.queued -= m;
    for (let i = 0; i < m; i++) this.applyToGraph(slots[i], deltas[i]);
  }

  /**
   * Brings the graph along with a change of `delta` Mbps in the books of `slot`: at once, or inside a
   * deferral by the end of it.
   */
  apply(slot: number, delta: number): void {
    if (delta === 0) return;
    const b = this.books;
    if (this.deferDepth === 0) {
      this.applyToGraph(slot, delta);
      return;
    }
    const at = slot * REC;
    const rec = b.rec;
    const net = rec[at + UNAPPLIED] + delta;
    // Booked and released within the batch: the graph is right as it is (and nobody is woken up).
    if (Math.abs(net) <= EPS) {
      rec[at + UNAPPLIED] = 0;
      const pos = rec[at + QUEUE_POS] | 0;
      if (pos >= 0) {
        this.queue[pos] = -1;
        rec[at + QUEUE_POS] = -1;
        this.queued--;
      }
      return;
    }
    rec[at + UNAPPLIED] = net;
    if (rec[at + QUEUE_POS] < 0) this.enqueue(slot);
    if (net < -EPS && b.releasedMark[slot] === 0) {
      b.releasedMark[slot] = 1;
      if (this.releasedLength === this.released.length) this.released = grownI32(this.released);
      this.released[this.releasedLength++] = slot;
      // A link gone from the graph is in no search: it never needs the release applied for one.
      const link = this.topology.findLink(b.ids[slot]);
      if (link !== undefined && link.capacityMbps - link.reservedMbps < this.releasedMinFree) {
        this.releasedMinFree = link.capacityMbps - link.reservedMbps;
      }
    }
  }

  private enqueue(slot: number): void {
    if (this.queueLength === this.queue.length) {
      // Mostly holes: close them up; else grow.
      if (this.queued * 2 <= this.queueLength) this.compact();
      else this.queue = grownI32(this.queue);
    }
    const pos = this.queueLength++;
    this.queue[pos] = slot;
    this.books.rec[slot * REC + QUEUE_POS] = pos;
    this.queued++;
  }

  private compact(): void {
    const queue = this.queue;
    const rec = this.books.rec;
    let m = 0;
    for (let i = 0; i < this.queueLength; i++) {
      const s = queue[i];
      if (s < 0) continue;
      queue[m] = s;
      rec[s * REC + QUEUE_POS] = m++;
    }
    this.queueLength = m;
  }

  private clearReleased(): void {
    const mark = this.books.releasedMark;
    for (let i = 0; i < this.releasedLength; i++) mark[this.released[i]] = 0;
    this.releasedLength = 0;
    this.releasedMinFree = Number.POSITIVE_INFINITY;
  }

  private applyToGraph(slot: number, delta: number): void {
    // A link removed meanwhile has no graph entry to correct (its books stay until released). A cached
    // link still current exists (the shape is the same): no lookup then.
    const b = this.books;
    const topology = this.topology;
    const shape = topology.shapeVersion;
    const attr = topology.attrVersion;
    let present: boolean;
    if (shape !== undefined && attr !== undefined) {
      b.seeAttr(attr);
      present = b.current(slot, shape, attr) || topology.findLink(b.ids[slot]) !== undefined;
    } else present = topology.findLink(b.ids[slot]) !== undefined;
    if (present) this.adjust(slot, delta);
  }

  /** Changes the graph's reservedMbps of a slot's link, keeping the books' cached link current. */
  private adjust(slot: number, delta: number): void {
    const topology = this.topology;
    const pre = topology.attrVersion;
    const link = topology.adjustReserved(this.books.ids[slot], delta);
    this.books.updatedByLedger(slot, link, pre, topology.attrVersion);
  }
}

function grownI32(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
