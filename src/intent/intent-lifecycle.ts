import type { IntentState } from './intent-types.js';

/**
 * The intent state machine. requested -> compiling -> installing -> installed is the happy path;
 * failed is a resting state left by a retry (compiling) or a withdraw; rerouting is a make-before-break
 * change in progress (a new failure may start another one); degraded means traffic runs on the backup path without protection.
 */
const ALLOWED: Readonly<Record<IntentState, readonly IntentState[]>> = {
  requested: ['compiling', 'failed', 'withdrawing'],
  compiling: ['installing', 'failed', 'withdrawing'],
  installing: ['installed', 'degraded', 'rerouting', 'failed', 'withdrawing'],
  installed: ['rerouting', 'degraded', 'failed', 'withdrawing'],
  degraded: ['rerouting', 'installed', 'failed', 'withdrawing'],
  rerouting: ['rerouting', 'installing', 'installed', 'degraded', 'failed', 'withdrawing'],
  failed: ['compiling', 'failed', 'withdrawing'],
  withdrawing: ['withdrawn'],
  withdrawn: [],
};

export function canTransition(from: IntentState, to: IntentState): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(id: string, from: IntentState, to: IntentState): void {
  if (!canTransition(from, to)) throw new Error(`intent ${id}: transition ${from} -> ${to} is not in the lifecycle`);
}
