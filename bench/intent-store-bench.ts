/**
 * Intent persistence and lifecycle benchmark (not a test): what the intent engine's transitions and
 * the intent store's group commits cost for the intents of one batch, without path computation,
 * compilation or flow installation around them (bench/intent-bench.ts measures those together).
 *
 * 1,000 bidirectional intents of about ten hops each way. Batch: each goes requested -> compiling ->
 * installing (paths, labels and meter ids, reserved links) in one turn, then installed in another;
 * reroute: each goes rerouting (new paths and labels, the same meter ids), then installed. Intents admitted together share their paths
 * objects five by five, as the path planner hands out one plan for equal requests. Measured, best of
 * several runs: the transitions with their events (with no subscriber reading the intent view, and
 * with one making the event stream's frame of every event) and each commit of the store.
 * Targets: batch commits <= 8 ms, transition with publish <= 3 us.
 * Run: `npx tsx bench/intent-store-bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { EventBus } from '../src/events/event-bus.js';
import { FlowService } from '../src/flow/flow-service.js';
import { EndpointResolver } from '../src/intent/endpoint-resolver.js';
import { IntentEngine } from '../src/intent/intent-engine.js';
import type { IntentPaths, IntentSpec } from '../src/intent/intent-types.js';
import { LabelAllocator } from '../src/intent/label-allocator.js';
import { LedgerAdapter } from '../src/intent/ledger-adapter.js';
import { linksOfPaths, PathPlanner } from '../src/intent/path-planner.js';
import type { Path } from '../src/model/path.js';
import { eventFrame } from '../src/northbound/events-stream.js';
import { PathService } from '../src/path/path-service.js';
import { ReservationLedger } from '../src/path/reservation-ledger.js';
import { SnapshotKeeper } from '../src/path/snapshot-keeper.js';
import { openDatabase } from '../src/store/database.js';
import { IntentStore } from '../src/store/intent-store.js';
import { TopologyService } from '../src/topology/topology-service.js';
import { TopologyStore } from '../src/topology/topology-store.js';

const INTENTS = 1000;
const SHARING = 5;
const HOPS = 11;
const RUNS = 15;

function path(from: string, to: string, i: number): Path {
  const nodes = [from, ...Array.from({ length: HOPS - 1 }, (_, j) => `${from[0]}${(i * 13 + j * 7) % 500}`), to];
  const links = nodes.slice(1).map((n, j) => `${nodes[j]}-${n}.a`);
  return { nodes, links, latencyMs: 10.25, cost: HOPS, energyJPerGbit: HOPS, hops: HOPS, bottleneckMbps: 99_990 };
}

/** Shared paths objects with their reserved links, as the planner and admission make them. */
function plans(tag: string): { paths: IntentPaths; links: readonly string[] }[] {
  return Array.from({ length: INTENTS / SHARING }, (_, i) => {
    const paths: IntentPaths = {
      forward: { primary: path(`l${tag}${i}`, `r${tag}${i}`, i), active: 'primary' },
      reverse: { primary: path(`r${tag}${i}`, `l${tag}${i}`, i + 1), active: 'primary' },
    };
    return { paths, links: linksOfPaths(paths) };
  });
}

/** An intent's meter id: unique per ingress switch, so intents on different switches share ids. */
const meter = (i: number): number => 1 + (i % 100);

/** Frames and their bytes made by the serialising subscriber. */
const frames = { count: 0, bytes: 0 };

function engine(serialise: boolean): { engine: IntentEngine; store: IntentStore } {
  const bus = new EventBus();
  if (serialise) {
    // As the event stream does for its clients: one frame per event, fragments kept for a turn.
    const fragments = new Map<object, string>();
    bus.subscribe((e) => {
      if (fragments.size === 0) queueMicrotask(() => fragments.clear());
      frames.count++;
      frames.bytes += eventFrame(e, fragments).length;
    });
  }
  const topo = new TopologyStore(bus);
  const store = new IntentStore(openDatabase(':memory:'));
  const eng = new IntentEngine({
    store,
    bus,
    topology: topo,
    resolver: new EndpointResolver(topo, new TopologyService(topo)),
    planner: new PathPlanner(new PathService(new SnapshotKeeper(topo, bus)), topo),
    ledger: new LedgerAdapter(new ReservationLedger(topo)),
    flows: new FlowService(),
    labels: new LabelAllocator(),
  });
  return { engine: eng, store };
}

interface Figures {
  batchTransitionUs: number;
  batchCommitMs: number;
  installedCommitMs: number;
  rerouteTransitionUs: number;
  rerouteCommitMs: number;
  rerouteInstalledCommitMs: number;
}

