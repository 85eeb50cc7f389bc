import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import { isUsable } from '../model/topology.js';
import type { TopologyService } from '../topology/topology-service.js';

/**
 * A Prometheus registry with the default process metrics (CPU, memory, event-loop lag, handles).
 * The composition root creates one and hands it to every subsystem that exports metrics; /metrics
 * serves all of it.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface NorthboundMetricsSource {
  readonly topology: TopologyService;
  readonly wsSubscribers: () => number;
}

/**
 * The sdnc_* metrics of the northbound and the topology. Topology gauges are computed when scraped
 * (prom-client `collect`), so they cost nothing between scrapes and are never stale.
 */
export class NorthboundMetrics {
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;

  constructor(
    readonly registry: Registry,
    source: NorthboundMetricsSource,
  ) {
    const store = source.topology.store;
    this.replace(
      new Gauge({
        name: 'sdnc_nodes',
        help: 'Nodes in the topology, by kind',
        labelNames: ['kind'],
        registers: [],
        collect() {
          this.reset();
          for (const n of store.nodes()) this.inc({ kind: n.kind });
        },
      }),
    );
    this.replace(
      new Gauge({
        name: 'sdnc_links',
        help: 'Directed links in the topology',
        registers: [],
        collect() {
          this.set(store.graph.size);
        },
      }),
    );
    this.replace(
      new Gauge({
        name: 'sdnc_links_down',
        help: 'Directed links that are administratively or operationally down',
        registers: [],
        collect() {
          this.set(store.links().filter((l) => !isUsable(l)).length);
        },
      }),
    );
    this.replace(
      new Gauge({
        name: 'sdnc_reserved_mbps_total',
        help: 'Bandwidth reserved by intents, summed over directed links, in Mbit/s',
        registers: [],
        collect() {
          this.set(store.links().reduce((sum, l) => sum + l.reservedMbps, 0));
        },
      }),
    );
    this.replace(
      new Gauge({
        name: 'sdnc_capacity_mbps_total',
        help: 'Capacity summed over directed links, in Mbit/s',
        registers: [],
        collect() {
          this.set(store.links().reduce((sum, l) => sum + l.capacityMbps, 0));
        },
      }),
    );
    this.replace(
      new Gauge({
        name: 'sdnc_ws_subscribers',
        help: 'Clients connected to the event stream',
        registers: [],
        collect() {
          this.set(source.wsSubscribers());
        },
      }),
    );
    this.httpRequests = this.replace(
      new Counter({
        name: 'sdnc_http_requests_total',
        help: 'HTTP requests served, by method, route pattern and status code',
        labelNames: ['method', 'route', 'status'],
        registers: [],
      }),
    );
    this.httpDuration = this.replace(
      new Histogram({
        name: 'sdnc_http_request_duration_seconds',
        help: 'Time to serve HTTP requests, by method and route pattern',
        labelNames: ['method', 'route'],
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [],
      }),
    );
  }

  /** `route` is the route pattern (`/api/v1/nodes/:id`), never the raw URL, to bound label cardinality. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  /** A second server on the same registry (tests, restarts) takes over the metric names. */
  private replace<M extends Metric>(metric: M): M {
    const name = (metric as unknown as { name: string }).name;
    if (this.registry.getSingleMetric(name)) this.registry.removeSingleMetric(name);
    this.registry.registerMetric(metric);
    return metric;
  }
}
