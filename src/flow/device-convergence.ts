import type { DeviceFlowState } from './device-flow-state.js';
import type { Driver } from './driver.js';
import { batchSize } from './flow-diff.js';

export type DeviceStatus = 'in-sync' | 'applied' | 'pending' | 'failed';

export interface DeviceOutcome {
  readonly device: string;
  /** in-sync: nothing to do; applied: a batch was confirmed; pending: no driver has it connected; failed: see error. */
  readonly status: DeviceStatus;
  readonly writes: number;
  readonly error?: string;
  /** True when the pass read the device's state back (connect, after an error, audit) instead of diffing changes only. */
  readonly fullRead?: boolean;
}

export interface ConvergeReport {
  readonly outcomes: readonly DeviceOutcome[];
}

/**
 * Converges one device (see FlowService): the changes of its desired state since the last confirmed
 * batch, or, when its state is stale (connect, an error, an audit), the difference with what it reads
 * back; the batch is applied and committed once the driver confirmed it.
 */
export async function convergeDevice(
  device: string,
  driver: Driver | undefined,
  state: DeviceFlowState,
  onError: (device: string, err: unknown) => void,
): Promise<DeviceOutcome> {
  if (driver === undefined) return { device, status: 'pending', writes: 0 };
  const fullRead = state.stale;
  try {
    if (!fullRead && !state.hasChanges()) return { device, status: 'in-sync', writes: 0 };
    const batch = fullRead ? state.diffAll(await driver.readState(device)) : state.diffTouched();
    const writes = batchSize(batch);
    if (writes === 0)
      return fullRead ? { device, status: 'in-sync', writes: 0, fullRead } : { device, status: 'in-sync', writes: 0 };
    await driver.apply(device, batch);
    state.commit(batch);
    return fullRead ? { device, status: 'applied', writes, fullRead } : { device, status: 'applied', writes };
  } catch (err) {
    // Part of the batch may have been applied: only a read-back tells what the device has now.
    state.stale = true;
    onError(device, err);
    return { device, status: 'failed', writes: 0, error: err instanceof Error ? err.message : String(err) };
  }
}
