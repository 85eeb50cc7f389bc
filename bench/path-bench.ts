/**
 * Path engine benchmark (not a test): geometric WAN topologies of 1k, 10k and 100k nodes plus the shipped
 * topology/eu-continuum.yaml. Measures point-to-point constrained paths, single source, Yen k=5, disjoint
 * pairs, restricted shortest path, 10,000 sequential admissions (1k nodes), snapshot build and patch,
 * landmark build, heap and RSS; runs graphology-shortest-path on the same graphs and queries, C++ Boost (compiled here with g++),
 * networkx and igraph single-source on the same graph exported to a file, and prints ratios. Ends with one
 * JSON line of all medians and ratios. Never fails because the machine is slow; a missing baseline is null.
 *
 * Run alone: `npx tsx bench/path-bench.ts [sizes...]`, or through `make bench`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DirectedGraph as DirectedGraphType } from 'graphology';
import graphology from 'graphology';
import { dijkstra as gDijkstra } from 'graphology-shortest-path';
import { findUp } from '../src/app/find-up.js';
import { EventBus } from '../src/events/event-bus.js';
import type { PathRequest } from '../src/model/path.js';
import { CsrSnapshot } from '../src/path/csr-snapshot.js';
import { dijkstraAll } from '../src/path/dijkstra.js';
import { PathService } from '../src/path/path-service.js';
import { ReservationLedger } from '../src/path/reservation-ledger.js';
import { SearchContext } from '../src/path/search-context.js';
import { SnapshotKeeper } from '../src/path/snapshot-keeper.js';
import { openDatabase } from '../src/store/database.js';
import { ReservationStore } from '../src/store/reservation-store.js';
import { applyTopology, loadTopologyFile } from '../src/topology/topology-loader.js';
import { TopologyStore } from '../src/topology/topology-store.js';
import { type BenchGraph, edgeListText, geometricWan, prng } from './path-bench-graphs.js';

const { DirectedGraph } = graphology as unknown as { DirectedGraph: typeof DirectedGraphType };
const PYTHON = '/usr/bin/python3';

/** The project root (this file runs from bench/ or from dist/bench/). */
function projectRoot(): string {
  const dir = findUp(import.meta.url, 'package.json');
  if (dir === undefined) throw new Error('path bench: no package.json above the bench code');
  return dir;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)];
}

/** Median milliseconds of `fn` over the inputs, after one warm-up pass over a few of them. */
function timeEach<T>(inputs: readonly T[], fn: (x: T) => unknown): number {
  for (const x of inputs.slice(0, Math.min(5, inputs.length))) fn(x);
  const times: number[] = [];
  for (const x of inputs) {
    const t0 = performance.now();
    fn(x);
    times.push(performance.now() - t0);
  }
  return median(times);
}

function staticSource(g: BenchGraph) {
  return { shapeVersion: 0, attrVersion: 0, nodes: () => g.nodes, links: () => g.links };
}

function randomPairs(ids: readonly string[], count: number, seed: number): [string, string][] {
  const rnd = prng(seed);
  const out: [string, string][] = [];
  while (out.length < count) {
    const a = ids[Math.floor(rnd() * ids.length)];
    const b = ids[Math.floor(rnd() * ids.length)];
    if (a !== b) out.push([a, b]);
  }
  return out;
}

type Row = Record<string, number | null>;

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null || a === 0 ? null : Math.round((b / a) * 100) / 100;
}

