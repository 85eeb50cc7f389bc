import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { EventBus } from '../events/event-bus.js';
import { FlowService } from '../flow/flow-service.js';
import { EndpointResolver } from '../intent/endpoint-resolver.js';
import { IntentService } from '../intent/intent-service.js';
import { LabelAllocator } from '../intent/label-allocator.js';
import { LedgerAdapter } from '../intent/ledger-adapter.js';
import { PathPlanner } from '../intent/path-planner.js';
import { SdncError } from '../model/errors.js';
import { createMetricsRegistry } from '../northbound/metrics.js';
import { registerIntentRoutes } from '../northbound/routes/intent-routes.js';
import { registerWebRoutes } from '../northbound/routes/web-routes.js';
import { API_BASE, buildServer, EVENTS_PATH } from '../northbound/server.js';
import { PathService } from '../path/path-service.js';
import { ReservationLedger } from '../path/reservation-ledger.js';
import { SnapshotKeeper } from '../path/snapshot-keeper.js';
import { LinkDiscoveryService } from '../southbound/discovery/link-discovery-service.js';
import { TopologySync } from '../southbound/discovery/topology-sync.js';
import { OpenflowDriver } from '../southbound/openflow/openflow-driver.js';
import { OpenflowServer, type OpenflowTlsOptions, type ServerAddresses } from '../southbound/openflow/openflow-server.js';
import { parseP4DeviceList } from '../southbound/p4runtime/p4-device-config.js';
import { P4RuntimeDriver } from '../southbound/p4runtime/p4runtime-driver.js';
import { loadSdncLspP4Info, p4Dir, pipelineCookieOf } from '../southbound/p4runtime/p4runtime-proto.js';
import { Checkpointer } from '../store/checkpointer.js';
import { openDatabase } from '../store/database.js';
import { IntentStore } from '../store/intent-store.js';
import { ReservationStore } from '../store/reservation-store.js';
import { TopologyEditsStore } from '../store/topology-edits-store.js';
import { applyTopology, loadTopologyFile } from '../topology/topology-loader.js';
import { TopologyService } from '../topology/topology-service.js';
import { TopologyStore } from '../topology/topology-store.js';
import type { SdncConfig } from './config.js';
import type { Logger } from './logger.js';

/** Where a running controller can be reached. */
export interface ControllerUrls {
  readonly api: string;
  readonly docs: string;
  readonly events: string;
  readonly metrics: string;
  /** Present when a web view is served. */
  readonly web?: string;
  /** Where OpenFlow switches connect (`tcp:host:port`), when the listener is up. */
  readonly openflow?: string;
  /** The OpenFlow TLS listener (`ssl:host:port`, as ovs-vsctl set-controller writes it), when configured. */
  readonly openflowTls?: string;
}

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * The composition root: the only place that creates concrete subsystems and wires them together.
 * start() builds them in dependency order, one short block per subsystem; each block registers how to
 * undo itself with onStop(), and stop() runs those in reverse order. To add a subsystem, add its block in
 * start() where its dependencies exist and hand what the northbound needs to buildServer().
 */
export class Controller {
  readonly bus: EventBus;
  /** One Prometheus registry that every subsystem adds its metrics to; served at /metrics. */
  readonly metrics: Registry;
  private state: State = 'idle';
  private readonly stops: { name: string; run: () => void | Promise<void> }[] = [];
  private server?: FastifyInstance;
  private topologyService?: TopologyService;
  private pathService?: PathService;
  private reservationLedger?: ReservationLedger;
  private openflow?: OpenflowDriver;
  private openflowAddresses: ServerAddresses = {};

  constructor(
    readonly config: SdncConfig,
    private readonly logger: Logger,
  ) {
    this.bus = new EventBus((err) => logger.error({ err }, 'event listener failed'));
    this.metrics = createMetricsRegistry();
  }

  /** The topology service, once started (for tests and tools that embed the controller). */
  get topology(): TopologyService {
    if (!this.topologyService) throw new Error('controller is not started');
    return this.topologyService;
  }

  /** The path engine, once started. */
  get paths(): PathService {
    if (!this.pathService) throw new Error('controller is not started');
    return this.pathService;
  }

  /** The OpenFlow 1.3 southbound driver, once started. */
  get openflowDriver(): OpenflowDriver {
    if (!this.openflow) throw new Error('controller is not started');
    return this.openflow;
  }

  /** The admission ledger (reservations), once started. */
  get ledger(): ReservationLedger {
    if (!this.reservationLedger) throw new Error('controller is not started');
    return this.reservationLedger;
  }

