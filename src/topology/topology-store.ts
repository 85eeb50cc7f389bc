import type { MultiDirectedGraph as MultiDirectedGraphType } from 'graphology';
import graphology from 'graphology';
import type { EventBus } from '../events/event-bus.js';
import { SdncError } from '../model/errors.js';
import type { LinkPatch, TopoLink, TopologySnapshot, TopoNode } from '../model/topology.js';

// graphology ships CommonJS with named classes on the default export.
const { MultiDirectedGraph } = graphology as unknown as { MultiDirectedGraph: typeof MultiDirectedGraphType };

export type TopologyGraph = MultiDirectedGraphType<TopoNode, TopoLink>;

/**
 * The graph of record. Attributes are immutable value objects: every change replaces the node's or
 * link's object and publishes one event, so readers can hold on to what they got.
 *
 * `shapeVersion` changes when nodes or links are added or removed (the path engine rebuilds its CSR
 * snapshot then); `attrVersion` changes on every attribute change (the path engine patches in place).
 */
export class TopologyStore {
  readonly graph: TopologyGraph = new MultiDirectedGraph<TopoNode, TopoLink>({ allowSelfLoops: false });
  private shapeVer = 0;
  private attrVer = 0;
  /**
   * The graph's attributes by id again, kept in step with it: findNode/findLink are on every hot path
   * (admission, compilation, the ledger) and one Map lookup is much cheaper than graphology's checks.
   */
  private readonly nodeById = new Map<string, TopoNode>();
  private readonly linkById = new Map<string, TopoLink>();
  /** Cable -> the ids of its links, in the graph's edge order (cables never change on a link). */
  private readonly cableLinks = new Map<string, Set<string>>();
  /**
   * Datapath id -> the ids of the nodes that have it, in the order they got it (the topology service
   * refuses a second one; the store answers with the first). Discovery looks switches up by it on
   * every report.
   */
  private readonly byDatapath = new Map<string, string[]>();
  /** Node -> source port -> the id of the one link leaving there, or null when several do (then the graph is searched). */
  private readonly outPorts = new Map<string, Map<number, string | null>>();

  constructor(private readonly bus: EventBus) {}

  get shapeVersion(): number {
    return this.shapeVer;
  }

  get attrVersion(): number {
    return this.attrVer;
  }

  hasNode(id: string): boolean {
    return this.nodeById.has(id);
  }

  hasLink(id: string): boolean {
    return this.linkById.has(id);
  }

  getNode(id: string): TopoNode {
    const n = this.nodeById.get(id);
    if (n === undefined) throw new SdncError('SDNC_ERR_NODE_NOT_FOUND', { id });
    return n;
  }

  findNode(id: string): TopoNode | undefined {
    return this.nodeById.get(id);
  }

  getLink(id: string): TopoLink {
    const l = this.linkById.get(id);
    if (l === undefined) throw new SdncError('SDNC_ERR_LINK_NOT_FOUND', { id });
    return l;
  }

  findLink(id: string): TopoLink | undefined {
    return this.linkById.get(id);
  }

  nodes(): TopoNode[] {
    return this.graph.mapNodes((_id, attrs) => attrs);
  }

  links(): TopoLink[] {
    return this.graph.mapEdges((_id, attrs) => attrs);
  }

  /** Both directions of a cable (or the one link, when `idOrCable` names a directed link). */
  linksOf(idOrCable: string): TopoLink[] {
    const link = this.linkById.get(idOrCable);
    if (link !== undefined) return [link];
    const ids = this.cableLinks.get(idOrCable);
    if (ids === undefined) throw new SdncError('SDNC_ERR_LINK_NOT_FOUND', { id: idOrCable });
    const found: TopoLink[] = [];
    for (const id of ids) found.push(this.linkById.get(id) as TopoLink);
    return found;
  }

