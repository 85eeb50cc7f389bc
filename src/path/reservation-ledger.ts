import { SdncError } from '../model/errors.js';
import type { NoPathReason } from '../model/path.js';
import type { TopoLink } from '../model/topology.js';
import type { BackupPolicy, ReservationStore, StoredReservation } from '../store/reservation-store.js';
import { DeferredTopologySync, EPS, type UnappliedBook } from './deferred-topology-sync.js';

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

/** Booked bandwidth on one link, by kind. Total = primary + dedicated + max over failure units of shared. */
interface LinkBook extends UnappliedBook {
  readonly id: string;
  primaryMbps: number;
  dedicatedMbps: number;
  /** Shared backups: failure unit (cable of a protected primary link) -> Mbps that would move here. */
  readonly shared: Map<string, number>;
  sharedMaxMbps: number;
  /** Scratch of `changesOf`: the call that last saw this link and its change there. */
  seen: number;
  delta: number;
  /** The graph's link as last looked up, at these topology versions. */
  link: TopoLink | undefined;
  linkShape: number | undefined;
  linkAttr: number | undefined;
}

/** Per-link changes of one booking or release, links in first-seen order (with the graph's link when asked for). */
interface Changes {
  readonly books: LinkBook[];
  readonly deltas: number[];
  readonly links: TopoLink[];
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
  private readonly books = new Map<string, LinkBook>();
  private readonly byOwner = new Map<string, StoredReservation>();
  private readonly pending = new Set<string>();
  /** Group commit: each changed owner's state to write (null: no row), in change order. */
  private readonly unwritten = new Map<string, StoredReservation | null>();
  private flushQueued = false;
  /** The graph's reservedMbps, brought up to the books at once or at the end of a deferral. */
  private readonly sync: DeferredTopologySync;
  private seen = 0;
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
    this.sync = new DeferredTopologySync(topology);
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
   * planning inside a deferral, so that no path is refused for bandwidth that was given back.
   */
  syncReleases(): void {
    this.sync.syncReleases();
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
    // Every link must exist (the first missing one in path order is reported); one lookup per distinct link.
    const changes = this.changesOf(r, +1, true);
    for (let i = 0; i < changes.books.length; i++) {
      const delta = changes.deltas[i];
      if (delta <= EPS) continue;
      const book = changes.books[i];
      const id = book.id;
      const l = changes.links[i];
      const free = l.capacityMbps - l.reservedMbps - book.unapplied;
      if (delta > free + EPS) {
        return {
          ok: false,
          reason: {
            code: 'bandwidth',
            message: `cannot reserve ${fmt(delta)} Mbit/s on ${id} (${l.src}-${l.dst}): ${fmt(free)} Mbit/s free`,
            details: { link: id, requestedMbps: delta, freeMbps: free },
          },
        };
      }
    }
    if (this.groupCommit) this.queueWrite(r.ownerId, r);
    else this.store?.insert(r);
    this.apply(r, changes, +1);
    this.byOwner.set(r.ownerId, r);
    return { ok: true, reservation: r };
  }

  /** Releases an owner's bookings; false when it had none. */
  release(ownerId: string): boolean {
    const r = this.byOwner.get(ownerId);
    let deleted: boolean;
    if (this.groupCommit && (r !== undefined || this.pending.has(ownerId))) {
      this.queueWrite(ownerId, null);
      deleted = true;
    } else if (r === undefined && this.knowsEveryRow && !this.pending.has(ownerId) && !this.unwritten.has(ownerId)) {
      // No row can exist (see knowsEveryRow): not even a no-op DELETE (a write transaction of its own).
      deleted = false;
    } else deleted = this.store?.delete(ownerId) ?? false;
    this.pending.delete(ownerId);
    if (r === undefined) return deleted;
    this.apply(r, this.changesOf(r, -1), -1);
    this.byOwner.delete(ownerId);
    return true;
  }

  get(ownerId: string): StoredReservation | undefined {
    return this.byOwner.get(ownerId);
  }

  list(): StoredReservation[] {
    return [...this.byOwner.values()];
  }

  /** Mbps the ledger books on a link (0 when none). */
  bookedMbps(linkId: string): number {
    const b = this.books.get(linkId);
    return b === undefined ? 0 : b.primaryMbps + b.dedicatedMbps + b.sharedMaxMbps;
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
      this.apply(r, this.changesOf(r, +1), +1);
      this.byOwner.set(r.ownerId, r);
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

  /** The links of `r` by id; throws SDNC_ERR_LINK_NOT_FOUND for the first one (primary, then backup) that does not exist. */
  private existing(r: StoredReservation): Map<string, TopoLink> {
    const found = new Map<string, TopoLink>();
    const add = (ids: readonly string[]) => {
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (found.has(id)) continue;
        const l = this.topology.findLink(id);
        if (l === undefined) throw new SdncError('SDNC_ERR_LINK_NOT_FOUND', { id });
        found.set(id, l);
      }
    };
    add(r.primary);
    if (r.backup !== null) add(r.backup);
    return found;
  }

