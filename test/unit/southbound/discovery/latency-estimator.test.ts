import { describe, expect, it } from 'vitest';
import { LatencyEstimator, probeLatencyMs } from '../../../../src/southbound/discovery/latency-estimator.js';

describe('probeLatencyMs', () => {
  it('subtracts half of each control channel RTT', () => {
    // 12 ms raw, echo RTTs 4 ms and 2 ms -> 12 - 2 - 1 = 9 ms.
    expect(probeLatencyMs(1_000_000_000n, 1_012_000_000n, 4, 2)).toBeCloseTo(9, 9);
  });
  it('treats unknown RTTs as zero and never goes negative', () => {
    expect(probeLatencyMs(0n, 5_000_000n, undefined, undefined)).toBeCloseTo(5, 9);
    expect(probeLatencyMs(0n, 1_000_000n, 10, 10)).toBe(0);
  });
});

describe('LatencyEstimator', () => {
  it('starts at the first sample and moves 1/8 of the way to each new one', () => {
    const e = new LatencyEstimator();
    expect(e.estimate()).toBeUndefined();
    expect(e.addSample(10)).toEqual({ latencyMs: 10, jitterMs: 0, samples: 1 });
    // 10 + (18 - 10) / 8 = 11; jitter 0 + (8 - 0) / 16 = 0.5
    expect(e.addSample(18)).toEqual({ latencyMs: 11, jitterMs: 0.5, samples: 2 });
  });

  it('converges to a constant input with zero jitter', () => {
    const e = new LatencyEstimator();
    e.addSample(50);
    let last = e.addSample(5);
    for (let i = 0; i < 200; i++) last = e.addSample(5);
    expect(last.latencyMs).toBeCloseTo(5, 2);
    expect(last.jitterMs).toBeLessThan(0.01);
  });

  it('reports jitter for alternating samples near their mean difference', () => {
    const e = new LatencyEstimator();
    let last = e.addSample(4);
    for (let i = 0; i < 400; i++) last = e.addSample(i % 2 === 0 ? 6 : 4);
    expect(last.jitterMs).toBeCloseTo(2, 1);
    expect(last.latencyMs).toBeGreaterThan(4);
    expect(last.latencyMs).toBeLessThan(6);
  });

  it('ignores a single spike in the latency but counts it as jitter', () => {
    const e = new LatencyEstimator();
    for (let i = 0; i < 10; i++) e.addSample(1);
    const spiked = e.addSample(40);
    expect(spiked.latencyMs).toBe(1);
    expect(spiked.jitterMs).toBeGreaterThan(2);
    expect(e.addSample(1).latencyMs).toBe(1);
  });

  it('rejects non-finite samples and bad gains', () => {
    expect(() => new LatencyEstimator().addSample(Number.NaN)).toThrow(RangeError);
    expect(() => new LatencyEstimator({ gain: 0 })).toThrow(RangeError);
  });
});
