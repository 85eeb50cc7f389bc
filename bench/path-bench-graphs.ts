/**
 * Seeded geometric WAN topologies for the path benchmark: random points on a 3000 km square, each node
 * cabled to its `neighbours` nearest nodes (a grid index keeps this O(n)), latency from distance over
 * fibre (~200 km per ms) plus 0.05 ms of equipment. With 4 neighbours the average degree is about 5.5.
 */
import type { TopoLink, TopoNode } from '../src/model/topology.js';

export interface BenchGraph {
  readonly nodes: TopoNode[];
  readonly links: TopoLink[];
}

const SIDE_KM = 3000;
const KM_PER_MS = 200;
const PROVIDERS = ['aurora', 'borealis', 'cirrus', 'delta', 'equinox'];
const JURISDICTIONS = ['DE', 'FR', 'NL', 'IT', 'AT', 'PL'];

/** mulberry32: a small seeded PRNG so every run measures the same graphs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function geometricWan(n: number, neighbours = 4, seed = 42): BenchGraph {
  const rnd = prng(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = rnd() * SIDE_KM;
    ys[i] = rnd() * SIDE_KM;
  }
  const cells = Math.max(1, Math.floor(Math.sqrt(n / 2)));
  const cellOf = (x: number): number => Math.min(cells - 1, Math.floor((x / SIDE_KM) * cells));
  const grid: number[][] = Array.from({ length: cells * cells }, () => []);
  for (let i = 0; i < n; i++) grid[cellOf(ys[i]) * cells + cellOf(xs[i])].push(i);

  const nodes: TopoNode[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push({
      id: `n${i}`,
      kind: 'switch',
      name: `n${i}`,
      provider: PROVIDERS[i % PROVIDERS.length],
      jurisdiction: JURISDICTIONS[Math.floor(rnd() * JURISDICTIONS.length)],
      location: { lat: 35 + (ys[i] / SIDE_KM) * 25, lon: -10 + (xs[i] / SIDE_KM) * 40 },
      operUp: true,
    });
  }
  const cabled: number[][] = Array.from({ length: n }, () => []);
  const links: TopoLink[] = [];
  for (let i = 0; i < n; i++) {
    const cx = cellOf(xs[i]);
    const cy = cellOf(ys[i]);
    const found: number[] = [];
    // Rings of cells until enough candidates, then one more ring so no nearer point is missed.
    for (let r = 0, extra = -1; r < cells && extra !== 0; r++) {
      for (let gy = cy - r; gy <= cy + r; gy++) {
        for (let gx = cx - r; gx <= cx + r; gx++) {
          if (gx < 0 || gy < 0 || gx >= cells || gy >= cells) continue;
          if (Math.max(Math.abs(gx - cx), Math.abs(gy - cy)) !== r) continue;
          for (const j of grid[gy * cells + gx]) if (j !== i) found.push(j);
        }
      }
      if (extra > 0) extra--;
      else if (extra < 0 && found.length >= neighbours) extra = 1;
    }
    const d = (j: number): number => Math.hypot(xs[i] - xs[j], ys[i] - ys[j]);
    found.sort((a, b) => d(a) - d(b));
    for (const j of found.slice(0, neighbours)) {
      if (cabled[i].includes(j)) continue;
      cabled[i].push(j);
      cabled[j].push(i);
      const c = `c${links.length / 2}`;
      const latencyMs = Math.round((0.05 + d(j) / KM_PER_MS) * 1e4) / 1e4;
      const cost = 1 + Math.floor(rnd() * 20);
      const provider = PROVIDERS[Math.floor(rnd() * PROVIDERS.length)];
      const srlgs = rnd() < 0.1 ? [`duct-${Math.floor(rnd() * 1000)}`] : [];
      const energy = Math.round((1 + rnd() * 9) * 100) / 100;
      for (const [tag, s, t] of [
        ['a', i, j],
        ['b', j, i],
      ] as const) {
        links.push({
          id: `${c}.${tag}`,
          cable: c,
          src: `n${s}`,
          dst: `n${t}`,
          capacityMbps: 10_000,
          reservedMbps: Math.floor(rnd() * 4) * 1000,
          latencyMs,
          measuredLatencyMs: null,
          jitterMs: null,
          cost,
          energyJPerGbit: energy,
          srlgs,
          provider,
          adminUp: true,
          operUp: true,
          discovered: false,
        });
      }
    }
  }
  return { nodes, links };
}

/** "n m" then "u v w" lines (0-based node indices, latency as weight) for the C++/Python baselines. */
export function edgeListText(g: BenchGraph): string {
  const index = new Map(g.nodes.map((node, i) => [node.id, i]));
  const lines = [`${g.nodes.length} ${g.links.length}`];
  for (const l of g.links) lines.push(`${index.get(l.src)} ${index.get(l.dst)} ${l.latencyMs}`);
  return `${lines.join('\n')}\n`;
}
