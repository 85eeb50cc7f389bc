import { describe, expect, it } from 'vitest';
import { controlDelayMs, LatencyEstimator, probeDelayMs } from '../../../../src/southbound/discovery/latency-estimator.js';

describe('probeDelayMs and controlDelayMs', () => {
  it('measure the raw delay and half of each control channel RTT', () => {
    expect(probeDelayMs(1_000_000_000n, 1_012_000_000n)).toBeCloseTo(12, 9);
    // Echo RTTs 4 ms and 2 ms -> 2 + 1 = 3 ms of control-channel delay.
    expect(controlDelayMs(4, 2)).toBe(3);
    expect(controlDelayMs(undefined, undefined)).toBe(0);
  });
});

describe('LatencyEstimator', () => {
  it('reports nothing until warm, then the smallest raw delay minus the control delay', () => {
    const e = new LatencyEstimator({ window: 4, warmup: 3 });
    expect(e.addSample(9, 1)).toBeUndefined();
    expect(e.addSample(7, 1)).toBeUndefined();
    expect(e.warm).toBe(false);
    expect(e.addSample(8, 1)).toEqual({ latencyMs: 6, jitterMs: expect.any(Number), samples: 3 });
  });

  // The bug the emulation found: probe delays on Open vSwitch carry one-sided queueing noise (a 2 ms
  // link measured 3-12 ms raw), and a median-then-average estimator reported the noise as latency.
  it('finds the link delay under one-sided queueing noise, where a median would not', () => {
    const e = new LatencyEstimator();
    const noise = [0, 3.1, 1.4, 4.2, 0.3, 2.6, 5.2, 0.1, 1.9, 3.3, 0.2, 2.2, 4.4, 0.05, 1.7, 2.9];
    let est: ReturnType<LatencyEstimator['addSample']>;
    for (let i = 0; i < 48; i++) est = e.addSample(2.5 + noise[i % noise.length], 0.5);
    const sorted = [...noise].sort((a, b) => a - b);
    expect(2 + sorted[sorted.length >> 1]).toBeGreaterThan(3.5); // what a median would have said
    expect(est!.latencyMs).toBeGreaterThanOrEqual(2);
    expect(est!.latencyMs).toBeLessThan(2.25);
    expect(est!.jitterMs).toBeGreaterThan(1); // the noise is reported as jitter, not latency
  });

  it('applies the current control delay to the whole window: an early inflated RTT does not stick', () => {
    const e = new LatencyEstimator({ window: 4, warmup: 1, gain: 1 });
    // The first RTT estimate (10 ms) is inflated: the 3 ms probe looks like a 0 ms link...
    expect(e.addSample(3, 5)!.latencyMs).toBe(0);
    // ...and as soon as the RTT estimate is right, the same raw samples give the right latency.
    expect(e.addSample(3.4, 1)!.latencyMs).toBe(2);
  });

  it('ignores a single spike in the latency but counts it as jitter, and follows a lasting change', () => {
    const e = new LatencyEstimator({ window: 4, warmup: 2 });
    for (let i = 0; i < 10; i++) e.addSample(1);
    const spiked = e.addSample(40)!;
    expect(spiked.latencyMs).toBe(1);
    expect(spiked.jitterMs).toBeGreaterThan(2);
    let last = spiked;
    for (let i = 0; i < 40; i++) last = e.addSample(6)!;
    expect(last.latencyMs).toBeCloseTo(6, 2);
  });

  it('reports jitter for alternating samples near their mean difference', () => {
    const e = new LatencyEstimator();
    let last = e.addSample(4);
    for (let i = 0; i < 400; i++) last = e.addSample(i % 2 === 0 ? 6 : 4);
    expect(last!.jitterMs).toBeCloseTo(2, 1);
    expect(last!.latencyMs).toBe(4);
  });

  it('rejects non-finite samples and bad parameters', () => {
    expect(() => new LatencyEstimator().addSample(Number.NaN)).toThrow(RangeError);
    expect(() => new LatencyEstimator().addSample(1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => new LatencyEstimator({ gain: 0 })).toThrow(RangeError);
    expect(() => new LatencyEstimator({ window: 2, warmup: 3 })).toThrow(RangeError);
  });
});
