import type { FlowAction } from '../model/flow.js';
import type { Path } from '../model/path.js';
import type { TopoLink, TopoNode } from '../model/topology.js';
import { type CrankbackHop, needsCrankback } from './crankback-compiler.js';
import type { AttachedHost } from './endpoint-resolver.js';
import type { IntentFailure } from './intent-types.js';

/*
 * What a direction's tunnel is made of, looked up in the topology: the switches and ports along its
 * paths (once per path object and topology version), every reason it cannot be programmed, and the key
 * that tells two directions with the same tunnel rules apart from the others (intent-compiler.ts makes
 * the rules, tunnel-registry.ts shares them).
 */

/** What the compiler needs to know about the topology. TopologyStore satisfies it. */
export interface CompileTopology {
  findNode(id: string): TopoNode | undefined;
  findLink(id: string): TopoLink | undefined;
  /**
   * Counters that change whenever a node or link is added, removed or changed (as TopologyStore's):
   * what compiling looks up for a path is reused while both are unchanged. Optional: without them
   * every path is looked up again.
   */
  readonly shapeVersion?: number;
  readonly attrVersion?: number;
}

/** Why a direction cannot be programmed (the message says why); compiling turns it into not-programmable. */
export class NotProgrammable extends Error {}

/**
 * What a direction's tunnel is made of: the ingress switch and the ports of its paths, checked (every
 * reason the direction cannot be programmed is found here, before any label is taken).
 */
export interface TunnelShape {
  readonly ingress: string;
  readonly primary: PathPorts;
  readonly backup: PathPorts | undefined;
  readonly hasLinks: boolean;
  readonly primaryOut: number;
  /** Port of the backup at the ingress when it leaves on another one (fast-failover there). */
  readonly backupOut: number | undefined;
}

export type TunnelPlan =
  | {
      readonly ok: true;
      readonly shape: TunnelShape;
      /** Equal for directions whose tunnel rules are equal (apart from the labels): they share a tunnel. */
      readonly key: string;
      /** Whether the tunnel gets local repair, so a crankback label (crankback-compiler.ts). */
      readonly crankback: boolean;
    }
  | { readonly ok: false; readonly reason: IntentFailure };

/**
 * Plans the tunnel of a direction from `primary` (and `backup`) to the hosts `to`: its shape and its key.
 * Two directions with the same key have the same tunnel rules once given the same labels.
 */
export function planTunnel(
  topo: CompileTopology,
  primary: Path,
  backup: Path | undefined,
  to: readonly AttachedHost[],
): TunnelPlan {
  try {
    const shape = shapeOf(topo, primary, backup);
    const crankback = needsCrankback(primary, backup);
    return { ok: true, shape, key: tunnelKey(shape, to, crankback), crankback };
  } catch (err) {
    if (err instanceof NotProgrammable) return { ok: false, reason: { code: 'not-programmable', message: err.message } };
    throw err;
  }
}

/** A programmable switch after the first node of a path: where the path enters and leaves it. */
export interface Hop extends CrankbackHop {
  /** outPort is 0 at the last node (it delivers). [output outPort], shared by every rule that forwards there (rules are values, never changed). */
  readonly out: readonly FlowAction[];
}

/**
 * What compiling reads of the topology for one path, looked up once per path and topology version
 * (every intent planned on the same path reuses it). Lookups that fail are kept as the error compiling
 * would raise at that point, so the rules and the errors are exactly those of looking everything up.
 */
export interface PathPorts {
  /** The topology and its versions this was looked up in (or last found unchanged in). */
  readonly topo: CompileTopology;
  shape: number | undefined;
  attr: number | undefined;
  /** Datapath id of the first node (undefined: none). */
  readonly first: string | undefined;
  /** Port of the first link at the first node; why not, when it cannot be known. */
  readonly firstOut: number | undefined;
  readonly firstOutError: ((node: string) => string) | undefined;
  /** Programmable transit switches in path order, then the egress (last). */
  readonly transit: readonly Hop[];
  readonly egress: Hop | undefined;
  /** The first failure label switching along this path hits. */
  readonly switchError: string | undefined;
  /** [output firstOut], made on first use. */
  firstOutput: FlowAction | undefined;
  /** The switches and ports of the path as text (see portsKey), made on first use. */
  key: string | undefined;
  /**
   * Tunnel keys of directions with this primary, by backup (null: none), then by their hosts array:
   * directions planned on the same path objects to the same resolution get the same string object,
   * hashed once.
   */
  tunnelKeys: Map<PathPorts | null, WeakMap<readonly AttachedHost[], string>> | undefined;
}

