import { SdncError } from '../model/errors.js';
import type { NoPathReason } from '../model/path.js';
import type { TopoLink } from '../model/topology.js';
import type { BackupPolicy, ReservationStore, StoredReservation } from '../store/reservation-store.js';
import { BookingWalks, maxOf, type Walk } from './booking-walk.js';
import { DeferredTopologySync, EPS } from './deferred-topology-sync.js';
import { FREE, LinkBooks, PRIMARY, REC, UNAPPLIED } from './link-books.js';

export type { BackupPolicy } from '../store/reservation-store.js';

/** What the ledger needs from the topology store. */
export interface LedgerTopology {
  findLink(id: string): TopoLink | undefined;
  adjustReserved(id: string, deltaMbps: number): TopoLink;
  /**
   * Counters that change whenever a link is added, removed or changed (as TopologyStore's): a link
   * looked up is reused while both are unchanged. Optional: without them every check looks it up.
   */
  readonly shapeVersion?: number;
  readonly attrVersion?: number;
}

export interface ReservationRequest {
  readonly ownerId: string;
  readonly bandwidthMbps: number;
  readonly primary: readonly string[];
  readonly backup?: readonly string[];
  /** How the backup's bandwidth is booked; 'dedicated' when absent. */
  readonly backupPolicy?: BackupPolicy;
}

export type AdmissionResult =
  | { readonly ok: true; readonly reservation: StoredReservation }
  | { readonly ok: false; readonly reason: NoPathReason };

/**
 * When reservations reach the database.
 * - 'immediate': each reserve/release writes its row before returning (one transaction each); a failed
 *   write throws and changes nothing.
 * - 'end-of-turn' (group commit): memory is updated at once, as always, and the owners changed during
 *   the current synchronous run are written in one transaction from a microtask, i.e. before any I/O
 *   callback, timer or promise continuation scheduled after the change (so before an HTTP answer about it
 *   is sent). `flush()` writes at once. A failed flush keeps the unwritten changes, reports the error to
 *   `onFlushError` and is retried by the next flush; memory (what admission decides on) is unaffected.
 */
export type CommitMode = 'immediate' | 'end-of-turn';

export interface LedgerOptions {
  readonly commit?: CommitMode;
  readonly onFlushError?: (err: unknown) => void;
}

export interface RestoreReport {
  readonly restored: number;
  /** Reservations naming links that no longer exist; kept in the database until released. */
  readonly unrestorable: readonly { readonly ownerId: string; readonly missingLinks: readonly string[] }[];
}

/** An admitted reservation; without a backup, the slots of its primary's links in path order too (released without lookups). */
interface Holding {
  readonly r: StoredReservation;
  readonly slots: readonly number[] | null;
}

/**
 * Admission control. `reserve` books a path's bandwidth on every link atomically or not at all; all
 * checks and updates run in one synchronous call, so callers (however many async requests interleave)
 * can never over-book a link. Order inside: compute per-link increments, check every one against the
 * link's free capacity, write the database row, then apply - a refusal or a failed write changes nothing.
 *
 * Backup policies: 'dedicated' books the backup's bandwidth in full. 'shared' books, per link, only
 * the worst single failure: the largest sum of shared backups that one cable cut would move onto the
 * link. Backups of intents whose primaries share no cable therefore share capacity.
 *
 * The graph's reservedMbps is kept equal to the bookings through TopologyStore.adjustReserved, so the
 * API and the path engine see the ledger's truth. Inside `deferTopology` (a batch of admissions) the
 * graph is brought up to the books once per touched link at the end instead of once per booking: every
 * link update is an event that the path engine, the intent layer and the web view each process, and a
 * batch of 1,000 intents books the same few thousand links over and over. Admission never depends on
 * the graph: every check is against the books. Meanwhile the graph may show more free bandwidth than is
 * left (bookings of the batch not applied yet), never less: a release is applied before anyone plans on
 * it (`syncReleases`), and a planner whose path the ledger then refuses brings the graph up to date
 * (`syncTopology`) and plans again.
 *
 * Durability (see CommitMode): with 'immediate' a reservation is on disk when `reserve` returns; with
 * 'end-of-turn' when the current synchronous run ends (or `flush()` returns). Either way the database
 * is in WAL mode with synchronous=NORMAL: committed transactions survive a killed process.
 */
