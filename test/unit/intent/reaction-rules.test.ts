import { describe, expect, it } from 'vitest';
import type { DirectionPaths, IntentRecord } from '../../../src/intent/intent-types.js';
import { isDegraded, onlyBooked, onlyReleased } from '../../../src/intent/reaction-rules.js';
import type { Path } from '../../../src/model/path.js';
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

describe('onlyReleased', () => {
  it('is true only when bandwidth was given back and nothing else changed', () => {
    expect(onlyReleased(base, { ...base, reservedMbps: 5 })).toBe(true);
    expect(onlyReleased(base, { ...base, reservedMbps: 30 })).toBe(false);
    expect(onlyReleased(base, { ...base })).toBe(false);
    expect(onlyReleased(base, { ...base, reservedMbps: 5, operUp: false })).toBe(false);
    expect(onlyReleased(base, { ...base, reservedMbps: 5, capacityMbps: 200 })).toBe(false);
  });
});

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

function path(links: string[]): Path {
  return { nodes: [], links, latencyMs: 1, cost: 1, energyJPerGbit: 1, hops: links.length, bottleneckMbps: 100 };
}

function record(protection: 'none' | 'link-disjoint', forward: DirectionPaths, reverse?: DirectionPaths): IntentRecord {
  return {
    id: 'intent-1',
    key: 1,
    spec: { protection } as IntentRecord['spec'],
    state: 'installing',
    paths: reverse ? { forward, reverse } : { forward },
    reservedLinks: [],
    createdAt: 0,
    updatedAt: 0,
    history: [],
  };
}

describe('isDegraded', () => {
  const primary = path(['a-b.a']);
  const backup = path(['a-c.a', 'c-b.a']);
  const both: DirectionPaths = { primary, backup, active: 'primary' };

  it('is true for a direction on its backup, protected or not', () => {
    expect(isDegraded(record('none', { primary, backup, active: 'backup' }))).toBe(true);
    expect(isDegraded(record('link-disjoint', both, { primary, backup, active: 'backup' }))).toBe(true);
  });

  it('is true for a protected intent without a backup in either direction', () => {
    expect(isDegraded(record('link-disjoint', { primary, active: 'primary' }))).toBe(true);
    expect(isDegraded(record('link-disjoint', both, { primary, active: 'primary' }))).toBe(true);
  });

  it('is false on the primary with a backup, without protection, on a one-switch path or without paths', () => {
    expect(isDegraded(record('link-disjoint', both, both))).toBe(false);
    expect(isDegraded(record('none', { primary, active: 'primary' }, { primary, active: 'primary' }))).toBe(false);
    expect(isDegraded(record('link-disjoint', { primary: path([]), active: 'primary' }))).toBe(false);
    expect(isDegraded({ ...record('link-disjoint', both), paths: undefined })).toBe(false);
  });
});
