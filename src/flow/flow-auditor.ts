import type { ConvergeReport } from './device-convergence.js';

export interface FlowAuditorOptions {
  /** Mean period between audits; 0 disables them. */
  readonly intervalMs: number;
  /** Fraction of the period by which each one varies either way. */
  readonly jitter: number;
  /** Devices read back at the same time. */
  readonly concurrency: number;
  readonly random?: () => number;
}

/** What the auditor needs from the flow service. */
export interface AuditTarget {
  connectedDevices(): string[];
  audit(devices: Iterable<string>): Promise<ConvergeReport>;
}

/**
 * The self-healing loop: on a jittered period, every connected device is read back and converged, a
 * few devices at a time so that a thousand switches do not answer a thousand flow-stats requests at
 * once. Incremental passes trust the state a device confirmed; this is what catches a switch whose
 * table changed behind the controller's back (an operator's `ovs-ofctl del-flows`, an idle timeout,
 * a switch-side eviction) while its connection stayed up.
 */
export class FlowAuditor {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = true;
  /** Bumped by stop(): an audit under way gives up between chunks. */
  private generation = 0;
  private readonly random: () => number;

  constructor(
    private readonly target: AuditTarget,
    private readonly opts: FlowAuditorOptions,
  ) {
    this.random = opts.random ?? Math.random;
  }

  start(): void {
    if (!this.stopped || this.opts.intervalMs <= 0) return;
    this.stopped = false;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The delay before the next audit: uniform in interval * [1 - jitter, 1 + jitter]. */
  nextDelayMs(): number {
    const j = Math.min(Math.max(this.opts.jitter, 0), 1);
    return this.opts.intervalMs * (1 + j * (2 * this.random() - 1));
  }

  /** One audit of every connected device; resolves with the devices that had drifted (writes > 0). */
  async runOnce(): Promise<string[]> {
    if (this.running) return [];
    this.running = true;
    const repaired: string[] = [];
    const gen = this.generation;
    try {
      const devices = this.target.connectedDevices();
      const step = Math.max(1, this.opts.concurrency);
      for (let i = 0; i < devices.length && gen === this.generation; i += step) {
        const chunk = new Set(devices.slice(i, i + step));
        const report = await this.target.audit(chunk);
        for (const o of report.outcomes) if (chunk.has(o.device) && o.fullRead && o.writes > 0) repaired.push(o.device);
      }
    } finally {
      this.running = false;
    }
    return repaired;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runOnce().then(
        () => this.arm(),
        () => this.arm(),
      );
    }, this.nextDelayMs());
    this.timer.unref();
  }
}
