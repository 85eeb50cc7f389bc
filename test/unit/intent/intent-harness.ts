import type { FastifyInstance } from 'fastify';
import { EventBus } from '../../../src/events/event-bus.js';
import { FakeDriver } from '../../../src/flow/fake-driver.js';
import type { FakePacket } from '../../../src/flow/fake-flow-table.js';
import { type TraceResult, tracePacket } from '../../../src/flow/fake-packet-tracer.js';
import { FlowService } from '../../../src/flow/flow-service.js';
import { EndpointResolver } from '../../../src/intent/endpoint-resolver.js';
import { IntentService } from '../../../src/intent/intent-service.js';
import { LabelAllocator } from '../../../src/intent/label-allocator.js';
import { LedgerAdapter } from '../../../src/intent/ledger-adapter.js';
import { PathPlanner } from '../../../src/intent/path-planner.js';
import type { SequencedEvent } from '../../../src/model/events.js';
import type { TopoLink, TopoNode } from '../../../src/model/topology.js';
import { registerIntentRoutes } from '../../../src/northbound/routes/intent-routes.js';
import { buildServer } from '../../../src/northbound/server.js';
import { PathService } from '../../../src/path/path-service.js';
import { ReservationLedger } from '../../../src/path/reservation-ledger.js';
import { SnapshotKeeper } from '../../../src/path/snapshot-keeper.js';
import { TopologySync } from '../../../src/southbound/discovery/topology-sync.js';
import { type Db, openDatabase } from '../../../src/store/database.js';
import { IntentStore } from '../../../src/store/intent-store.js';
import { ReservationStore } from '../../../src/store/reservation-store.js';
import { TopologyService } from '../../../src/topology/topology-service.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';

export interface CableSpec {
  readonly a: string;
  readonly aPort: number;
  readonly b: string;
  readonly bPort: number;
  readonly latencyMs?: number;
  readonly capacityMbps?: number;
  readonly provider?: string;
  readonly srlgs?: readonly string[];
}

export interface HostSpec {
  readonly id: string;
  readonly node: string;
  readonly port: number;
  readonly address: string;
  readonly mac?: string;
}

export function dpid(n: number): string {
  return n.toString(16).padStart(16, '0');
}

/** The diamond most tests use: s1 -(1 ms)- s2 -(1 ms)- s4 and s1 -(2 ms)- s3 -(2 ms)- s4; h1 on s1, h2 on s4. */
export const DIAMOND = {
  switches: ['s1', 's2', 's3', 's4'],
  cables: [
    { a: 's1', aPort: 2, b: 's2', bPort: 1, latencyMs: 1 },
    { a: 's2', aPort: 2, b: 's4', bPort: 1, latencyMs: 1 },
    { a: 's1', aPort: 3, b: 's3', bPort: 1, latencyMs: 2, provider: 'telco-b' },
    { a: 's3', aPort: 2, b: 's4', bPort: 2, latencyMs: 2, provider: 'telco-b' },
  ] as CableSpec[],
  hosts: [
    { id: 'h1', node: 's1', port: 1, address: '10.0.1.1/32', mac: '02:00:00:00:01:01' },
    { id: 'h2', node: 's4', port: 3, address: '10.0.4.2/32', mac: '02:00:00:00:04:02' },
  ] as HostSpec[],
};

/**
 * A controller slice for tests: real topology store and service, real path engine and admission ledger,
 * real intent store on SQLite, the flow service over the fake driver; optionally the REST server.
 * `restart()` builds a new controller slice on the same database and the same (persistent) switches.
 */
export class IntentHarness {
  bus!: EventBus;
  topo!: TopologyStore;
  topology!: TopologyService;
  paths!: PathService;
  ledger!: ReservationLedger;
  flows!: FlowService;
  labels!: LabelAllocator;
  intents!: IntentService;
  events: SequencedEvent[] = [];
  readonly driver = new FakeDriver();
  private keeper?: SnapshotKeeper;
  private detachSync?: () => void;
  private booted = false;

