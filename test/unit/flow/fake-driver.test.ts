import { describe, expect, it } from 'vitest';
import type { DriverEvent } from '../../../src/flow/driver.js';
import { FakeDriver } from '../../../src/flow/fake-driver.js';
import { EMPTY_BATCH } from '../../../src/flow/flow-diff.js';
import type { FlowRule } from '../../../src/model/flow.js';

const D = '00000000000000d1';
const rule = (inPort: number, cookie: number): FlowRule => ({
  device: D,
  tableId: 0,
  priority: 100,
  match: { inPort },
  actions: [{ type: 'output', port: 9 }],
  cookie,
});

describe('FakeDriver flow-removed', () => {
  it('reports flows deleted by apply and behind the back, without counting the latter as writes', async () => {
    const driver = new FakeDriver();
    const events: DriverEvent[] = [];
    driver.subscribe((e) => events.push(e));
    driver.connect(D);
    await driver.apply(D, { ...EMPTY_BATCH, addFlows: [rule(1, 5), rule(2, 5), rule(3, 6)] });
    // Deleting one that is there and one that is not: only the installed one is reported.
    await driver.apply(D, { ...EMPTY_BATCH, deleteFlows: [rule(1, 5), rule(4, 5)] });
    const writes = driver.totalWrites();
    const gone = driver.deleteFlowsBehindBack(D, (f) => f.cookie === 6);
    expect(gone).toEqual([rule(3, 6)]);
    expect(driver.totalWrites()).toBe(writes);
    expect(driver.totalFlows()).toBe(1);
    expect(events.filter((e) => e.type === 'flow-removed')).toEqual([
      { type: 'flow-removed', device: D, cookie: 5, tableId: 0, priority: 100, reason: 'delete', match: { inPort: 1 } },
      { type: 'flow-removed', device: D, cookie: 6, tableId: 0, priority: 100, reason: 'delete', match: { inPort: 3 } },
    ]);
  });

  it('reports nothing for a disconnected device, whose table still loses the flows', async () => {
    const driver = new FakeDriver();
    driver.connect(D);
    await driver.apply(D, { ...EMPTY_BATCH, addFlows: [rule(1, 5)] });
    driver.disconnect(D);
    const events: DriverEvent[] = [];
    driver.subscribe((e) => events.push(e));
    expect(driver.deleteFlowsBehindBack(D)).toHaveLength(1);
    expect(driver.table(D).flowCount()).toBe(0);
    expect(events).toEqual([]);
  });
});
