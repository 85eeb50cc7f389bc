import type { OwnershipPolicy } from './flow-diff.js';

/** How a FlowService converges and audits devices (every setting has a default). */
export interface FlowServiceOptions {
  readonly ownership?: OwnershipPolicy;
  readonly onError?: (device: string, err: unknown) => void;
  /** Devices converged at the same time in one pass (reads and batches in flight). Default 64. */
  readonly maxConcurrentDevices?: number;
  /**
   * Period of the self-healing audit: every connected device is read back and converged, so entries
   * removed behind the controller's back return. 0 disables it. Default 10 s.
   */
  readonly auditIntervalMs?: number;
  /** Each period is drawn uniformly from interval * (1 +- jitter), so controllers do not read in step. Default 0.2. */
  readonly auditJitter?: number;
  /** Devices an audit reads at the same time. Default 4. */
  readonly auditConcurrency?: number;
  /**
   * When a connected device reports that it removed a flow someone wants (a delete behind the
   * controller's back), that device is audited this long after the first such report; the reports of
   * one wipe share the read. 0 leaves such removals to the periodic audit. Default 150 ms.
   */
  readonly removalAuditDelayMs?: number;
}