export class ReservationLedger {
  private readonly books = new LinkBooks();
  private readonly byOwner = new Map<string, Holding>();
  private readonly pending = new Set<string>();
  /** Group commit: each changed owner's state to write (null: no row), in change order. */
  private readonly unwritten = new Map<string, StoredReservation | null>();
  private flushQueued = false;
  /** The graph's reservedMbps, brought up to the books at once or at the end of a deferral. */
  private readonly sync: DeferredTopologySync;
  private readonly walks: BookingWalks;
  /** createdAt of the last reservation, for `now()` values in the same millisecond. */
  private lastStampMs = Number.NaN;
  private lastStamp = '';
  /**
   * Set by restore(): every row of the database is then an owner in memory (restored or pending) or
   * one this ledger wrote since, with its change still in `unwritten` until flushed (the ledger is the
   * table's only writer). An owner that is none of these has no row.
   */
  private knowsEveryRow = false;
  private readonly groupCommit: boolean;
  private readonly onFlushError: (err: unknown) => void;

  constructor(
    private readonly topology: LedgerTopology,
    private readonly store: ReservationStore | null = null,
    /** The clock of createdAt; the system clock when absent. */
    private readonly now?: () => Date,
    options: LedgerOptions = {},
  ) {
    this.groupCommit = options.commit === 'end-of-turn' && store !== null;
    this.onFlushError = options.onFlushError ?? (() => {});
    this.sync = new DeferredTopologySync(topology, this.books);
    this.walks = new BookingWalks(this.books, topology);
  }

  /** Writes every change not yet in the database now (group commit); throws when the write fails. */
  flush(): void {
    if (this.store === null || this.unwritten.size === 0) return;
    this.store.writeBatch(this.unwritten);
    this.unwritten.clear();
  }

  /** Changes waiting for the end of the turn (0 with immediate commits). */
  get unwrittenCount(): number {
    return this.unwritten.size;
  }

  /**
   * Runs `fn` with the graph's reservedMbps brought up to the books once at its end (see the class
   * comment), also when `fn` throws. Nests: the outermost call applies.
   */
  deferTopology<T>(fn: () => T): T {
    return this.sync.deferTopology(fn);
  }

  /** Applies every unapplied change to the graph now (one link-updated per link); true when there were any. */
  syncTopology(): boolean {
    return this.sync.syncTopology();
  }

  /**
   * Applies the links released net (where the graph shows less free than the books): call before
   * planning inside a deferral, so that no path is refused for bandwidth that was given back. With
   * `forMbps`, only when a search for that much could see a difference (see DeferredTopologySync).
   */
  syncReleases(forMbps?: number): void {
    this.sync.syncReleases(forMbps);
  }

  reserve(req: ReservationRequest): AdmissionResult {
    if (!(req.bandwidthMbps >= 0) || !Number.isFinite(req.bandwidthMbps)) {
      throw new SdncError('SDNC_ERR_VALIDATION', { reason: 'bandwidthMbps must be a finite number >= 0' });
    }
    if (this.byOwner.has(req.ownerId) || this.pending.has(req.ownerId)) {
      throw new SdncError('SDNC_ERR_DUPLICATE_ID', { kind: 'Reservation', id: req.ownerId });
    }
    const r: StoredReservation = {
      ownerId: req.ownerId,
      bandwidthMbps: req.bandwidthMbps,
      primary: owned(req.primary),
      backup: req.backup === undefined ? null : owned(req.backup),
      backupPolicy: req.backupPolicy ?? 'dedicated',
      createdAt: this.stamp(),
    };
    const w = this.walks.take();
    try {
      // Every link must exist (the first missing one in path order is reported); one lookup per distinct link.
      this.walks.changesOf(r, +1, true, w);
      const b = this.books;
      const { slots, deltas } = w;
      for (let i = 0; i < w.n; i++) {
        const delta = deltas[i];
        if (delta <= EPS) continue;
        const s = slots[i];
        // The cached link's free bandwidth (capacity less reserved) from the record, not the link object.
        const free = b.rec[s * REC + FREE] - b.rec[s * REC + UNAPPLIED];
        if (delta > free + EPS) return refusal(b.ids[s], b.links[s] as TopoLink, delta, free);
      }
      if (this.groupCommit) this.queueWrite(r.ownerId, r);
      else this.store?.insert(r);
      const held = w.held;
      this.apply(r, w, +1);
      this.byOwner.set(r.ownerId, { r, slots: held });
      return { ok: true, reservation: r };
    } finally {
      this.walks.give(w);
    }
  }

  /** Releases an owner's bookings; false when it had none. */
  release(ownerId: string): boolean {
    const h = this.byOwner.get(ownerId);
    let deleted: boolean;
    if (this.groupCommit && (h !== undefined || this.pending.has(ownerId))) {
      this.queueWrite(ownerId, null);
      deleted = true;
    } else if (h === undefined && this.knowsEveryRow && !this.pending.has(ownerId) && !this.unwritten.has(ownerId)) {
      // No row can exist (see knowsEveryRow): not even a no-op DELETE (a write transaction of its own).
      deleted = false;
    } else deleted = this.store?.delete(ownerId) ?? false;
    this.pending.delete(ownerId);
    if (h === undefined) return deleted;
    const w = this.walks.take();
    try {
      if (h.slots === null) this.walks.changesOf(h.r, -1, false, w);
      else this.walks.ofSlots(h.slots, -h.r.bandwidthMbps, w);
      this.apply(h.r, w, -1);
    } finally {
      this.walks.give(w);
    }
    this.byOwner.delete(ownerId);
    return true;
  }

