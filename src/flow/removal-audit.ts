/**
 * Turns a device's reports of wanted flows it removed (OFPT_FLOW_REMOVED of an `ovs-ofctl del-flows`,
 * another controller's delete) into audits of that device, so its rules come back within a fraction of
 * a second instead of at the next periodic audit. A wipe reports every rule at once, so reports are
 * gathered for `delayMs` after the first and cost one read; each device has at most one such audit in
 * flight, and reports that arrive during it schedule one more afterwards (its read may have been taken
 * before those removals).
 */
export class RemovalAuditScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<string>();
  private readonly again = new Set<string>();
  private stopped = false;
  /** Audits started, for tests and metrics. */
  audits = 0;

  constructor(
    private readonly audit: (device: string) => Promise<unknown>,
    private readonly delayMs: number,
  ) {}

  /** A flow `device` should have is gone from it. */
  removed(device: string): void {
    if (this.stopped) return;
    if (this.inFlight.has(device)) {
      this.again.add(device);
      return;
    }
    if (this.timers.has(device)) return;
    const timer = setTimeout(() => this.run(device), this.delayMs);
    timer.unref();
    this.timers.set(device, timer);
  }

  /** Devices with an audit waiting or running. */
  pending(): string[] {
    return [...new Set([...this.timers.keys(), ...this.inFlight])];
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.again.clear();
  }

  private run(device: string): void {
    this.timers.delete(device);
    this.inFlight.add(device);
    this.audits++;
    // The audit reports its own failures (a failed device is retried with a read-back on the next pass).
    this.audit(device)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight.delete(device);
        if (this.again.delete(device)) this.removed(device);
      });
  }
}
