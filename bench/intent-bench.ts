/**
 * Intent engine benchmark (not a test). On a generated 1,000-switch topology (two small-world regions
 * joined by a fast and a slow bridge) it measures:
 * Batch and reroute run twelve rounds, each on a fresh slice (with its own database file) in one process.
 * The figures are the median (and range) of rounds 6-12: V8 keeps optimising the hot paths over the
 * first rounds (round 3 still took about 1.5x the later ones), and a controller that has admitted and
 * rerouted a few times runs at the later speed. The first round's figures are printed too. A round stops
 * its slice's timers when it ends, so that the slice is garbage for the next rounds.
 *   - batch: compile + admit + install 1,000 bidirectional intents in one submitBatch into the fake driver
 *     (path computation, atomic reservation, labels, SQLite persistence of every transition in a database
 *     file as the controller keeps it - WAL, grouped in one transaction per turn and committed before the
 *     answer - rules, one flow-service convergence), against a baseline of computing the same 1,000 paths
 *     alone;
 *   - reroute: cut the fast bridge that all 1,000 intents cross; time until all are re-installed on the
 *     slow bridge (make-before-break, three confirmed phases);
 *   - REST: 2,000 POST /api/v1/intents over real HTTP on loopback, each with its own body, against GET
 *     /healthz as the HTTP baseline. The client is autocannon in its own process (bench/http-load-client.ts),
 *     as a real client is another process: 16 keep-alive connections, one request in flight on each. Only 2xx
 *     answers count as created; other answers are reported by status. Server CPU per request is reported
 *     too: on a shared machine it moves less than the rates. 4,000 POSTs warm up first. Intents on the same
 *     paths to the same host share a tunnel, so the label space no longer bounds how many fit (the
 *     running-out cases are unit tests: test/unit/intent/intent-labels-exhausted.test.ts).
 *   - flow convergence alone (bench/flow-convergence-bench.ts): incremental vs full read-and-diff.
 * Targets: batch <= 40 ms, reroute <= 100 ms, REST >= 2,000 intents/s. Prints figures and ratios, never
 * fails because the machine is slow. Run alone: `npx tsx bench/intent-bench.ts`, or `make bench`; the REST part
 * alone: `npx tsx bench/intent-bench.ts rest`, batch and reroute alone: `... batch`.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { EventBus } from '../src/events/event-bus.js';
import { FakeDriver } from '../src/flow/fake-driver.js';
import { FlowService } from '../src/flow/flow-service.js';
import { EndpointResolver } from '../src/intent/endpoint-resolver.js';
import type { IntentRequest } from '../src/intent/intent-request.js';
import { IntentService } from '../src/intent/intent-service.js';
import { LabelAllocator } from '../src/intent/label-allocator.js';
import { LedgerAdapter } from '../src/intent/ledger-adapter.js';
import { PathPlanner } from '../src/intent/path-planner.js';
import type { TopoLink, TopoNode } from '../src/model/topology.js';
import { registerIntentRoutes } from '../src/northbound/routes/intent-routes.js';
import { buildServer } from '../src/northbound/server.js';
import { PathService } from '../src/path/path-service.js';
import { ReservationLedger } from '../src/path/reservation-ledger.js';
import { SnapshotKeeper } from '../src/path/snapshot-keeper.js';
import { type Db, openDatabase } from '../src/store/database.js';
import { IntentStore } from '../src/store/intent-store.js';
import { TopologyService } from '../src/topology/topology-service.js';
import { TopologyStore } from '../src/topology/topology-store.js';
import { runFlowConvergenceBench } from './flow-convergence-bench.js';
import type { LoadJob, LoadResult } from './http-load-client.js';

const SIDE = 500;
const CHORDS = 2;
const HOSTS_PER_SIDE = 100;
const FAST_BRIDGE = 'bridge-fast';
/** REST: measured POSTs, measured GETs of the baseline, keep-alive connections of the client. */
const REST_POSTS = 2_000;
const REST_GETS = 20_000;
const REST_CLIENTS = 16;
/** Batch-and-reroute rounds in one process; the median of the last MEASURED is reported (see batchAndReroute). */
const ROUNDS = 12;
const MEASURED = 7;
/** V8 optimises the POST path only after a few thousand requests (about 400 us/POST of compiling before). */
const REST_WARMUP = 4_000;

