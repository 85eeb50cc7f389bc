import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlowService } from '../../../src/flow/flow-service.js';
import type { DeviceState, FlowRule } from '../../../src/model/flow.js';
import { ControllerFixture, until } from '../openflow/controller-fixture.js';
import { OvsHarness } from '../openflow/ovs-harness.js';

const ovs = await OvsHarness.available();
if (!ovs)
  console.warn('SKIPPED: flow audit integration tests need Open vSwitch (ovs-vsctl); run `make system-deps` to install it');

const DPID = '00000000000000fa';

const flow = (inPort: number, out: number, cookie: number, extra: Partial<FlowRule> = {}): FlowRule => ({
  device: DPID,
  tableId: 0,
  priority: 1000,
  match: { inPort, ethType: 0x0800 },
  actions: [{ type: 'output', port: out }],
  cookie,
  ...extra,
});

const intent: DeviceState = {
  flows: [flow(1, 2, 0x51), flow(2, 1, 0x51, { meterId: 5 }), flow(3, 1, 0x51, { actions: [{ type: 'group', groupId: 9 }] })],
  groups: [{ device: DPID, groupId: 9, type: 'indirect', buckets: [{ actions: [{ type: 'output', port: 2 }] }] }],
  meters: [{ device: DPID, meterId: 5, rateKbps: 10_000, burstKbits: 1_000 }],
};

/** Rule lines of `ovs-ofctl dump-flows` without counters, sorted. */
async function dumpFlows(fx: ControllerFixture, br: string): Promise<string[]> {
  const out = await fx.harness.ofctl('dump-flows', br);
  return out
    .split('\n')
    .filter((l) => l.includes('actions='))
    .map((l) => l.replace(/ (duration|n_packets|n_bytes|idle_age|hard_age)=[^,]*,/g, '').trim())
    .sort();
}

describe.skipIf(!ovs)('flow service audit against Open vSwitch', () => {
  const fx = new ControllerFixture('sdfl');
  let br = '';
  let fs: FlowService;

  beforeAll(async () => {
    await fx.start();
    br = await fx.harness.addBridge('0', DPID, fx.target);
    for (const port of [1, 2, 3]) await fx.harness.addVethPort(br, `a${port}`, `a${port}p`, port);
    await fx.connected(DPID);
    fs = new FlowService({ auditIntervalMs: 300, auditJitter: 0.2, auditConcurrency: 2 });
    fs.registerDriver(fx.driver);
  });
  afterAll(async () => {
    fs?.close();
    await fx.stop();
  });

  it('installs through the flow service, then restores rules, group and meter removed with ovs-ofctl, LLDP punt included', async () => {
    fs.setDesired('intent-1', intent);
    await fs.flush();
    await until(() => fs.isConverged(DPID), 10_000, 'first convergence');
    const installed = await dumpFlows(fx, br);
    expect(installed).toHaveLength(4);
    expect(installed.join('\n')).toMatch(/priority=65535,dl_type=0x88cc actions=CONTROLLER:65535/);
    expect(installed.join('\n')).toMatch(/cookie=0x51, .*priority=1000,ip,in_port=2 actions=meter:5,output:1/);
    const disconnectsBefore = fx.events.filter((e) => e.type === 'device-disconnected').length;

    await fx.harness.ofctl('del-flows', br);
    await fx.harness.ofctl('del-groups', br);
    await fx.harness.ofctl('del-meters', br);
    expect(await dumpFlows(fx, br)).toEqual([]);

    // Nothing changed in the controller: only the periodic audit can notice.
    await until(async () => (await dumpFlows(fx, br)).length === 4, 10_000, 'audit restoring the rules');
    expect(await dumpFlows(fx, br)).toEqual(installed);
    expect(await fx.harness.ofctl('dump-groups', br)).toMatch(/group_id=9,type=indirect,bucket=actions=output:2/);
    expect(await fx.harness.ofctl('dump-meters', br)).toMatch(
      /meter=5 kbps burst (stats )?bands=\s*type=drop rate=10000 burst_size=1000/,
    );
    // Restored over the same connection, not by a reconnect.
    expect(fx.events.filter((e) => e.type === 'device-disconnected')).toHaveLength(disconnectsBefore);
  });

  it('removes a rule nobody asked for on the next audit and keeps the wanted ones', async () => {
    await fx.harness.ofctl('add-flow', br, 'cookie=0x77,priority=500,in_port=3,actions=output:2');
    await until(async () => !(await dumpFlows(fx, br)).some((l) => l.includes('cookie=0x77')), 10_000, 'stray rule removal');
    const flows = await dumpFlows(fx, br);
    expect(flows).toHaveLength(4);
  });
});
