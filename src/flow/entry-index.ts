/**
 * One kind of forwarding entry (flows, groups or meters) on one device, as the flow service tracks it:
 * which owners want which entry (by identity), what the device last confirmed it has, and which
 * identities changed since the last pass. `diffTouched()` re-examines only those identities;
 * `diffAll()` re-examines everything against a fresh read-back. Both give the same batch as
 * `diffDeviceState` over the whole device, because after every successful pass the untouched
 * identities already agree (desired entry installed, or nothing desired and nothing managed there).
 */

/**
 * An owner as an index knows it: a row of an OwnerOrder, the same for as long as the owner has entries
 * on the device.
 */
export type EntryOwner = number;

/** Where an index finds the order of its owners. */
export interface OwnerOrder {
  /** Per owner, the order in which it joined its device: among owners wanting one identity the latest wins. */
  readonly seq: Float64Array;
}

interface Contribution<T> {
  readonly owner: EntryOwner;
  entry: T;
}

/**
 * One identity on a device, as a number into a SlotPool's columns. Owners may keep the slots of their
 * entries (an owner's slot stays in the index while it wants it).
 */
export type Slot = number;

/** The diff of an index with nothing touched: frozen, shared by all of them. */
const NONE: never[] = Object.freeze([]) as never[];
const NO_CHANGES: EntryDiff<never> = Object.freeze({ add: NONE, modify: NONE, remove: NONE });

/** replace() scans an owner's earlier entries up to this many, and hashes longer lists. */
const SCAN_MAX = 16;

/** The mark of a slot taken out of its index (nobody wanted it and the device did not have it). */
const GONE = -1;

/**
 * The slots of many indexes (one per device, of one kind) as columns: a slot is a row number, so a
 * slot costs no object of its own, and the columns, few and large, are not copied by minor collections
 * as a small object per identity would be. The first owner's contribution is held inline (most
 * identities have one owner), further owners' in the index's `more`.
 */
export class SlotPool<T> {
  /** The identity of the slot (its key in its index). */
  readonly key: unknown[] = [];
  /** The first owner wanting the identity and its entry (undefined when nobody wants it). */
  readonly owner: (EntryOwner | undefined)[] = [];
  readonly entry: (T | undefined)[] = [];
  /** What the device confirmed it has under this identity. */
  readonly have: (T | undefined)[] = [];
  /** The pass of its index whose touched list holds the slot (listed once per pass); GONE once forgotten. */
  mark = new Int32Array(256);
  private readonly free: number[] = [];

  alloc(key: unknown, mark: number, have: T | undefined): Slot {
    const n = this.free.pop();
    if (n !== undefined) {
      this.key[n] = key;
      this.have[n] = have;
      this.mark[n] = mark;
      return n;
    }
    const m = this.key.length;
    this.key.push(key);
    this.owner.push(undefined);
    this.entry.push(undefined);
    this.have.push(have);
    if (m === this.mark.length) {
      const grown = new Int32Array(m * 2);
      grown.set(this.mark);
      this.mark = grown;
    }
    this.mark[m] = mark;
    return m;
  }

  /** Rows of forgotten slots that no list of their index names any more: free for reuse. */
  release(slots: readonly Slot[]): void {
    for (const n of slots) {
      this.key[n] = undefined;
      this.owner[n] = undefined;
      this.entry[n] = undefined;
      this.have[n] = undefined;
      this.free.push(n);
    }
  }
}

/** Changes of one kind of entries; an empty list may be an array shared by every diff (frozen, never written). */
export interface EntryDiff<T> {
  readonly add: T[];
  readonly modify: T[];
  readonly remove: T[];
}

/** A diff being built: its lists start as the shared empty NONE and get an array of their own when first needed. */
interface OpenDiff<T> {
  add: T[];
  modify: T[];
  remove: T[];
}

export interface EntryKind<K, T> {
  identity(entry: T): K;
  /** Whether two entries with one identity are the same (a modify would change nothing). */
  sameBody(a: T, b: T): boolean;
  /** Whether an entry found on the device with nobody wanting it is removed (see OwnershipPolicy). */
  manages(entry: T): boolean;
}

export class EntryIndex<K, T> {
  private readonly slots = new Map<K, Slot>();
  /** Contributions of further owners, per slot that has any. */
  private more: Map<Slot, Contribution<T>[]> | undefined;
  private touched: Slot[] = [];
  private pass = 1;
  /** Slots of the last diff's entries, committed once the device confirms that diff. */
  private readonly pendingAdd: Slot[] = [];
  private readonly pendingModify: Slot[] = [];
  private readonly pendingRemove: Slot[] = [];
  /** How many of each pending list are the last diff's (the lists keep their rows for the next one). */
  private pendingAdds = 0;
  private pendingModifies = 0;
  private pendingRemoves = 0;
  /**
   * Slots forgotten since the last diff began. A forgotten slot may still be listed as touched; its
   * row goes back to the pool once the next diff has passed over that list.
   */
  private forgotten: Slot[] = [];