interface Slice {
  readonly bus: EventBus;
  readonly topo: TopologyStore;
  readonly topology: TopologyService;
  readonly paths: PathService;
  readonly driver: FakeDriver;
  readonly flows: FlowService;
  readonly intents: IntentService;
  readonly db: Db;
}

/**
 * Two regions of 500 switches, each a ring with two random chords per switch (a small-world WAN:
 * paths of about ten hops), joined by a 1 ms bridge and a 30 ms one between their switches 0. Every
 * intent runs from a host in the left region to one in the right, so all cross the fast bridge.
 */
function generate(topo: TopologyStore): { left: string[]; right: string[] } {
  let dp = 0;
  const nextPort = new Map<string, number>();
  const port = (node: string): number => {
    const p = nextPort.get(node) ?? 1;
    nextPort.set(node, p + 1);
    return p;
  };
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const cable = (id: string, a: string, b: string, latencyMs: number): void => {
    const aPort = port(a);
    const bPort = port(b);
    const base = {
      cable: id,
      capacityMbps: 100_000,
      reservedMbps: 0,
      latencyMs,
      measuredLatencyMs: null,
      jitterMs: null,
      cost: 1,
      energyJPerGbit: 1,
      srlgs: [],
      provider: 'bench-net',
      adminUp: true,
      operUp: true,
      discovered: false,
    };
    const links: TopoLink[] = [
      { ...base, id: `${id}.a`, src: a, dst: b, srcPort: aPort, dstPort: bPort },
      { ...base, id: `${id}.b`, src: b, dst: a, srcPort: bPort, dstPort: aPort },
    ];
    for (const l of links) topo.addLink(l);
  };
  for (const side of ['l', 'r']) {
    for (let i = 0; i < SIDE; i++) {
      const node: TopoNode = {
        id: `${side}${i}`,
        kind: 'switch',
        name: `${side}${i}`,
        provider: 'bench-net',
        jurisdiction: 'DE',
        datapathId: (++dp).toString(16).padStart(16, '0'),
        operUp: true,
      };
      topo.addNode(node);
    }
    const seen = new Set<string>();
    for (let i = 0; i < SIDE; i++) {
      const peers = [(i + 1) % SIDE, ...Array.from({ length: CHORDS }, () => Math.floor(rand() * SIDE))];
      for (const j of peers) {
        const key = i < j ? `${i}-${j}` : `${j}-${i}`;
        if (j === i || seen.has(key)) continue;
        seen.add(key);
        cable(`${side}${key}`, `${side}${i}`, `${side}${j}`, 1 + Math.floor(rand() * 4));
      }
    }
  }
  cable(FAST_BRIDGE, 'l0', 'r0', 1);
  cable('bridge-slow', 'l1', 'r1', 30);
  const hosts = { left: [] as string[], right: [] as string[] };
  for (const side of ['l', 'r'] as const) {
    for (let i = 0; i < HOSTS_PER_SIDE; i++) {
      const id = `${side}-host-${i}`;
      const at = `${side}${Math.floor(rand() * SIDE)}`;
      topo.addNode({
        id,
        kind: 'endpoint',
        name: id,
        provider: 'bench-customer',
        jurisdiction: 'DE',
        addresses: [`10.${side === 'l' ? 1 : 2}.${i}.1/32`],
        mac: `02:00:00:00:${side === 'l' ? '01' : '02'}:${i.toString(16).padStart(2, '0')}`,
        attachment: { node: at, port: port(at) },
        operUp: true,
      });
      (side === 'l' ? hosts.left : hosts.right).push(id);
    }
  }
  return hosts;
}

/** `dataDir`: where the slice keeps its database (as the controller does); in memory without one. */
function slice(dataDir?: string): { s: Slice; hosts: { left: string[]; right: string[] } } {
  const bus = new EventBus();
  const topo = new TopologyStore(bus);
  const hosts = generate(topo);
  const topology = new TopologyService(topo);
  const paths = new PathService(new SnapshotKeeper(topo, bus));
  // Landmarks up front, as a long-running controller has them after its first queries.
  paths.prepareLandmarks();
  const ledger = new ReservationLedger(topo);
  const flows = new FlowService();
  const driver = new FakeDriver();
  for (const n of topo.nodes()) if (n.datapathId) driver.connect(n.datapathId);
  flows.registerDriver(driver);
  const db = openDatabase(dataDir ?? ':memory:');
  const intents = IntentService.create({
    store: new IntentStore(db),
    bus,
    topology: topo,
    resolver: new EndpointResolver(topo, topology),
    planner: new PathPlanner(paths, topo),
    ledger: new LedgerAdapter(ledger),
    flows,
    labels: new LabelAllocator(),
  });
  return { s: { bus, topo, topology, paths, driver, flows, intents, db }, hosts };
}

