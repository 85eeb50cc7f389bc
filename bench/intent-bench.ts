/**
 * Intent engine benchmark (not a test), on a generated 1,000-switch topology (bench/intent-bench-slice.ts:
 * two small-world regions joined by a fast and a slow bridge). Batch and reroute run twelve rounds, each
 * on a fresh slice (with its own database file) in one process. The figures are the median (and range) of
 * rounds 6-12: V8 keeps optimising the hot paths over the first rounds (round 3 still took about 1.5x the
 * later ones), and a controller that has admitted and rerouted a few times runs at the later speed. The
 * first round's figures are printed too. A round stops its slice's timers when it ends, so that the slice
 * is garbage for the next rounds, and a full collection frees it before the next slice is built. It
 * measures:
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
import type { IntentRequest } from '../src/intent/intent-request.js';
import { registerIntentRoutes } from '../src/northbound/routes/intent-routes.js';
import { buildServer } from '../src/northbound/server.js';
import { runFlowConvergenceBench } from './flow-convergence-bench.js';
import type { LoadJob, LoadResult } from './http-load-client.js';
import { FAST_BRIDGE, type Hosts, requests, type Slice, slice } from './intent-bench-slice.js';

/** REST: measured POSTs, measured GETs of the baseline, keep-alive connections of the client. */
const REST_POSTS = 2_000;
const REST_GETS = 20_000;
const REST_CLIENTS = 16;
/** Batch-and-reroute rounds in one process; the median of the last MEASURED is reported (see batchAndReroute). */
const ROUNDS = 12;
const MEASURED = 7;
/** V8 optimises the POST path only after a few thousand requests (about 400 us/POST of compiling before). */
const REST_WARMUP = 4_000;

/**
 * V8's collector, exposed at run time (the bench needs no command-line flag for it): see `timed` and
 * `round`.
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
  // The previous rounds' slices are garbage (a controller's heap holds one topology, not a dozen dead
  // ones): collected before this one is built. Left in the old generation they grew it by about 40 MB a
  // round, and once V8 started marking it, the batch paid for the marking (in 8 alternating runs of 16
  // rounds: median 39.7 ms without this collection, 38.1 with it).
  collect({ type: 'major' });
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
  hosts: Hosts;
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
