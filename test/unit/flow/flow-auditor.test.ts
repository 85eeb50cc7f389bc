import { describe, expect, it } from 'vitest';
import { FakeDriver } from '../../../src/flow/fake-driver.js';
import { FlowAuditor } from '../../../src/flow/flow-auditor.js';
import { FlowService } from '../../../src/flow/flow-service.js';
import type { DeviceBatch, FlowRule } from '../../../src/model/flow.js';

const A = '00000000000000c1';
const B = '00000000000000c2';
const rule = (device: string, inPort: number, cookie = 5): FlowRule => ({
  device,
  tableId: 0,
  priority: 100,
  match: { inPort },
  actions: [{ type: 'output', port: inPort + 1 }],
  cookie,
});
const deleting = (...flows: FlowRule[]): DeviceBatch => ({
  addMeters: [],
  modifyMeters: [],
  addGroups: [],
  modifyGroups: [],
  addFlows: [],
  modifyFlows: [],
  deleteFlows: flows,
  deleteGroups: [],
  deleteMeters: [],
});

/** A driver whose switches install an LLDP punt of their own, like the OpenFlow driver. */
class InfraDriver extends FakeDriver {
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
}

describe('flow audit', () => {
  it('restores rules deleted behind the service while the device stayed connected', async () => {
    const driver = new InfraDriver();
    driver.connect(A);
    driver.connect(B);
    const fs = new FlowService({ auditIntervalMs: 0 });
    fs.registerDriver(driver);
    fs.setDesired('i1', { flows: [rule(A, 1), rule(A, 3), rule(B, 1)], groups: [], meters: [] });
    await fs.flush();
    expect(driver.table(A).flowCount()).toBe(3); // two intent rules and the LLDP punt
    // An operator wipes A (`ovs-ofctl del-flows`): the incremental passes cannot see it.
    driver.table(A).apply(deleting(...driver.table(A).state().flows));
    fs.setDesired('i2', { flows: [rule(B, 5)], groups: [], meters: [] });
    await fs.flush();
    expect(driver.table(A).flowCount()).toBe(0);
    expect(fs.isConverged(A)).toBe(true);
    const auditor = new FlowAuditor(fs, { intervalMs: 1000, jitter: 0, concurrency: 1 });
    expect(await auditor.runOnce()).toEqual([A]);
    const flows = driver.table(A).state().flows;
    expect(flows.map((f) => f.match.inPort ?? 'lldp').sort()).toEqual([1, 3, 'lldp']);
    expect(flows.find((f) => f.cookie === 0)?.priority).toBe(0xffff);
    expect(await auditor.runOnce()).toEqual([]);
  });

  it('runs on its own on a jittered period and stops with the service', async () => {
    const driver = new FakeDriver();
    driver.connect(A);
    const fs = new FlowService({ auditIntervalMs: 30, auditJitter: 0.5 });
    fs.registerDriver(driver);
    fs.setDesired('i1', { flows: [rule(A, 1)], groups: [], meters: [] });
    await fs.flush();
    driver.table(A).apply(deleting(rule(A, 1)));
    const deadline = Date.now() + 2000;
    while (driver.table(A).flowCount() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(driver.table(A).flowCount()).toBe(1);
    fs.close();
    driver.table(A).apply(deleting(rule(A, 1)));
    await new Promise((r) => setTimeout(r, 120));
    expect(driver.table(A).flowCount()).toBe(0);
  });

  it('draws periods within the jitter band', () => {
    let x = 0;
    const values = [0, 0.5, 0.999];
    const auditor = new FlowAuditor(
      { connectedDevices: () => [], audit: async () => ({ outcomes: [] }) },
      { intervalMs: 10_000, jitter: 0.2, concurrency: 4, random: () => values[x++] },
    );
    expect([auditor.nextDelayMs(), auditor.nextDelayMs(), auditor.nextDelayMs()].map(Math.round)).toEqual([8000, 10000, 11996]);
  });

  it('reads at most `concurrency` devices at a time', async () => {
    const driver = new FakeDriver();
    const devices = Array.from({ length: 10 }, (_, i) => (0xd0 + i).toString(16).padStart(16, '0'));
    for (const d of devices) driver.connect(d);
    let inFlight = 0;
    let peak = 0;
    const read = driver.readState.bind(driver);
    driver.readState = async (d) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      return read(d);
    };
    const fs = new FlowService({ auditIntervalMs: 0 });
    fs.registerDriver(driver);
    await fs.flush();
    peak = 0;
    await new FlowAuditor(fs, { intervalMs: 1, jitter: 0, concurrency: 3 }).runOnce();
    expect(peak).toBe(3);
  });
});