function requests(hosts: { left: string[]; right: string[] }, count: number, portBase: number): IntentRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    endpoints: { src: hosts.left[i % hosts.left.length], dst: hosts.right[(i * 7) % hosts.right.length] },
    bandwidthMbps: 10,
    match: { ipProto: 17, dstPort: portBase + i },
  }));
}

/**
 * V8's collector, exposed at run time (the bench needs no command-line flag for it): see `timed`.
 */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;

/**
 * Times `fn`. Two young-generation collections first move what the setup just built (the slice's
 * topology, landmarks, the previous part's intents) into the old generation, where it is in a controller
 * that has been running: left young, the first scavenge inside the timed part copied all of it (about 8
 * ms of a batch). What `fn` allocates, it collects itself.
 */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  collect({ type: 'minor' });
  collect({ type: 'minor' });
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
}

/**
 * The HTTP client: bench/http-load-client.ts (autocannon) in its own process, kept for every job of a run.
 * `load` runs one job: `amount` requests over `connections` keep-alive connections, POSTs of `bodies` (one
 * each, in order) or GETs without them.
 */
export function clientLoad(): { load: (job: LoadJob) => Promise<LoadResult>; close: () => void } {
  const ts = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(ts ? './http-load-client.ts' : './http-load-client.js', import.meta.url));
  const child = fork(script, [], { execArgv: ts ? ['--import', 'tsx'] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: { resolve: (r: LoadResult) => void; reject: (e: Error) => void } | undefined;
  const fail = (e: Error) => {
    waiting?.reject(e);
    waiting = undefined;
  };
  child.on('message', (m: { result?: LoadResult; error?: string }) => {
    if (m.result) waiting?.resolve(m.result);
    else fail(new Error(`load client: ${m.error}`));
    waiting = undefined;
  });
  child.once('exit', (code) => fail(new Error(`load client exited with ${code}`)));
  child.once('error', fail);
  return {
    load: (job) =>
      new Promise((resolve, reject) => {
        if (waiting) throw new Error('one load job at a time');
        waiting = { resolve, reject };
        child.send(job);
      }),
    close: () => child.disconnect(),
  };
}

/**
 * Batch and reroute, each round on a fresh slice in the same process. V8 optimises the hot paths only
 * after they ran often enough (and compiles them on other threads meanwhile): the first round runs
 * largely unoptimised, as a controller does in its first seconds, and the next few still speed up. The
 * figures are the medians of the last MEASURED rounds, the steady state of a controller that has
 * admitted and rerouted before; the first round's are reported too, and every round's in `batchRounds`
 * and `rerouteRounds`.
 */
interface BatchAndReroute extends Record<string, number | number[]> {
  readonly intents: number;
  readonly installed: number;
  readonly rules: number;
  readonly onFastBridge: number;
  readonly rerouted: number;
  readonly pathsOnlyMs: number;
  readonly batchMs: number;
  readonly batchMinMs: number;
  readonly batchMaxMs: number;
  readonly batchOverPathsOnly: number;
  readonly rerouteMs: number;
  readonly rerouteMinMs: number;
  readonly rerouteMaxMs: number;
  readonly firstBatchMs: number;
  readonly firstRerouteMs: number;
  readonly rounds: number;
  readonly measured: number;
  readonly batchRounds: number[];
  readonly rerouteRounds: number[];
}

async function batchAndReroute(): Promise<BatchAndReroute> {
  const dir = mkdtempSync(join(tmpdir(), 'sdnc-intent-bench-'));
  const rounds: Record<string, number>[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(join(dir, `round-${i}`)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const measured = rounds.slice(-MEASURED);
  const batch = measured.map((r) => r.batchMs).sort((a, b) => a - b);
  const reroute = measured.map((r) => r.rerouteMs).sort((a, b) => a - b);
  const last = rounds[rounds.length - 1];
  return {
    intents: last.intents,
    installed: last.installed,
    rules: last.rules,
    onFastBridge: last.onFastBridge,
    rerouted: last.rerouted,
    batchMs: median(batch),
    batchMinMs: batch[0],
    batchMaxMs: batch[batch.length - 1],
    batchOverPathsOnly: median(batch) / median(measured.map((r) => r.pathsOnlyMs)),
    pathsOnlyMs: median(measured.map((r) => r.pathsOnlyMs)),
    rerouteMs: median(reroute),
    rerouteMinMs: reroute[0],
    rerouteMaxMs: reroute[reroute.length - 1],
    firstBatchMs: rounds[0].batchMs,
    firstRerouteMs: rounds[0].rerouteMs,
    rounds: ROUNDS,
    measured: MEASURED,
    batchRounds: rounds.map((r) => round1(r.batchMs)),
    rerouteRounds: rounds.map((r) => round1(r.rerouteMs)),
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

async function round(dataDir: string): Promise<Record<string, number>> {
  const { s, hosts } = slice(dataDir);
  await s.intents.start();
  const reqs = requests(hosts, 1000, 10000);
  s.paths.compute({ src: 'l2', dst: 'r2' });
  const [, pathsOnlyMs] = await timed(async () => {
    for (const r of reqs) {
      const src = s.topo.getNode(r.endpoints.src as string).attachment!.node;
      const dst = s.topo.getNode(r.endpoints.dst as string).attachment!.node;
      s.paths.compute({ src, dst, bandwidthMbps: 10 });
    }
  });
  const [views, batchMs] = await timed(() => s.intents.submitBatch(reqs));
  const installed = views.filter((v) => v.state === 'installed').length;
  const onFast = views.filter((v) => v.paths?.forward.primary.links.includes(`${FAST_BRIDGE}.a`)).length;
  const rules = s.driver.totalFlows();

  const [, rerouteMs] = await timed(async () => {
    for (const l of s.topo.linksOf(FAST_BRIDGE)) s.topo.setLinkOper(l.id, false);
    await s.intents.idle();
  });
  const after = s.intents.list();
  const rerouted = after.filter(
    (v) => v.state === 'installed' && v.paths?.forward.primary.links.includes('bridge-slow.a'),
  ).length;
  // Its timers (the flow audit) would keep the slice alive into the next round.
  s.intents.stop();
  s.flows.close();
  s.db.close();
  return {
    intents: reqs.length,
    installed,
    onFastBridge: onFast,
    rules,
    pathsOnlyMs,
    batchMs,
    batchOverPathsOnly: batchMs / pathsOnlyMs,
    rerouteMs,
    rerouted,
  };
}

/**
 * The server the REST bench measures, listening on loopback (also for profiling it under load), with its
 * database in a file of its own as the controller keeps it; `close` stops it and removes the file.
 */
export async function restServer(): Promise<{
  s: Slice;
  hosts: { left: string[]; right: string[] };
  app: FastifyInstance;
  base: string;
  requests: (count: number, portBase: number) => IntentRequest[];
  close: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'sdnc-rest-bench-'));
  const { s, hosts } = slice(dir);
  await s.intents.start();
  const app = await buildServer({
    topology: s.topology,
    bus: s.bus,
    intentsSnapshot: () => s.intents.list(),
    extraRoutes: [(a) => registerIntentRoutes(a, { intents: s.intents })],
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const close = async () => {
    await app.close();
    s.intents.stop();
    s.flows.close();
    s.db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { s, hosts, app, base, requests: (count, portBase) => requests(hosts, count, portBase), close };
}

async function rest(): Promise<Record<string, number | string>> {
  const { s, hosts, base, close } = await restServer();
  const reqs = requests(hosts, REST_WARMUP + REST_POSTS, 20000);
  const client = clientLoad();
  const bodies = (rs: readonly IntentRequest[]) => rs.map((b) => JSON.stringify(b));
  const job = (path: string, amount: number, posts?: readonly IntentRequest[]) =>
    client.load({ url: base + path, amount, connections: REST_CLIENTS, ...(posts ? { bodies: bodies(posts) } : {}) });
  try {
    await job('/healthz', 2_000); // warm-up
    // Server CPU per request (user + system, this process): steadier than rates when the machine is shared.
    let cpu = process.cpuUsage();
    const health = await job('/healthz', REST_GETS);
    const healthCpu = process.cpuUsage(cpu);
    await job('/api/v1/intents', REST_WARMUP, reqs.slice(REST_POSTS)); // warm-up
    cpu = process.cpuUsage();
    const posts = await job('/api/v1/intents', REST_POSTS, reqs.slice(0, REST_POSTS));
    const postsCpu = process.cpuUsage(cpu);
    const installed = s.intents.list({ state: 'installed' }).length;
    const statuses = (r: LoadResult) =>
      Object.entries(r.statuses)
        .map(([code, n]) => `${n}x${code}`)
        .join(' ') || 'none';
    return {
      requests: REST_POSTS,
      clients: REST_CLIENTS,
      created: posts.ok2xx,
      postsNon2xx: posts.non2xx + posts.errors + posts.timeouts,
      postsNon2xxStatuses: statuses(posts),
      installed,
      intentsPerS: posts.perS,
      postP50Ms: posts.latencyP50Ms,
      postP99Ms: posts.latencyP99Ms,
      postServerCpuUs: (postsCpu.user + postsCpu.system) / REST_POSTS,
      postClientCpuUs: (posts.clientCpuMs * 1000) / REST_POSTS,
      healthzRequests: REST_GETS,
      healthzOk: health.ok2xx,
      healthzPerS: health.perS,
      healthzServerCpuUs: (healthCpu.user + healthCpu.system) / REST_GETS,
      postOverHealthz: posts.perS / health.perS,
    };
  } finally {
    client.close();
    await close();
  }
}

/** The REST part alone, printed as in the whole run. */
export async function runRestBench(): Promise<Record<string, number | string>> {
  const r = await rest();
  console.log(
    `REST: ${r.created}/${r.requests} POST /intents answered 2xx (${r.installed} installed; non-2xx ${r.postsNon2xx}: ${r.postsNon2xxStatuses}) ` +
      `with ${r.clients} keep-alive connections at ${(r.intentsPerS as number).toFixed(0)} intents/s (target >= 2,000), ` +
      `latency p50 ${r.postP50Ms} ms p99 ${r.postP99Ms} ms, server CPU ${(r.postServerCpuUs as number).toFixed(0)} us/POST ` +
      `(client ${(r.postClientCpuUs as number).toFixed(0)} us); GET /healthz ${r.healthzOk}/${r.healthzRequests} at ${(r.healthzPerS as number).toFixed(0)}/s, ` +
      `server CPU ${(r.healthzServerCpuUs as number).toFixed(0)} us/GET, ratio ${(r.postOverHealthz as number).toFixed(3)}`,
  );
  return r;
}

export async function runIntentBench(): Promise<object> {
  const br = await batchAndReroute();
  console.log(
    `batch: ${br.installed}/${br.intents} intents installed (${br.rules} rules, ${br.onFastBridge} over the fast bridge) in ${br.batchMs.toFixed(1)} ms ` +
      `(target <= 40 ms); computing the same paths alone ${br.pathsOnlyMs.toFixed(1)} ms, ratio ${br.batchOverPathsOnly.toFixed(2)}; ` +
      `median of rounds ${br.rounds - br.measured + 1}-${br.rounds} in the process (range ${br.batchMinMs.toFixed(1)}-${br.batchMaxMs.toFixed(1)}), the first took ${br.firstBatchMs.toFixed(1)} ms`,
  );
  console.log(
    `reroute: ${br.rerouted} intents moved to the slow bridge in ${br.rerouteMs.toFixed(1)} ms (target <= 100 ms); ` +
      `range ${br.rerouteMinMs.toFixed(1)}-${br.rerouteMaxMs.toFixed(1)}, the first round took ${br.firstRerouteMs.toFixed(1)} ms`,
  );
  const r = await runRestBench();
  const flow = await runFlowConvergenceBench();
  return { ...br, rest: r, flow };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `rest` as the first argument runs the REST part alone, `batch` the batch and reroute alone.
  const part = process.argv[2];
  if (part === 'batch') {
    const br = await batchAndReroute();
    console.log(
      `batch ${br.batchMs.toFixed(1)} ms (${br.batchMinMs.toFixed(1)}-${br.batchMaxMs.toFixed(1)}, first ${br.firstBatchMs.toFixed(1)}), ` +
        `reroute ${br.rerouteMs.toFixed(1)} ms (${br.rerouteMinMs.toFixed(1)}-${br.rerouteMaxMs.toFixed(1)}, first ${br.firstRerouteMs.toFixed(1)})`,
    );
    console.log(JSON.stringify(br));
  } else console.log(JSON.stringify(part === 'rest' ? await runRestBench() : await runIntentBench()));
}