  constructor(
    private readonly kind: EntryKind<K, T>,
    private readonly pool: SlotPool<T>,
    private readonly order: OwnerOrder,
  ) {}

  /** The slot of an identity, created (and listed as touched) when missing. */
  slotFor(k: K): Slot {
    let slot = this.slots.get(k);
    if (slot === undefined) {
      slot = this.pool.alloc(k, this.pass, undefined);
      this.slots.set(k, slot);
      this.touched.push(slot);
    }
    return slot;
  }

  /**
   * One more entry of `owner` under the slot's identity; it wins over the owner's earlier entry there,
   * as in a full diff. True when there was such an earlier entry.
   */
  addAt(slot: Slot, owner: EntryOwner, entry: T): boolean {
    this.touch(slot);
    const pool = this.pool;
    const first = pool.owner[slot];
    if (first === undefined || first === owner) {
      pool.owner[slot] = owner;
      pool.entry[slot] = entry;
      return first === owner;
    }
    this.more ??= new Map();
    const more = this.more.get(slot);
    if (more === undefined) {
      this.more.set(slot, [{ owner, entry }]);
      return false;
    }
    const mine = more.find((c) => c.owner === owner);
    if (mine === undefined) more.push({ owner, entry });
    else mine.entry = entry;
    return mine !== undefined;
  }

  /**
   * One entry of `owner` gone; nothing changes when the owner's entry there is another object (a later
   * entry of the owner with the same identity won). True when the owner no longer wants the identity.
   */
  dropAt(slot: Slot, owner: EntryOwner, entry: T): boolean {
    const pool = this.pool;
    const mine = pool.owner[slot] === owner ? pool.entry[slot] : this.more?.get(slot)?.find((c) => c.owner === owner)?.entry;
    if (mine !== entry || mine === undefined) return false;
    this.unwant(slot, owner);
    return true;
  }

  /** The owner no longer wants the slot's identity, whichever entry it gave there (if any). */
  drop(slot: Slot, owner: EntryOwner): void {
    this.unwant(slot, owner);
  }

  private touch(slot: Slot): void {
    const mark = this.pool.mark;
    if (mark[slot] !== this.pass) {
      mark[slot] = this.pass;
      this.touched.push(slot);
    }
  }

  private unwant(slot: Slot, owner: EntryOwner): void {
    this.touch(slot);
    const pool = this.pool;
    const more = this.more?.get(slot);
    if (pool.owner[slot] === owner) {
      const next = more?.shift();
      pool.owner[slot] = next?.owner;
      pool.entry[slot] = next?.entry;
    } else if (more !== undefined) {
      const i = more.findIndex((c) => c.owner === owner);
      if (i >= 0) more.splice(i, 1);
    }
    if (more !== undefined && more.length === 0) this.more?.delete(slot);
  }

  /**
   * Replaces one owner's entries `before` (whose slots are `beforeSlots`) with `after`; returns the
   * slots of `after`, and whether the owner names an identity twice there. Entries it keeps (the same
   * objects) are not re-indexed.
   */
  replace(
    owner: EntryOwner,
    before: readonly T[],
    beforeSlots: readonly Slot[],
    after: readonly T[],
  ): { slots: Slot[]; again: boolean } {
    // The owner's earlier entry per slot (the last one it gave there), in the order the slots were first
    // given. An owner mostly has a few entries per device: short lists are scanned, long ones hashed.
    const prevSlots: Slot[] = [];
    const prev: (T | undefined)[] = [];
    const at = before.length > SCAN_MAX ? new Map<Slot, number>() : undefined;
    for (let i = 0; i < before.length; i++) {
      const j = at === undefined ? prevSlots.indexOf(beforeSlots[i]) : (at.get(beforeSlots[i]) ?? -1);
      if (j >= 0) prev[j] = before[i];
      else {
        at?.set(beforeSlots[i], prev.length);
        prevSlots.push(beforeSlots[i]);
        prev.push(before[i]);
      }
    }
    let again = false;
    const slots: Slot[] = new Array(after.length);
    for (let i = 0; i < after.length; i++) {
      const e = after[i];
      const slot = this.slotFor(this.kind.identity(e));
      slots[i] = slot;
      const j = prev.length === 0 ? -1 : at === undefined ? prevSlots.indexOf(slot) : (at.get(slot) ?? -1);
      const p = j < 0 ? undefined : prev[j];
      if (p !== undefined) prev[j] = undefined;
      // Replacing the owner's entry `p` is no second entry; a second one in `after` finds no `p`.
      if (p !== e && this.addAt(slot, owner, e) && p === undefined) again = true;
    }
    for (let j = 0; j < prev.length; j++) if (prev[j] !== undefined) this.unwant(prevSlots[j], owner);
    return { slots, again };
  }

