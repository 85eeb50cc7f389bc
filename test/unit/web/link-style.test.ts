import { describe, expect, it } from 'vitest';
import type { TopoLink } from '../../../src/model/topology.js';
import { measuredPathLatencyMs } from '../../../src/web/intent-view.js';
import { cableStyle, utilisationColor } from '../../../src/web/link-style.js';
import { TopologyModel } from '../../../src/web/topology-model.js';

const link = (id: string, extra: Partial<TopoLink> = {}): TopoLink => ({
  id,
  cable: id.split('.')[0],
  src: 'a',
  dst: 'b',
  capacityMbps: 1000,
  reservedMbps: 0,
  latencyMs: 2,
  measuredLatencyMs: null,
  jitterMs: null,
  cost: 1,
  energyJPerGbit: 1,
  srlgs: [],
  provider: 'p',
  adminUp: true,
  operUp: true,
  discovered: false,
  ...extra,
});

describe('link styles', () => {
  it('ramps green -> amber -> red with utilisation, red from 90 %', () => {
    expect(utilisationColor(0)).toBe('#2e9e44');
    expect(utilisationColor(0.5)).toBe('#f0a30a');
    expect(utilisationColor(0.9)).toBe('#d7263d');
    expect(utilisationColor(1.5)).toBe('#d7263d');
  });

  it('draws a cable by its worse direction, and down when either direction is down', () => {
    const s = cableStyle([link('c.a', { reservedMbps: 100 }), link('c.b', { reservedMbps: 950 })]);
    expect(s.utilisation).toBeCloseTo(0.95, 9);
    expect(s.color).toBe('#d7263d');
    expect(cableStyle([link('c.a'), link('c.b', { operUp: false })]).down).toBe(true);
    expect(cableStyle([link('c.a', { adminUp: false })]).color).toBe('#6b6b6b');
    expect(cableStyle([link('c.a', { capacityMbps: 0 })]).utilisation).toBe(1);
  });
});

describe('TopologyModel', () => {
  it('groups directions by cable and reports shape changes', () => {
    const m = new TopologyModel();
    m.replace([], [link('c.a'), link('c.b')]);
    expect(m.directionsOf('c').map((l) => l.id)).toEqual(['c.a', 'c.b']);
    expect(m.apply({ type: 'link-updated', link: link('c.a', { reservedMbps: 5 }) })).toEqual({
      shape: false,
      nodes: [],
      cables: ['c'],
    });
    expect(m.apply({ type: 'link-removed', id: 'c.b' }).shape).toBe(true);
    expect(m.apply({ type: 'link-removed', id: 'c.a' }).cables).toEqual(['c']);
    expect([...m.cables()]).toEqual([]);
  });
});

describe('measured path latency', () => {
  it('sums measured latency where present, configured elsewhere', () => {
    const links = new Map([
      ['x.a', link('x.a', { latencyMs: 2, measuredLatencyMs: 2.5 })],
      ['y.a', link('y.a', { latencyMs: 3 })],
    ]);
    expect(measuredPathLatencyMs({ nodes: [], links: ['x.a', 'y.a', 'gone.a'], latencyMs: 5 }, links)).toEqual({
      latencyMs: 5.5,
      unknownLinks: 1,
    });
  });
});
