import { SdncError } from '../model/errors.js';
import type { TopoNode } from '../model/topology.js';
import type { EndpointRef } from './intent-types.js';
import { prefixOf as parseIpPrefix } from './prefix-cache.js';

/** A host (endpoint node) an intent delivers to or classifies from, with the prefixes that stand for it. */
export interface AttachedHost {
  readonly endpoint: string;
  /** Forwarding node and port the host is plugged into. */
  readonly node: string;
  readonly port: number;
  readonly mac?: string;
  /** Canonical CIDR prefixes of the traffic this side of the intent covers. */
  readonly prefixes: readonly string[];
}

export interface ResolvedEndpoint {
  /** Forwarding node the path starts or ends at. */
  readonly node: string;
  readonly hosts: readonly AttachedHost[];
}

/** The slice of the topology the resolver reads; TopologyStore satisfies it. */
export interface EndpointDirectory {
  findNode(id: string): TopoNode | undefined;
  nodes(): TopoNode[];
}

/** Longest-prefix match of an address or prefix to the endpoint that owns it; TopologyService satisfies it. */
export interface AddressResolver {
  resolveAddress(address: string): { endpoint: TopoNode; prefix: string } | undefined;
}

/**
 * Turns the `src`/`dst` of an intent into hosts and the forwarding node paths start from. Resolution
 * errors are user errors with catalogue codes, thrown before an intent is created.
 */
export class EndpointResolver {
  /**
   * An endpoint's resolution by its node object: nodes are values (a changed node is a new object), so
   * an entry is right for as long as its node is the current one, and every intent between the same
   * hosts shares one resolution (and whatever is derived from it).
   */
  private readonly byNode = new WeakMap<TopoNode, ResolvedEndpoint>();

  constructor(
    private readonly directory: EndpointDirectory,
    private readonly addresses: AddressResolver,
  ) {}

  resolve(ref: EndpointRef): ResolvedEndpoint {
    if (typeof ref !== 'string') {
      if ('endpoint' in ref) return this.byEndpoint(ref.endpoint);
      if ('site' in ref) return this.bySite(ref.site);
      return this.byAddress(ref.address);
    }
    const node = this.directory.findNode(ref);
    if (node?.kind === 'endpoint') return this.endpointOf(node);
    if (node !== undefined) return this.bySite(ref);
    if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(ref) && (ref.includes('.') || ref.includes(':'))) return this.byAddress(ref);
    throw new SdncError('SDNC_ERR_ENDPOINT_NOT_FOUND', { id: ref });
  }

  private byEndpoint(id: string): ResolvedEndpoint {
    const node = this.directory.findNode(id);
    if (node === undefined || node.kind !== 'endpoint') throw new SdncError('SDNC_ERR_ENDPOINT_NOT_FOUND', { id });
    return this.endpointOf(node);
  }

  private endpointOf(node: TopoNode): ResolvedEndpoint {
    let r = this.byNode.get(node);
    if (r === undefined) {
      const host = hostOf(node);
      r = { node: host.node, hosts: [host] };
      this.byNode.set(node, r);
    }
    return r;
  }

  private byAddress(address: string): ResolvedEndpoint {
    const prefix = parseIpPrefix(address);
    const hit = this.addresses.resolveAddress(prefix.text);
    if (hit === undefined) throw new SdncError('SDNC_ERR_NO_ENDPOINT_FOR_ADDRESS', { address: prefix.text });
    const host = { ...hostOf(hit.endpoint), prefixes: [prefix.text] };
    return { node: host.node, hosts: [host] };
  }

  private bySite(id: string): ResolvedEndpoint {
    const site = this.directory.findNode(id);
    if (site === undefined) throw new SdncError('SDNC_ERR_NODE_NOT_FOUND', { id });
    if (site.kind === 'endpoint') return this.byEndpoint(id);
    const hosts = this.directory
      .nodes()
      .filter((n) => n.kind === 'endpoint' && n.attachment?.node === id && (n.addresses?.length ?? 0) > 0)
      .map(hostOf);
    if (hosts.length === 0) {
      throw new SdncError('SDNC_ERR_VALIDATION', { reason: `site ${id} has no endpoints with addresses attached to it` });
    }
    return { node: id, hosts };
  }
}

function hostOf(node: TopoNode): AttachedHost {
  if (node.attachment === undefined) {
    throw new SdncError('SDNC_ERR_VALIDATION', { reason: `endpoint ${node.id} is not attached to any switch port` });
  }
  const prefixes = (node.addresses ?? []).map((a) => parseIpPrefix(a).text);
  if (prefixes.length === 0) throw new SdncError('SDNC_ERR_VALIDATION', { reason: `endpoint ${node.id} has no IP address` });
  return {
    endpoint: node.id,
    node: node.attachment.node,
    port: node.attachment.port,
    ...(node.mac ? { mac: node.mac } : {}),
    prefixes,
  };
}
