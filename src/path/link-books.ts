import type { TopoLink } from '../model/topology.js';

const INITIAL_SLOTS = 256;

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
   * The graph's link as last looked up for each slot, at the topology versions in linkShape/linkAttr.
   * It is current while the shape version is the same and no attribute changed since it was stamped
   * other than by the ledger itself (which stamps the link it got back): see `seeAttr`.
   */
  readonly links: (TopoLink | undefined)[] = [];
  size = 0;
  primary: Float64Array = new Float64Array(INITIAL_SLOTS);
  dedicated: Float64Array = new Float64Array(INITIAL_SLOTS);
  sharedMax: Float64Array = new Float64Array(INITIAL_SLOTS);
  /** Mbps booked (positive) or released (negative) and not yet applied to the graph (DeferredTopologySync). */
  unapplied: Float64Array = new Float64Array(INITIAL_SLOTS);
  /** Where the slot is in DeferredTopologySync's queue of unapplied links; -1 when it is not. */
  queuePos: Int32Array = new Int32Array(INITIAL_SLOTS).fill(-1);
  /** 1 while the slot is in DeferredTopologySync's list of links released net. */
  releasedMark: Uint8Array = new Uint8Array(INITIAL_SLOTS);
  /** Scratch of the ledger's walks over a reservation's links: the walk that last saw the slot, and where it put it. */
  walkMark: Int32Array = new Int32Array(INITIAL_SLOTS);
  walkIndex: Int32Array = new Int32Array(INITIAL_SLOTS);
  /** Topology versions at which `links[slot]` was looked up (NaN: never). */
  linkShape: Float64Array = new Float64Array(INITIAL_SLOTS).fill(Number.NaN);
  linkAttr: Float64Array = new Float64Array(INITIAL_SLOTS).fill(Number.NaN);

  /** The attribute version last seen, and the oldest stamp in `linkAttr` still current. */
  private attrSeen = Number.NaN;
  private attrValidFrom = Number.POSITIVE_INFINITY;

  /** Whether the cached link of `slot` is current at these topology versions (`seeAttr` called first). */
  current(slot: number, shape: number, attr: number): boolean {
    return this.linkShape[slot] === shape && this.linkAttr[slot] >= this.attrValidFrom && this.attrSeen === attr;
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
    this.linkShape[slot] = shape ?? Number.NaN;
    this.linkAttr[slot] = attr ?? Number.NaN;
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
      this.linkAttr[slot] = post;
    } else this.seeAttr(post);
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
    return this.primary[slot] + this.dedicated[slot] + this.sharedMax[slot];
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
    if (s === this.primary.length) this.grow(s * 2);
    this.size = s + 1;
    this.slotOf.set(id, s);
    this.ids.push(id);
    this.shared.push(undefined);
    this.links.push(undefined);
    return s;
  }

  private grow(n: number): void {
    this.primary = grownF64(this.primary, n, 0);
    this.dedicated = grownF64(this.dedicated, n, 0);
    this.sharedMax = grownF64(this.sharedMax, n, 0);
    this.unapplied = grownF64(this.unapplied, n, 0);
    this.linkShape = grownF64(this.linkShape, n, Number.NaN);
    this.linkAttr = grownF64(this.linkAttr, n, Number.NaN);
    const queuePos = new Int32Array(n).fill(-1);
    queuePos.set(this.queuePos);
    this.queuePos = queuePos;
    const releasedMark = new Uint8Array(n);
    releasedMark.set(this.releasedMark);
    this.releasedMark = releasedMark;
    const walkMark = new Int32Array(n);
    walkMark.set(this.walkMark);
    this.walkMark = walkMark;
    const walkIndex = new Int32Array(n);
    walkIndex.set(this.walkIndex);
    this.walkIndex = walkIndex;
  }
}

function grownF64(a: Float64Array, n: number, fill: number): Float64Array {
  const b = new Float64Array(n);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
