import type { DriverEvent } from '../../../src/flow/driver.js';
import { OpenflowDriver } from '../../../src/southbound/openflow/openflow-driver.js';
import { OpenflowServer, type OpenflowServerOptions } from '../../../src/southbound/openflow/openflow-server.js';
import { OvsHarness } from './ovs-harness.js';

/** Our controller on an ephemeral loopback port plus a harness for the test's OVS objects. */
export class ControllerFixture {
  readonly server: OpenflowServer;
  readonly driver: OpenflowDriver;
  readonly harness: OvsHarness;
  readonly events: DriverEvent[] = [];
  readonly logs: string[] = [];
  tcpPort = 0;

  constructor(prefix: string, opts: OpenflowServerOptions = {}) {
    const log = (level: string, msg: string, details: Record<string, unknown>) =>
      this.logs.push(`${level} ${msg} ${JSON.stringify(details)}`);
    this.server = new OpenflowServer({ host: '127.0.0.1', port: 0, echoIntervalMs: 500, log, ...opts });
    this.driver = new OpenflowDriver(this.server, { log });
    this.driver.subscribe((e) => this.events.push(e));
    this.harness = new OvsHarness(prefix);
  }

  async start(): Promise<void> {
    await this.harness.removeStale();
    this.tcpPort = (await this.server.start()).tcpPort!;
  }

  get target(): string {
    return `tcp:127.0.0.1:${this.tcpPort}`;
  }

  async stop(): Promise<void> {
    await this.harness.cleanup();
    await this.server.stop();
  }

  /** Resolves with the first event (already seen after `since`, or future) that satisfies `pred`. */
  waitFor<E extends DriverEvent>(pred: (e: DriverEvent) => e is E, timeoutMs?: number, since?: number): Promise<E>;
  waitFor(pred: (e: DriverEvent) => boolean, timeoutMs?: number, since?: number): Promise<DriverEvent>;
  waitFor(pred: (e: DriverEvent) => boolean, timeoutMs = 15_000, since = 0): Promise<DriverEvent> {
    const seen = this.events.slice(since).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`event not seen within ${timeoutMs} ms; logs:\n${this.logs.join('\n')}`));
      }, timeoutMs);
      const off = this.driver.subscribe((e) => {
        if (!pred(e)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  }

  connected(device: string): Promise<DriverEvent> {
    return this.waitFor((e) => e.type === 'device-connected' && e.device === device);
  }
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
