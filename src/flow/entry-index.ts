/**
 * One kind of forwarding entry (flows, groups or meters) on one device, as the flow service tracks it:
 * which owners want which entry (by identity), what the device last confirmed it has, and which
 * identities changed since the last pass. `diffTouched()` re-examines only those identities;
 * `diffAll()` re-examines everything against a fresh read-back. Both give the same batch as
 * `diffDeviceState` over the whole device, because after every successful pass the untouched
 * identities already agree (desired entry installed, or nothing desired and nothing managed there).
 */

/** An owner as an index knows it: the same object for as long as the owner has entries on the device. */
export interface EntryOwner {
  /** Order in which the owner joined the device: among owners wanting one identity the latest wins. */
  readonly seq: number;
}

interface Contribution<T> {
  readonly owner: EntryOwner;
  entry: T;
}

/**
 * One identity on the device: who wants which entry under it and what the device confirmed. The first
 * owner's contribution is held inline (most identities have one owner), further owners' in `more`.
 * Owners may keep the slots of their entries (an owner's slot stays in the index while it wants it).
 */
export interface Slot<K, T> {
  readonly key: K;
  owner: EntryOwner | undefined;
  entry: T | undefined;
  more: Contribution<T>[] | undefined;
  /** What the device confirmed it has under this identity. */
  have: T | undefined;
  /** The pass whose touched list holds the slot (a slot is listed once per pass); GONE once forgotten. */
  mark: number;
}

export interface EntryDiff<T> {
  readonly add: T[];
  readonly modify: T[];
  readonly remove: T[];
}

export interface EntryKind<K, T> {
  identity(entry: T): K;
  /** Whether two entries with one identity are the same (a modify would change nothing). */
  sameBody(a: T, b: T): boolean;
  /** Whether an entry found on the device with nobody wanting it is removed (see OwnershipPolicy). */
  manages(entry: T): boolean;
}

/** The mark of a slot taken out of the index (nobody wanted it and the device did not have it). */
const GONE = -1;

export class EntryIndex<K, T> {
  private readonly slots = new Map<K, Slot<K, T>>();
  private touched: Slot<K, T>[] = [];
  private pass = 1;
  /** Slots of the last diff's entries, committed once the device confirms that diff. */
  private pending: Slot<K, T>[][] = [[], [], []];

  constructor(private readonly kind: EntryKind<K, T>) {}

  /** The slot of an identity, created (and listed as touched) when missing. */
  slotFor(k: K): Slot<K, T> {
    let slot = this.slots.get(k);
    if (slot === undefined) {
      slot = { key: k, owner: undefined, entry: undefined, more: undefined, have: undefined, mark: this.pass };
      this.slots.set(k, slot);
      this.touched.push(slot);
    }
    return slot;
  }

