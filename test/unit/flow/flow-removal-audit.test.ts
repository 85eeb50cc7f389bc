import { describe, expect, it } from 'vitest';
import type { DriverEvent, DriverListener } from '../../../src/flow/driver.js';
import { FakeDriver } from '../../../src/flow/fake-driver.js';
import { FlowService } from '../../../src/flow/flow-service.js';
import type { DeviceState, FlowRule } from '../../../src/model/flow.js';

const A = '00000000000000e1';
const B = '00000000000000e2';
const DELAY_MS = 20;

const rule = (device: string, inPort: number, cookie = 7): FlowRule => ({
  device,
  tableId: 0,
  priority: 100,
  match: { inPort },
  actions: [{ type: 'output', port: inPort + 1 }],
  cookie,
});
const flows = (...f: FlowRule[]): DeviceState => ({ flows: f, groups: [], meters: [] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fake switch with an LLDP punt of its own (like the OpenFlow driver) that counts read-backs, can
 * hold them until released, and lets a test inject events.
 */
class CountingDriver extends FakeDriver {
  readonly reads: string[] = [];
  private readonly taps = new Set<DriverListener>();
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;

  infrastructureRules(device: string): readonly FlowRule[] {
    return [
      {
        device,
        tableId: 0,
        priority: 0xffff,
        match: { ethType: 0x88cc },
        actions: [{ type: 'output', port: 'controller' }],
        cookie: 0,
      },
    ];
  }

  override async readState(device: string): Promise<DeviceState> {
    this.reads.push(device);
    if (this.gate) await this.gate;
    return super.readState(device);
  }

  override subscribe(listener: DriverListener): () => void {
    this.taps.add(listener);
    const off = super.subscribe(listener);
    return () => {
      this.taps.delete(listener);
      off();
    };
  }

  inject(e: DriverEvent): void {
    for (const l of this.taps) l(e);
  }

  holdReads(): void {
    this.gate = new Promise((r) => {
      this.open = r;
    });
  }

  releaseReads(): void {
    this.open?.();
    this.gate = null;
  }
}

async function setup(opts: { removalAuditDelayMs?: number } = {}) {
  const driver = new CountingDriver();
  driver.connect(A);
  driver.connect(B);
  const fs = new FlowService({ auditIntervalMs: 0, removalAuditDelayMs: DELAY_MS, ...opts });
  fs.registerDriver(driver);
  const wanted = Array.from({ length: 50 }, (_, i) => rule(A, i + 1));
  fs.setDesired('i1', flows(...wanted, rule(B, 1)));
  await fs.flush();
  driver.reads.length = 0;
  return { driver, fs, wanted };
}

async function until(cond: () => boolean, timeoutMs = 2_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await sleep(5);
  expect(cond()).toBe(true);
}

describe('flow service: audit on removal of wanted flows', () => {
  it('restores a wiped device (50 rules and the LLDP punt) with one read, without the periodic audit', async () => {
    const { driver, fs } = await setup();
    expect(driver.table(A).flowCount()).toBe(51);
    expect(driver.deleteFlowsBehindBack(A)).toHaveLength(51);
    await until(() => driver.table(A).flowCount() === 51);
    await sleep(3 * DELAY_MS);
    expect(driver.reads).toEqual([A]);
    expect(driver.table(B).flowCount()).toBe(2);
    expect(fs.isConverged(A)).toBe(true);
    fs.close();
  });

  it('reads again once after an audit that was already reading when more removals came in', async () => {
    const { driver, fs } = await setup();
    driver.holdReads();
    driver.deleteFlowsBehindBack(A, (f) => f.match.inPort === 1);
    await until(() => driver.reads.length === 1);
    // The first audit's read is under way: it cannot tell whether it saw these removals.
    driver.deleteFlowsBehindBack(A, (f) => f.match.inPort === 2);
    driver.deleteFlowsBehindBack(A, (f) => f.match.inPort === 3);
    await sleep(3 * DELAY_MS);
    expect(driver.reads).toEqual([A]);
    driver.releaseReads();
    await until(() => driver.table(A).flowCount() === 51);
    await sleep(3 * DELAY_MS);
    expect(driver.reads).toEqual([A, A]);
    fs.close();
  });

  it('does not read a device back for the removals its own deletions cause', async () => {
    const { driver, fs, wanted } = await setup();
    const removedBefore = driver.applyCalls;
    fs.changeDesired('i1', flows(), flows(...wanted.slice(0, 10)));
    await fs.flush();
    fs.setDesired('stray', flows(rule(A, 90, 8)));
    await fs.flush();
    fs.removeDesired('stray');
    await fs.flush();
    expect(driver.applyCalls - removedBefore).toBe(3);
    expect(driver.table(A).flowCount()).toBe(41);
    await sleep(3 * DELAY_MS);
    expect(driver.reads).toEqual([]);
    fs.close();
  });

  it('ignores timeouts, rules nobody wants and other devices’ rules, and falls back to cookie, table and priority without a match', async () => {
    const { driver, fs } = await setup();
    const base = { type: 'flow-removed', device: A, tableId: 0, priority: 100 } as const;
    driver.inject({ ...base, cookie: 7, reason: 'idle-timeout', match: { inPort: 1 } });
    driver.inject({ ...base, cookie: 7, reason: 'hard-timeout', match: { inPort: 1 } });
    driver.inject({ ...base, cookie: 7, reason: 'delete', match: { inPort: 99 } });
    driver.inject({ ...base, cookie: 9, reason: 'delete' });
    driver.inject({ ...base, device: '00000000000000ff', cookie: 7, reason: 'delete', match: { inPort: 1 } });
    await sleep(3 * DELAY_MS);
    expect(driver.reads).toEqual([]);
    driver.inject({ ...base, cookie: 7, reason: 'group-delete' });
    await until(() => driver.reads.length === 1);
    fs.close();
  });

  it('can be turned off (0), and close() cancels an audit not yet started', async () => {
    const off = await setup({ removalAuditDelayMs: 0 });
    off.driver.deleteFlowsBehindBack(A);
    await sleep(3 * DELAY_MS);
    expect(off.driver.reads).toEqual([]);
    expect(off.driver.table(A).flowCount()).toBe(0);
    off.fs.close();

    const closed = await setup();
    closed.driver.deleteFlowsBehindBack(A);
    closed.fs.close();
    await sleep(3 * DELAY_MS);
    expect(closed.driver.reads).toEqual([]);
  });
});