  /**
   * Per-link change of booked Mbps if `r` were added (sign +1) or removed (-1), links in first-seen
   * order (primary, then backup). Changes nothing but the books' scratch fields; creates empty books
   * for links never booked before.
   */
  private changesOf(r: StoredReservation, sign: 1 | -1, withLinks = false): Changes {
    const books: LinkBook[] = [];
    const deltas: number[] = [];
    const links: TopoLink[] = [];
    if (r.backup !== null && r.backupPolicy !== 'dedicated') {
      const found = withLinks ? this.existing(r) : undefined;
      for (const [id, delta] of this.increments(r, sign)) {
        books.push(this.book(id));
        deltas.push(delta);
        if (found) links.push(found.get(id) as TopoLink);
      }
      return { books, deltas, links };
    }
    const seen = ++this.seen;
    const bw = sign * r.bandwidthMbps;
    this.collect(r.primary, seen, bw, withLinks, books, links);
    if (r.backup !== null) this.collect(r.backup, seen, bw, withLinks, books, links);
    for (let i = 0; i < books.length; i++) deltas.push(books[i].delta);
    return { books, deltas, links };
  }

  /** changesOf's walk over one list of links (a method, not a closure: it runs for every booking). */
  private collect(
    ids: readonly string[],
    seen: number,
    bw: number,
    withLinks: boolean,
    books: LinkBook[],
    links: TopoLink[],
  ): void {
    const shape = withLinks ? this.topology.shapeVersion : undefined;
    const attr = withLinks ? this.topology.attrVersion : undefined;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      let b = this.books.get(id);
      if (b !== undefined && b.seen === seen) {
        b.delta += bw;
        continue;
      }
      if (withLinks) {
        const known = b !== undefined && shape !== undefined && b.linkShape === shape && b.linkAttr === attr;
        const l = known ? (b as LinkBook).link : this.topology.findLink(id);
        if (l === undefined) throw new SdncError('SDNC_ERR_LINK_NOT_FOUND', { id });
        links.push(l);
        b ??= this.book(id);
        b.link = l;
        b.linkShape = shape;
        b.linkAttr = attr;
      }
      b ??= this.book(id);
      b.seen = seen;
      b.delta = bw;
      books.push(b);
    }
  }

  /** Per-link change of booked Mbps if `r` were added (sign +1) or removed (-1). Pure. */
  private increments(r: StoredReservation, sign: 1 | -1): Map<string, number> {
    const out = new Map<string, number>();
    const add = (id: string, x: number): void => {
      out.set(id, (out.get(id) ?? 0) + x);
    };
    for (const id of r.primary) add(id, sign * r.bandwidthMbps);
    if (r.backup === null) return out;
    if (r.backupPolicy === 'dedicated') {
      for (const id of r.backup) add(id, sign * r.bandwidthMbps);
      return out;
    }
    const units = this.failureUnits(r);
    for (const id of new Set(r.backup)) {
      const book = this.books.get(id);
      const shared = new Map(book?.shared ?? []);
      for (const u of units) shared.set(u, (shared.get(u) ?? 0) + sign * r.bandwidthMbps);
      add(id, maxOf(shared) - (book?.sharedMaxMbps ?? 0));
    }
    return out;
  }

  private apply(r: StoredReservation, changes: Changes, sign: 1 | -1): void {
    const bw = sign * r.bandwidthMbps;
    const primary = r.primary;
    const { books, deltas } = changes;
    // Without a backup and with every link once, `books` are the primary's links in order.
    if (r.backup === null && books.length === primary.length) for (let i = 0; i < books.length; i++) books[i].primaryMbps += bw;
    else for (let i = 0; i < primary.length; i++) this.book(primary[i]).primaryMbps += bw;
    if (r.backup !== null && r.backupPolicy === 'dedicated') for (const id of r.backup) this.book(id).dedicatedMbps += bw;
    if (r.backup !== null && r.backupPolicy === 'shared') {
      const units = this.failureUnits(r);
      for (const id of new Set(r.backup)) {
        const book = this.book(id);
        for (const u of units) {
          const v = (book.shared.get(u) ?? 0) + bw;
          if (v > EPS) book.shared.set(u, v);
          else book.shared.delete(u);
        }
        book.sharedMaxMbps = maxOf(book.shared);
      }
    }
    this.sync.apply(books, deltas);
  }

  private failureUnits(r: StoredReservation): Set<string> {
    return new Set(r.primary.map((id) => this.topology.findLink(id)?.cable ?? id));
  }

  private book(id: string): LinkBook {
    let b = this.books.get(id);
    if (b === undefined) {
      b = {
        id,
        primaryMbps: 0,
        dedicatedMbps: 0,
        shared: new Map(),
        sharedMaxMbps: 0,
        unapplied: 0,
        queued: false,
        seen: 0,
        delta: 0,
        link: undefined,
        linkShape: undefined,
        linkAttr: undefined,
      };
      this.books.set(id, b);
    }
    return b;
  }
}

/** The ledger's own copy of a link list: a frozen list cannot change under it and is kept as it is. */
function owned(ids: readonly string[]): readonly string[] {
  return Object.isFrozen(ids) ? ids : [...ids];
}

function maxOf(m: Map<string, number>): number {
  let max = 0;
  for (const v of m.values()) if (v > max) max = v;
  return max;
}

function fmt(x: number): string {
  return String(Math.round(x * 10) / 10);
}
