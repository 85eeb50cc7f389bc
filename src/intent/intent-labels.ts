import { needsCrankback } from './crankback-compiler.js';
import type { IntentFailure, IntentLabels, IntentPaths, IntentSpec } from './intent-types.js';
import { LABEL_COUNT, type LabelAllocator } from './label-allocator.js';

/** Every label an intent holds, each once. */
export function labelsHeld(labels: IntentLabels): number[] {
  const all = [labels.forward, labels.reverse, labels.forwardCrankback, labels.reverseCrankback];
  return all.filter((l): l is number => l !== undefined);
}

/** Labels an intent needs at least, before its paths are known (crankback labels come on top). */
export function minimumLabels(spec: IntentSpec): number {
  return spec.bidirectional ? 2 : 1;
}

/** Labels an intent with these paths takes. */
export function labelsNeeded(paths: IntentPaths): number {
  const dir = (d: IntentPaths['forward']) => 1 + (needsCrankback(d.primary, d.backup) ? 1 : 0);
  return dir(paths.forward) + (paths.reverse ? dir(paths.reverse) : 0);
}

/** The failure of an intent that found too few free labels (stable code 'labels-exhausted'). */
export function labelsExhausted(pool: LabelAllocator, needed: number): IntentFailure {
  return {
    code: 'labels-exhausted',
    message:
      `no free label: ${pool.used} of ${LABEL_COUNT} VLAN labels in use, this intent needs ${needed}; ` +
      'withdraw intents to free labels (the intent is retried when labels are freed)',
    details: { usedLabels: pool.used, totalLabels: LABEL_COUNT, neededLabels: needed },
  };
}

/**
 * Labels for an intent's paths: one per direction, plus a crankback label per direction that gets
 * local repair. All or nothing: undefined (and nothing kept) when the pool runs out.
 */
export function allocateIntentLabels(pool: LabelAllocator, owner: number, paths: IntentPaths): IntentLabels | undefined {
  const fwdCrankback = needsCrankback(paths.forward.primary, paths.forward.backup);
  const reverse = paths.reverse;
  const revCrankback = reverse !== undefined && needsCrankback(reverse.primary, reverse.backup);
  const needed = 1 + (fwdCrankback ? 1 : 0) + (reverse ? 1 + (revCrankback ? 1 : 0) : 0);
  if (pool.free < needed) return undefined;
  const forward = pool.allocate(owner);
  const fc = fwdCrankback ? pool.allocate(owner) : undefined;
  const rev = reverse ? pool.allocate(owner) : undefined;
  const rc = revCrankback ? pool.allocate(owner) : undefined;
  if (
    forward === undefined ||
    (fwdCrankback && fc === undefined) ||
    (reverse && rev === undefined) ||
    (revCrankback && rc === undefined)
  ) {
    for (const l of [forward, fc, rev, rc]) pool.release(l, owner);
    return undefined;
  }
  const labels: { forward: number; forwardCrankback?: number; reverse?: number; reverseCrankback?: number } = { forward };
  if (fc !== undefined) labels.forwardCrankback = fc;
  if (rev !== undefined) labels.reverse = rev;
  if (rc !== undefined) labels.reverseCrankback = rc;
  return labels;
}

/** Marks a reloaded intent's labels as taken (throws when another intent holds one). */
export function claimIntentLabels(pool: LabelAllocator, owner: number, labels: IntentLabels): void {
  for (const l of labelsHeld(labels)) pool.claim(l, owner);
}

export function releaseIntentLabels(pool: LabelAllocator, owner: number, labels: IntentLabels): void {
  // labelsHeld's order, without its arrays (this runs for every intent a move retires).
  pool.release(labels.forward, owner);
  if (labels.reverse !== undefined) pool.release(labels.reverse, owner);
  if (labels.forwardCrankback !== undefined) pool.release(labels.forwardCrankback, owner);
  if (labels.reverseCrankback !== undefined) pool.release(labels.reverseCrankback, owner);
}