const portsByPath = new WeakMap<Path, PathPorts>();

function pathPorts(topo: CompileTopology, path: Path): PathPorts {
  const shape = topo.shapeVersion;
  const attr = topo.attrVersion;
  const known = portsByPath.get(path);
  if (known !== undefined && shape !== undefined && known.topo === topo) {
    if (known.shape === shape && known.attr === attr) return known;
    // Most attribute changes are bookings and measurements, not ports: when every lookup still finds
    // what it found, the same object (and what is remembered on it, as tunnel keys) stays valid.
    if (portsUnchanged(topo, path, known)) {
      known.shape = shape;
      known.attr = attr;
      return known;
    }
  }
  const p = resolvePorts(topo, path, shape, attr);
  if (shape !== undefined) portsByPath.set(path, p);
  return p;
}

/** Whether looking the path up again would find exactly `known` (a lookup that failed is never trusted). */
function portsUnchanged(topo: CompileTopology, path: Path, known: PathPorts): boolean {
  if (known.firstOutError !== undefined || known.switchError !== undefined) return false;
  const nodes = path.nodes;
  const links = path.links;
  if (topo.findNode(nodes[0])?.datapathId !== known.first) return false;
  if (links.length > 0 && topo.findLink(links[0])?.srcPort !== known.firstOut) return false;
  const last = nodes.length - 1;
  let t = 0;
  for (let i = 1; i <= last && links.length > 0; i++) {
    const device = topo.findNode(nodes[i])?.datapathId;
    const hop = i < last ? known.transit[t] : known.egress;
    if (device === undefined) {
      if (i === last) return false;
      continue;
    }
    if (hop === undefined || hop.device !== device) return false;
    if (topo.findLink(links[i - 1])?.dstPort !== hop.inPort) return false;
    if (i < last) {
      if (topo.findLink(links[i])?.srcPort !== hop.outPort) return false;
      t++;
    }
  }
  return t === known.transit.length;
}

function resolvePorts(topo: CompileTopology, path: Path, shape: number | undefined, attr: number | undefined): PathPorts {
  const nodes = path.nodes;
  const links = path.links;
  const first = topo.findNode(nodes[0])?.datapathId;
  let firstOut: number | undefined;
  let firstOutError: ((node: string) => string) | undefined;
  if (links.length > 0) {
    const id = links[0];
    const l = topo.findLink(id);
    if (l === undefined) firstOutError = () => `link ${id} no longer exists`;
    else if (l.srcPort === undefined) firstOutError = (node) => `link ${id} has no port number at ${node}`;
    else firstOut = l.srcPort;
  }
  const transit: Hop[] = [];
  let egress: Hop | undefined;
  let switchError: string | undefined;
  const last = nodes.length - 1;
  try {
    // Each link is looked up once: the link a hop leaves on is the one the next hop enters on.
    let entering = links.length > 0 ? topo.findLink(links[0]) : undefined;
    for (let i = 1; i <= last && links.length > 0; i++) {
      const node = nodes[i];
      const leaving = i < last ? topo.findLink(links[i]) : undefined;
      const device = i === last ? datapathOf(topo, node, 'egress') : topo.findNode(node)?.datapathId;
      if (device !== undefined) {
        const inPort = inPortOf(entering, links[i - 1], node);
        if (i < last) {
          const port = outPort(leaving, links[i], node);
          transit.push({ device, inPort, outPort: port, out: outputOn(port) });
        } else {
          egress = { device, inPort, outPort: 0, out: NO_ACTIONS };
        }
      }
      entering = leaving;
    }
  } catch (err) {
    if (!(err instanceof NotProgrammable)) throw err;
    switchError = err.message;
  }
  return {
    topo,
    shape,
    attr,
    first,
    firstOut,
    firstOutError,
    transit,
    egress,
    switchError,
    firstOutput: undefined,
    key: undefined,
    tunnelKeys: undefined,
  };
}

/** The switches and ports label switching along a path uses, as text (once per path and topology version). */
function portsKey(p: PathPorts): string {
  let k = p.key;
  if (k === undefined) {
    k = `${p.first}:${p.firstOut ?? ''}`;
    for (const h of p.transit) k += `>${h.device}:${h.inPort}:${h.outPort}`;
    if (p.egress !== undefined) k += `>${p.egress.device}:${p.egress.inPort}`;
    p.key = k;
  }
  return k;
}

