import type { ControllerEvent } from '../model/events.js';
import type { TopoLink, TopoNode } from '../model/topology.js';

/** What the health view reads from the topology (TopologyStore satisfies it). */
export interface HealthTopology {
  findLink(id: string): TopoLink | undefined;
  findNode(id: string): TopoNode | undefined;
  nodes(): TopoNode[];
  links(): TopoLink[];
}

export interface DataPlaneHealthOptions {
  /**
   * After a (re)start, how long a switch that has not connected yet is presumed to keep forwarding
   * with the rules it had: intents through it are left as stored. Default 30 s.
   */
  readonly startupGraceMs?: number;
  /**
   * How long both ends of a link lost during a control-channel outage must be connected again before
   * its continued absence counts as a data-plane failure: enough for link discovery to see it again
   * (three probe periods of one second by default). Default 3 s.
   */
  readonly linkConfirmMs?: number;
  readonly now?: () => number;
  /** Called when a deadline passed and a judgement may have changed (grace over, reconnect confirmed). */
  readonly onDeadline?: () => void;
}

/**
 * Which network elements have failed *in the data plane*, as opposed to merely being out of the
 * controller's reach. A switch whose control connection is down keeps forwarding with the rules it has
 * (OpenFlow 1.3 section 6.3.4, fail secure mode: the switch keeps its flow entries and drops only what
 * would have gone to the controller), so a disconnection alone never breaks a path. Evidence of a
 * data-plane failure is:
 *  - a link administratively down, or removed from the topology;
 *  - a link that went operationally down while both of its switches were connected (port status or
 *    link-discovery loss seen by the switches themselves);
 *  - a link down whose connected end reports its port down;
 *  - a link lost when a switch disconnected and not seen again `linkConfirmMs` after both ends are
 *    connected again;
 *  - a switch that has not connected once since the controller started, after `startupGraceMs`.
 * Events must be fed in bus order (observe) so the cause of each link going down is recorded when it
 * happens.
 */
export class DataPlaneHealth {
  private readonly startedAt: number;
  private readonly graceMs: number;
  private readonly confirmMs: number;
  private readonly now: () => number;
  private readonly everConnected = new Set<string>();
  /** Switch nodes connected right now, with the time they connected. */
  private readonly connectedSince = new Map<string, number>();
  /** Switch nodes not connected right now, and their datapath ids. */
  private readonly unreachable = new Set<string>();
  private readonly unreachableDevices = new Set<string>();
  /** Links down, with whether both ends were connected when they went down. */
  private readonly downCause = new Map<string, 'data-plane' | 'control-plane'>();
  private readonly removedLinks = new Set<string>();
  private readonly removedNodes = new Set<string>();
  private readonly datapathOf = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly topo: HealthTopology,
    private readonly opts: DataPlaneHealthOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.graceMs = opts.startupGraceMs ?? 30_000;
    this.confirmMs = opts.linkConfirmMs ?? 3_000;
    this.startedAt = this.now();
    for (const n of topo.nodes()) this.observeNode(n);
    for (const l of topo.links()) if (!l.operUp) this.downCause.set(l.id, 'control-plane');
    if ([...this.unreachable].some((n) => !this.everConnected.has(n))) this.wakeAfter(this.graceMs);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Whether the start-up grace is over. */
  graceOver(): boolean {
    return this.now() - this.startedAt >= this.graceMs;
  }

  /** Switch nodes the controller cannot program right now: a move of traffic must not rely on them. */
  unreachableNodes(): readonly string[] {
    return [...this.unreachable];
  }

  /** Whether the switch with this datapath id is connected (or not known to be disconnected). */
  deviceReachable(datapathId: string): boolean {
    return !this.unreachableDevices.has(datapathId);
  }

  observe(e: ControllerEvent): void {
    switch (e.type) {
      case 'node-added':
      case 'node-updated':
        this.removedNodes.delete(e.node.id);
        this.observeNode(e.node);
        break;
      case 'node-removed': {
        const dpid = this.datapathOf.get(e.id);
        if (dpid !== undefined) this.unreachableDevices.delete(dpid);
        this.removedNodes.add(e.id);
        this.connectedSince.delete(e.id);
        this.unreachable.delete(e.id);
        break;
      }
      case 'link-added':
        this.removedLinks.delete(e.link.id);
        this.observeLink(e.link);
        break;
      case 'link-updated':
        this.observeLink(e.link);
        break;
      case 'link-removed':
        this.removedLinks.add(e.id);
        this.downCause.delete(e.id);
        break;
      default:
        break;
    }
  }

  linkBroken(id: string): boolean {
    const l = this.topo.findLink(id);
    // A discovered link is only known again once discovery sees it after a restart.
    if (!l) return this.removedLinks.has(id) || this.graceOver();
    if (!l.adminUp) return true;
    if (l.operUp) return false;
    if (this.downCause.get(id) === 'data-plane') return true;
    if (this.portDown(l.src, l.srcPort) || this.portDown(l.dst, l.dstPort)) return true;
    const a = this.connectedAt(l.src);
    const b = this.connectedAt(l.dst);
    return a !== undefined && b !== undefined && this.now() - Math.max(a, b) >= this.confirmMs;
  }

  nodeBroken(id: string): boolean {
    const n = this.topo.findNode(id);
    // A switch only discovery knows about exists again once it connected after a restart.
    if (!n) return this.removedNodes.has(id) || this.graceOver();
    if (n.datapathId === undefined) return !n.operUp;
    if (n.operUp) return false;
    return !this.everConnected.has(id) && this.graceOver();
  }

  private observeNode(n: TopoNode): void {
    if (n.datapathId === undefined) return;
    this.datapathOf.set(n.id, n.datapathId);
    if (!n.operUp) {
      this.connectedSince.delete(n.id);
      this.unreachable.add(n.id);
      this.unreachableDevices.add(n.datapathId);
      return;
    }
    if (this.connectedSince.has(n.id)) return;
    this.connectedSince.set(n.id, this.now());
    this.everConnected.add(n.id);
    this.unreachable.delete(n.id);
    this.unreachableDevices.delete(n.datapathId);
    // Links lost while it was away are judged once discovery had time to see them again.
    if (this.downCause.size > 0) this.wakeAfter(this.confirmMs);
  }

  private observeLink(l: TopoLink): void {
    if (l.operUp) {
      this.downCause.delete(l.id);
    } else if (!this.downCause.has(l.id)) {
      const both = this.connectedAt(l.src) !== undefined && this.connectedAt(l.dst) !== undefined;
      this.downCause.set(l.id, both ? 'data-plane' : 'control-plane');
    }
  }

  /** When the node's switch connected; -Infinity for a node without a switch that is up. */
  private connectedAt(id: string): number | undefined {
    const n = this.topo.findNode(id);
    if (!n) return undefined;
    if (n.datapathId === undefined) return n.operUp ? Number.NEGATIVE_INFINITY : undefined;
    return this.connectedSince.get(id);
  }

  /** A connected switch reports this port down (OpenFlow 1.3 section 7.2.1: OFPPS_LINK_DOWN). */
  private portDown(node: string, port: number | undefined): boolean {
    if (port === undefined || this.connectedAt(node) === undefined) return false;
    const p = this.topo.findNode(node)?.ports?.find((x) => x.number === port);
    return p !== undefined && !p.up;
  }

  private wakeAfter(ms: number): void {
    const onDeadline = this.opts.onDeadline;
    if (!onDeadline) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      onDeadline();
    }, ms + 1);
    t.unref();
    this.timers.add(t);
  }
}
