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
  /** Identities of the last diff's entries, committed once the device confirms that diff. */
  private pending: K[][] = [[], [], []];

  constructor(private readonly kind: EntryKind<K, T>) {}

  /** One more entry of `owner` (a change that only adds); its identity wins over the owner's earlier entry. */
  add(k: K, owner: string, seq: number, entry: T): void {
    this.want(k, owner, seq, entry);
  }

  /**
   * One entry of `owner` gone; nothing changes when the owner's entry for `k` is another object (a
   * later entry of the owner with the same identity won). True when the owner no longer wants `k`.
   */
  drop(k: K, owner: string, entry: T): boolean {
    const cur = this.wanted.get(k);
    if (cur === undefined) return false;
    const mine = Array.isArray(cur) ? cur.find((x) => x.owner === owner) : cur.owner === owner ? cur : undefined;
    if (mine?.entry !== entry) return false;
    this.unwant(k, owner);
    return true;
  }

  private want(k: K, owner: string, seq: number, entry: T): void {
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

  private unwant(k: K, owner: string): void {
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
   * Replaces one owner's entries (`beforeKeys` are the identities `replace` returned for `before`);
   * returns the identities of `after`. Entries it keeps (the same objects, as make-before-break phases
   * pass the same rules again) are neither re-keyed, re-indexed nor marked touched.
   */
  replace(owner: string, seq: number, beforeKeys: readonly K[], before: readonly T[], after: readonly T[]): K[] {
    const keys: K[] = new Array(after.length);
    if (before.length === 0) {
      for (let i = 0; i < after.length; i++) {
        const k = this.kind.identity(after[i]);
        keys[i] = k;
        this.want(k, owner, seq, after[i]);
      }
      return keys;
    }
    const prev = new Map<K, T>();
    // Identity of an entry object seen before: computing it (a string for flows) is the costly part.
    const known = new Map<T, K>();
    for (let i = 0; i < before.length; i++) {
      prev.set(beforeKeys[i], before[i]);
      known.set(before[i], beforeKeys[i]);
    }
    for (let i = 0; i < after.length; i++) {
      const e = after[i];
      const k = known.get(e) ?? this.kind.identity(e);
      keys[i] = k;
      const p = prev.get(k);
      if (p !== undefined) prev.delete(k);
      if (p !== e) this.want(k, owner, seq, e);
    }
    for (const k of prev.keys()) this.unwant(k, owner);
    return keys;
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

  /** Whether any owner wants an entry under this identity. */
  wants(k: K): boolean {
    return this.wanted.has(k);
  }

  hasTouched(): boolean {
    return this.touched.size > 0;
  }

  /** Changes for the identities touched since the last pass, against the confirmed entries. */
  diffTouched(): EntryDiff<T> {
    const keys = this.touched;
    this.touched = new Set();
    const out: EntryDiff<T> = { add: [], modify: [], remove: [] };
    this.pending = [[], [], []];
    for (const k of keys) this.diffOne(k, out);
    return out;
  }

  /** Takes `actual` as the confirmed state and diffs every identity against it. */
  diffAll(actual: readonly T[]): EntryDiff<T> {
    this.touched = new Set();
    this.confirmed.clear();
    for (const a of actual) this.confirmed.set(this.kind.identity(a), a);
    const out: EntryDiff<T> = { add: [], modify: [], remove: [] };
    this.pending = [[], [], []];
    for (const k of this.wanted.keys()) this.diffOne(k, out);
    for (const [k, a] of this.confirmed) {
      if (!this.wanted.has(k) && this.kind.manages(a)) {
        out.remove.push(a);
        this.pending[2].push(k);
      }
    }
    return out;
  }

  /** The device confirmed the last diff: what it has now. */
  commit(added: readonly T[], modified: readonly T[]): void {
    const [add, modify, remove] = this.pending;
    for (let i = 0; i < add.length; i++) this.confirmed.set(add[i], added[i]);
    for (let i = 0; i < modify.length; i++) this.confirmed.set(modify[i], modified[i]);
    for (const k of remove) this.confirmed.delete(k);
    this.pending = [[], [], []];
  }

  private diffOne(k: K, out: EntryDiff<T>): void {
    const want = this.winner(k);
    const have = this.confirmed.get(k);
    if (want !== undefined) {
      if (have === undefined) {
        out.add.push(want);
        this.pending[0].push(k);
      } else if (have !== want && this.kind.body(have) !== this.kind.body(want)) {
        out.modify.push(want);
        this.pending[1].push(k);
      }
    } else if (have !== undefined && this.kind.manages(have)) {
      out.remove.push(have);
      this.pending[2].push(k);
    }
  }
}
