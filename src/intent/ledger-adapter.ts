import { SdncError } from '../model/errors.js';
import type { NoPathReason } from '../model/path.js';
import type { BandwidthLedger } from './bandwidth-ledger.js';
import type { IntentFailure } from './intent-types.js';

/** The slice of the path layer's ReservationLedger the intent layer uses. */
export interface ReservationBook {
  reserve(req: {
    readonly ownerId: string;
    readonly bandwidthMbps: number;
    readonly primary: readonly string[];
  }): { readonly ok: true } | { readonly ok: false; readonly reason: NoPathReason };
  release(ownerId: string): boolean;
  get(
    ownerId: string,
  ):
    | { readonly bandwidthMbps: number; readonly primary: readonly string[]; readonly backup: readonly string[] | null }
    | undefined;
  deferTopology?<T>(fn: () => T): T;
  syncReleases?(forMbps?: number): void;
  syncTopology?(): boolean;
}

/** Shared answers (the callers never change them). */
const RESERVED: { ok: true } = { ok: true };
const NOTHING_HELD: readonly string[] = Object.freeze([]);

/**
 * Books an intent's links on the admission ledger as one dedicated reservation (the union of its
 * primary and pre-installed backup paths: a backup that carries traffic the instant a link fails must
 * have its bandwidth already). Re-booking exactly what an owner already holds is a no-op, which is what
 * a restart needs: the ledger restored its reservations from the database before intents reload.
 */
export class LedgerAdapter implements BandwidthLedger {
  constructor(private readonly book: ReservationBook) {}

  reserve(owner: string, links: readonly string[], mbps: number): { ok: true } | { ok: false; reason: IntentFailure } {
    const cur = this.book.get(owner);
    if (cur && cur.bandwidthMbps === mbps && sameSet(cur.backup ? [...cur.primary, ...cur.backup] : cur.primary, links))
      return RESERVED;
    this.book.release(owner);
    try {
      const r = this.book.reserve({ ownerId: owner, bandwidthMbps: mbps, primary: links });
      return r.ok
        ? RESERVED
        : { ok: false, reason: { code: r.reason.code, message: r.reason.message, details: r.reason.details } };
    } catch (err) {
      if (err instanceof SdncError)
        return { ok: false, reason: { code: 'disconnected', message: err.message, details: err.details } };
      throw err;
    }
  }

  release(owner: string): void {
    this.book.release(owner);
  }

  batch<T>(fn: () => T): T {
    return this.book.deferTopology ? this.book.deferTopology(fn) : fn();
  }

  syncReleases(forMbps?: number): void {
    this.book.syncReleases?.(forMbps);
  }

  syncTopology(): boolean {
    return this.book.syncTopology?.() ?? false;
  }

  heldBy(owner: string): readonly string[] {
    const cur = this.book.get(owner);
    if (cur === undefined) return NOTHING_HELD;
    // The ledger's own list (it never changes a list it holds): no copy per admission.
    return cur.backup ? [...cur.primary, ...cur.backup] : cur.primary;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
