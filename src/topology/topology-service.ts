import { SdncError } from '../model/errors.js';
import type { GeoPoint, LinkPatch, SwitchPort, TopoLink, TopoNode } from '../model/topology.js';
import { PrefixIndex, parseIpPrefix } from './prefix-index.js';
import { checkCapacityAboveReserved, type TopologyStore } from './topology-store.js';

/**
 * Durable record of operator edits. The persistence layer implements it; the service calls it after
 * validating an edit and BEFORE changing memory, so an edit that cannot be recorded is not applied.
 */
export interface TopologyEditsLog {
  nodeAdded(node: TopoNode): void;
  nodeRemoved(id: string): void;
  cableAdded(links: readonly TopoLink[]): void;
  linkPatched(idOrCable: string, patch: LinkPatch): void;
}

/** A host (or subnet of hosts) plugged into a forwarding node. Provider and jurisdiction default to the
 * attachment node's. */
export interface EndpointInput {
  readonly id: string;
  readonly name?: string;
  readonly provider?: string;
  readonly jurisdiction?: string;
  readonly location?: GeoPoint;
  readonly addresses: readonly string[];
  readonly mac?: string;
  readonly attachment: { readonly node: string; readonly port: number };
}

/** A physical cable between two forwarding nodes; becomes links `<id>.a` (src->dst) and `<id>.b`. */
export interface CableInput {
  readonly id: string;
  readonly src: string;
  readonly dst: string;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly capacityMbps: number;
  readonly latencyMs: number;
  readonly cost?: number;
  readonly energyJPerGbit?: number;
  readonly srlgs?: readonly string[];
  /** Defaults to the provider of the src node. */
  readonly provider?: string;
  readonly adminUp?: boolean;
}

/** A node as an operator declares it: the controller owns `operUp`. */
export type NodeInput = Omit<TopoNode, 'operUp'> & { readonly operUp?: boolean };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const DATAPATH_PATTERN = /^[0-9a-f]{16}$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;
const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/**
 * The operations behind the topology API, on top of the graph of record. Every operation validates
 * everything first and changes nothing when it refuses (it throws an SdncError), then records the edit in
 * the log, then changes the store (which publishes the events).
 *
 * The prefix index maps endpoint addresses to endpoint ids. Nodes added to the store by other writers
 * (the topology loader, discovery) are picked up: the index is rebuilt lazily whenever the store's shape
 * changed behind the service's back.
 */
export class TopologyService {
  readonly prefixes = new PrefixIndex<string>();
  private indexedShape = -1;

  constructor(
    readonly store: TopologyStore,
    private readonly edits?: TopologyEditsLog,
  ) {
    this.syncPrefixes();
  }

  /** Adds a node of any kind; endpoints get the same checks as {@link addEndpoint}. */
  addNode(input: NodeInput): TopoNode {
    this.syncPrefixes();
    const node = this.validateNode(input);
    this.edits?.nodeAdded(node);
    this.store.addNode(node);
    if (node.kind === 'endpoint') this.indexEndpoint(node);
    this.indexedShape = this.store.shapeVersion;
    return node;
  }

  addEndpoint(input: EndpointInput): TopoNode {
    const attached = this.store.getNode(input.attachment.node);
    return this.addNode({
      id: input.id,
      kind: 'endpoint',
      name: input.name ?? input.id,
      provider: input.provider ?? attached.provider,
      jurisdiction: input.jurisdiction ?? attached.jurisdiction,
      ...(input.location ? { location: input.location } : {}),
      addresses: input.addresses,
      ...(input.mac !== undefined ? { mac: input.mac } : {}),
      attachment: { node: input.attachment.node, port: input.attachment.port },
      operUp: attached.operUp,
    });
  }

  /**
   * Removes a node with the links that touch it. Refused while endpoints are attached to it or while one
   * of its links carries reserved bandwidth (intents use it).
   */
  removeNode(id: string): void {
    this.store.getNode(id);
    this.syncPrefixes();
    const blockers = this.removalBlockers(id);
    if (blockers > 0) throw new SdncError('SDNC_ERR_NODE_IN_USE', { id, links: blockers });
    this.edits?.nodeRemoved(id);
    this.store.removeNode(id);
    this.prefixes.removeOwner(id);
    this.indexedShape = this.store.shapeVersion;
  }

  /** Removes an endpoint; SDNC_ERR_ENDPOINT_NOT_FOUND when `id` is not one. */
  removeEndpoint(id: string): void {
    this.getEndpoint(id);
    this.removeNode(id);
  }

  getEndpoint(id: string): TopoNode {
    const node = this.store.findNode(id);
    if (node?.kind !== 'endpoint') throw new SdncError('SDNC_ERR_ENDPOINT_NOT_FOUND', { id });
    return node;
  }