  constructor(
    readonly db: Db,
    private readonly spec: { switches: readonly string[]; cables: readonly CableSpec[]; hosts: readonly HostSpec[] },
    private readonly options: HarnessOptions = {},
  ) {}

  static async create(spec = DIAMOND, opts: HarnessOptions = {}): Promise<IntentHarness> {
    const h = new IntentHarness(openDatabase(':memory:'), spec, opts);
    await h.boot();
    return h;
  }

  async boot(): Promise<void> {
    this.bus = new EventBus((err) => {
      throw err;
    });
    this.events = [];
    this.bus.subscribe((e) => this.events.push(e));
    this.topo = new TopologyStore(this.bus);
    const sync = this.options.sync === true;
    this.spec.switches.forEach((s, i) => {
      this.topo.addNode(switchNode(s, i + 1, this.options.noSwitchFor?.includes(s), !sync));
    });
    for (const c of this.spec.cables) for (const l of cableLinks(c)) this.topo.addLink(l);
    for (const h of this.spec.hosts) this.topo.addNode(hostNode(h));
    this.topology = new TopologyService(this.topo);
    this.keeper = new SnapshotKeeper(this.topo, this.bus);
    this.paths = new PathService(this.keeper);
    this.ledger = new ReservationLedger(this.topo, new ReservationStore(this.db));
    this.ledger.restore();
    this.flows = new FlowService();
    this.flows.registerDriver(this.driver);
    if (sync) this.detachSync = new TopologySync(this.topo).attach(this.driver, { subscribe: () => () => {} });
    // With sync, a restarted controller waits for the switches to come back (connectSwitch).
    if (!sync || !this.booted) {
      for (const s of this.spec.switches) if (!this.driver.isConnected(this.dpidOf(s))) this.connectSwitch(s);
    }
    this.labels = new LabelAllocator();
    this.intents = IntentService.create({
      store: new IntentStore(this.db),
      bus: this.bus,
      topology: this.topo,
      resolver: new EndpointResolver(this.topo, this.topology),
      planner: new PathPlanner(this.paths, this.topo),
      ledger: new LedgerAdapter(this.ledger),
      flows: this.flows,
      labels: this.labels,
      ...(this.options.startupGraceMs !== undefined ? { startupGraceMs: this.options.startupGraceMs } : {}),
      ...(this.options.linkConfirmMs !== undefined ? { linkConfirmMs: this.options.linkConfirmMs } : {}),
    });
    this.booted = true;
    await this.intents.start();
  }

  dpidOf(s: string): string {
    return dpid(this.spec.switches.indexOf(s) + 1);
  }

  /** Connects a switch with its ports (all up): with sync, its node goes operationally up. */
  connectSwitch(s: string): void {
    this.driver.connect(this.dpidOf(s), this.portsOf(s));
  }

  /** Drops a switch's control connection (its table and forwarding stay, as a switch in fail-secure mode). */
  disconnectSwitch(s: string): void {
    this.driver.disconnect(this.dpidOf(s));
  }

  private portsOf(s: string) {
    const numbers = [
      ...this.spec.cables.flatMap((c) => (c.a === s ? [c.aPort] : c.b === s ? [c.bPort] : [])),
      ...this.spec.hosts.filter((h) => h.node === s).map((h) => h.port),
    ];
    return numbers.map((n) => ({ number: n, name: `p${n}`, mac: '00:00:00:00:00:00', up: true }));
  }

  /** Stops this controller slice and boots a new one on the same database and switches. */
  async restart(): Promise<void> {
    await this.intents.idle();
    this.intents.stop();
    this.flows.close();
    this.keeper?.close();
    this.detachSync?.();
    // The controller process is gone: with sync, every switch loses its control connection.
    if (this.options.sync) for (const s of this.spec.switches) this.driver.disconnect(this.dpidOf(s));
    await this.boot();
  }

