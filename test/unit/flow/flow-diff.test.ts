import { describe, expect, it } from 'vitest';
import { batchSize, diffDeviceState } from '../../../src/flow/flow-diff.js';
import type { FlowRule } from '../../../src/model/flow.js';

const dev = '0000000000000001';
const rule = (over: Partial<FlowRule> = {}): FlowRule => ({
  device: dev,
  tableId: 0,
  priority: 100,
  match: { inPort: 1, vlanVid: 10 },
  actions: [{ type: 'output', port: 2 }],
  cookie: 7,
  ...over,
});

describe('diffDeviceState', () => {
  it('treats rules with the same meaning as equal regardless of property order', () => {
    const a = rule();
    const b: FlowRule = {
      cookie: 7,
      actions: [{ port: 2, type: 'output' }],
      match: { vlanVid: 10, inPort: 1 },
      priority: 100,
      tableId: 0,
      device: dev,
    };
    const batch = diffDeviceState({ flows: [a], groups: [], meters: [] }, { flows: [b], groups: [], meters: [] });
    expect(batchSize(batch)).toBe(0);
  });

  it('adds missing, modifies changed bodies, deletes stale managed rules and keeps cookie-0 rules', () => {
    const keep = rule({ match: { inPort: 3 } });
    const changed = rule({ actions: [{ type: 'output', port: 4 }] });
    const missing = rule({ match: { inPort: 5, vlanVid: 11 } });
    const stale = rule({ match: { inPort: 6 }, cookie: 99 });
    const infra = rule({ match: { ethType: 0x88cc }, cookie: 0, priority: 65000 });
    const batch = diffDeviceState(
      { flows: [keep, changed, missing], groups: [], meters: [{ device: dev, meterId: 5, rateKbps: 1000, burstKbits: 100 }] },
      {
        flows: [keep, rule(), stale, infra],
        groups: [{ device: dev, groupId: 9, type: 'all', buckets: [] }],
        meters: [{ device: dev, meterId: 5, rateKbps: 2000, burstKbits: 100 }],
      },
    );
    expect(batch.addFlows).toEqual([missing]);
    expect(batch.modifyFlows).toEqual([changed]);
    expect(batch.deleteFlows).toEqual([stale]);
    expect(batch.modifyMeters.map((m) => m.rateKbps)).toEqual([1000]);
    expect(batch.deleteGroups.map((g) => g.groupId)).toEqual([9]);
    expect(batchSize(batch)).toBe(5);
  });
});