  addCable(input: CableInput): TopoLink[] {
    this.syncPrefixes();
    const links = this.validateCable(input);
    this.edits?.cableAdded(links);
    for (const l of links) this.store.addLink(l);
    this.indexedShape = this.store.shapeVersion;
    return links;
  }

  /** Changes a directed link, or both directions when `idOrCable` is a cable id. */
  patchLink(idOrCable: string, patch: LinkPatch): TopoLink[] {
    const targets = this.store.linksOf(idOrCable);
    const fields = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (fields.length === 0) {
      throw new SdncError('SDNC_ERR_VALIDATION', {
        reason: 'the patch names no field; set adminUp, capacityMbps, latencyMs or cost',
      });
    }
    if (patch.capacityMbps !== undefined) requirePositive('capacityMbps', patch.capacityMbps);
    if (patch.latencyMs !== undefined) requireNonNegative('latencyMs', patch.latencyMs);
    if (patch.cost !== undefined) requireNonNegative('cost', patch.cost);
    // Checked here too (the store checks again) so a refused patch is never recorded.
    checkCapacityAboveReserved(targets, patch);
    this.edits?.linkPatched(idOrCable, patch);
    return this.store.patchLink(idOrCable, patch);
  }

  /** Longest-prefix match of an address against every endpoint's addresses. */
  resolveAddress(address: string): { endpoint: TopoNode; prefix: string } | undefined {
    this.syncPrefixes();
    const hit = this.prefixes.lookup(address);
    if (!hit) return undefined;
    const endpoint = this.store.findNode(hit.owner);
    return endpoint ? { endpoint, prefix: hit.prefix.text } : undefined;
  }

  /** Rebuilds the prefix index from the store when nodes were added or removed by another writer. */
  syncPrefixes(): void {
    if (this.indexedShape === this.store.shapeVersion) return;
    // From scratch: also drops the prefixes of endpoints another writer removed.
    this.prefixes.clear();
    for (const n of this.store.nodes()) {
      if (n.kind !== 'endpoint') continue;
      for (const a of n.addresses ?? []) {
        // The loader validated these; a conflict between two loaded endpoints keeps the first owner.
        try {
          this.prefixes.add(a, n.id);
        } catch {
          /* first owner wins */
        }
      }
    }
    this.indexedShape = this.store.shapeVersion;
  }

  private indexEndpoint(node: TopoNode): void {
    for (const a of node.addresses ?? []) this.prefixes.add(a, node.id);
  }

  private removalBlockers(id: string): number {
    let blockers = 0;
    for (const n of this.store.nodes()) if (n.kind === 'endpoint' && n.attachment?.node === id) blockers++;
    this.store.graph.forEachEdge(id, (_e, l) => {
      if (l.reservedMbps > 0) blockers++;
    });
    return blockers;
  }

