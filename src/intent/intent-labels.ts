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
  if (pool.free < labelsNeeded(paths)) return undefined;
  const taken: number[] = [];
  const take = (): number | undefined => {
    const l = pool.allocate(owner);
    if (l !== undefined) taken.push(l);
    return l;
  };
  const giveBack = () => {
    for (const l of taken) pool.release(l, owner);
    return undefined;
  };
  const forward = take();
  if (forward === undefined) return giveBack();
  let labels: IntentLabels = { forward };
  if (needsCrankback(paths.forward.primary, paths.forward.backup)) {
    const c = take();
    if (c === undefined) return giveBack();
    labels = { ...labels, forwardCrankback: c };
  }
  if (paths.reverse) {
    const reverse = take();
    if (reverse === undefined) return giveBack();
    labels = { ...labels, reverse };
    if (needsCrankback(paths.reverse.primary, paths.reverse.backup)) {
      const c = take();
      if (c === undefined) return giveBack();
      labels = { ...labels, reverseCrankback: c };
    }
  }
  return labels;
}

/** Marks a reloaded intent's labels as taken (throws when another intent holds one). */
export function claimIntentLabels(pool: LabelAllocator, owner: number, labels: IntentLabels): void {
  for (const l of labelsHeld(labels)) pool.claim(l, owner);
}

export function releaseIntentLabels(pool: LabelAllocator, owner: number, labels: IntentLabels): void {
  for (const l of labelsHeld(labels)) pool.release(l, owner);
}