  /**
   * One more entry of `owner` under the slot's identity; it wins over the owner's earlier entry there,
   * as in a full diff. True when there was such an earlier entry.
   */
  addAt(slot: Slot<K, T>, owner: EntryOwner, entry: T): boolean {
    this.touch(slot);
    if (slot.owner === undefined || slot.owner === owner) {
      const again = slot.owner === owner;
      slot.owner = owner;
      slot.entry = entry;
      return again;
    }
    const more = slot.more;
    if (more === undefined) {
      slot.more = [{ owner, entry }];
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
  dropAt(slot: Slot<K, T>, owner: EntryOwner, entry: T): boolean {
    const mine = slot.owner === owner ? slot.entry : slot.more?.find((c) => c.owner === owner)?.entry;
    if (mine !== entry || mine === undefined) return false;
    this.unwant(slot, owner);
    return true;
  }

  private touch(slot: Slot<K, T>): void {
    if (slot.mark !== this.pass) {
      slot.mark = this.pass;
      this.touched.push(slot);
    }
  }

  private unwant(slot: Slot<K, T>, owner: EntryOwner): void {
    this.touch(slot);
    const more = slot.more;
    if (slot.owner === owner) {
      const next = more?.shift();
      slot.owner = next?.owner;
      slot.entry = next?.entry;
    } else if (more !== undefined) {
      const i = more.findIndex((c) => c.owner === owner);
      if (i >= 0) more.splice(i, 1);
    }
    if (more !== undefined && more.length === 0) slot.more = undefined;
  }

  /**
   * Replaces one owner's entries `before` (whose slots are `beforeSlots`) with `after`; returns the
   * slots of `after`, and whether the owner names an identity twice there. Entries it keeps (the same
   * objects) are not re-indexed.
   */
  replace(
    owner: EntryOwner,
    before: readonly T[],
    beforeSlots: readonly Slot<K, T>[],
    after: readonly T[],
  ): { slots: Slot<K, T>[]; again: boolean } {
    let again = false;
    const prev = new Map<Slot<K, T>, T>();
    for (let i = 0; i < before.length; i++) prev.set(beforeSlots[i], before[i]);
    const slots: Slot<K, T>[] = new Array(after.length);
    for (let i = 0; i < after.length; i++) {
      const e = after[i];
      const slot = this.slotFor(this.kind.identity(e));
      slots[i] = slot;
      const p = prev.get(slot);
      if (p !== undefined) prev.delete(slot);
      // Replacing the owner's entry `p` is no second entry; a second one in `after` finds no `p`.
      if (p !== e && this.addAt(slot, owner, e) && p === undefined) again = true;
    }
    for (const slot of prev.keys()) this.unwant(slot, owner);
    return { slots, again };
  }

  /** Whether any owner wants an entry under this identity. */
  wants(k: K): boolean {
    return this.slots.get(k)?.owner !== undefined;
  }

  hasTouched(): boolean {
    return this.touched.length > 0;
  }

  /** Changes for the identities touched since the last pass, against the confirmed entries. */
  diffTouched(): EntryDiff<T> {
    const slots = this.touched;
    this.touched = [];
    this.pass++;
    const out: EntryDiff<T> = { add: [], modify: [], remove: [] };
    this.pending = [[], [], []];
    for (const slot of slots) this.diffOne(slot, out);
    return out;
  }

  /** Takes `actual` as the confirmed state and diffs every identity against it. */
  diffAll(actual: readonly T[]): EntryDiff<T> {
    this.touched = [];
    this.pass++;
    for (const slot of this.slots.values()) slot.have = undefined;
    for (const a of actual) {
      const k = this.kind.identity(a);
      const slot = this.slots.get(k);
      if (slot === undefined)
        this.slots.set(k, { key: k, owner: undefined, entry: undefined, more: undefined, have: a, mark: 0 });
      else slot.have = a;
    }
    const out: EntryDiff<T> = { add: [], modify: [], remove: [] };
    this.pending = [[], [], []];
    for (const slot of this.slots.values()) this.diffOne(slot, out);
    return out;
  }

  /** The device confirmed the last diff: what it has now. */
  commit(added: readonly T[], modified: readonly T[]): void {
    const [add, modify, remove] = this.pending;
    for (let i = 0; i < add.length; i++) add[i].have = added[i];
    for (let i = 0; i < modify.length; i++) modify[i].have = modified[i];
    for (const slot of remove) {
      slot.have = undefined;
      if (slot.owner === undefined) this.forget(slot);
    }
    this.pending = [[], [], []];
  }

  /** The entry the device should have under this slot's identity: the latest owner's. */
  private winner(slot: Slot<K, T>): T | undefined {
    const more = slot.more;
    if (more === undefined || slot.owner === undefined) return slot.entry;
    let best = slot.entry;
    let seq = slot.owner.seq;
    for (const c of more) {
      if (c.owner.seq > seq) {
        best = c.entry;
        seq = c.owner.seq;
      }
    }
    return best;
  }

  /**
   * Drops a slot nobody wants and the device does not have. A forgotten slot may still be listed (as
   * touched or pending); only the index hands slots out, so no change reaches it again.
   */
  private forget(slot: Slot<K, T>): void {
    if (slot.mark === GONE) return;
    slot.mark = GONE;
    this.slots.delete(slot.key);
  }

  private diffOne(slot: Slot<K, T>, out: EntryDiff<T>): void {
    const want = this.winner(slot);
    const have = slot.have;
    if (want !== undefined) {
      if (have === undefined) {
        out.add.push(want);
        this.pending[0].push(slot);
      } else if (have !== want && !this.kind.sameBody(have, want)) {
        out.modify.push(want);
        this.pending[1].push(slot);
      }
    } else if (have === undefined) {
      this.forget(slot);
    } else if (this.kind.manages(have)) {
      out.remove.push(have);
      this.pending[2].push(slot);
    }
  }
}