function once(serialise: boolean, first: ReturnType<typeof plans>, second: ReturnType<typeof plans>): Figures {
  const { engine: e, store } = engine(serialise);
  const specs: IntentSpec[] = Array.from({ length: INTENTS }, (_, i) => ({
    src: `h-l${i}`,
    dst: `h-r${i}`,
    bandwidthMbps: 10,
    objective: 'latency',
    protection: 'none',
    constraints: {},
    priority: 100,
    allowPreemption: false,
    bidirectional: true,
    match: { ipProto: 17, dstPort: 10_000 + i },
  }));
  const ids: string[] = [];
  let t = performance.now();
  for (let i = 0; i < INTENTS; i++) {
    const id = e.create(specs[i]).id;
    ids.push(id);
    const plan = first[i % first.length];
    e.transition(id, 'compiling');
    e.transition(id, 'installing', {
      paths: plan.paths,
      labels: { forward: 2 * i + 1, reverse: 2 * i + 2, forwardMeter: meter(i), reverseMeter: meter(i) },
      reservedLinks: plan.links,
    });
  }
  const batchTransitions = performance.now() - t;
  t = performance.now();
  store.flush();
  const batchCommitMs = performance.now() - t;
  t = performance.now();
  for (const id of ids) e.transition(id, 'installed');
  const installedTransitions = performance.now() - t;
  t = performance.now();
  store.flush();
  const installedCommitMs = performance.now() - t;

  t = performance.now();
  ids.forEach((id, i) => {
    const plan = second[i % second.length];
    e.transition(id, 'rerouting', {
      paths: plan.paths,
      labels: {
        forward: 2 * INTENTS + 2 * i + 1,
        reverse: 2 * INTENTS + 2 * i + 2,
        forwardMeter: meter(i),
        reverseMeter: meter(i),
      },
      reservedLinks: plan.links,
    });
  });
  const rerouteTransitions = performance.now() - t;
  t = performance.now();
  store.flush();
  const rerouteCommitMs = performance.now() - t;
  t = performance.now();
  for (const id of ids) e.transition(id, 'installed');
  const rerouteInstalled = performance.now() - t;
  t = performance.now();
  store.flush();
  const rerouteInstalledCommitMs = performance.now() - t;
  if (store.loadAll().length !== INTENTS) throw new Error('the store lost intents');
  return {
    batchTransitionUs: ((batchTransitions + installedTransitions) * 1000) / (4 * INTENTS),
    batchCommitMs,
    installedCommitMs,
    rerouteTransitionUs: ((rerouteTransitions + rerouteInstalled) * 1000) / (2 * INTENTS),
    rerouteCommitMs,
    rerouteInstalledCommitMs,
  };
}

function best(serialise: boolean): Figures {
  const first = plans('a');
  const second = plans('b');
  once(serialise, first, second); // warm-up
  const runs = Array.from({ length: RUNS }, () => once(serialise, first, second));
  const min = (k: keyof Figures) => Math.min(...runs.map((r) => r[k]));
  return {
    batchTransitionUs: min('batchTransitionUs'),
    batchCommitMs: min('batchCommitMs'),
    installedCommitMs: min('installedCommitMs'),
    rerouteTransitionUs: min('rerouteTransitionUs'),
    rerouteCommitMs: min('rerouteCommitMs'),
    rerouteInstalledCommitMs: min('rerouteInstalledCommitMs'),
  };
}

export async function runIntentStoreBench(): Promise<object> {
  const quiet = best(false);
  const streamed = best(true);
  const batchCommitsMs = quiet.batchCommitMs + quiet.installedCommitMs;
  const rerouteCommitsMs = quiet.rerouteCommitMs + quiet.rerouteInstalledCommitMs;
  console.log(
    `intent store (${INTENTS} intents, best of ${RUNS}): batch commits ${quiet.batchCommitMs.toFixed(1)} + ` +
      `${quiet.installedCommitMs.toFixed(1)} = ${batchCommitsMs.toFixed(1)} ms (target <= 8 ms), reroute commits ` +
      `${quiet.rerouteCommitMs.toFixed(1)} + ${quiet.rerouteInstalledCommitMs.toFixed(1)} = ${rerouteCommitsMs.toFixed(1)} ms; ` +
      `transition with publish ${quiet.batchTransitionUs.toFixed(2)} us (target <= 3 us), ` +
      `${streamed.batchTransitionUs.toFixed(2)} us with every event serialised ` +
      `(event-stream frames of ${Math.round(frames.bytes / frames.count)} bytes on average)`,
  );
  return { intents: INTENTS, batchCommitsMs, rerouteCommitsMs, quiet, streamed };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runIntentStoreBench()));
}
