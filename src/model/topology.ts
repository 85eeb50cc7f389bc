/**
 * Plain value types of the continuum graph. No I/O, no classes: everything may import this file.
 *
 * Units are in the names: `Ms` milliseconds, `Mbps` megabit per second, `Kwh`... A link is directed;
 * a physical cable is a pair of links that share a `cable` id (`<cable>.a` runs src->dst as written in
 * the topology file, `<cable>.b` the reverse).
 */

export type NodeKind = 'cloud-region' | 'telco-edge' | 'exchange' | 'switch' | 'endpoint';

export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

export interface SwitchPort {
  /** OpenFlow port number (or P4 port id). */
  readonly number: number;
  readonly name: string;
  /** Lower-case colon-separated MAC, when known. */
  readonly mac?: string;
  readonly up: boolean;
}

/** Where an endpoint is plugged in: a forwarding node and the port on it. */
export interface Attachment {
  readonly node: string;
  readonly port: number;
}

export interface TopoNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly name: string;
  /** Provider or operator that owns the node (e.g. "aurora-cloud", "telco-west"). */
  readonly provider: string;
  /** ISO 3166-1 alpha-2 country code, upper case. */
  readonly jurisdiction: string;
  readonly location?: GeoPoint;
  /**
   * OpenFlow datapath id (16 hex digits, lower case) when a switch forwards for this node. Sites
   * (regions, edges, exchanges) may carry one: their site switch. Kind `switch` always has one.
   */
  readonly datapathId?: string;
  readonly ports?: readonly SwitchPort[];
  /** Endpoints only: IPv4/IPv6 addresses or prefixes in CIDR form ("10.1.0.0/24", "2001:db8::1/128"). */
  readonly addresses?: readonly string[];
  /** Endpoints only: MAC address of the host, when known. */
  readonly mac?: string;
  /** Endpoints only. */
  readonly attachment?: Attachment;
  /** Whether the controller currently has a connection to this node's switch (or it is reachable). */
  readonly operUp: boolean;
}

export interface TopoLink {
  /** Directed link id, e.g. "par-fra-1.a". */
  readonly id: string;
  /** Cable id shared by both directions of one physical link. */
  readonly cable: string;
  readonly src: string;
  readonly dst: string;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly capacityMbps: number;
  readonly reservedMbps: number;
  /** Latency from configuration (distance over fibre). */
  readonly latencyMs: number;
  /** Smoothed measured one-way latency; null until measured. Routing prefers it when present. */
  readonly measuredLatencyMs: number | null;
  readonly jitterMs: number | null;
  /** Abstract routing cost (e.g. price per Mbit/s of the provider). */
  readonly cost: number;
  /** Energy spent to carry one gigabit over this link, in joules. */
  readonly energyJPerGbit: number;
  /** Shared-risk link groups: links that share a duct, a conduit or a landing station fail together. */
  readonly srlgs: readonly string[];
  readonly provider: string;
  readonly adminUp: boolean;
  readonly operUp: boolean;
  /** True when the link was found by LLDP rather than declared in a topology file. */
  readonly discovered: boolean;
}

/** The latency routing and SLA checks use: measured when available, configured otherwise. */
export function effectiveLatencyMs(link: Pick<TopoLink, 'latencyMs' | 'measuredLatencyMs'>): number {
  return link.measuredLatencyMs ?? link.latencyMs;
}

export function residualMbps(link: Pick<TopoLink, 'capacityMbps' | 'reservedMbps'>): number {
  return link.capacityMbps - link.reservedMbps;
}

export function isUsable(link: Pick<TopoLink, 'adminUp' | 'operUp'>): boolean {
  return link.adminUp && link.operUp;
}

/** Fields of a link an operator may change through the API. */
export interface LinkPatch {
  readonly adminUp?: boolean;
  readonly capacityMbps?: number;
  readonly latencyMs?: number;
  readonly cost?: number;
}

export interface TopologySnapshot {
  readonly nodes: readonly TopoNode[];
  readonly links: readonly TopoLink[];
}
