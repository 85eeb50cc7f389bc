import { describe, expect, it } from 'vitest';
import { MAX_METER_ID, MeterIds } from '../../../src/intent/meter-ids.js';

describe('meter ids per switch', () => {
  it('numbers each switch on its own, from 1, also for one owner on two switches', () => {
    const m = new MeterIds();
    expect([m.allocate('a', 1), m.allocate('a', 2), m.allocate('b', 1)]).toEqual([1, 2, 1]);
    expect(m.used).toBe(3);
    expect(m.freeOn('a')).toBe(MAX_METER_ID - 2);
    // Releasing names the switch: owner 1's id 1 on b goes, the one on a stays.
    m.release('b', 1, 1);
    expect([m.freeOn('a'), m.freeOn('b')]).toEqual([MAX_METER_ID - 2, MAX_METER_ID]);
    // Not the holder: nothing happens.
    m.release('a', 2, 1);
    expect(m.used).toBe(2);
  });

  it('hands freed ids out again only when no never-used one is left, oldest freed first', () => {
    const m = new MeterIds();
    for (let i = 1; i <= MAX_METER_ID; i++) expect(m.allocate('a', i)).toBe(i);
    expect(m.allocate('a', 99_999)).toBeUndefined();
    for (const id of [10, 5, 20]) m.release('a', id, id);
    expect([m.allocate('a', 1_000_001), m.allocate('a', 1_000_002), m.allocate('a', 1_000_003)]).toEqual([10, 5, 20]);
    expect(m.allocate('a', 1_000_004)).toBeUndefined();
  });

  it('counts holds: an id goes back only when every hold was released', () => {
    const m = new MeterIds();
    const id = m.allocate('a', 1) as number;
    expect(m.hold('a', id, 1)).toBe(true);
    expect(m.hold('a', id, 2)).toBe(false);
    expect(m.hold('b', id, 1)).toBe(false);
    m.release('a', id, 1);
    expect(m.used).toBe(1);
    expect(m.allocate('a', 2)).not.toBe(id);
    m.release('a', id, 1);
    expect(m.freeOn('a')).toBe(MAX_METER_ID - 1);
  });

  it('claims stored ids out of order, skips them when allocating, and refuses a second holder', () => {
    const m = new MeterIds();
    m.claim('a', 3, 1);
    m.claim('a', 1, 2);
    expect(() => m.claim('a', 3, 9)).toThrow(/meter 3 on a is held by intent key 1/);
    expect(() => m.claim('a', 0, 5)).toThrow(RangeError);
    // Never-used ids first (2 was passed over by the claims and waits with the freed ones).
    expect([m.allocate('a', 4), m.allocate('a', 5)]).toEqual([4, 5]);
    for (let i = 6; i <= MAX_METER_ID; i++) m.allocate('a', 6);
    expect(m.allocate('a', 7)).toBe(2);
    expect(m.allocate('a', 7)).toBeUndefined();
  });

  it('tells whether some switch has more free ids than at the last mark, switch by switch', () => {
    const m = new MeterIds();
    m.allocate('a', 1);
    m.allocate('a', 2);
    m.markUse();
    expect(m.freedSinceMark()).toBe(false);
    // One freed on a while b takes one: the total is unchanged, but a has room again.
    m.release('a', 1, 1);
    m.allocate('b', 3);
    expect(m.used).toBe(2);
    expect(m.freedSinceMark()).toBe(true);
    m.markUse();
    // Taken and given back within one mark: no growth; a hold released with others left frees nothing.
    const id = m.allocate('a', 4) as number;
    m.release('a', id, 4);
    expect(m.freedSinceMark()).toBe(false);
    expect(m.hold('a', 2, 2)).toBe(true);
    m.release('a', 2, 2);
    expect(m.freedSinceMark()).toBe(false);
  });
});