  private validateNode(input: NodeInput): TopoNode {
    requireId('id', input.id);
    if (this.store.hasNode(input.id)) throw new SdncError('SDNC_ERR_DUPLICATE_ID', { kind: 'Node', id: input.id });
    if (!COUNTRY_PATTERN.test(input.jurisdiction)) {
      invalid(`jurisdiction "${input.jurisdiction}" must be an upper-case ISO 3166-1 alpha-2 code such as "DE"`);
    }
    if (input.provider.length === 0) invalid('provider must not be empty');
    if (input.location) {
      const { lat, lon } = input.location;
      if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) invalid(`location ${lat},${lon} is outside -90..90 / -180..180`);
    }
    if (input.datapathId !== undefined) {
      if (!DATAPATH_PATTERN.test(input.datapathId)) invalid(`datapathId "${input.datapathId}" must be 16 lower-case hex digits`);
      const owner = this.store.findNodeByDatapath(input.datapathId);
      if (owner) throw new SdncError('SDNC_ERR_DUPLICATE_ID', { kind: 'Datapath', id: `${input.datapathId} (node ${owner.id})` });
    } else if (input.kind === 'switch') {
      invalid('a node of kind switch needs a datapathId');
    }
    if (input.ports) validatePorts(input.ports);
    if (input.kind === 'endpoint') return this.validateEndpoint(input);
    if (input.addresses !== undefined || input.attachment !== undefined || input.mac !== undefined) {
      invalid('addresses, attachment and mac are for endpoints only');
    }
    // A node with a switch is up once its switch connects; a site without one has nothing to wait for.
    return { ...input, operUp: input.operUp ?? input.datapathId === undefined };
  }

  private validateEndpoint(input: NodeInput): TopoNode {
    const att = input.attachment;
    if (!att) return invalid('an endpoint needs an attachment {node, port}');
    const host = this.store.findNode(att.node);
    if (!host) throw new SdncError('SDNC_ERR_NODE_NOT_FOUND', { id: att.node });
    if (host.kind === 'endpoint') invalid(`attachment node ${att.node} is an endpoint; attach to a forwarding node`);
    requirePort('attachment.port', att.port);
    if (input.mac !== undefined && !MAC_PATTERN.test(input.mac)) invalid(`mac "${input.mac}" must be lower-case colon-separated`);
    const addresses = input.addresses ?? [];
    if (addresses.length === 0) invalid('an endpoint needs at least one address');
    const seen = new Set<string>();
    for (const a of addresses) {
      const prefix = parseIpPrefix(a);
      if (seen.has(prefix.text)) invalid(`address ${a} is listed twice`);
      seen.add(prefix.text);
      const hit = this.prefixes.lookup(prefix.text);
      if (hit && hit.prefix.text === prefix.text) {
        throw new SdncError('SDNC_ERR_PREFIX_CONFLICT', { prefix: prefix.text, owner: hit.owner });
      }
    }
    return { ...input, operUp: input.operUp ?? host.operUp };
  }

  private validateCable(input: CableInput): TopoLink[] {
    requireId('id', input.id);
    const ids = [`${input.id}.a`, `${input.id}.b`];
    const taken = ids.find((id) => this.store.hasLink(id)) ?? (this.cableExists(input.id) ? input.id : undefined);
    if (taken) throw new SdncError('SDNC_ERR_DUPLICATE_ID', { kind: 'Link', id: taken });
    const src = this.store.getNode(input.src);
    const dst = this.store.getNode(input.dst);
    if (src.id === dst.id) invalid('src and dst must be different nodes');
    for (const n of [src, dst]) if (n.kind === 'endpoint') invalid(`${n.id} is an endpoint; cables join forwarding nodes`);
    requirePositive('capacityMbps', input.capacityMbps);
    requireNonNegative('latencyMs', input.latencyMs);
    if (input.cost !== undefined) requireNonNegative('cost', input.cost);
    if (input.energyJPerGbit !== undefined) requireNonNegative('energyJPerGbit', input.energyJPerGbit);
    for (const [end, node, port] of [
      ['srcPort', src, input.srcPort],
      ['dstPort', dst, input.dstPort],
    ] as const) {
      if (port === undefined) continue;
      requirePort(end, port);
      const used = this.store.linkFromPort(node.id, port);
      if (used) invalid(`${end} ${port} of ${node.id} is already used by link ${used.id}`);
    }
    const common = {
      cable: input.id,
      capacityMbps: input.capacityMbps,
      reservedMbps: 0,
      latencyMs: input.latencyMs,
      measuredLatencyMs: null,
      jitterMs: null,
      cost: input.cost ?? 1,
      energyJPerGbit: input.energyJPerGbit ?? 0,
      srlgs: [...(input.srlgs ?? [])],
      provider: input.provider ?? src.provider,
      adminUp: input.adminUp ?? true,
      operUp: true,
      discovered: false,
    };
    const a: TopoLink = { ...common, id: ids[0], src: src.id, dst: dst.id, ...ports(input.srcPort, input.dstPort) };
    const b: TopoLink = { ...common, id: ids[1], src: dst.id, dst: src.id, ...ports(input.dstPort, input.srcPort) };
    return [a, b];
  }

  private cableExists(cable: string): boolean {
    return this.store.graph.someEdge((_e, l) => l.cable === cable) || this.store.hasLink(cable);
  }
}

function ports(srcPort: number | undefined, dstPort: number | undefined): { srcPort?: number; dstPort?: number } {
  return { ...(srcPort !== undefined ? { srcPort } : {}), ...(dstPort !== undefined ? { dstPort } : {}) };
}

function invalid(reason: string): never {
  throw new SdncError('SDNC_ERR_VALIDATION', { reason });
}

function requireId(field: string, id: string): void {
  if (!ID_PATTERN.test(id))
    invalid(`${field} "${id}" must be 1-64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit`);
}

function requirePositive(field: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) invalid(`${field} must be a number greater than 0, got ${v}`);
}

function requireNonNegative(field: string, v: number): void {
  if (!(Number.isFinite(v) && v >= 0)) invalid(`${field} must be a number of at least 0, got ${v}`);
}

/** OpenFlow 1.3 section 7.2.1: physical ports are 1..0xffffff00 (OFPP_MAX). */
function requirePort(field: string, port: number): void {
  if (!(Number.isInteger(port) && port >= 1 && port <= 0xffffff00))
    invalid(`${field} ${port} must be an integer port number 1..4294967040`);
}

function validatePorts(list: readonly SwitchPort[]): void {
  const seen = new Set<number>();
  for (const p of list) {
    requirePort('ports[].number', p.number);
    if (seen.has(p.number)) invalid(`port ${p.number} is listed twice`);
    seen.add(p.number);
  }
}
