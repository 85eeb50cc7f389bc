import { SdncError } from '../model/errors.js';
import type { TopoLink } from '../model/topology.js';
import type { StoredReservation } from '../store/reservation-store.js';
import { INDEX, type LinkBooks, MARK, REC } from './link-books.js';
import type { LedgerTopology } from './reservation-ledger.js';

/**
 * Scratch of one walk over a reservation's links: the per-link change of booked Mbps, links in
 * first-seen order (primary, then backup). One is kept and reused; a walk started while it is in use
 * (by a listener of a booking's events that books again) gets its own.
 */
export class Walk {
  stamp = 0;
  n = 0;
  slots: Int32Array = new Int32Array(64);
  deltas: Float64Array = new Float64Array(64);
  /** The slot of each primary link in path order, when asked for. */
  all: Int32Array = new Int32Array(64);
  /** After changesOf of a reservation without backup: its primary's slots in path order (kept by its holders, never changed). */
  held: readonly number[] | null = null;
}

/**
 * The ledger's walks over a reservation's links: the per-link change of booked Mbps if it were added or
 * removed, as lists of (slot, delta) in first-seen order in a reused scratch. A booking builds nothing
 * but the list of its primary's slots, and not even that for a frozen list walked before.
 */
export class BookingWalks {
  private readonly walk = new Walk();
  private busy = false;
  /**
   * The slots of frozen link lists walked before, in path order: such a list never changes and a link
   * id keeps its slot, so the next booking of the same list (the intent layer hands out one frozen list
   * per paths, shared by the intents on them) needs no lookup by id, and its holders share one list.
   */
  private readonly frozenSlots = new WeakMap<readonly string[], readonly number[]>();
  /** The last walk's stamp (see MARK in link-books.ts). */
  private stamp = 0;

  constructor(
    private readonly books: LinkBooks,
    private readonly topology: LedgerTopology,
  ) {}

  /** The reusable walk, or a new one while it is in use. Give it back with `give`. */
  take(): Walk {
    if (this.busy) return new Walk();
    this.busy = true;
    return this.walk;
  }

  give(w: Walk): void {
    if (w === this.walk) this.busy = false;
  }

  /** Starts an empty walk with a stamp no slot carries yet. */
  private begin(w: Walk): void {
    if (++this.stamp === 0x7fffffff) {
      this.books.clearWalkMarks();
      this.stamp = 1;
    }
    w.stamp = this.stamp;
    w.n = 0;
    w.held = null;
  }

  /**
   * Per-link change of booked Mbps if `r` were added (sign +1) or removed (-1), into `w` (links in
   * first-seen order, primary then backup; `w.held` the primary's slots when `r` has no backup). With
   * `withLinks`, every link must exist (SDNC_ERR_LINK_NOT_FOUND for the first that does not) and the
   * books' `links` hold the graph's link of each. Changes nothing but scratch; gives a slot to links
   * never booked before.
   */
  changesOf(r: StoredReservation, sign: 1 | -1, withLinks: boolean, w: Walk): void {
    this.begin(w);
    if (r.backup !== null && r.backupPolicy !== 'dedicated') {
      const found = withLinks ? this.existing(r) : undefined;
      const b = this.books;
      const shape = this.topology.shapeVersion;
      const attr = this.topology.attrVersion;
      if (attr !== undefined) b.seeAttr(attr);
      for (const [id, delta] of this.increments(r, sign)) {
        const s = b.slot(id);
        if (found !== undefined) b.cache(s, found.get(id) as TopoLink, shape, attr);
        reserveRoom(w, 1);
        w.slots[w.n] = s;
        w.deltas[w.n++] = delta;
      }
      return;
    }
    const bw = sign * r.bandwidthMbps;
    if (r.backup !== null) {
      this.walkIds(r.primary, bw, withLinks, w, false);
      this.walkIds(r.backup, bw, withLinks, w, false);
      return;
    }
    const ids = r.primary;
    const known = this.frozenSlots.get(ids);
    if (known !== undefined) {
      this.walkSlots(known, bw, withLinks, w);
      w.held = known;
      return;
    }
    this.walkIds(ids, bw, withLinks, w, true);
    const all = w.all;
    const held: number[] = [];
    for (let i = 0; i < ids.length; i++) held.push(all[i]);
    if (Object.isFrozen(ids)) this.frozenSlots.set(ids, held);
    w.held = held;
  }