  async server(): Promise<FastifyInstance> {
    const app = await buildServer({
      topology: this.topology,
      bus: this.bus,
      intentsSnapshot: () => this.intents.list(),
      extraRoutes: [(a) => registerIntentRoutes(a, { intents: this.intents })],
    });
    return app;
  }

  /** Sends a packet from host `hostId` (untagged, as the host would) and follows it through the fake switches. */
  send(hostId: string, packet: FakePacket): TraceResult {
    const host = this.topo.getNode(hostId);
    return tracePacket(
      this.topo,
      (n) => (n.datapathId ? this.driver.findTable(n.datapathId) : undefined),
      host.attachment!,
      packet,
    );
  }

  /** Cuts both directions of a cable: the links go oper-down and the switch ports die (fast-failover sees it). */
  cut(a: string, b: string): void {
    for (const l of this.topo.links().filter((x) => (x.src === a && x.dst === b) || (x.src === b && x.dst === a))) {
      this.driver.setPortUp(this.topo.getNode(l.src).datapathId!, l.srcPort!, false);
    }
    for (const l of this.topo.links().filter((x) => (x.src === a && x.dst === b) || (x.src === b && x.dst === a))) {
      this.topo.setLinkOper(l.id, false);
    }
  }

  restore(a: string, b: string): void {
    for (const l of this.topo.links().filter((x) => (x.src === a && x.dst === b) || (x.src === b && x.dst === a))) {
      this.driver.setPortUp(this.topo.getNode(l.src).datapathId!, l.srcPort!, true);
      this.topo.setLinkOper(l.id, true);
    }
  }
}

export function ipv4(src: string, dst: string, extra: Partial<FakePacket> = {}): FakePacket {
  return { ethType: 0x0800, ipv4Src: src, ipv4Dst: dst, ...extra };
}

export function arpRequest(spa: string, tpa: string): FakePacket {
  return { ethType: 0x0806, ethDst: 'ff:ff:ff:ff:ff:ff', arpOp: 1, arpSpa: spa, arpTpa: tpa };
}

export interface HarnessOptions {
  readonly noSwitchFor?: readonly string[];
  /**
   * Switch state from the driver through TopologySync, as in the controller: switch nodes start
   * operationally down and come up when their switch connects; after restart() no switch is connected
   * until the test connects it.
   */
  readonly sync?: boolean;
  readonly startupGraceMs?: number;
  readonly linkConfirmMs?: number;
}

function switchNode(id: string, n: number, noDatapath = false, operUp = true): TopoNode {
  return {
    id,
    kind: 'switch',
    name: id,
    provider: 'telco-a',
    jurisdiction: 'DE',
    ...(noDatapath ? {} : { datapathId: dpid(n) }),
    operUp: noDatapath || operUp,
  };
}

function hostNode(h: HostSpec): TopoNode {
  return {
    id: h.id,
    kind: 'endpoint',
    name: h.id,
    provider: 'customer',
    jurisdiction: 'DE',
    addresses: [h.address],
    ...(h.mac ? { mac: h.mac } : {}),
    attachment: { node: h.node, port: h.port },
    operUp: true,
  };
}

function cableLinks(c: CableSpec): TopoLink[] {
  const cable = `${c.a}-${c.b}`;
  const base = {
    cable,
    capacityMbps: c.capacityMbps ?? 1000,
    reservedMbps: 0,
    latencyMs: c.latencyMs ?? 1,
    measuredLatencyMs: null,
    jitterMs: null,
    cost: 1,
    energyJPerGbit: 1,
    srlgs: c.srlgs ?? [],
    provider: c.provider ?? 'telco-a',
    adminUp: true,
    operUp: true,
    discovered: false,
  };
  return [
    { ...base, id: `${cable}.a`, src: c.a, dst: c.b, srcPort: c.aPort, dstPort: c.bPort },
    { ...base, id: `${cable}.b`, src: c.b, dst: c.a, srcPort: c.bPort, dstPort: c.aPort },
  ];
}
