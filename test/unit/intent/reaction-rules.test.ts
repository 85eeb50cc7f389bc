import { describe, expect, it } from 'vitest';
import { onlyBooked } from '../../../src/intent/reaction-rules.js';
import type { TopoLink } from '../../../src/model/topology.js';

const base: TopoLink = {
  id: 'a-b.a',
  cable: 'a-b',
  src: 'a',
  dst: 'b',
  srcPort: 1,
  dstPort: 2,
  capacityMbps: 100,
  reservedMbps: 10,
  latencyMs: 1,
  measuredLatencyMs: null,
  jitterMs: null,
  cost: 1,
  energyJPerGbit: 1,
  srlgs: ['duct-1'],
  provider: 'p',
  adminUp: true,
  operUp: true,
  discovered: false,
};

describe('onlyBooked', () => {
  it('is true when only more bandwidth was booked, or nothing changed', () => {
    expect(onlyBooked(base, { ...base, reservedMbps: 30 })).toBe(true);
    expect(onlyBooked(base, { ...base })).toBe(true);
    // Equal lists in new arrays are the same link.
    expect(onlyBooked(base, { ...base, reservedMbps: 20, srlgs: ['duct-1'] })).toBe(true);
  });

  it('is false when bandwidth was given back', () => {
    expect(onlyBooked(base, { ...base, reservedMbps: 5 })).toBe(false);
  });

  it('is false when anything else changed along with the booking', () => {
    expect(onlyBooked(base, { ...base, reservedMbps: 20, operUp: false })).toBe(false);
    expect(onlyBooked(base, { ...base, reservedMbps: 20, capacityMbps: 200 })).toBe(false);
    expect(onlyBooked(base, { ...base, reservedMbps: 20, measuredLatencyMs: 0.5 })).toBe(false);
    expect(onlyBooked(base, { ...base, reservedMbps: 20, srlgs: ['duct-2'] })).toBe(false);
  });

  it('is false when a member appeared or went away', () => {
    const { dstPort: _, ...withoutPort } = base;
    expect(onlyBooked(base, { ...withoutPort, reservedMbps: 20 } as TopoLink)).toBe(false);
    expect(onlyBooked({ ...withoutPort } as TopoLink, { ...base, reservedMbps: 20 })).toBe(false);
  });
});
