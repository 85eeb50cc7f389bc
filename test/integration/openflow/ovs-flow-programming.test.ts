import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_BATCH } from '../../../src/flow/flow-diff.js';
import { SdncError } from '../../../src/model/errors.js';
import type { FlowAction, FlowRule, GroupEntry, MeterEntry } from '../../../src/model/flow.js';
import { LLDP_PUNT_RULE } from '../../../src/southbound/discovery/lldp-frame.js';
import { ControllerFixture } from './controller-fixture.js';
import { OvsHarness } from './ovs-harness.js';

const ovs = await OvsHarness.available();
if (!ovs) console.warn('SKIPPED: OpenFlow integration tests need Open vSwitch (ovs-vsctl); run `make system-deps` to install it');

const DPID = '00000000000000f1';

const meter: MeterEntry = { device: DPID, meterId: 7, rateKbps: 20_000, burstKbits: 2_000 };
const ffGroup: GroupEntry = {
  device: DPID,
  groupId: 10,
  type: 'fast-failover',
  buckets: [
    { watchPort: 1, actions: [{ type: 'output', port: 1 }] },
    { watchPort: 2, actions: [{ type: 'push-vlan' }, { type: 'set-vlan-vid', vid: 300 }, { type: 'output', port: 2 }] },
  ],
};
const selectGroup: GroupEntry = {
  device: DPID,
  groupId: 11,
  type: 'select',
  buckets: [
    { weight: 3, actions: [{ type: 'output', port: 1 }] },
    { weight: 1, actions: [{ type: 'output', port: 2 }] },
  ],
};
const ingress: FlowRule = {
  device: DPID,
  tableId: 0,
  priority: 1000,
  match: { inPort: 3, ethType: 0x0800, ipProto: 6, ipv4Src: '10.1.0.0/16', ipv4Dst: '10.2.3.4/32', tcpDst: 443 },
  actions: [{ type: 'push-mpls' }, { type: 'set-mpls-label', label: 1042 }, { type: 'group', groupId: 10 }],
  meterId: 7,
  cookie: 0x1234_5678_9a,
  idleTimeoutS: 300,
};
const transit: FlowRule = {
  device: DPID,
  tableId: 0,
  priority: 900,
  match: { inPort: 1, ethType: 0x8847, mplsLabel: 1042 },
  actions: [
    { type: 'set-eth-dst', mac: '0a:00:00:00:00:02' },
    { type: 'set-mpls-label', label: 2042 },
    { type: 'output', port: 2 },
  ],
  cookie: 42,
};
const vlanRule: FlowRule = {
  device: DPID,
  tableId: 0,
  priority: 800,
  match: { inPort: 2, vlanVid: 300 },
  actions: [{ type: 'pop-vlan' }, { type: 'output', port: 'in-port' }],
  cookie: 43,
  hardTimeoutS: 600,
};
const v6Rule: FlowRule = {
  device: DPID,
  tableId: 1,
  priority: 10,
  match: { ethType: 0x86dd, ipv6Dst: '2001:db8:0:1::/64' },
  actions: [],
  cookie: 44,
};

const byPriority = (a: FlowRule, b: FlowRule) => a.tableId - b.tableId || b.priority - a.priority;