  /** The directed link that leaves `node` on `port`, if the topology knows one. */
  linkFromPort(node: string, port: number): TopoLink | undefined {
    const id = this.outPorts.get(node)?.get(port);
    if (id === undefined) return undefined;
    if (id !== null) return this.linkById.get(id);
    const edge = this.graph.findOutEdge(node, (_id, attrs) => attrs.srcPort === port);
    return edge === undefined ? undefined : this.graph.getEdgeAttributes(edge);
  }

  /** Brings the port index of (node, port) up to the graph. */
  private reindexPort(node: string, port: number | undefined): void {
    if (port === undefined) return;
    let count = 0;
    let first: string | undefined;
    if (this.graph.hasNode(node)) {
      this.graph.forEachOutEdge(node, (edge, attrs) => {
        if (attrs.srcPort !== port) return;
        count++;
        first ??= edge;
      });
    }
    let ports = this.outPorts.get(node);
    if (count === 0) {
      ports?.delete(port);
      return;
    }
    if (ports === undefined) {
      ports = new Map();
      this.outPorts.set(node, ports);
    }
    ports.set(port, count === 1 ? (first as string) : null);
  }

  findNodeByDatapath(datapathId: string): TopoNode | undefined {
    const ids = this.byDatapath.get(datapathId);
    return ids === undefined ? undefined : this.nodeById.get(ids[0]);
  }

  private indexDatapath(id: string, before: string | undefined, after: string | undefined): void {
    if (before === after) return;
    if (before !== undefined) {
      const ids = this.byDatapath.get(before) ?? [];
      const rest = ids.filter((x) => x !== id);
      if (rest.length > 0) this.byDatapath.set(before, rest);
      else this.byDatapath.delete(before);
    }
    if (after !== undefined) this.byDatapath.set(after, [...(this.byDatapath.get(after) ?? []), id]);
  }

  snapshot(): TopologySnapshot {
    return { nodes: this.nodes(), links: this.links() };
  }

  addNode(node: TopoNode): void {
    if (this.graph.hasNode(node.id)) throw new SdncError('SDNC_ERR_DUPLICATE_ID', { kind: 'Node', id: node.id });
    this.graph.addNode(node.id, node);
    this.nodeById.set(node.id, node);
    this.indexDatapath(node.id, undefined, node.datapathId);
    this.shapeVer++;
    this.bus.publish({ type: 'node-added', node });
  }

  /** Replace a node's attributes (id and kind stay). */
  updateNode(id: string, change: (node: TopoNode) => TopoNode): TopoNode {
    const before = this.getNode(id);
    const after = { ...change(before), id: before.id, kind: before.kind };
    this.graph.replaceNodeAttributes(id, after);
    this.nodeById.set(id, after);
    this.indexDatapath(id, before.datapathId, after.datapathId);
    this.attrVer++;
    this.bus.publish({ type: 'node-updated', node: after });
    return after;
  }

  /** Remove a node together with the links that touch it (each link removal is published first). */
  removeNode(id: string): void {
    const node = this.getNode(id);
    for (const edge of this.graph.edges(id)) this.removeLink(edge);
    this.graph.dropNode(id);
    this.nodeById.delete(id);
    this.indexDatapath(id, node.datapathId, undefined);
    this.outPorts.delete(id);
    this.shapeVer++;
    this.bus.publish({ type: 'node-removed', id });
  }

  addLink(link: TopoLink): void {
    if (this.graph.hasEdge(link.id)) throw new SdncError('SDNC_ERR_DUPLICATE_ID', { kind: 'Link', id: link.id });
    this.getNode(link.src);
    this.getNode(link.dst);
    this.graph.addDirectedEdgeWithKey(link.id, link.src, link.dst, link);
    this.linkById.set(link.id, link);
    let cable = this.cableLinks.get(link.cable);
    if (cable === undefined) {
      cable = new Set();
      this.cableLinks.set(link.cable, cable);
    }
    cable.add(link.id);
    if (link.srcPort !== undefined) {
      let ports = this.outPorts.get(link.src);
      if (ports === undefined) {
        ports = new Map();
        this.outPorts.set(link.src, ports);
      }
      ports.set(link.srcPort, ports.has(link.srcPort) ? null : link.id);
    }
    this.shapeVer++;
    this.bus.publish({ type: 'link-added', link });
  }

