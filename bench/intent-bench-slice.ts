/**
 * The intent bench's controller slice (bench/intent-bench.ts): a generated 1,000-switch topology (two
 * small-world regions joined by a fast and a slow bridge) with the path engine, ledger, flow service,
 * fake driver and intent service over it, and the requests the bench submits.
 */
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
import { PathService } from '../src/path/path-service.js';
import { ReservationLedger } from '../src/path/reservation-ledger.js';
import { SnapshotKeeper } from '../src/path/snapshot-keeper.js';
import { type Db, openDatabase } from '../src/store/database.js';
import { IntentStore } from '../src/store/intent-store.js';
import { TopologyService } from '../src/topology/topology-service.js';
import { TopologyStore } from '../src/topology/topology-store.js';

const SIDE = 500;
const CHORDS = 2;
const HOSTS_PER_SIDE = 100;
/** The bridge every intent crosses, cut by the reroute round. */
export const FAST_BRIDGE = 'bridge-fast';

/** The hosts of the two regions, by id. */
export interface Hosts {
  readonly left: string[];
  readonly right: string[];
}

export interface Slice {
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
function generate(topo: TopologyStore): Hosts {
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
export function slice(dataDir?: string): { s: Slice; hosts: Hosts } {
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

export function requests(hosts: Hosts, count: number, portBase: number): IntentRequest[] {
  return Array.from({ length: count }, (_, i) => ({
    endpoints: { src: hosts.left[i % hosts.left.length], dst: hosts.right[(i * 7) % hosts.right.length] },
    bandwidthMbps: 10,
    match: { ipProto: 17, dstPort: portBase + i },
  }));
}
