import { describe, expect, it } from 'vitest';
import type { TopoLink, TopoNode } from '../../../src/model/topology.js';
import { projectLonLat, unprojectXY } from '../../../src/web/geo-projection.js';
import { layoutNodes, ORPHAN_RING_CENTRE } from '../../../src/web/node-layout.js';

const node = (id: string, extra: Partial<TopoNode> = {}): TopoNode => ({
  id,
  kind: 'switch',
  name: id,
  provider: 'p',
  jurisdiction: 'FR',
  operUp: true,
  ...extra,
});
const link = (src: string, dst: string): TopoLink =>
  ({ id: `${src}-${dst}.a`, cable: `${src}-${dst}`, src, dst }) as unknown as TopoLink;

describe('projection', () => {
  it('is Mercator in degrees and inverts', () => {
    expect(projectLonLat(2.35, 0).x).toBe(2.35);
    expect(projectLonLat(2.35, 0).y).toBeCloseTo(0, 12);
    // ln(tan(45 + 22.5 deg)) = 0.881374 rad = 50.4987 deg
    expect(projectLonLat(0, 45).y).toBeCloseTo(50.4987, 3);
    expect(unprojectXY(0, projectLonLat(0, 60).y).lat).toBeCloseTo(60, 9);
  });
});

describe('layoutNodes', () => {
  it('puts located nodes on their projected coordinates', () => {
    const pos = layoutNodes([node('a', { location: { lat: 48.8566, lon: 2.3522 } })], []);
    expect(pos.get('a')).toEqual(projectLonLat(2.3522, 48.8566));
  });

  it('rings endpoints (also those that inherited their site location) and neighbours around the anchor', () => {
    const site = node('s', { location: { lat: 50, lon: 8 } });
    const e1 = node('e1', { kind: 'endpoint', attachment: { node: 's', port: 1 }, location: { lat: 50, lon: 8 } });
    const e2 = node('e2', { kind: 'endpoint', attachment: { node: 's', port: 2 } });
    const sw = node('sw');
    const pos = layoutNodes([site, e1, e2, sw], [link('s', 'sw')]);
    const c = pos.get('s')!;
    const r = ['e1', 'e2', 'sw'].map((id) => Math.hypot(pos.get(id)!.x - c.x, pos.get(id)!.y - c.y));
    // One ring of three, same radius, distinct places.
    expect(r[0]).toBeCloseTo(r[1], 9);
    expect(r[1]).toBeCloseTo(r[2], 9);
    expect(r[0]).toBeGreaterThan(1);
    const keys = new Set(['e1', 'e2', 'sw'].map((id) => `${pos.get(id)!.x.toFixed(6)},${pos.get(id)!.y.toFixed(6)}`));
    expect(keys.size).toBe(3);
  });

  it('resolves chains of unplaced nodes outwards and puts the rest on the orphan ring', () => {
    const pos = layoutNodes(
      [node('a', { location: { lat: 45, lon: 5 } }), node('b'), node('c'), node('lonely')],
      [link('a', 'b'), link('b', 'c')],
    );
    const a = pos.get('a')!;
    const b = pos.get('b')!;
    const c = pos.get('c')!;
    expect(Math.hypot(b.x - a.x, b.y - a.y)).toBeGreaterThan(1);
    expect(Math.hypot(c.x - b.x, c.y - b.y)).toBeGreaterThan(1);
    const l = pos.get('lonely')!;
    expect(Math.hypot(l.x - ORPHAN_RING_CENTRE.x, l.y - ORPHAN_RING_CENTRE.y)).toBeCloseTo(1.5, 9);
  });

  it('is deterministic whatever the input order', () => {
    const nodes = [node('s', { location: { lat: 40, lon: -3 } }), node('x'), node('y'), node('z')];
    const links = [link('s', 'x'), link('s', 'y'), link('s', 'z')];
    expect(layoutNodes([...nodes].reverse(), links)).toEqual(layoutNodes(nodes, links));
  });
});
