import type { TopoLink } from '../model/topology.js';

const INITIAL_SLOTS = 256;

/**
 * A slot's record in `LinkBooks.rec`: REC numbers from `slot * REC`, the ones every booking of the
 * link reads or writes, side by side (one cache line), as a batch touches thousands of links between
 * other work and each separate array read would be a miss of its own.
 */
export const REC = 8;
/** The walk that last saw the slot (a stamp), and where it put it. */
export const MARK = 0;
export const INDEX = 1;
/** Topology versions at which `links[slot]` was looked up (NaN: never). */
export const SHAPE = 2;
export const ATTR = 3;
/** capacityMbps - reservedMbps of `links[slot]`. */
export const FREE = 4;
/** Mbps booked (positive) or released (negative) and not yet applied to the graph (DeferredTopologySync). */
export const UNAPPLIED = 5;
/** Mbps booked by primaries. */
export const PRIMARY = 6;
/** Where the slot is in DeferredTopologySync's queue of unapplied links; -1 when it is not. */
export const QUEUE_POS = 7;

/**
 * The admission ledger's per-link books, one slot per link id ever booked, its figures in typed arrays
 * indexed by slot: a booking finds each link's slot with one Map lookup and does everything else on
 * numbers. Slots are never given back (a link removed and added again under the same id keeps its slot,
 * as its books stay until released), so a slot stays valid for as long as a reservation names it.
 *
 * Booked on a link = primary + dedicated + max over failure units of shared (see ReservationLedger).
 * The arrays are replaced when they grow: read them through the object, not from a copy kept across
 * a call that may add a slot.
 */
export class LinkBooks {
  private readonly slotOf = new Map<string, number>();
  /** Link id of each slot. */
  readonly ids: string[] = [];
  /** Shared backups of each slot: failure unit (cable of a protected primary link) -> Mbps that would move there. */
  readonly shared: (Map<string, number> | undefined)[] = [];
  /**
   * The graph's link as last looked up for each slot, at the topology versions in its record (SHAPE,
   * ATTR). It is current while the shape version is the same and no attribute changed since it was
   * stamped other than by the ledger itself (which stamps the link it got back): see `seeAttr`.
   */
  readonly links: (TopoLink | undefined)[] = [];
  size = 0;
  /** The slots' records (see REC). */
  rec: Float64Array = new Float64Array(INITIAL_SLOTS * REC);
  /** Mbps booked by dedicated backups, and the largest shared-backup sum. */
  dedicated: Float64Array = new Float64Array(INITIAL_SLOTS);
  sharedMax: Float64Array = new Float64Array(INITIAL_SLOTS);
  /** 1 while the slot is in DeferredTopologySync's list of links released net. */
  releasedMark: Uint8Array = new Uint8Array(INITIAL_SLOTS);

  /** The attribute version last seen, and the oldest stamp in `linkAttr` still current. */
  private attrSeen = Number.NaN;
  private attrValidFrom = Number.POSITIVE_INFINITY;

  /** Whether the cached link of `slot` is current at these topology versions (`seeAttr` called first). */
  current(slot: number, shape: number, attr: number): boolean {
    const at = slot * REC;
    const rec = this.rec;
    return rec[at + SHAPE] === shape && rec[at + ATTR] >= this.attrValidFrom && this.attrSeen === attr;
  }

  /** Takes note of the topology's attribute version: a change the ledger did not make outdates every cached link. */
  seeAttr(attr: number): void {
    if (attr === this.attrSeen) return;
    this.attrSeen = attr;
    this.attrValidFrom = attr;
  }

  /** Caches the graph's link of `slot` as looked up at these versions (`seeAttr(attr)` called first). */
  cache(slot: number, link: TopoLink, shape: number | undefined, attr: number | undefined): void {
    this.links[slot] = link;
    const at = slot * REC;
    const rec = this.rec;
    rec[at + SHAPE] = shape ?? Number.NaN;
    rec[at + ATTR] = attr ?? Number.NaN;
    rec[at + FREE] = link.capacityMbps - link.reservedMbps;
  }

  /**
   * The ledger changed the graph's link of `slot` itself, the attribute version going from `pre` to
   * `post`. A change before `pre` it had not seen outdates every cached link (as `seeAttr`). When `post`
   * is one step on, the update was the only change: the other cached links stay as they were and this
   * one is `link`. Otherwise (a listener of the update changed more) nothing cached before is current.
   */
  updatedByLedger(slot: number, link: TopoLink, pre: number | undefined, post: number | undefined): void {
    if (pre === undefined || post === undefined) return;
    this.seeAttr(pre);
    if (post === pre + 1) {
      this.attrSeen = post;
      this.links[slot] = link;
      const at = slot * REC;
      this.rec[at + ATTR] = post;
      this.rec[at + FREE] = link.capacityMbps - link.reservedMbps;
    } else this.seeAttr(post);
  }

  /** Forgets every walk's marks (the stamps start again). */
  clearWalkMarks(): void {
    const rec = this.rec;
    for (let s = 0; s < this.size; s++) rec[s * REC + MARK] = 0;
  }

  /** The slot of a link id, created when the id was never booked. */
  slot(id: string): number {
    const s = this.slotOf.get(id);
    return s === undefined ? this.add(id) : s;
  }

  /** The slot of a link id, if it was ever booked. */
  find(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  /** Mbps booked on a slot. */
  booked(slot: number): number {
    return this.rec[slot * REC + PRIMARY] + this.dedicated[slot] + this.sharedMax[slot];
  }

  /** The slot's shared-backup map, created when it has none. */
  sharedOf(slot: number): Map<string, number> {
    let m = this.shared[slot];
    if (m === undefined) {
      m = new Map();
      this.shared[slot] = m;
    }
    return m;
  }

  private add(id: string): number {
    const s = this.size;
    if (s === this.dedicated.length) this.grow(s * 2);
    this.size = s + 1;
    this.slotOf.set(id, s);
    this.ids.push(id);
    this.shared.push(undefined);
    this.links.push(undefined);
    const at = s * REC;
    this.rec[at + SHAPE] = Number.NaN;
    this.rec[at + ATTR] = Number.NaN;
    this.rec[at + QUEUE_POS] = -1;
    return s;
  }

  private grow(n: number): void {
    const rec = new Float64Array(n * REC);
    rec.set(this.rec);
    this.rec = rec;
    const dedicated = new Float64Array(n);
    dedicated.set(this.dedicated);
    this.dedicated = dedicated;
    const sharedMax = new Float64Array(n);
    sharedMax.set(this.sharedMax);
    this.sharedMax = sharedMax;
    const releasedMark = new Uint8Array(n);
    releasedMark.set(this.releasedMark);
    this.releasedMark = releasedMark;
  }
}