  removeLink(id: string): void {
    const link = this.getLink(id);
    this.graph.dropEdge(id);
    this.linkById.delete(id);
    const cable = this.cableLinks.get(link.cable);
    if (cable !== undefined) {
      cable.delete(id);
      if (cable.size === 0) this.cableLinks.delete(link.cable);
    }
    this.reindexPort(link.src, link.srcPort);
    this.shapeVer++;
    this.bus.publish({ type: 'link-removed', id });
  }

  /** Apply a change to one link; the change function returns the new value. Publishes link-updated. */
  updateLink(id: string, change: (link: TopoLink) => TopoLink): TopoLink {
    const before = this.getLink(id);
    const changed = change(before);
    // Identity fields never change; copy again only when a change function touched them.
    const after =
      changed.id === before.id && changed.cable === before.cable && changed.src === before.src && changed.dst === before.dst
        ? changed
        : { ...changed, id: before.id, cable: before.cable, src: before.src, dst: before.dst };
    return this.replaceLink(id, before, after);
  }

  /**
   * Puts `after` in place of `before` (same id, cable and ends) and publishes link-updated, marked
   * `reservedOnly` when the caller changed nothing but the reservation.
   */
  private replaceLink(id: string, before: TopoLink, after: TopoLink, reservedOnly = false): TopoLink {
    this.graph.replaceEdgeAttributes(id, after);
    this.linkById.set(id, after);
    if (after.srcPort !== before.srcPort) {
      this.reindexPort(before.src, before.srcPort);
      this.reindexPort(after.src, after.srcPort);
    }
    this.attrVer++;
    this.bus.publish(reservedOnly ? { type: 'link-updated', link: after, reservedOnly } : { type: 'link-updated', link: after });
    return after;
  }

  /**
   * Operator change to a link or both directions of a cable. Validates everything before changing
   * anything, so a refused patch leaves the store as it was.
   */
  patchLink(idOrCable: string, patch: LinkPatch): TopoLink[] {
    const targets = this.linksOf(idOrCable);
    checkCapacityAboveReserved(targets, patch);
    return targets.map((l) => this.updateLink(l.id, (cur) => ({ ...cur, ...definedOnly(patch) })));
  }

  setLinkOper(id: string, operUp: boolean): TopoLink {
    return this.updateLink(id, (l) => ({ ...l, operUp }));
  }

  setMeasuredLatency(id: string, measuredLatencyMs: number, jitterMs: number | null): TopoLink {
    return this.updateLink(id, (l) => ({ ...l, measuredLatencyMs, jitterMs }));
  }

  /** Change the reserved bandwidth by `deltaMbps` (negative to release). The ledger guarantees bounds. */
  adjustReserved(id: string, deltaMbps: number): TopoLink {
    // Admission control calls this once per link per booking (or per batch): no change function, no identity checks.
    const before = this.getLink(id);
    // A new literal, not a copy assigned to afterwards: readers of the links (the path engine's patch
    // on every link-updated) slow down several times on objects made the other way.
    const after = { ...before, reservedMbps: Math.max(0, round6(before.reservedMbps + deltaMbps)) };
    return this.replaceLink(id, before, after, true);
  }
}

/** SDNC_ERR_CAPACITY_BELOW_RESERVED when the patch would set a capacity below a link's reservations. */
export function checkCapacityAboveReserved(links: readonly TopoLink[], patch: LinkPatch): void {
  if (patch.capacityMbps === undefined) return;
  for (const l of links) {
    if (patch.capacityMbps < l.reservedMbps) {
      throw new SdncError('SDNC_ERR_CAPACITY_BELOW_RESERVED', {
        id: l.id,
        capacityMbps: patch.capacityMbps,
        reservedMbps: l.reservedMbps,
      });
    }
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Keep reserved bandwidth free of floating-point crumbs after many add/release cycles. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