  /** Whether any owner wants an entry under this identity. */
  wants(k: K): boolean {
    const slot = this.slots.get(k);
    return slot !== undefined && this.pool.owner[slot] !== undefined;
  }

  hasTouched(): boolean {
    return this.touched.length > 0;
  }

  /** Changes for the identities touched since the last pass, against the confirmed entries. */
  diffTouched(): EntryDiff<T> {
    const slots = this.touched;
    this.pass++;
    this.resetPending();
    if (slots.length === 0) {
      // Nothing touched (most devices have no groups or meters): nothing to diff, nothing named forgotten rows.
      this.releaseForgotten();
      return NO_CHANGES as EntryDiff<T>;
    }
    this.touched = [];
    const out: OpenDiff<T> = { add: NONE, modify: NONE, remove: NONE };
    const mark = this.pool.mark;
    for (let i = 0; i < slots.length; i++) if (mark[slots[i]] !== GONE) this.diffOne(slots[i], out);
    this.releaseForgotten();
    return out;
  }

  /** Takes `actual` as the confirmed state and diffs every identity against it. */
  diffAll(actual: readonly T[]): EntryDiff<T> {
    this.touched = [];
    this.pass++;
    const pool = this.pool;
    for (const slot of this.slots.values()) pool.have[slot] = undefined;
    for (const a of actual) {
      const k = this.kind.identity(a);
      const slot = this.slots.get(k);
      if (slot === undefined) this.slots.set(k, pool.alloc(k, 0, a));
      else pool.have[slot] = a;
    }
    const out: OpenDiff<T> = { add: NONE, modify: NONE, remove: NONE };
    this.resetPending();
    for (const slot of this.slots.values()) this.diffOne(slot, out);
    this.releaseForgotten();
    return out;
  }

  /** The device confirmed the last diff: what it has now. */
  commit(added: readonly T[], modified: readonly T[]): void {
    const have = this.pool.have;
    const add = this.pendingAdd;
    const modify = this.pendingModify;
    for (let i = 0; i < this.pendingAdds; i++) have[add[i]] = added[i];
    for (let i = 0; i < this.pendingModifies; i++) have[modify[i]] = modified[i];
    const remove = this.pendingRemove;
    for (let i = 0; i < this.pendingRemoves; i++) {
      const slot = remove[i];
      have[slot] = undefined;
      if (this.pool.owner[slot] === undefined) this.forget(slot);
    }
    this.resetPending();
  }

  private resetPending(): void {
    this.pendingAdds = 0;
    this.pendingModifies = 0;
    this.pendingRemoves = 0;
  }

  private releaseForgotten(): void {
    if (this.forgotten.length === 0) return;
    this.pool.release(this.forgotten);
    this.forgotten = [];
  }

  /** The entry the device should have under this slot's identity: the latest owner's. */
  private winner(slot: Slot): T | undefined {
    const pool = this.pool;
    const first = pool.owner[slot];
    if (this.more === undefined || first === undefined) return pool.entry[slot];
    const more = this.more.get(slot);
    if (more === undefined) return pool.entry[slot];
    const seqs = this.order.seq;
    let best = pool.entry[slot];
    let seq = seqs[first];
    for (const c of more) {
      if (seqs[c.owner] > seq) {
        best = c.entry;
        seq = seqs[c.owner];
      }
    }
    return best;
  }

  /**
   * Drops a slot nobody wants and the device does not have. A forgotten slot may still be listed as
   * touched; only the index hands slots out, and its row is reused only after the next diff.
   */
  private forget(slot: Slot): void {
    const mark = this.pool.mark;
    if (mark[slot] === GONE) return;
    mark[slot] = GONE;
    this.slots.delete(this.pool.key[slot] as K);
    this.forgotten.push(slot);
  }

  private diffOne(slot: Slot, out: OpenDiff<T>): void {
    const want = this.winner(slot);
    const have = this.pool.have[slot];
    if (want !== undefined) {
      if (have === undefined) {
        if (out.add === NONE) out.add = [want];
        else out.add.push(want);
        this.pendingAdd[this.pendingAdds++] = slot;
      } else if (have !== want && !this.kind.sameBody(have, want)) {
        if (out.modify === NONE) out.modify = [want];
        else out.modify.push(want);
        this.pendingModify[this.pendingModifies++] = slot;
      }
    } else if (have === undefined) {
      this.forget(slot);
    } else if (this.kind.manages(have)) {
      if (out.remove === NONE) out.remove = [have];
      else out.remove.push(have);
      this.pendingRemove[this.pendingRemoves++] = slot;
    }
  }
}
