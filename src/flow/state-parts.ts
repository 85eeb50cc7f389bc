import type { DeviceState, FlowRule, GroupEntry, MeterEntry } from '../model/flow.js';

/*
 * A state as the flow service takes it apart: per device (setDesired replaces an owner's entries
 * device by device), and as a list of parts (changeDesired takes either side in parts, which saves
 * the caller merging them).
 */

/** The entries of one device in a state. */
export interface Bucket {
  flows: FlowRule[];
  groups: GroupEntry[];
  meters: MeterEntry[];
}

/** Shared by buckets without entries of a kind; never written (a bucket gets its own array first). */
const NONE: never[] = [];

/** The entries of a state per device. */
export function byDevice(state: DeviceState): Map<string, Bucket> {
  const out = new Map<string, Bucket>();
  // Entries come grouped by device more often than not: remember the last device's bucket.
  let last = '';
  let bucket: Bucket | undefined;
  const slot = (device: string): Bucket => {
    if (device === last && bucket !== undefined) return bucket;
    let b = out.get(device);
    if (b === undefined) {
      b = { flows: NONE, groups: NONE, meters: NONE };
      out.set(device, b);
    }
    last = device;
    bucket = b;
    return b;
  };
  for (const f of state.flows) {
    const b = slot(f.device);
    if (b.flows === NONE) b.flows = [f];
    else b.flows.push(f);
  }
  for (const g of state.groups) {
    const b = slot(g.device);
    if (b.groups === NONE) b.groups = [g];
    else b.groups.push(g);
  }
  for (const m of state.meters) {
    const b = slot(m.device);
    if (b.meters === NONE) b.meters = [m];
    else b.meters.push(m);
  }
  return out;
}

/** Whether a state is given in parts (a list of states). */
export function isParts(s: DeviceState | readonly DeviceState[]): s is readonly DeviceState[] {
  return Array.isArray(s);
}
