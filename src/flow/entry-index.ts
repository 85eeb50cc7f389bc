/**
 * One kind of forwarding entry (flows, groups or meters) on one device, as the flow service tracks it:
 * which owners want which entry (by identity), what the device last confirmed it has, and which
 * identities changed since the last pass. `diffTouched()` re-examines only those identities;
 * `diffAll()` re-examines everything against a fresh read-back. Both give the same batch as
 * `diffDeviceState` over the whole device, because after every successful pass the untouched
 * identities already agree (desired entry installed, or nothing desired and nothing managed there).
 */

interface Contribution<T> {
  readonly owner: string;
  /** Order in which the owner joined the device: among owners wanting one identity the latest wins. */
  readonly seq: number;
  readonly entry: T;
}

export interface EntryDiff<T> {
  readonly add: T[];
  readonly modify: T[];
  readonly remove: T[];
}

/** A confirmed batch's part for one kind. */
export interface EntryChanges<T> {
  readonly add: readonly T[];
  readonly modify: readonly T[];
  readonly remove: readonly T[];
}

export interface EntryKind<K, T> {
  identity(entry: T): K;
  body(entry: T): string;
  /** Whether an entry found on the device with nobody wanting it is removed (see OwnershipPolicy). */
  manages(entry: T): boolean;
}

export class EntryIndex<K, T> {
  private readonly wanted = new Map<K, Contribution<T> | Contribution<T>[]>();
  private readonly confirmed = new Map<K, T>();
  private touched = new Set<K>();

  constructor(private readonly kind: EntryKind<K, T>) {}

  want(owner: string, seq: number, entry: T): void {
    const k = this.kind.identity(entry);
    this.touched.add(k);
    const c: Contribution<T> = { owner, seq, entry };
    const cur = this.wanted.get(k);
    if (cur === undefined) {
      this.wanted.set(k, c);
    } else if (!Array.isArray(cur)) {
      // The same owner naming one identity twice: its later entry wins, as in a full diff.
      this.wanted.set(k, cur.owner === owner ? c : [cur, c]);
    } else {
      const i = cur.findIndex((x) => x.owner === owner);
      if (i >= 0) cur[i] = c;
      else cur.push(c);
    }
  }

  unwant(owner: string, entry: T): void {
    const k = this.kind.identity(entry);
    const cur = this.wanted.get(k);
    if (cur === undefined) return;
    this.touched.add(k);
    if (!Array.isArray(cur)) {
      if (cur.owner === owner) this.wanted.delete(k);
      return;
    }
    const rest = cur.filter((x) => x.owner !== owner);
    this.wanted.set(k, rest.length === 1 ? rest[0] : rest);
  }

  /**
   * Replaces one owner's entries. Entries it keeps (the same objects, as make-before-break phases
   * pass the same rules again) are neither re-indexed nor marked touched.
   */
  replace(owner: string, seq: number, before: readonly T[], after: readonly T[]): void {
    if (before.length === 0) {
      for (const e of after) this.want(owner, seq, e);
      return;
    }
    const prev = new Map<K, T>();
    for (const e of before) prev.set(this.kind.identity(e), e);
    for (const e of after) {
      const k = this.kind.identity(e);
      const p = prev.get(k);
      prev.delete(k);
      if (p !== e) this.want(owner, seq, e);
    }
    for (const e of prev.values()) this.unwant(owner, e);
  }

  /** The entry the device should have under this identity: the latest owner's. */
  winner(k: K): T | undefined {
    const cur = this.wanted.get(k);
    if (cur === undefined) return undefined;
    if (!Array.isArray(cur)) return cur.entry;
    let best = cur[0];
    for (const c of cur) if (c.seq > best.seq) best = c;
    return best.entry;
  }

  hasTouched(): boolean {
    return this.touched.size > 0;
  }

  /** Changes for the identities touched since the last pass, against the confirmed entries. */
  diffTouched(): EntryDiff<T> {
    const keys = this.touched;
    this.touched = new Set();
    const out: EntryDiff<T> = { add: [], modify: [], remove: [] };
    for (const k of keys) this.diffOne(k, out);
    return out;
  }

  /** Takes `actual` as the confirmed state and diffs every identity against it. */
  diffAll(actual: readonly T[]): EntryDiff<T> {
    this.touched = new Set();
    this.confirmed.clear();
    for (const a of actual) this.confirmed.set(this.kind.identity(a), a);
    const out: EntryDiff<T> = { add: [], modify: [], remove: [] };
    for (const k of this.wanted.keys()) this.diffOne(k, out);
    for (const [k, a] of this.confirmed) if (!this.wanted.has(k) && this.kind.manages(a)) out.remove.push(a);
    return out;
  }

  /** The device confirmed a batch: what it has now. */
  commit(d: EntryChanges<T>): void {
    for (const e of d.add) this.confirmed.set(this.kind.identity(e), e);
    for (const e of d.modify) this.confirmed.set(this.kind.identity(e), e);
    for (const e of d.remove) this.confirmed.delete(this.kind.identity(e));
  }

  private diffOne(k: K, out: EntryDiff<T>): void {
    const want = this.winner(k);
    const have = this.confirmed.get(k);
    if (want !== undefined) {
      if (have === undefined) out.add.push(want);
      else if (have !== want && this.kind.body(have) !== this.kind.body(want)) out.modify.push(want);
    } else if (have !== undefined && this.kind.manages(have)) {
      out.remove.push(have);
    }
  }
}
