import type { TopoLink } from '../model/topology.js';
import type { DirectionPaths, IntentPaths, IntentRecord } from './intent-types.js';

/** Pure judgements the intent reactor makes about intents and network changes. */

/** A protected intent running on its backup, or without a backup, is degraded. */
export function isDegraded(rec: IntentRecord): boolean {
  const paths = rec.paths;
  if (!paths) return false;
  const protect = rec.spec.protection !== 'none';
  return degradedDirection(paths.forward, protect) || (paths.reverse !== undefined && degradedDirection(paths.reverse, protect));
}

function degradedDirection(d: DirectionPaths, protect: boolean): boolean {
  return d.active === 'backup' || (protect && d.primary.links.length > 0 && !d.backup);
}

/** Whether `now` differs from `before` only by more bandwidth booked (the same link otherwise). */
export function onlyBooked(before: TopoLink, now: TopoLink): boolean {
  return now.reservedMbps >= before.reservedMbps && onlyReservedChanged(before, now);
}

/** Whether `now` differs from `before` only by bandwidth given back (the same link otherwise). */
export function onlyReleased(before: TopoLink, now: TopoLink): boolean {
  return now.reservedMbps < before.reservedMbps && onlyReservedChanged(before, now);
}

/** Whether `now` differs from `before` in reservedMbps at most. */
function onlyReservedChanged(before: TopoLink, now: TopoLink): boolean {
  // Called for every link a booking or release touches: members walked in place, no key arrays.
  let members = 0;
  for (const k in now) {
    members++;
    const a = now[k as keyof TopoLink];
    const b = before[k as keyof TopoLink];
    if (a !== b && k !== 'reservedMbps' && JSON.stringify(a) !== JSON.stringify(b)) return false;
  }
  for (const _ in before) members--;
  return members === 0;
}

export function samePaths(a: IntentPaths, b: IntentPaths): boolean {
  const key = (p: IntentPaths) =>
    [p.forward, p.reverse]
      .map((d) => (d ? `${d.active}:${d.primary.links.join(',')}/${d.backup?.links.join(',') ?? ''}` : '-'))
      .join('|');
  return key(a) === key(b);
}

export type Verdict = { kind: 'ok' } | { kind: 'failover'; paths: IntentPaths } | { kind: 'reprotect' } | { kind: 'reroute' };

/** What a failure means for one intent, direction by direction. */
export function assess(paths: IntentPaths, broken: (p: DirectionPaths['primary']) => boolean): Verdict {
  let failover = false;
  let reprotect = false;
  const judge = (d: DirectionPaths): DirectionPaths | 'reroute' => {
    const active = d.active === 'backup' && d.backup ? d.backup : d.primary;
    const standby = d.active === 'backup' ? undefined : d.backup;
    if (!broken(active)) {
      if (standby && broken(standby)) reprotect = true;
      return d;
    }
    if (standby && !broken(standby)) {
      failover = true;
      return { ...d, active: 'backup' };
    }
    return 'reroute';
  };
  const f = judge(paths.forward);
  const r = paths.reverse ? judge(paths.reverse) : undefined;
  if (f === 'reroute' || r === 'reroute') return { kind: 'reroute' };
  if (failover) return { kind: 'failover', paths: { forward: f, ...(r ? { reverse: r } : {}) } };
  return reprotect ? { kind: 'reprotect' } : { kind: 'ok' };
}