describe.skipIf(!ovs)('OpenFlow driver against Open vSwitch: flows, groups, meters', () => {
  const fx = new ControllerFixture('sdofp');
  let br = '';

  beforeAll(async () => {
    await fx.start();
    br = await fx.harness.addBridge('br', DPID, fx.target);
    for (const port of [1, 2, 3]) await fx.harness.addVethPort(br, `a${port}`, `a${port}p`, port);
    await fx.connected(DPID);
  });
  afterAll(async () => {
    await fx.stop();
  });

  it('reports the switch with its ports and installs the LLDP punt rule', async () => {
    expect(fx.driver.connectedDevices()).toEqual([DPID]);
    const state = await fx.driver.readState(DPID);
    expect(state.flows).toEqual([{ ...LLDP_PUNT_RULE, device: DPID }]);
    expect(await fx.harness.ofctl('dump-flows', br)).toMatch(/priority=65535,dl_type=0x88cc actions=CONTROLLER:65535/);
  });

  it('installs meters, groups and flows and reads them back equal, in our multipart and in ovs-ofctl', async () => {
    await fx.driver.apply(DPID, {
      ...EMPTY_BATCH,
      addMeters: [meter],
      addGroups: [ffGroup, selectGroup],
      addFlows: [ingress, transit, vlanRule, v6Rule],
    });
    const state = await fx.driver.readState(DPID);
    expect(state.meters).toEqual([meter]);
    expect([...state.groups].sort((a, b) => a.groupId - b.groupId)).toEqual([ffGroup, selectGroup].map(normalGroup));
    expect(state.flows.filter((f) => f.cookie !== 0).sort(byPriority)).toEqual(
      [ingress, transit, vlanRule, v6Rule].map(normalFlow).sort(byPriority),
    );

    const flows = await fx.harness.ofctl('dump-flows', br);
    expect(flows).toMatch(
      /cookie=0x123456789a, .*idle_timeout=300, .*priority=1000,tcp,in_port=3,nw_src=10\.1\.0\.0\/16,nw_dst=10\.2\.3\.4,tp_dst=443 actions=meter:7,push_mpls:0x8847,set_field:1042->mpls_label,group:10/,
    );
    expect(flows).toMatch(
      /priority=900,mpls,in_port=1,mpls_label=1042 actions=set_field:0a:00:00:00:00:02->eth_dst,set_field:2042->mpls_label,output:2/,
    );
    expect(flows).toMatch(/hard_timeout=600, .*priority=800,in_port=2,dl_vlan=300 actions=pop_vlan,IN_PORT/);
    expect(flows).toMatch(/table=1, .*priority=10,ipv6,ipv6_dst=2001:db8:0:1::\/64 actions=drop/);
    const groups = await fx.harness.ofctl('dump-groups', br);
    expect(groups).toMatch(
      /group_id=10,type=ff,bucket=watch_port:1,actions=output:1,bucket=watch_port:2,actions=push_vlan:0x8100,set_field:4396->vlan_vid,output:2/,
    );
    expect(groups).toMatch(/group_id=11,type=select,bucket=weight:3,actions=output:1,bucket=(weight:1,)?actions=output:2/);
    const meters = await fx.harness.ofctl('dump-meters', br);
    expect(meters).toMatch(/meter=7 kbps burst stats bands=\s*type=drop rate=20000 burst_size=2000/);
  });

  it('modifies a flow, a group and a meter in place', async () => {
    const ingress2: FlowRule = { ...ingress, actions: [{ type: 'group', groupId: 11 }], cookie: 99, idleTimeoutS: undefined };
    const meter2: MeterEntry = { ...meter, rateKbps: 50_000 };
    const ff2: GroupEntry = { ...ffGroup, buckets: ffGroup.buckets.slice().reverse() };
    await fx.driver.apply(DPID, { ...EMPTY_BATCH, modifyMeters: [meter2], modifyGroups: [ff2], modifyFlows: [ingress2] });
    const state = await fx.driver.readState(DPID);
    expect(state.flows.find((f) => f.priority === 1000)).toEqual(normalFlow(ingress2));
    expect(state.groups.find((g) => g.groupId === 10)).toEqual(normalGroup(ff2));
    expect(state.meters).toEqual([meter2]);
    expect(await fx.harness.ofctl('dump-flows', br)).toMatch(/cookie=0x63, .*priority=1000,.* actions=meter:7,group:11/);
  });

  it('rejects a batch the switch refuses with a typed error naming the entry, and keeps what is installed', async () => {
    const dangling: FlowRule = { ...transit, priority: 901, actions: [{ type: 'group', groupId: 4242 }], cookie: 77 };
    const err = await fx.driver.apply(DPID, { ...EMPTY_BATCH, addFlows: [dangling] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SdncError);
    expect(err).toMatchObject({ code: 'SDNC_ERR_DEVICE_REJECTED', details: { device: DPID, failed: 1, total: 1 } });
    expect((err as SdncError).message).toMatch(/add flow table 0 priority 901 cookie 77: OFPET_BAD_ACTION\/OFPBAC_BAD_OUT_GROUP/);
    const dupGroup = await fx.driver.apply(DPID, { ...EMPTY_BATCH, addGroups: [selectGroup] }).catch((e: unknown) => e);
    expect((dupGroup as SdncError).message).toMatch(/add group 11: OFPET_GROUP_MOD_FAILED\/OFPGMFC_GROUP_EXISTS/);
    expect((await fx.driver.readState(DPID)).flows.some((f) => f.cookie === 77)).toBe(false);
  });

  it('refuses an inexpressible rule before sending anything', async () => {
    const bad: FlowRule = { ...transit, priority: 5, match: { ipv4Dst: '10.0.0.0/8' }, cookie: 78 };
    await expect(fx.driver.apply(DPID, { ...EMPTY_BATCH, addFlows: [transit, bad] })).rejects.toMatchObject({
      code: 'SDNC_ERR_FLOW_INVALID',
    });
  });

  it('deletes flows before the groups and meters they use', async () => {
    const state = await fx.driver.readState(DPID);
    const managed = state.flows.filter((f) => f.cookie !== 0);
    await fx.driver.apply(DPID, { ...EMPTY_BATCH, deleteFlows: managed, deleteGroups: state.groups, deleteMeters: state.meters });
    const after = await fx.driver.readState(DPID);
    expect(after).toEqual({ flows: [{ ...LLDP_PUNT_RULE, device: DPID }], groups: [], meters: [] });
    expect(await fx.harness.ofctl('dump-groups', br)).not.toMatch(/group_id=/);
  });

  it('installs 2,000 flows in one batch and reads all of them back', async () => {
    const many: FlowRule[] = Array.from({ length: 2000 }, (_, i) => ({
      device: DPID,
      tableId: 0,
      priority: 100,
      match: { ethType: 0x0800, ipv4Dst: `10.${(i >> 8) & 0xff}.${i & 0xff}.0/24` },
      actions: [{ type: 'output', port: 1 }],
      cookie: 1000 + i,
    }));
    await fx.driver.apply(DPID, { ...EMPTY_BATCH, addFlows: many });
    const state = await fx.driver.readState(DPID);
    expect(state.flows.filter((f) => f.cookie >= 1000)).toHaveLength(2000);
    await fx.driver.apply(DPID, { ...EMPTY_BATCH, deleteFlows: many });
    expect((await fx.driver.readState(DPID)).flows).toHaveLength(1);
  });
});

/** What a switch reports for a rule: absent optional fields stay absent, default EtherTypes spelled out. */
function normalFlow(f: FlowRule): FlowRule {
  const defined = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as unknown as FlowRule;
  return { ...defined, actions: normalActions(f.actions) };
}

function normalGroup(g: GroupEntry): GroupEntry {
  return { ...g, buckets: g.buckets.map((b) => ({ ...b, actions: normalActions(b.actions) })) };
}

/** push-vlan / push-mpls read back with the EtherType they were given by default. */
function normalActions(actions: readonly FlowAction[]): FlowAction[] {
  return actions.map((a) => {
    if (a.type === 'push-vlan') return { type: 'push-vlan', ethType: a.ethType ?? 0x8100 };
    if (a.type === 'push-mpls') return { type: 'push-mpls', ethType: a.ethType ?? 0x8847 };
    return a;
  });
}
