import { describe, expect, it } from 'vitest';
import { FakeDriver } from '../../../src/flow/fake-driver.js';
import { FlowService } from '../../../src/flow/flow-service.js';
import type { DeviceState, FlowRule } from '../../../src/model/flow.js';

const A = '000000000000000a';
const B = '000000000000000b';
const rule = (device: string, inPort: number, cookie = 5): FlowRule => ({
  device,
  tableId: 0,
  priority: 100,
  match: { inPort },
  actions: [{ type: 'output', port: inPort + 1 }],
  cookie,
});
const state = (...flows: FlowRule[]): DeviceState => ({ flows, groups: [], meters: [] });

describe('FlowService', () => {
  it('converges desired state and leaves correct rules untouched on the next pass', async () => {
    const driver = new FakeDriver();
    driver.connect(A);
    driver.connect(B);
    const fs = new FlowService();
    fs.registerDriver(driver);
    fs.setDesired('i1', state(rule(A, 1), rule(B, 1)));
    const report = await fs.flush();
    expect(report.outcomes.map((o) => o.status).sort()).toEqual(['applied', 'applied']);
    expect(driver.table(A).flowCount()).toBe(1);
    const writes = driver.totalWrites();
    fs.setDesired('i2', state(rule(A, 3)));
    await fs.flush();
    expect(driver.totalWrites()).toBe(writes + 1);
    fs.removeDesired('i1');
    await fs.flush();
    expect(driver.table(B).flowCount()).toBe(0);
    expect(
      driver
        .table(A)
        .state()
        .flows.map((f) => f.match.inPort),
    ).toEqual([3]);
    expect(fs.devicesOf('i1')).toEqual([]);
  });

  it('coalesces a burst of changes into one read-and-apply per device', async () => {
    const driver = new FakeDriver();
    driver.connect(A);
    const fs = new FlowService();
    fs.registerDriver(driver);
    await fs.flush();
    const calls = driver.applyCalls;
    for (let i = 1; i <= 50; i++) fs.setDesired(`i${i}`, state(rule(A, i * 2, i)));
    await fs.flush();
    expect(driver.applyCalls).toBe(calls + 1);
    expect(driver.table(A).flowCount()).toBe(50);
  });

  it('keeps state for a disconnected device and reconciles on reconnect without a flush', async () => {
    const driver = new FakeDriver();
    driver.connect(A);
    const fs = new FlowService();
    fs.registerDriver(driver);
    fs.setDesired('i1', state(rule(A, 1), rule(A, 3)));
    await fs.flush();
    driver.disconnect(A);
    // While disconnected: one rule is no longer wanted, one new rule is; and the switch has a stray rule.
    fs.setDesired('i1', state(rule(A, 1), rule(A, 5)));
    const pending = await fs.flush();
    expect(pending.outcomes).toEqual([{ device: A, status: 'pending', writes: 0 }]);
    driver.table(A).apply({
      addMeters: [],
      modifyMeters: [],
      addGroups: [],
      modifyGroups: [],
      addFlows: [rule(A, 7, 77)],
      modifyFlows: [],
      deleteFlows: [],
      deleteGroups: [],
      deleteMeters: [],
    });
    const before = driver.table(A).writes;
    driver.connect(A);
    await fs.flush();
    expect(
      driver
        .table(A)
        .state()
        .flows.map((f) => f.match.inPort)
        .sort(),
    ).toEqual([1, 5]);
    // add 5, delete 3, delete stray 7: the correct rule on port 1 was not rewritten.
    expect(driver.table(A).writes - before).toBe(3);
    expect(fs.isConverged(A)).toBe(true);
  });

  it('uses whichever registered driver has the device and retries a failed device', async () => {
    const of = new FakeDriver('openflow');
    const p4 = new FakeDriver('p4runtime');
    of.connect(A);
    p4.connect(B);
    const fs = new FlowService();
    fs.registerDriver(of);
    fs.registerDriver(p4);
    p4.failNextApply(B, 'table full');
    fs.setDesired('i1', state(rule(A, 1), rule(B, 1)));
    const report = await fs.flush();
    expect(report.outcomes.find((o) => o.device === B)).toMatchObject({ status: 'failed', error: 'table full' });
    expect(of.table(A).flowCount()).toBe(1);
    expect(of.findTable(B)).toBeUndefined();
    fs.setDesired('i2', state(rule(A, 9)));
    await fs.flush();
    expect(p4.table(B).flowCount()).toBe(1);
    expect(fs.isConverged(B)).toBe(true);
  });

  it("tells where an owner's entries stand: pending until every device converged, the device that refused them", async () => {
    const driver = new FakeDriver();
    driver.connect(A);
    const fs = new FlowService();
    fs.registerDriver(driver);
    expect(fs.ownerStatus('nobody')).toBe('done');
    fs.setDesired('i1', state(rule(A, 1), rule(B, 1)));
    expect(fs.ownerStatus('i1')).toBe('pending');
    await fs.flush();
    // B is not connected: A converged, B did not.
    expect(fs.ownerStatus('i1')).toBe('pending');
    driver.failNextApply(B, 'table full');
    driver.connect(B);
    await fs.flush();
    expect(fs.ownerStatus('i1')).toEqual({ device: B });
    fs.setDesired('i2', state(rule(A, 5)));
    expect(fs.ownerStatus('i2')).toBe('pending');
    await fs.flush();
    expect(fs.ownerStatus('i2')).toBe('done');
    fs.removeDesired('i1');
    expect(fs.ownerStatus('i1')).toBe('done');
  });
});