  get(ownerId: string): StoredReservation | undefined {
    return this.byOwner.get(ownerId)?.r;
  }

  list(): StoredReservation[] {
    const out: StoredReservation[] = [];
    for (const h of this.byOwner.values()) out.push(h.r);
    return out;
  }

  /** Mbps the ledger books on a link (0 when none). */
  bookedMbps(linkId: string): number {
    const s = this.books.find(linkId);
    return s === undefined ? 0 : this.books.booked(s);
  }

  /**
   * Loads persisted reservations and books them onto the current topology (after it is loaded). No
   * capacity check: they were admitted before. Reservations over links that vanished stay in the
   * database, are reported, and block their owner id until released.
   */
  restore(): RestoreReport {
    if (this.store === null) return { restored: 0, unrestorable: [] };
    this.flush();
    this.knowsEveryRow = true;
    let restored = 0;
    const unrestorable: { ownerId: string; missingLinks: string[] }[] = [];
    for (const r of this.store.all()) {
      if (this.byOwner.has(r.ownerId)) continue;
      const missing = [...r.primary, ...(r.backup ?? [])].filter((id) => this.topology.findLink(id) === undefined);
      if (missing.length > 0) {
        unrestorable.push({ ownerId: r.ownerId, missingLinks: missing });
        this.pending.add(r.ownerId);
        continue;
      }
      const w = this.walks.take();
      try {
        this.walks.changesOf(r, +1, false, w);
        const held = w.held;
        this.apply(r, w, +1);
        this.byOwner.set(r.ownerId, { r, slots: held });
      } finally {
        this.walks.give(w);
      }
      restored++;
    }
    return { restored, unrestorable };
  }

  private queueWrite(ownerId: string, row: StoredReservation | null): void {
    this.unwritten.set(ownerId, row);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      try {
        this.flush();
      } catch (err) {
        this.onFlushError(err);
      }
    });
  }

  /** createdAt for a new reservation (the ISO text is made once per millisecond). */
  private stamp(): string {
    const clock = this.now;
    const d = clock === undefined ? undefined : clock();
    const ms = d === undefined ? Date.now() : d.getTime();
    if (ms !== this.lastStampMs) {
      this.lastStamp = (d ?? new Date(ms)).toISOString();
      this.lastStampMs = ms;
    }
    return this.lastStamp;
  }

  /** Books the changes of a walk of `r` (sign +1: booked, -1: released) and brings the graph along. */
  private apply(r: StoredReservation, w: Walk, sign: 1 | -1): void {
    const b = this.books;
    const { slots, deltas } = w;
    const n = w.n;
    if (r.backup === null) {
      // Every change is the primary's.
      const rec = b.rec;
      for (let i = 0; i < n; i++) rec[slots[i] * REC + PRIMARY] += deltas[i];
    } else {
      const bw = sign * r.bandwidthMbps;
      for (const id of r.primary) b.rec[b.slot(id) * REC + PRIMARY] += bw;
      if (r.backupPolicy === 'dedicated') for (const id of r.backup) b.dedicated[b.slot(id)] += bw;
      else {
        const units = this.walks.failureUnits(r);
        for (const id of new Set(r.backup)) {
          const s = b.slot(id);
          const shared = b.sharedOf(s);
          for (const u of units) {
            const v = (shared.get(u) ?? 0) + bw;
            if (v > EPS) shared.set(u, v);
            else shared.delete(u);
          }
          b.sharedMax[s] = maxOf(shared);
        }
      }
    }
    // Last: outside a deferral this publishes events, whose listeners may book again (with a walk of their own).
    const sync = this.sync;
    for (let i = 0; i < n; i++) sync.apply(slots[i], deltas[i]);
  }
}

function refusal(id: string, l: TopoLink, delta: number, free: number): AdmissionResult {
  return {
    ok: false,
    reason: {
      code: 'bandwidth',
      message: `cannot reserve ${fmt(delta)} Mbit/s on ${id} (${l.src}-${l.dst}): ${fmt(free)} Mbit/s free`,
      details: { link: id, requestedMbps: delta, freeMbps: free },
    },
  };
}

/** The ledger's own copy of a link list: a frozen list cannot change under it and is kept as it is. */
function owned(ids: readonly string[]): readonly string[] {
  return Object.isFrozen(ids) ? ids : [...ids];
}

function fmt(x: number): string {
  return String(Math.round(x * 10) / 10);
}
