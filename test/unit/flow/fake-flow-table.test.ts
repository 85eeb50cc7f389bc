import { describe, expect, it } from 'vitest';
import { FakeFlowTable } from '../../../src/flow/fake-flow-table.js';
import { EMPTY_BATCH } from '../../../src/flow/flow-diff.js';
import type { FlowRule, GroupEntry } from '../../../src/model/flow.js';

const dev = '0000000000000001';
const flow = (over: Partial<FlowRule>): FlowRule => ({
  device: dev,
  tableId: 0,
  priority: 10,
  match: {},
  actions: [],
  cookie: 1,
  ...over,
});

describe('FakeFlowTable', () => {
  it('picks the highest-priority match and applies VLAN push, set and pop in order', () => {
    const t = new FakeFlowTable(dev);
    t.apply({
      ...EMPTY_BATCH,
      addFlows: [
        flow({ priority: 10, match: { inPort: 1 }, actions: [{ type: 'output', port: 9 }] }),
        flow({
          priority: 20,
          match: { inPort: 1, ethType: 0x0800, ipv4Dst: '10.0.2.0/24' },
          actions: [{ type: 'push-vlan' }, { type: 'set-vlan-vid', vid: 42 }, { type: 'output', port: 2 }],
        }),
        flow({
          priority: 20,
          match: { inPort: 2, vlanVid: 42 },
          actions: [{ type: 'pop-vlan' }, { type: 'set-eth-dst', mac: '02:00:00:00:00:02' }, { type: 'output', port: 3 }],
        }),
      ],
    });
    const tagged = t.process({ ethType: 0x0800, ipv4Dst: '10.0.2.7' }, 1);
    expect(tagged.outputs).toEqual([{ port: 2, packet: { ethType: 0x0800, ipv4Dst: '10.0.2.7', vlans: [42] } }]);
    const other = t.process({ ethType: 0x0800, ipv4Dst: '10.0.3.7' }, 1);
    expect(other.outputs[0].port).toBe(9);
    const popped = t.process(tagged.outputs[0].packet, 2);
    expect(popped.outputs[0]).toEqual({
      port: 3,
      packet: { ethType: 0x0800, ipv4Dst: '10.0.2.7', vlans: [], ethDst: '02:00:00:00:00:02' },
    });
    expect(t.process({ ethType: 0x0806 }, 5).dropReason).toBe('table miss');
  });

  it('fast-failover uses the first bucket whose watch port is live', () => {
    const t = new FakeFlowTable(dev);
    const g: GroupEntry = {
      device: dev,
      groupId: 7,
      type: 'fast-failover',
      buckets: [
        { watchPort: 2, actions: [{ type: 'output', port: 2 }] },
        { watchPort: 3, actions: [{ type: 'output', port: 3 }] },
      ],
    };
    t.apply({
      ...EMPTY_BATCH,
      addGroups: [g],
      addFlows: [flow({ match: { inPort: 1 }, actions: [{ type: 'group', groupId: 7 }] })],
    });
    expect(t.process({ ethType: 0x0800 }, 1).outputs[0].port).toBe(2);
    t.setPortUp(2, false);
    expect(t.process({ ethType: 0x0800 }, 1).outputs[0].port).toBe(3);
    t.setPortUp(3, false);
    expect(t.process({ ethType: 0x0800 }, 1).outputs).toEqual([]);
  });

  it('rejects a batch that references a missing group or meter and leaves the table unchanged', () => {
    const t = new FakeFlowTable(dev);
    expect(() => t.apply({ ...EMPTY_BATCH, addFlows: [flow({ actions: [{ type: 'group', groupId: 3 }] })] })).toThrow(
      /OFPBAC_BAD_OUT_GROUP/,
    );
    expect(() => t.apply({ ...EMPTY_BATCH, addFlows: [flow({ meterId: 4 })] })).toThrow(/UNKNOWN_METER/);
    expect(t.flowCount()).toBe(0);
    expect(t.writes).toBe(0);
  });

  it('rejects a modify of a flow it does not have, naming the flow', () => {
    const t = new FakeFlowTable(dev);
    const missing = flow({ match: { inPort: 1, ethType: 0x0800, ipv4Dst: '10.0.2.0/24' } });
    expect(() => t.apply({ ...EMPTY_BATCH, modifyFlows: [missing] })).toThrow(
      'modify of missing flow 0/10/inPort=1;ethType=2048;ipv4Dst=10.0.2.0/24;',
    );
    expect(t.writes).toBe(0);
  });

  it('a modify that keeps the meter and group of an entry keeps them in use', () => {
    const t = new FakeFlowTable(dev);
    const meter = { device: dev, meterId: 1, rateKbps: 1000, burstKbits: 100 };
    const group: GroupEntry = {
      device: dev,
      groupId: 2,
      type: 'indirect',
      buckets: [{ actions: [{ type: 'output', port: 2 }] }],
    };
    const uses = (port: number) =>
      flow({
        match: { inPort: 1 },
        meterId: 1,
        actions: [
          { type: 'output', port },
          { type: 'group', groupId: 2 },
        ],
      });
    t.apply({ ...EMPTY_BATCH, addMeters: [meter], addGroups: [group], addFlows: [uses(3)] });
    t.apply({ ...EMPTY_BATCH, modifyFlows: [uses(4)] });
    const before = t.state();
    expect(() => t.apply({ ...EMPTY_BATCH, modifyFlows: [uses(5)], deleteMeters: [meter] })).toThrow(/UNKNOWN_METER/);
    expect(() => t.apply({ ...EMPTY_BATCH, modifyFlows: [uses(5)], deleteGroups: [group] })).toThrow(/BAD_OUT_GROUP/);
    expect(t.state()).toEqual(before);
    // Off the meter and the group: both may go.
    t.apply({ ...EMPTY_BATCH, modifyFlows: [flow({ match: { inPort: 1 }, actions: [{ type: 'output', port: 6 }] })] });
    t.apply({ ...EMPTY_BATCH, deleteMeters: [meter], deleteGroups: [group] });
    expect(t.state().meters).toEqual([]);
    expect(t.state().groups).toEqual([]);
  });

  it('a refused batch undoes what it wrote before the refusal, use counts included', () => {
    const t = new FakeFlowTable(dev);
    const meter = { device: dev, meterId: 1, rateKbps: 1000, burstKbits: 100 };
    const group: GroupEntry = {
      device: dev,
      groupId: 2,
      type: 'indirect',
      buckets: [{ actions: [{ type: 'output', port: 2 }] }],
    };
    const metered = flow({ match: { inPort: 1 }, meterId: 1, actions: [{ type: 'output', port: 2 }] });
    t.apply({ ...EMPTY_BATCH, addMeters: [meter], addFlows: [metered] });
    const before = t.state();
    // Adds a group and a flow using it, moves the metered flow off the meter, then deletes the meter
    // while another new flow still uses it: refused at the very end.
    const refused = {
      ...EMPTY_BATCH,
      addGroups: [group],
      addFlows: [
        flow({ match: { inPort: 3 }, actions: [{ type: 'group', groupId: 2 }] }),
        flow({ match: { inPort: 4 }, meterId: 1, actions: [] }),
      ],
      modifyFlows: [flow({ match: { inPort: 1 }, actions: [{ type: 'output', port: 5 }] })],
      deleteMeters: [meter],
    };
    expect(() => t.apply(refused)).toThrow(/UNKNOWN_METER/);
    expect(t.state()).toEqual(before);
    expect(t.writes).toBe(2);
    // The counts were restored too: the meter is still in use, the group never was.
    expect(() => t.apply({ ...EMPTY_BATCH, deleteMeters: [meter] })).toThrow(/UNKNOWN_METER/);
    t.apply({ ...EMPTY_BATCH, addGroups: [group] });
    t.apply({ ...EMPTY_BATCH, deleteGroups: [group] });
    t.apply({ ...EMPTY_BATCH, deleteFlows: [metered], deleteMeters: [meter] });
    expect(t.state()).toEqual({ flows: [], groups: [], meters: [] });
  });
});
