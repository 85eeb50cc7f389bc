import type { DriverEvent, PortInfo } from '../../flow/driver.js';
import type { SwitchPort, TopoLink, TopoNode } from '../../model/topology.js';
import type { TopologyStore } from '../../topology/topology-store.js';
import type { DiscoveredLink, DiscoveryEvent } from './discovery-event.js';

export interface TopologySyncOptions {
  /** Capacity given to a link that only discovery knows about (LLDP does not tell the speed). */
  readonly discoveredCapacityMbps?: number;
  /** Provider and jurisdiction of a switch that connects without being in the topology file. */
  readonly unknownSwitchProvider?: string;
  /** ISO 3166 user-assigned "unknown" code by default. */
  readonly unknownSwitchJurisdiction?: string;
  /**
   * Nominal latency of a link only discovery knows about, until its first measurement (~0.1 s after it
   * appears). Deliberately high: a latency-bound intent must not be placed on a link nobody has measured.
   */
  readonly unmeasuredLatencyMs?: number;
}

/**
 * Applies what the southbound sees to the graph of record: device connections set a node's operUp and
 * ports, LLDP-discovered links are matched to declared links (same node/port at both ends) or added as
 * discovered links, lost links and down ports set links operationally down. Every change goes through
 * the TopologyStore, which publishes it on the event bus.
 */
export class TopologySync {
  private readonly capacityMbps: number;
  private readonly provider: string;
  private readonly jurisdiction: string;
  private readonly unmeasuredLatencyMs: number;

  constructor(
    private readonly store: TopologyStore,
    opts: TopologySyncOptions = {},
  ) {
    this.capacityMbps = opts.discoveredCapacityMbps ?? 1000;
    this.provider = opts.unknownSwitchProvider ?? 'discovered';
    this.jurisdiction = opts.unknownSwitchJurisdiction ?? 'ZZ';
    this.unmeasuredLatencyMs = opts.unmeasuredLatencyMs ?? 100;
  }

  /** Subscribe to a driver and a discovery service; returns the unsubscribe function. */
  attach(
    driver: { subscribe(l: (e: DriverEvent) => void): () => void },
    discovery: { subscribe(l: (e: DiscoveryEvent) => void): () => void },
  ): () => void {
    const offDriver = driver.subscribe((e) => this.applyDriverEvent(e));
    const offDiscovery = discovery.subscribe((e) => this.applyDiscoveryEvent(e));
    return () => {
      offDriver();
      offDiscovery();
    };
  }

  applyDriverEvent(e: DriverEvent): void {
    switch (e.type) {
      case 'device-connected': {
        const node = this.nodeFor(e.device);
        this.store.updateNode(node.id, (n) => ({ ...n, operUp: true, ports: e.ports.map(toSwitchPort) }));
        break;
      }
      case 'device-disconnected': {
        const node = this.store.findNodeByDatapath(e.device);
        if (node?.operUp) this.store.updateNode(node.id, (n) => ({ ...n, operUp: false }));
        break;
      }
      case 'port-status': {
        const node = this.store.findNodeByDatapath(e.device);
        if (!node) return;
        const others = (node.ports ?? []).filter((p) => p.number !== e.port.number);
        const ports = e.reason === 'delete' ? others : [...others, toSwitchPort(e.port)].sort((a, b) => a.number - b.number);
        this.store.updateNode(node.id, (n) => ({ ...n, ports }));
        if (e.reason === 'delete' || !e.port.up) this.setPortLinksDown(node.id, e.port.number);
        break;
      }
      case 'packet-in':
        break;
    }
  }

  applyDiscoveryEvent(e: DiscoveryEvent): void {
    if (e.type === 'link-discovered') {
      const link = this.findLink(e) ?? this.addDiscoveredLink(e, e.latencyMs ?? this.unmeasuredLatencyMs);
      if (!link.operUp) this.store.setLinkOper(link.id, true);
      // Not measured yet: keep the last measurement (or none) rather than erase it.
      if (e.latencyMs === null) return;
      if (link.measuredLatencyMs !== e.latencyMs || link.jitterMs !== e.jitterMs)
        this.store.setMeasuredLatency(link.id, e.latencyMs, e.jitterMs);
    } else if (e.type === 'link-lost') {
      const link = this.findLink(e);
      if (link?.operUp) this.store.setLinkOper(link.id, false);
    }
  }

  /** The directed link from src (device, port) to dst (device, port), declared or discovered. */
  private findLink(d: DiscoveredLink): TopoLink | undefined {
    const src = this.store.findNodeByDatapath(d.srcDevice);
    const dst = this.store.findNodeByDatapath(d.dstDevice);
    if (!src || !dst) return undefined;
    const link = this.store.linkFromPort(src.id, d.srcPort);
    return link && link.dst === dst.id && (link.dstPort === undefined || link.dstPort === d.dstPort) ? link : undefined;
  }

  private addDiscoveredLink(d: DiscoveredLink, latencyMs: number): TopoLink {
    const src = this.nodeFor(d.srcDevice);
    const dst = this.nodeFor(d.dstDevice);
    // Both directions of a cable get the same cable id: the ends in a canonical order.
    const a = `${d.srcDevice}-${d.srcPort}`;
    const b = `${d.dstDevice}-${d.dstPort}`;
    const cable = a < b ? `lldp-${a}-${b}` : `lldp-${b}-${a}`;
    const link: TopoLink = {
      id: `${cable}.${a < b ? 'a' : 'b'}`,
      cable,
      src: src.id,
      dst: dst.id,
      srcPort: d.srcPort,
      dstPort: d.dstPort,
      capacityMbps: this.capacityMbps,
      reservedMbps: 0,
      latencyMs,
      measuredLatencyMs: null,
      jitterMs: null,
      cost: 1,
      energyJPerGbit: 0,
      srlgs: [],
      provider: src.provider === dst.provider ? src.provider : this.provider,
      adminUp: true,
      operUp: true,
      discovered: true,
    };
    // A stale discovered link on the same id (the far end was recabled) is replaced.
    if (this.store.hasLink(link.id)) this.store.removeLink(link.id);
    this.store.addLink(link);
    return link;
  }

  private setPortLinksDown(nodeId: string, port: number): void {
    for (const edge of this.store.graph.edges(nodeId)) {
      const l = this.store.graph.getEdgeAttributes(edge);
      const touches = (l.src === nodeId && l.srcPort === port) || (l.dst === nodeId && l.dstPort === port);
      if (touches && l.operUp) this.store.setLinkOper(l.id, false);
    }
  }

  /** The node of a datapath; a switch nobody declared becomes a node of kind 'switch'. */
  private nodeFor(datapathId: string): TopoNode {
    const known = this.store.findNodeByDatapath(datapathId);
    if (known) return known;
    const node: TopoNode = {
      id: `of-${datapathId}`,
      kind: 'switch',
      name: `switch ${datapathId}`,
      provider: this.provider,
      jurisdiction: this.jurisdiction,
      datapathId,
      operUp: false,
    };
    this.store.addNode(node);
    return node;
  }
}

function toSwitchPort(p: PortInfo): SwitchPort {
  return { number: p.number, name: p.name, mac: p.mac, up: p.up };
}
