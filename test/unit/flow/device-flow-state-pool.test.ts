import { describe, expect, it } from 'vitest';
import { DeviceFlowState, SharedFlowState } from '../../../src/flow/device-flow-state.js';
import { DEFAULT_OWNERSHIP } from '../../../src/flow/flow-diff.js';
import type { FlowRule } from '../../../src/model/flow.js';

const rule = (device: string, inPort: number, out = 1): FlowRule => ({
  device,
  tableId: 0,
  priority: 100,
  match: { inPort },
  actions: [{ type: 'output', port: out }],
  cookie: 1,
});

const ports = (flows: readonly FlowRule[]) => flows.map((f) => f.match.inPort).sort((a, b) => (a ?? 0) - (b ?? 0));

describe('device flow states sharing slot pools', () => {
  it('a slot forgotten while still listed as touched neither reappears nor disturbs the device that reuses its row', () => {
    const shared = new SharedFlowState(DEFAULT_OWNERSHIP);
    const a = new DeviceFlowState(shared, 'a');
    const b = new DeviceFlowState(shared, 'b');
    a.stale = false;
    b.stale = false;
    const r1 = rule('a', 1);
    a.addFlow('o', r1);
    a.settle('o');
    let batch = a.diffTouched();
    expect(ports(batch.addFlows)).toEqual([1]);
    a.commit(batch);

    a.removeFlow('o', r1);
    a.settle('o');
    batch = a.diffTouched();
    expect(ports(batch.deleteFlows)).toEqual([1]);
    // While the device applies the removal, the owner wants the rule back and drops it again.
    a.addFlow('o', r1);
    a.removeFlow('o', r1);
    a.settle('o');
    a.commit(batch);

    // The other device takes new slots; then both change again.
    for (let p = 1; p <= 3; p++) b.addFlow('p', rule('b', p));
    b.settle('p');
    a.addFlow('o', rule('a', 2));
    a.settle('o');
    batch = a.diffTouched();
    expect(ports(batch.addFlows)).toEqual([2]);
    expect(batch.deleteFlows).toEqual([]);
    a.commit(batch);
    const bBatch = b.diffTouched();
    expect(ports(bBatch.addFlows)).toEqual([1, 2, 3]);
    b.commit(bBatch);

    // Rows freed by device a now serve device b; neither sees the other's entries.
    for (let p = 4; p <= 8; p++) b.addFlow('p', rule('b', p));
    b.settle('p');
    a.addFlow('o', rule('a', 3, 2));
    a.settle('o');
    batch = a.diffTouched();
    expect(ports(batch.addFlows)).toEqual([3]);
    a.commit(batch);
    expect(ports(b.diffTouched().addFlows)).toEqual([4, 5, 6, 7, 8]);
    expect(ports(a.desired().flows)).toEqual([2, 3]);
    expect(a.wantsFlow({ tableId: 0, priority: 100, cookie: 1, match: { inPort: 1 } })).toBe(false);
    expect(a.wantsFlow({ tableId: 0, priority: 100, cookie: 1, match: { inPort: 2 } })).toBe(true);
    expect(a.diffAll({ flows: [rule('a', 2), rule('a', 3, 2)], groups: [], meters: [] }).addFlows).toEqual([]);
  });
});
