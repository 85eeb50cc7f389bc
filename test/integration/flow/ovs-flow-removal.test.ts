import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceOutcome } from '../../../src/flow/device-convergence.js';
import { FlowService } from '../../../src/flow/flow-service.js';
import type { DeviceState, FlowRule } from '../../../src/model/flow.js';
import { ControllerFixture, until } from '../openflow/controller-fixture.js';
import { OvsHarness } from '../openflow/ovs-harness.js';

const ovs = await OvsHarness.available();
if (!ovs)
  console.warn('SKIPPED: flow removal integration tests need Open vSwitch (ovs-vsctl); run `make system-deps` to install it');

const DPID = '00000000000000fb';
const RULES = 50;

const flow = (i: number): FlowRule => ({
  device: DPID,
  tableId: 0,
  priority: 1000,
  match: { inPort: 1 + (i % 2), ethType: 0x0800, ipv4Dst: `10.9.${i}.0/24` },
  actions: [{ type: 'output', port: 2 - (i % 2) }],
  cookie: 0x60 + (i % 3),
});
const state = (rules: FlowRule[]): DeviceState => ({ flows: rules, groups: [], meters: [] });

describe.skipIf(!ovs)('flow service restores rules Open vSwitch reports removed (no periodic audit)', () => {
  const fx = new ControllerFixture('sdfrf');
  let br = '';
  let fs: FlowService;
  const fullReads: DeviceOutcome[] = [];
  const rules = Array.from({ length: RULES }, (_, i) => flow(i));
  const count = async () => (await fx.harness.ofctl('dump-flows', br)).split('\n').filter((l) => l.includes('actions=')).length;

  beforeAll(async () => {
    await fx.start();
    br = await fx.harness.addBridge('0', DPID, fx.target);
    for (const port of [1, 2]) await fx.harness.addVethPort(br, `a${port}`, `a${port}p`, port);
    await fx.connected(DPID);
    // auditIntervalMs 0: nothing but the switch's FLOW_REMOVED reports can bring the rules back.
    fs = new FlowService({ auditIntervalMs: 0 });
    fs.subscribe((o) => {
      if (o.fullRead) fullReads.push(o);
    });
    fs.registerDriver(fx.driver);
    fs.setDesired('intent-1', state(rules));
    await until(() => fs.isConverged(DPID), 10_000, 'first convergence');
  });
  afterAll(async () => {
    fs?.close();
    await fx.stop();
  });

  it('brings back 50 rules and the LLDP punt within 2 s of `ovs-ofctl del-flows`, with one read', async () => {
    expect(await count()).toBe(RULES + 1);
    const readsBefore = fullReads.length;
    const t0 = performance.now();
    await fx.harness.ofctl('del-flows', br);
    expect(await count()).toBeLessThan(RULES + 1);
    await until(async () => (await count()) === RULES + 1, 2_000, 'rules restored');
    const restoredMs = performance.now() - t0;
    console.info(`del-flows of ${RULES + 1} rules restored after ${restoredMs.toFixed(0)} ms`);
    expect(restoredMs).toBeLessThan(2_000);
    const state = await fx.driver.readState(DPID);
    expect(state.flows).toEqual(expect.arrayContaining(rules));
    await new Promise((r) => setTimeout(r, 400));
    const reads = fullReads.slice(readsBefore);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ device: DPID, status: 'applied', writes: RULES + 1 });
    expect(fx.events.some((e) => e.type === 'device-disconnected')).toBe(false);
  });

  it('brings back one rule deleted by cookie, and reads nothing back for its own deletions', async () => {
    let readsBefore = fullReads.length;
    const since = fx.events.length;
    await fx.harness.ofctl('del-flows', br, 'cookie=0x61/-1,in_port=2,ip,nw_dst=10.9.1.0/24');
    const removed = await fx.waitFor((e) => e.type === 'flow-removed', 2_000, since);
    expect(removed).toMatchObject({ cookie: 0x61, reason: 'delete', match: flow(1).match });
    await until(() => fullReads.length === readsBefore + 1, 2_000, 'audit of the device');
    expect(fullReads.at(-1)).toMatchObject({ status: 'applied', writes: 1 });
    expect(await count()).toBe(RULES + 1);
    await new Promise((r) => setTimeout(r, 400));
    readsBefore = fullReads.length;
    fs.setDesired('intent-1', state(rules.slice(10)));
    await until(async () => (await count()) === RULES - 10 + 1, 2_000, 'ten rules withdrawn');
    await new Promise((r) => setTimeout(r, 500));
    expect(fullReads.length).toBe(readsBefore);
  });
});
