import { describe, expect, it } from 'vitest';
import { type IntentRequest, normalizeRequest } from '../../../src/intent/intent-request.js';

const refused = (req: unknown) => {
  try {
    normalizeRequest(req as IntentRequest);
  } catch (err) {
    return (err as { code?: string; details?: { reason?: string } }).details?.reason ?? String(err);
  }
  return undefined;
};

describe('normalizeRequest', () => {
  it('fills the defaults, keeps given values, drops an empty match', () => {
    expect(normalizeRequest({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 5, match: {} })).toEqual({
      src: 'h1',
      dst: 'h2',
      bandwidthMbps: 5,
      objective: 'latency',
      protection: 'none',
      constraints: {},
      priority: 100,
      allowPreemption: false,
      bidirectional: true,
    });
    const spec = normalizeRequest({
      endpoints: { src: { address: '10.0.0.1' }, dst: { site: 's4' } },
      bandwidthMbps: 0,
      maxLatencyMs: 3,
      objective: 'hops',
      priority: 7,
      bidirectional: false,
      match: { ipProto: 6, dstPort: 80 },
    });
    expect(spec).toMatchObject({
      maxLatencyMs: 3,
      objective: 'hops',
      priority: 7,
      bidirectional: false,
      match: { ipProto: 6, dstPort: 80 },
    });
    expect(Object.keys(spec)).toEqual([
      'src',
      'dst',
      'bandwidthMbps',
      'maxLatencyMs',
      'objective',
      'protection',
      'constraints',
      'priority',
      'allowPreemption',
      'bidirectional',
      'match',
    ]);
  });

  it('refuses the same endpoint at both ends, in either form, but not the same name in different forms', () => {
    const same = 'endpoints.src and endpoints.dst are the same';
    expect(refused({ endpoints: { src: 'h1', dst: 'h1' }, bandwidthMbps: 1 })).toBe(same);
    expect(refused({ endpoints: { src: { endpoint: 'h1' }, dst: { endpoint: 'h1' } }, bandwidthMbps: 1 })).toBe(same);
    expect(refused({ endpoints: { src: { endpoint: 'x' }, dst: { site: 'x' } }, bandwidthMbps: 1 })).toBeUndefined();
    expect(refused({ endpoints: { src: { endpoint: 'h1' }, dst: 'h1' }, bandwidthMbps: 1 })).toBeUndefined();
    expect(refused({ endpoints: { src: { endpoint: 'h1', site: 's' }, dst: 'h2' }, bandwidthMbps: 1 })).toMatch(
      /endpoints\.src must be/,
    );
  });
});
