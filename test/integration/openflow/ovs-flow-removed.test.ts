import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowRemovedEvent } from '../../../src/flow/driver.js';
import { EMPTY_BATCH } from '../../../src/flow/flow-diff.js';
import type { FlowRule } from '../../../src/model/flow.js';
import { LLDP_PUNT_RULE } from '../../../src/southbound/discovery/lldp-frame.js';
import { ControllerFixture, until } from './controller-fixture.js';
import { OvsHarness } from './ovs-harness.js';

const ovs = await OvsHarness.available();
if (!ovs) console.warn('SKIPPED: OpenFlow integration tests need Open vSwitch (ovs-vsctl); run `make system-deps` to install it');

const DPID = '00000000000000f7';

const rule = (inPort: number, out: number, extra: Partial<FlowRule> = {}): FlowRule => ({
  device: DPID,
  tableId: 0,
  priority: 1000,
  match: { inPort, ethType: 0x0800, ipv4Dst: '10.7.0.0/16' },
  actions: [{ type: 'output', port: out }],
  cookie: 0x51,
  ...extra,
});

describe.skipIf(!ovs)('OFPT_FLOW_REMOVED from Open vSwitch', () => {
  const fx = new ControllerFixture('sdfro');
  let br = '';
  const removals = (since: number): FlowRemovedEvent[] =>
    fx.events.slice(since).filter((e): e is FlowRemovedEvent => e.type === 'flow-removed');

  beforeAll(async () => {
    await fx.start();
    br = await fx.harness.addBridge('0', DPID, fx.target);
    for (const port of [1, 2]) await fx.harness.addVethPort(br, `a${port}`, `a${port}p`, port);
    await fx.connected(DPID);
  });
  afterAll(async () => {
    await fx.stop();
  });

  it('installs with send_flow_rem and reads the rules back equal to the model', async () => {
    const rules = [rule(1, 2), rule(2, 1, { priority: 900, cookie: 0x52 })];
    await fx.driver.apply(DPID, { ...EMPTY_BATCH, addFlows: rules });
    const dump = await fx.harness.ofctl('dump-flows', br);
    expect(dump.split('\n').filter((l) => l.includes('actions=') && l.includes('send_flow_rem'))).toHaveLength(3);
    const state = await fx.driver.readState(DPID);
    expect(state.flows).toEqual(expect.arrayContaining([...rules, { ...LLDP_PUNT_RULE, device: DPID }]));
    expect(state.flows).toHaveLength(3);
  });

  it('reports `ovs-ofctl del-flows` on a connected switch with reason delete, for every rule including the LLDP punt', async () => {
    const since = fx.events.length;
    await fx.harness.ofctl('del-flows', br);
    await until(() => removals(since).length === 3, 5_000, 'three flow-removed events');
    const got = removals(since).sort((a, b) => b.priority - a.priority);
    expect(got).toEqual([
      {
        type: 'flow-removed',
        device: DPID,
        cookie: 0,
        tableId: 0,
        priority: 0xffff,
        reason: 'delete',
        match: LLDP_PUNT_RULE.match,
      },
      { type: 'flow-removed', device: DPID, cookie: 0x51, tableId: 0, priority: 1000, reason: 'delete', match: rule(1, 2).match },
      { type: 'flow-removed', device: DPID, cookie: 0x52, tableId: 0, priority: 900, reason: 'delete', match: rule(2, 1).match },
    ]);
    expect(fx.events.slice(since).some((e) => e.type === 'device-disconnected')).toBe(false);
  });

  it('reports the controller’s own strict delete too, and nothing for a modify in place', async () => {
    const r = rule(1, 2);
    await fx.driver.apply(DPID, { ...EMPTY_BATCH, addFlows: [r] });
    const since = fx.events.length;
    await fx.driver.apply(DPID, { ...EMPTY_BATCH, modifyFlows: [{ ...r, actions: [{ type: 'output', port: 1 }] }] });
    await fx.driver.apply(DPID, { ...EMPTY_BATCH, deleteFlows: [r] });
    await until(() => removals(since).length >= 1, 5_000, 'flow-removed of the delete');
    // The FLOW_REMOVED of the delete precedes its barrier reply; a modify would have been reported before it.
    expect(removals(since)).toEqual([
      { type: 'flow-removed', device: DPID, cookie: 0x51, tableId: 0, priority: 1000, reason: 'delete', match: r.match },
    ]);
  });

  it('reports an idle timeout with its reason', async () => {
    const r = rule(2, 1, { priority: 700, idleTimeoutS: 1 });
    const since = fx.events.length;
    await fx.driver.apply(DPID, { ...EMPTY_BATCH, addFlows: [r] });
    await until(() => removals(since).length === 1, 6_000, 'idle timeout');
    expect(removals(since)[0]).toMatchObject({ cookie: 0x51, priority: 700, reason: 'idle-timeout' });
  });
});
