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
}