  async start(): Promise<ControllerUrls> {
    if (this.state !== 'idle') throw new Error(`controller cannot start when ${this.state}`);
    this.state = 'starting';
    const { config, logger } = this;
    try {
      // Persistence: one embedded database; each subsystem owns its tables through its own store.
      const db = openDatabase(config.dataDir);
      this.onStop('database', () => {
        db.close();
      });
      if (!db.memory) {
        // WAL checkpoints on a thread of their own, not inside the commit of a request.
        const checkpoints = new Checkpointer(db, {
          onFailure: (err) => logger.warn({ err }, 'checkpoint thread failed; commits checkpoint the WAL again'),
        });
        this.onStop('checkpoints', () => checkpoints.close());
      }

      // Topology: the file is the base, the operator's edits recorded in the database are the overlay.
      const file = loadTopologyFile(config.topology);
      const store = new TopologyStore(this.bus);
      applyTopology(file, store);
      const edits = new TopologyEditsStore(db);
      const topology = new TopologyService(store, edits);
      const replay = edits.replay(topology);
      for (const s of replay.skipped) {
        logger.warn({ seq: s.seq, edit: s.edit.kind, reason: s.reason }, 'recorded topology edit no longer applies; skipped');
      }
      logger.info(
        { file: config.topology, nodes: file.nodes.length, cables: file.links.length / 2, editsApplied: replay.applied },
        'topology loaded',
      );
      this.topologyService = topology;

      // Path engine on a CSR snapshot kept current from the bus; admitted reservations back onto the graph.
      const snapshots = new SnapshotKeeper(store, this.bus);
      this.onStop('path snapshot', () => snapshots.close());
      this.pathService = new PathService(snapshots);
      // Group commit: admissions of one event-loop turn share one transaction (see CommitMode).
      const ledger = new ReservationLedger(store, new ReservationStore(db), undefined, {
        commit: 'end-of-turn',
        onFlushError: (err) => logger.error({ err }, 'writing reservations failed; retried on the next change'),
      });
      this.reservationLedger = ledger;
      this.onStop('reservations', () => ledger.flush());
      const restored = this.reservationLedger.restore();
      for (const u of restored.unrestorable) {
        logger.warn(
          { owner: u.ownerId, missingLinks: u.missingLinks },
          'reservation names links that no longer exist; not restored',
        );
      }
      logger.info({ reservations: restored.restored }, 'reservations restored');

      // Intents over the flow service: desired rules per device, converged on every change and on connect.
      const flows = new FlowService({ onError: (device, err) => logger.warn({ device, err }, 'device did not converge') });
      this.onStop('flow service', () => flows.close());
      const intents = IntentService.create({
        store: new IntentStore(db),
        bus: this.bus,
        topology: store,
        resolver: new EndpointResolver(store, topology),
        planner: new PathPlanner(this.pathService, store),
        ledger: new LedgerAdapter(ledger),
        flows,
        labels: new LabelAllocator(),
        onError: (err, what) => logger.error({ err }, `${what} failed`),
      });
      await intents.start();
      this.onStop('intents', async () => {
        await intents.idle();
        intents.stop();
      });

      // Northbound: REST API, event stream, docs and metrics.
      const server = await buildServer({
        topology,
        bus: this.bus,
        logger: logger.child({ component: 'http' }),
        ready: () => (this.state === 'running' ? { ok: true } : { ok: false, reason: this.state }),
        metricsRegistry: this.metrics,
        paths: this.pathService,
        // The web view (dist/web, built by `make build`) at `/`.
        extraRoutes: [(app) => registerWebRoutes(app), (app) => registerIntentRoutes(app, { intents })],
        intentsSnapshot: () => intents.list(),
      });
      this.server = server;
      this.onStop('http server', () => server.close());
      await listen(server, config.host, config.httpPort);

      // Southbound: OpenFlow 1.3 listener and driver; LLDP discovery feeds links, latency and switch
      // state into the topology store.
      const ofLog = logger.child({ component: 'openflow' });
      const ofServer = new OpenflowServer({
        host: config.host,
        port: config.openflowPort,
        tls: readOpenflowTls(config),
        log: (level, msg, details) => ofLog[level](details, msg),
      });
      this.openflow = new OpenflowDriver(ofServer, { log: (level, msg, details) => ofLog[level](details, msg) });
      flows.registerDriver(this.openflow);
      const discovery = new LinkDiscoveryService(this.openflow, this.openflow, {
        log: (msg, details) => ofLog.debug(details ?? {}, msg),
      });
      const detachSync = new TopologySync(store).attach(this.openflow, discovery);
      this.onStop('openflow', async () => {
        discovery.stop();
        detachSync();
        await ofServer.stop();
      });
      // Like other controllers, a southbound port that cannot be bound leaves the API and the planning
      // functions running; the error says which setting to change.
      try {
        this.openflowAddresses = await ofServer.start();
        const { tcpPort: ofPort, tlsPort: ofTlsPort } = this.openflowAddresses;
        discovery.start();
        logger.info({ port: ofPort, tlsPort: ofTlsPort }, 'OpenFlow listener started');
      } catch (err) {
        const reason = `openflowPort/host: ${config.host}:${config.openflowPort} cannot be bound (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
        logger.error(
          { code: 'SDNC_ERR_CONFIG', setting: 'openflowPort', reason },
          'OpenFlow listener not started; switches cannot connect',
        );
      }

      // Southbound: P4Runtime devices running p4/sdnc_lsp.p4 (none unless p4Devices is set). The bmv2
      // JSON from p4c, when built into p4/build/, is pushed with the P4Info (p4/README.md).
      const p4Targets = parseP4DeviceList(config.p4Devices);
      if (p4Targets.length > 0) {
        const p4Log = logger.child({ component: 'p4runtime' });
        const jsonPath = join(p4Dir(), 'build', 'sdnc_lsp.json');
        const deviceConfig = existsSync(jsonPath) ? readFileSync(jsonPath) : undefined;
        const p4 = new P4RuntimeDriver({
          targets: p4Targets,
          p4info: loadSdncLspP4Info(),
          ...(deviceConfig ? { deviceConfig } : {}),
          pipelineCookie: pipelineCookieOf(readFileSync(join(p4Dir(), 'sdnc_lsp.p4info.bin')), deviceConfig),
          log: (level, msg, details) => p4Log[level](details ?? {}, msg),
        });
        flows.registerDriver(p4);
        p4.start();
        this.onStop('p4runtime', () => p4.stop());
        logger.info({ devices: p4Targets.map((t) => `${t.address}#${t.deviceId}`) }, 'P4Runtime driver started');
      }

      this.state = 'running';
      const urls = this.urls();
      logger.info({ urls }, 'sdnc started');
      return urls;
    } catch (err) {
      this.state = 'stopping';
      await this.runStops();
      this.state = 'stopped';
      throw err;
    }
  }

