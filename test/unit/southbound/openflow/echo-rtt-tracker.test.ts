import { describe, expect, it } from 'vitest';
import { EchoRttTracker } from '../../../../src/southbound/openflow/echo-rtt-tracker.js';

describe('EchoRttTracker', () => {
  it('gives no estimate from a lone first sample (the inflated handshake-time echo)', () => {
    const t = new EchoRttTracker(9, 3);
    t.add(11.4); // measured on Open vSwitch while the switch was busy with its connection setup
    expect(t.estimateMs).toBeUndefined();
    t.add(0.9);
    expect(t.estimateMs).toBeUndefined();
    t.add(0.8);
    expect(t.estimateMs).toBe(0.8);
  });

  it('takes the minimum of the window: queueing only ever adds delay', () => {
    const t = new EchoRttTracker(4, 1);
    for (const s of [0.5, 3.5, 0.7, 4.8]) t.add(s);
    expect(t.estimateMs).toBe(0.5);
    t.add(0.9); // 0.5 leaves the window
    expect(t.estimateMs).toBe(0.7);
    expect(t.count).toBe(4);
  });

  it('rejects bad samples and bad parameters', () => {
    expect(() => new EchoRttTracker(2, 3)).toThrow(RangeError);
    expect(() => new EchoRttTracker(0, 0)).toThrow(RangeError);
    const t = new EchoRttTracker();
    expect(() => t.add(Number.NaN)).toThrow(RangeError);
    expect(() => t.add(-1)).toThrow(RangeError);
  });
});
