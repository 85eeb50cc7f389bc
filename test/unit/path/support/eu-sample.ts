import type { LinkSpec, NodeSpec } from './graph-builder.js';
import { buildStore, cable } from './graph-builder.js';

/**
 * A small continuum used by literal tests. Latencies (ms) / cost per cable:
 *   par-fra 5/10 (pa)   par-ams 3/2 (pb)   ams-fra 3/2 (pb)   fra-mun 4/3 (pa, srlg rhine)
 *   par-mil 8/5 (pc)    mil-mun 4/5 (pc, srlg rhine)          mun-vie 4/3 (pb)   mil-vie 6/4 (pc)
 */
export const EU_NODES: NodeSpec[] = [
  { id: 'par', provider: 'pa', jurisdiction: 'FR' },
  { id: 'fra', provider: 'pa', jurisdiction: 'DE' },
  { id: 'ams', provider: 'pb', jurisdiction: 'NL' },
  { id: 'mil', provider: 'pc', jurisdiction: 'IT' },
  { id: 'mun', provider: 'pb', jurisdiction: 'DE' },
  { id: 'vie', provider: 'pb', jurisdiction: 'AT' },
];

export function euLinks(overrides: Record<string, Partial<LinkSpec>> = {}): LinkSpec[] {
  const c = (id: string, a: string, b: string, lat: number, cost: number, provider: string, srlgs: string[] = []): LinkSpec[] =>
    cable(id, a, b, lat, { cost, provider, srlgs, ...overrides[id] });
  return [
    ...c('par-fra', 'par', 'fra', 5, 10, 'pa'),
    ...c('par-ams', 'par', 'ams', 3, 2, 'pb'),
    ...c('ams-fra', 'ams', 'fra', 3, 2, 'pb'),
    ...c('fra-mun', 'fra', 'mun', 4, 3, 'pa', ['rhine']),
    ...c('par-mil', 'par', 'mil', 8, 5, 'pc'),
    ...c('mil-mun', 'mil', 'mun', 4, 5, 'pc', ['rhine']),
    ...c('mun-vie', 'mun', 'vie', 4, 3, 'pb'),
    ...c('mil-vie', 'mil', 'vie', 6, 4, 'pc'),
  ];
}

export function euStore(overrides: Record<string, Partial<LinkSpec>> = {}) {
  return buildStore(EU_NODES, euLinks(overrides));
}