/** The key of a direction's tunnel: the ports of its paths, its hosts and whether it has crankback. */
function tunnelKey(shape: TunnelShape, to: readonly AttachedHost[], crankback: boolean): string {
  const p = shape.primary;
  const b = shape.backup ?? null;
  let byBackup = p.tunnelKeys;
  if (byBackup === undefined) {
    byBackup = new Map();
    p.tunnelKeys = byBackup;
  }
  let byHosts = byBackup.get(b);
  if (byHosts === undefined) {
    byHosts = new WeakMap();
    byBackup.set(b, byHosts);
  }
  let k = byHosts.get(to);
  if (k === undefined) {
    // Flattened once here, so every lookup with it hashes a flat string.
    k = `${portsKey(p)}#${b === null ? '' : portsKey(b)}#${hostsKey(to)}${crankback ? '#cb' : ''}`;
    byHosts.set(to, k);
  }
  return k;
}

const hostKeys = new WeakMap<readonly AttachedHost[], string>();

/** Where and how the egress delivers to these hosts, as text (once per hosts array: resolutions are reused). */
function hostsKey(hosts: readonly AttachedHost[]): string {
  let k = hostKeys.get(hosts);
  if (k === undefined) {
    k = hosts.map((h) => `${h.node}/${h.port}/${h.mac ?? ''}/${h.prefixes.join(',')}`).join(' ');
    hostKeys.set(hosts, k);
  }
  return k;
}

/**
 * Looks up and checks a direction's paths, raising the first reason it cannot be programmed: the
 * ingress has no datapath id, a first port is unknown, a switch along a path cannot label-switch.
 */
export function shapeOf(topo: CompileTopology, primaryPath: Path, backupPath: Path | undefined): TunnelShape {
  const ingressNode = primaryPath.nodes[0];
  const primary = pathPorts(topo, primaryPath);
  const ingress = primary.first;
  if (ingress === undefined)
    throw new NotProgrammable(`ingress node ${ingressNode} has no datapath id: no switch can classify or deliver there`);
  const hasLinks = primaryPath.links.length > 0;
  const backup = backupPath && backupPath.links.length > 0 ? pathPorts(topo, backupPath) : undefined;
  if (!hasLinks) return { ingress, primary, backup: undefined, hasLinks, primaryOut: 0, backupOut: undefined };
  const primaryOut = firstOutOf(primary, ingressNode);
  const b = backup === undefined ? undefined : firstOutOf(backup, ingressNode);
  if (primary.switchError !== undefined) throw new NotProgrammable(primary.switchError);
  if (backup?.switchError !== undefined) throw new NotProgrammable(backup.switchError);
  return { ingress, primary, backup, hasLinks, primaryOut, backupOut: b === primaryOut ? undefined : b };
}

const NO_ACTIONS: readonly FlowAction[] = [];

/** [output port], one array per port number for every hop (rules are values, never changed). */
const outputs: (readonly FlowAction[])[] = [];

function outputOn(port: number): readonly FlowAction[] {
  let out = outputs[port];
  if (out === undefined) {
    out = [{ type: 'output', port }];
    // Port numbers are small (OpenFlow's are 32 bits, but a switch numbers its ports from 1): only those
    // are kept, the rest made per hop.
    if (port >= 0 && port < 4096) outputs[port] = out;
  }
  return out;
}

/** [output port] at the first node of a path: one object per path and topology version. */
export function outputTo(p: PathPorts, port: number): FlowAction {
  let out = p.firstOutput;
  if (out === undefined) {
    out = { type: 'output', port };
    p.firstOutput = out;
  }
  return out;
}

function firstOutOf(p: PathPorts, ingressNode: string): number {
  if (p.firstOutError !== undefined) throw new NotProgrammable(p.firstOutError(ingressNode));
  return p.firstOut as number;
}

function datapathOf(topo: CompileTopology, nodeId: string, role: string): string {
  const dp = topo.findNode(nodeId)?.datapathId;
  if (dp === undefined)
    throw new NotProgrammable(`${role} node ${nodeId} has no datapath id: no switch can classify or deliver there`);
  return dp;
}

/** The port `link` (`linkId` as looked up) leaves `node` on. */
function outPort(link: TopoLink | undefined, linkId: string, node: string): number {
  if (link === undefined) throw new NotProgrammable(`link ${linkId} no longer exists`);
  if (link.srcPort === undefined) throw new NotProgrammable(`link ${linkId} has no port number at ${node}`);
  return link.srcPort;
}

/** The port `link` (`linkId` as looked up) enters `node` on. */
function inPortOf(link: TopoLink | undefined, linkId: string, node: string): number {
  if (link === undefined) throw new NotProgrammable(`link ${linkId} no longer exists`);
  if (link.dstPort === undefined) throw new NotProgrammable(`link ${linkId} has no port number at ${node}`);
  return link.dstPort;
}