function benchGraph(label: string, g: BenchGraph, queries: number, heavy: boolean): Row {
  const n = g.nodes.length;
  const row: Row = { nodes: n, links: g.links.length };
  const builds: number[] = [];
  let snap!: CsrSnapshot;
  for (let i = 0; i < (n >= 100_000 ? 3 : 5); i++) {
    const t0 = performance.now();
    snap = new CsrSnapshot(g.nodes, g.links, { shapeVersion: 0, attrVersion: 0 });
    builds.push(performance.now() - t0);
  }
  row.snapshotBuildMs = median(builds);
  const variants = g.links
    .slice(0, 1000)
    .map((l, i) => ({ ...l, reservedMbps: (i % 7) * 100, measuredLatencyMs: l.latencyMs * 1.1 }));
  const patches = 200_000;
  const t0 = performance.now();
  for (let i = 0; i < patches; i++) snap.patchLink(variants[i % variants.length]);
  row.patchUs = ((performance.now() - t0) * 1000) / patches;
  for (const v of g.links.slice(0, 1000)) snap.patchLink(v);
  const mem = process.memoryUsage();
  row.heapMB = Math.round(mem.heapUsed / 1e6);
  row.rssMB = Math.round(mem.rss / 1e6);

  const paths = new PathService(new SnapshotKeeper(staticSource(g), new EventBus()));
  const pairs = randomPairs(snap.nodeIds, queries, 7);
  const tLm = performance.now();
  paths.prepareLandmarks('latency');
  row.landmarksBuildMs = performance.now() - tLm;
  const req = (p: [string, string], extra: Partial<PathRequest> = {}): PathRequest => ({ src: p[0], dst: p[1], ...extra });
  row.p2pConstrainedMs = timeEach(pairs, (p) => paths.compute(req(p, { bandwidthMbps: 500 })));
  row.p2pExcludedMs = timeEach(pairs, (p) => paths.compute(req(p, { bandwidthMbps: 500, avoidProviders: ['cirrus'] })));
  const ctx = new SearchContext(snap);
  ctx.setConstraints({});
  const dist = new Float64Array(n);
  const pred = new Int32Array(n);
  const sources = pairs.slice(0, heavy ? 20 : 5).map((p) => snap.indexOf(p[0]));
  row.singleSourceMs = timeEach(sources, (s) => dijkstraAll(ctx, s, snap.latencyMs, false, dist, pred));
  const few = pairs.slice(0, heavy ? queries : 20);
  row.yenK5Ms = timeEach(few, (p) => paths.compute(req(p, { k: 5 })));
  row.disjointPairMs = timeEach(few, (p) => paths.compute(req(p, { protection: 'link-disjoint' })));
  row.srlgPairMs = timeEach(few, (p) => paths.compute(req(p, { protection: 'srlg-disjoint' })));
  const rspReqs = few.map((p) => {
    const r = paths.compute(req(p));
    return req(p, { objective: 'cost', maxLatencyMs: r.ok ? r.primary.latencyMs * 1.15 : 1 });
  });
  row.restrictedShortestPathMs = timeEach(rspReqs, (r) => paths.compute(r));

  // graphology-shortest-path on the same graph and queries.
  const gg = new DirectedGraph<Record<string, never>, { w: number }>();
  for (const node of g.nodes) gg.addNode(node.id);
  for (const l of g.links) if (!gg.hasEdge(l.src, l.dst)) gg.addEdgeWithKey(l.id, l.src, l.dst, { w: l.latencyMs });
  const gPairs = pairs.slice(0, n >= 100_000 ? 5 : heavy ? 50 : queries);
  row.graphologyBidirectionalMs = timeEach(gPairs, (p) => gDijkstra.bidirectional(gg, p[0], p[1], 'w'));
  row.p2pUnconstrainedMs = timeEach(gPairs, (p) => paths.compute(req(p)));
  row.graphologySingleSourceMs = timeEach(
    sources.slice(0, n >= 100_000 ? 2 : 5).map((s) => snap.nodeIds[s]),
    (s) => gDijkstra.singleSource(gg, s, 'w'),
  );
  row.ratioP2pVsGraphology = ratio(row.p2pConstrainedMs, row.graphologyBidirectionalMs);
  row.ratioSingleSourceVsGraphology = ratio(row.singleSourceMs, row.graphologySingleSourceMs);
  if (heavy) Object.assign(row, externalBaselines(g, sources.slice(0, 5), row.singleSourceMs ?? null));
  print(label, row);
  return row;
}