  /** Stops accepting requests, lets the ones in flight finish, then closes everything in reverse order. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping' || this.state === 'idle') return;
    this.state = 'stopping';
    await this.runStops();
    this.state = 'stopped';
    this.logger.info('sdnc stopped');
  }

  urls(): ControllerUrls {
    const address = this.server?.server.address() as AddressInfo | null | undefined;
    if (!this.server || !address) throw new Error('controller is not listening');
    const wildcard = ['0.0.0.0', '::', ''].includes(this.config.host);
    const host = wildcard ? 'localhost' : this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    const http = `http://${host}:${address.port}`;
    const web = this.server.hasRoute({ method: 'GET', url: '/' }) ? `${http}/` : undefined;
    const { tcpPort, tlsPort } = this.openflowAddresses;
    return {
      ...(tcpPort !== undefined && { openflow: `tcp:${host}:${tcpPort}` }),
      ...(tlsPort !== undefined && { openflowTls: `ssl:${host}:${tlsPort}` }),
      api: `${http}${API_BASE}`,
      docs: `${http}/docs`,
      events: `ws://${host}:${address.port}${EVENTS_PATH}`,
      metrics: `${http}/metrics`,
      ...(web && { web }),
    };
  }

  private onStop(name: string, run: () => void | Promise<void>): void {
    this.stops.push({ name, run });
  }

  private async runStops(): Promise<void> {
    while (this.stops.length > 0) {
      const { name, run } = this.stops.pop()!;
      try {
        await run();
      } catch (err) {
        this.logger.error({ err, component: name }, 'error while stopping');
      }
    }
  }
}

/** The OpenFlow TLS listener's key material, read at start so a bad path is a config error, not a late failure. */
function readOpenflowTls(config: SdncConfig): OpenflowTlsOptions | undefined {
  if (config.openflowTlsPort === null) return undefined;
  const read = (setting: 'openflowTlsKey' | 'openflowTlsCert' | 'openflowTlsCa', file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new SdncError('SDNC_ERR_CONFIG', { reason: `${setting}: ${file} cannot be read (${why})`, setting });
    }
  };
  return {
    port: config.openflowTlsPort,
    key: read('openflowTlsKey', config.openflowTlsKey),
    cert: read('openflowTlsCert', config.openflowTlsCert),
    ...(config.openflowTlsCa !== '' && { ca: read('openflowTlsCa', config.openflowTlsCa), requireClientCert: true }),
  };
}

/** Listens, turning the usual operator mistakes (port taken, privileged port, unknown host) into config errors. */
async function listen(server: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await server.listen({ host, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why: Record<string, string> = {
      EADDRINUSE: 'is already in use by another process',
      EACCES: 'needs privileges this process does not have',
      EADDRNOTAVAIL: 'is not an address of this machine',
      ENOTFOUND: 'does not resolve',
    };
    if (code && why[code]) {
      throw new SdncError('SDNC_ERR_CONFIG', { reason: `httpPort/host: ${host}:${port} ${why[code]}`, setting: 'httpPort' });
    }
    throw err;
  }
}
