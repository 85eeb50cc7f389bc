import type { IntentFailure } from './intent-types.js';

/**
 * Admission as the intent layer needs it: reserve `mbps` on every link of a set for an owner, all or
 * nothing, synchronously (two requests can never interleave between the check and the booking), and
 * release everything an owner holds. A reservation of an owner replaces its previous one.
 */
export interface BandwidthLedger {
  reserve(
    owner: string,
    links: readonly string[],
    mbps: number,
  ): { readonly ok: true } | { readonly ok: false; readonly reason: IntentFailure };
  release(owner: string): void;
  /** Links the owner holds a reservation on right now (empty when none). */
  heldBy(owner: string): readonly string[];
  /**
   * Runs a batch of admissions with the topology's reservedMbps updated once per touched link at the
   * end (a ledger without this updates it on every booking). Inside, the topology may show more free
   * bandwidth than is left, never less once `syncReleases` ran; the ledger still refuses any over-booking.
   */
  batch?<T>(fn: () => T): T;
  /**
   * Applies net releases of the batch to the topology (call before planning); with `forMbps`, only when
   * a plan for that much bandwidth could see a difference (a link released shows less free than that).
   */
  syncReleases?(forMbps?: number): void;
  /** Applies everything the batch booked or released to the topology; true when something was pending. */
  syncTopology?(): boolean;
}
