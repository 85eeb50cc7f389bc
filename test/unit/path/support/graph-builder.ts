import { EventBus } from '../../../../src/events/event-bus.js';
import type { TopoLink, TopoNode } from '../../../../src/model/topology.js';
import { TopologyStore } from '../../../../src/topology/topology-store.js';

export interface NodeSpec {
  readonly id: string;
  readonly provider?: string;
  readonly jurisdiction?: string;
}

/** One direction of a link; `cable` defaults to the id (a one-way link). */
export interface LinkSpec {
  readonly id: string;
  readonly src: string;
  readonly dst: string;
  readonly latencyMs: number;
  readonly cable?: string;
  readonly cost?: number;
  readonly energyJPerGbit?: number;
  readonly capacityMbps?: number;
  readonly reservedMbps?: number;
  readonly srlgs?: readonly string[];
  readonly provider?: string;
  readonly adminUp?: boolean;
  readonly operUp?: boolean;
  /** Ports at src and dst; absent when not given (as for a link not discovered yet). */
  readonly srcPort?: number;
  readonly dstPort?: number;
}

export function node(spec: NodeSpec): TopoNode {
  return {
    id: spec.id,
    kind: 'switch',
    name: spec.id,
    provider: spec.provider ?? 'p0',
    jurisdiction: spec.jurisdiction ?? 'DE',
    operUp: true,
  };
}

export function link(spec: LinkSpec): TopoLink {
  return {
    id: spec.id,
    cable: spec.cable ?? spec.id,
    src: spec.src,
    dst: spec.dst,
    ...(spec.srcPort === undefined ? {} : { srcPort: spec.srcPort }),
    ...(spec.dstPort === undefined ? {} : { dstPort: spec.dstPort }),
    capacityMbps: spec.capacityMbps ?? 1000,
    reservedMbps: spec.reservedMbps ?? 0,
    latencyMs: spec.latencyMs,
    measuredLatencyMs: null,
    jitterMs: null,
    cost: spec.cost ?? 1,
    energyJPerGbit: spec.energyJPerGbit ?? 1,
    srlgs: spec.srlgs ?? [],
    provider: spec.provider ?? 'p0',
    adminUp: spec.adminUp ?? true,
    operUp: spec.operUp ?? true,
    discovered: false,
  };
}

/** Both directions of a cable "<id>" as "<id>.a" (src->dst) and "<id>.b" (dst->src), same attributes. */
export function cable(id: string, src: string, dst: string, latencyMs: number, extra: Partial<LinkSpec> = {}): LinkSpec[] {
  return [
    { ...extra, id: `${id}.a`, cable: id, src, dst, latencyMs },
    { ...extra, id: `${id}.b`, cable: id, src: dst, dst: src, latencyMs },
  ];
}

/** A store (with its bus) holding exactly these nodes and links. */
export function buildStore(
  nodes: readonly (string | NodeSpec)[],
  links: readonly LinkSpec[],
): { store: TopologyStore; bus: EventBus } {
  const bus = new EventBus((err) => {
    throw err;
  });
  const store = new TopologyStore(bus);
  for (const n of nodes) store.addNode(node(typeof n === 'string' ? { id: n } : n));
  for (const l of links) store.addLink(link(l));
  return { store, bus };
}
