import type { TopoLink, TopoNode } from '../model/topology.js';
import type { FakeFlowTable, FakePacket } from './fake-flow-table.js';

/** The slice of the topology the tracer walks. TopologyStore satisfies it. */
export interface TraceTopology {
  findNode(id: string): TopoNode | undefined;
  linkFromPort(node: string, port: number): TopoLink | undefined;
  nodes(): TopoNode[];
}

export interface TraceHop {
  readonly node: string;
  readonly inPort: number;
  readonly packet: FakePacket;
}

export interface TraceDelivery {
  /** Endpoint node the packet was handed to. */
  readonly endpoint: string;
  readonly node: string;
  readonly port: number;
  readonly packet: FakePacket;
}

export interface TraceDrop {
  readonly node: string;
  readonly reason: string;
}

export interface TraceResult {
  readonly hops: readonly TraceHop[];
  readonly delivered: readonly TraceDelivery[];
  readonly dropped: readonly TraceDrop[];
}

const MAX_HOPS = 64;

/**
 * "Where does this packet, entering at this node and port, end up": runs it through each switch's fake
 * table, follows every output over the topology link that leaves that port (only when the link is up
 * and the port live), and hands it to the endpoint attached to a port. Nodes without a table (no
 * datapath id) cannot forward in the fake: a packet reaching one is reported dropped there.
 */
export function tracePacket(
  topo: TraceTopology,
  tableOf: (node: TopoNode) => FakeFlowTable | undefined,
  start: { readonly node: string; readonly port: number },
  packet: FakePacket,
): TraceResult {
  const attached = new Map<string, string>();
  for (const n of topo.nodes()) if (n.attachment) attached.set(`${n.attachment.node}:${n.attachment.port}`, n.id);
  const hops: TraceHop[] = [];
  const delivered: TraceDelivery[] = [];
  const dropped: TraceDrop[] = [];
  const queue: TraceHop[] = [{ node: start.node, inPort: start.port, packet }];
  while (queue.length > 0) {
    const hop = queue.shift()!;
    if (hops.length >= MAX_HOPS) {
      dropped.push({ node: hop.node, reason: `more than ${MAX_HOPS} hops (loop?)` });
      break;
    }
    hops.push(hop);
    const node = topo.findNode(hop.node);
    const table = node === undefined ? undefined : tableOf(node);
    if (table === undefined) {
      dropped.push({ node: hop.node, reason: 'no flow table (node without datapath id)' });
      continue;
    }
    const result = table.process(hop.packet, hop.inPort);
    if (result.outputs.length === 0) dropped.push({ node: hop.node, reason: result.dropReason ?? 'dropped' });
    for (const out of result.outputs) {
      if (!table.isPortUp(out.port)) {
        dropped.push({ node: hop.node, reason: `output port ${out.port} is down` });
        continue;
      }
      const endpoint = attached.get(`${hop.node}:${out.port}`);
      if (endpoint !== undefined) {
        delivered.push({ endpoint, node: hop.node, port: out.port, packet: out.packet });
        continue;
      }
      const link = topo.linkFromPort(hop.node, out.port);
      if (link === undefined || link.dstPort === undefined) {
        dropped.push({ node: hop.node, reason: `nothing attached to port ${out.port}` });
      } else if (!link.operUp || !link.adminUp) {
        dropped.push({ node: hop.node, reason: `link ${link.id} is down` });
      } else {
        queue.push({ node: link.dst, inPort: link.dstPort, packet: out.packet });
      }
    }
  }
  return { hops, delivered, dropped };
}