/** Boost (C++), networkx and igraph single-source on the same graph, exported to a temp file. */
function externalBaselines(g: BenchGraph, sources: number[], ours: number | null): Row {
  const dir = mkdtempSync(join(tmpdir(), 'sdnc-path-bench-'));
  const out: Row = { boostSingleSourceMs: null, networkxSingleSourceMs: null, igraphSingleSourceMs: null };
  try {
    const file = join(dir, 'graph.txt');
    writeFileSync(file, edgeListText(g));
    const oracles = join(projectRoot(), 'bench', 'oracles');
    const args = [file, g.nodes.length >= 100_000 ? '2' : '5', ...sources.map(String)];
    try {
      const bin = join(dir, 'dijkstra_boost');
      execFileSync('g++', ['-O2', '-std=c++17', '-o', bin, join(oracles, 'dijkstra_boost.cpp')], { stdio: 'pipe' });
      out.boostSingleSourceMs = JSON.parse(execFileSync(bin, args, { encoding: 'utf8' })).medianMs;
    } catch (err) {
      console.error(`boost baseline unavailable: ${(err as Error).message.split('\n')[0]}`);
    }
    try {
      const py = JSON.parse(execFileSync(PYTHON, [join(oracles, 'single_source.py'), ...args], { encoding: 'utf8' }));
      out.networkxSingleSourceMs = py.networkx?.medianMs ?? null;
      out.igraphSingleSourceMs = py.igraph?.medianMs ?? null;
    } catch (err) {
      console.error(`python baselines unavailable: ${(err as Error).message.split('\n')[0]}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  out.ratioSingleSourceVsBoost = ratio(ours, out.boostSingleSourceMs);
  out.ratioSingleSourceVsNetworkx = ratio(ours, out.networkxSingleSourceMs);
  out.ratioSingleSourceVsIgraph = ratio(ours, out.igraphSingleSourceMs);
  return out;
}

/**
 * 10,000 sequential admissions on the 1k graph: path with 10 Mbit/s, then reserve (SQLite-backed), three
 * ways: write-through ('immediate', one transaction per admission), group commit with all admissions in
 * one synchronous run (one transaction), and group commit with one admission per event-loop turn (one
 * transaction each, as when every admission is its own HTTP request).
 */
async function benchAdmissions(g: BenchGraph, count: number): Promise<Row> {
  const row: Row = { admissions: count };
  const pairs = randomPairs(
    g.nodes.map((x) => x.id),
    count,
    11,
  );
  for (const mode of ['immediate', 'groupOneRun', 'groupPerTurn'] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'sdnc-path-bench-db-'));
    const db = openDatabase(dir);
    try {
      const bus = new EventBus();
      const store = new TopologyStore(bus);
      for (const node of g.nodes) store.addNode(node);
      for (const l of g.links) store.addLink(l);
      const paths = new PathService(new SnapshotKeeper(store, bus));
      const commit = mode === 'immediate' ? 'immediate' : 'end-of-turn';
      const ledger = new ReservationLedger(store, new ReservationStore(db), undefined, { commit });
      let admitted = 0;
      const admit = (i: number): void => {
        const [src, dst] = pairs[i];
        const r = paths.compute({ src, dst, bandwidthMbps: 10 });
        if (r.ok && ledger.reserve({ ownerId: `i${i}`, bandwidthMbps: 10, primary: r.primary.links }).ok) admitted++;
      };
      const t0 = performance.now();
      if (mode === 'groupPerTurn') {
        for (let i = 0; i < count; i++) {
          admit(i);
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } else for (let i = 0; i < count; i++) admit(i);
      ledger.flush();
      row[`${mode}Ms`] = performance.now() - t0;
      row[`${mode}Admitted`] = admitted;
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  print('admissions (1k nodes)', row);
  return row;
}

function print(label: string, row: Row): void {
  console.log(`\n${label}`);
  for (const [k, v] of Object.entries(row)) console.log(`  ${k.padEnd(32)} ${v === null ? 'n/a' : Number(v.toPrecision(4))}`);
}

export async function runPathBench(options: { sizes?: number[] } = {}): Promise<object> {
  const sizes = options.sizes ?? [1_000, 10_000, 100_000];
  const result: Record<string, Row> = {};
  for (const n of sizes) {
    const g = geometricWan(n);
    result[`wan${n / 1000}k`] = benchGraph(
      `geometric WAN, ${n} nodes`,
      g,
      n >= 100_000 ? 50 : 200,
      n === 10_000 || n === 100_000,
    );
    if (n === 1_000) result.admissions = await benchAdmissions(g, 10_000);
  }
  const eu = join(projectRoot(), 'topology', 'eu-continuum.yaml');
  if (existsSync(eu)) {
    const store = new TopologyStore(new EventBus());
    applyTopology(loadTopologyFile(eu), store);
    result.euContinuum = benchGraph('topology/eu-continuum.yaml', { nodes: store.nodes(), links: store.links() }, 200, false);
  }
  // Wall-clock medians: on a shared machine they include time the process waited for a core.
  const summary = { bench: 'path', loadAverage1m: Math.round(loadavg()[0] * 100) / 100, ...result };
  console.log(JSON.stringify(summary));
  return summary;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((x) => x > 0);
  await runPathBench(sizes.length > 0 ? { sizes } : {});
}
