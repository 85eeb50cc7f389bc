import type { AdmitResult, IntentEngine } from './intent-engine.js';
import type { IntentPaths, IntentRecord, IntentSpec } from './intent-types.js';

/** How many lower-priority intents one admission may try to displace before giving up. */
export const MAX_PREEMPTION_CANDIDATES = 64;

export interface PreemptionOutcome {
  readonly result: AdmitResult;
  /** Intents whose bandwidth was taken: they must be failed with reason 'preempted'. */
  readonly victims: readonly IntentRecord[];
}

/**
 * Admits `rec` by displacing intents of strictly lower priority, lowest priority (then newest) first,
 * one at a time until the admission fits. Then every displaced intent that still fits next to the new
 * one gets its reservation back, highest priority first; the rest are the victims. Synchronous, so the
 * whole exchange is atomic with respect to other requests. Only for requests that allow preemption and
 * failed for lack of bandwidth.
 */
export function admitWithPreemption(
  engine: IntentEngine,
  rec: IntentRecord,
  spec: IntentSpec,
  fixed?: IntentPaths,
  avoidNodes?: readonly string[],
): PreemptionOutcome {
  const first = engine.admit(rec, spec, fixed, avoidNodes);
  if (first.ok || !spec.allowPreemption || first.reason.code !== 'bandwidth') return { result: first, victims: [] };
  const ledger = engine.deps.ledger;
  const candidates = engine
    .all()
    .filter((v) => v.id !== rec.id && engine.isActive(v) && v.spec.priority < spec.priority && v.reservedLinks.length > 0)
    .sort((a, b) => a.spec.priority - b.spec.priority || b.key - a.key)
    .slice(0, MAX_PREEMPTION_CANDIDATES);
  const released: IntentRecord[] = [];
  let result: AdmitResult = first;
  for (const v of candidates) {
    ledger.release(v.id);
    released.push(v);
    result = engine.admit(rec, spec, fixed, avoidNodes);
    if (result.ok) break;
  }
  const victims: IntentRecord[] = [];
  for (const v of released.reverse()) {
    if (!ledger.reserve(v.id, v.reservedLinks, v.spec.bandwidthMbps).ok) victims.push(v);
  }
  return result.ok ? { result, victims } : { result: first, victims: [] };
}
