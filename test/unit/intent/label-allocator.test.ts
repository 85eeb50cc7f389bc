import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABEL_COUNT, LabelAllocator, MAX_LABEL, MIN_LABEL } from '../../../src/intent/label-allocator.js';

describe('LabelAllocator', () => {
  it('hands out 2..4094 in order, then nothing, and reuses a freed label only after those freed before it', () => {
    const pool = new LabelAllocator();
    const all = Array.from({ length: LABEL_COUNT }, () => pool.allocate(7));
    expect(all[0]).toBe(MIN_LABEL);
    expect(all.at(-1)).toBe(MAX_LABEL);
    expect(new Set(all).size).toBe(LABEL_COUNT);
    expect(pool.allocate(7)).toBeUndefined();
    expect(pool.free).toBe(0);
    pool.release(100, 7);
    pool.release(50, 7);
    pool.release(50, 8); // not the owner: ignored
    expect(pool.allocate(9)).toBe(100);
    expect(pool.allocate(9)).toBe(50);
    expect(pool.ownerOf(50)).toBe(9);
  });

  it('claims a label out of the middle of the free queue and refuses another owner', () => {
    const pool = new LabelAllocator();
    pool.claim(3, 1);
    expect(pool.allocate(2)).toBe(2);
    expect(pool.allocate(2)).toBe(4);
    expect(() => pool.claim(3, 5)).toThrow(/held by intent key 1/);
    expect(() => pool.claim(4095, 5)).toThrow(RangeError);
    pool.claim(3, 1); // the same owner again: no change
    expect(pool.used).toBe(3);
  });

  it('agrees with a reference FIFO model under random allocate/claim/release sequences', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('alloc' as const), owner: fc.integer({ min: 1, max: 4 }) }),
      fc.record({
        k: fc.constant('claim' as const),
        label: fc.integer({ min: MIN_LABEL, max: MIN_LABEL + 30 }),
        owner: fc.integer({ min: 1, max: 4 }),
      }),
      fc.record({
        k: fc.constant('release' as const),
        label: fc.integer({ min: MIN_LABEL, max: MIN_LABEL + 30 }),
        owner: fc.integer({ min: 1, max: 4 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const pool = new LabelAllocator();
        const free: number[] = [];
        for (let l = MIN_LABEL; l <= MAX_LABEL; l++) free.push(l);
        const owners = new Map<number, number>();
        for (const o of ops) {
          if (o.k === 'alloc') {
            const want = free.shift();
            if (want !== undefined) owners.set(want, o.owner);
            expect(pool.allocate(o.owner)).toBe(want);
          } else if (o.k === 'claim') {
            const cur = owners.get(o.label);
            if (cur !== undefined && cur !== o.owner) {
              expect(() => pool.claim(o.label, o.owner)).toThrow();
              continue;
            }
            if (cur === undefined) free.splice(free.indexOf(o.label), 1);
            owners.set(o.label, o.owner);
            pool.claim(o.label, o.owner);
          } else {
            if (owners.get(o.label) === o.owner) {
              owners.delete(o.label);
              free.push(o.label);
            }
            pool.release(o.label, o.owner);
          }
          expect(pool.used).toBe(owners.size);
        }
      }),
      { numRuns: 200 },
    );
  });
});