  /** changesOf's walk over one list of link ids (a method, not a closure: it runs for every booking). */
  private walkIds(ids: readonly string[], bw: number, withLinks: boolean, w: Walk, record: boolean): void {
    const b = this.books;
    const stamp = w.stamp;
    const shape = withLinks ? this.topology.shapeVersion : undefined;
    const attr = withLinks ? this.topology.attrVersion : undefined;
    const versions = shape !== undefined && attr !== undefined;
    if (versions) b.seeAttr(attr);
    reserveRoom(w, ids.length);
    if (record && w.all.length < ids.length) w.all = new Int32Array(ids.length * 2);
    const { slots, deltas, all } = w;
    let n = w.n;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      let s = b.find(id);
      if (s !== undefined && b.rec[s * REC + MARK] === stamp) {
        deltas[b.rec[s * REC + INDEX] | 0] += bw;
        if (record) all[i] = s;
        continue;
      }
      if (withLinks && (s === undefined || !versions || !b.current(s, shape, attr))) {
        const l = this.topology.findLink(id);
        if (l === undefined) throw new SdncError('SDNC_ERR_LINK_NOT_FOUND', { id });
        s ??= b.slot(id);
        b.cache(s, l, shape, attr);
      }
      s ??= b.slot(id);
      const rec = b.rec;
      rec[s * REC + MARK] = stamp;
      rec[s * REC + INDEX] = n;
      slots[n] = s;
      deltas[n++] = bw;
      if (record) all[i] = s;
    }
    w.n = n;
  }

  /** The changes of a reservation's own slots (a release: `bw` negative) into `w`: no lookups at all. */
  ofSlots(held: readonly number[], bw: number, w: Walk): void {
    this.begin(w);
    this.walkSlots(held, bw, false, w);
  }

  /** walkIds over slots known already: the graph's link looked up only where the cached one is not current. */
  private walkSlots(held: readonly number[], bw: number, withLinks: boolean, w: Walk): void {
    const b = this.books;
    const stamp = w.stamp;
    const shape = withLinks ? this.topology.shapeVersion : undefined;
    const attr = withLinks ? this.topology.attrVersion : undefined;
    const versions = shape !== undefined && attr !== undefined;
    if (versions) b.seeAttr(attr);
    reserveRoom(w, held.length);
    const { slots, deltas } = w;
    let n = w.n;
    for (let i = 0; i < held.length; i++) {
      const s = held[i];
      const at = s * REC;
      if (b.rec[at + MARK] === stamp) {
        deltas[b.rec[at + INDEX] | 0] += bw;
        continue;
      }
      if (withLinks && (!versions || !b.current(s, shape, attr))) {
        const id = b.ids[s];
        const l = this.topology.findLink(id);
        if (l === undefined) throw new SdncError('SDNC_ERR_LINK_NOT_FOUND', { id });
        b.cache(s, l, shape, attr);
      }
      b.rec[at + MARK] = stamp;
      b.rec[at + INDEX] = n;
      slots[n] = s;
      deltas[n++] = bw;
    }
    w.n = n;
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
      const s = this.books.find(id);
      const shared = new Map(s === undefined ? [] : (this.books.shared[s] ?? []));
      for (const u of units) shared.set(u, (shared.get(u) ?? 0) + sign * r.bandwidthMbps);
      add(id, maxOf(shared) - (s === undefined ? 0 : this.books.sharedMax[s]));
    }
    return out;
  }

  /** Failure units of `r`'s primary: the cables of its links. */
  failureUnits(r: StoredReservation): Set<string> {
    return new Set(r.primary.map((id) => this.topology.findLink(id)?.cable ?? id));
  }
}

/** Makes room in `w` for `more` links after its `n`. */
function reserveRoom(w: Walk, more: number): void {
  const need = w.n + more;
  if (need <= w.slots.length) return;
  const size = Math.max(need, w.slots.length * 2);
  const slots = new Int32Array(size);
  slots.set(w.slots.subarray(0, w.n));
  w.slots = slots;
  const deltas = new Float64Array(size);
  deltas.set(w.deltas.subarray(0, w.n));
  w.deltas = deltas;
}

export function maxOf(m: Map<string, number>): number {
  let max = 0;
  for (const v of m.values()) if (v > max) max = v;
  return max;
}
