import { randomBytes } from 'node:crypto';
import type { Driver, DriverEvent, PortInfo } from '../../flow/driver.js';
import type { ControlChannelRtt, DiscoveredLink, DiscoveryEvent, DiscoveryListener, LinkLostReason } from './discovery-event.js';
import { HostTracker } from './host-tracker.js';
import { controlDelayMs, LatencyEstimator, probeDelayMs } from './latency-estimator.js';
import { buildLldpProbe, isLldpFrame, parseLldp } from './lldp-frame.js';

export interface LinkDiscoveryOptions {
  /** Probe period per port. */
  readonly intervalMs?: number;
  /** A link is lost after this many probe periods without a probe crossing it. */
  readonly missedProbes?: number;
  /** Latency/jitter changes smaller than this are not re-reported (avoids an event per probe). */
  readonly reportThresholdMs?: number;
  /** Gap between the quick probes that collect a new link's first latency samples. */
  readonly warmupProbeGapMs?: number;
  /** Monotonic clock in ns; injectable for tests. */
  readonly clockNs?: () => bigint;
  readonly log?: (msg: string, details?: Record<string, unknown>) => void;
}

interface PortState {
  readonly number: number;
  readonly mac: string;
  up: boolean;
}

interface LinkState {
  readonly link: DiscoveredLink;
  readonly estimator: LatencyEstimator;
  lastSeenNs: bigint;
  /** Null until the estimator is warm. */
  reportedLatencyMs: number | null;
  reportedJitterMs: number | null;
  /** Quick probes sent for warm-up; bounded so that a switch whose RTT never becomes known is not flooded. */
  warmupProbes: number;
}

/** OpenFlow 1.3 section 7.2.1: numbers above OFPP_MAX (0xffffff00) are reserved ports, never probed. */
const OFPP_MAX = 0xffffff00;
/** Quick warm-up probes per link (the estimator needs 5 samples; RTTs become known ~0.2 s after a connect). */
const MAX_WARMUP_PROBES = 20;

/**
 * LLDP link discovery and latency measurement over any Driver that can packet-out and report
 * packet-ins (the OpenFlow driver; a P4Runtime driver with a punt path works the same way).
 *
 * Every `intervalMs` a probe leaves each up port of each connected device; a probe arriving at another
 * device's port proves the directed link src -> dst and yields a latency sample (see
 * latency-estimator.ts). Links are lost after `missedProbes` silent periods, on port down, or when
 * either device disconnects. Frames from ports without a discovered link feed host discovery.
 *
 * Probes of one period are spread evenly over it rather than sent in one burst: a burst queues in the
 * switches (Open vSwitch executes packet-outs and builds packet-ins one after the other) and in the
 * controller, and the last probes of a burst measured several ms more than the first on the same
 * links. A link is reported on its first probe with latency null; its source port is then probed
 * again every `warmupProbeGapMs` until the estimator has its warm-up samples, so the first latency
 * follows within a few tens of ms instead of a few probe periods. A sample is only taken when both
 * switches have a control-channel RTT (a probe with an unknown correction would be an upper bound
 * only; a driver without any RTT source gives uncorrected samples).
 */
export class LinkDiscoveryService {
  /** Random per process: probes of another instance carry an incomparable clock and are ignored. */
  readonly instance = randomBytes(8).toString('hex');
  private readonly ports = new Map<string, Map<number, PortState>>();
  /** Keyed by the source end "device/port": one port has at most one peer. */
  private readonly links = new Map<string, LinkState>();
  private readonly listeners = new Set<DiscoveryListener>();
  private readonly hosts = new HostTracker();
  private readonly intervalMs: number;
  private readonly missedProbes: number;
  private readonly thresholdMs: number;
  private readonly warmupGapMs: number;
  private readonly clockNs: () => bigint;
  /** Probes scheduled within the current period and warm-up re-probes, keyed by "device/port". */
  private readonly scheduled = new Map<string, NodeJS.Timeout>();
  private readonly log: (msg: string, details?: Record<string, unknown>) => void;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly rtt: ControlChannelRtt | undefined,
    opts: LinkDiscoveryOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.missedProbes = opts.missedProbes ?? 3;
    this.thresholdMs = opts.reportThresholdMs ?? 0.05;
    this.warmupGapMs = opts.warmupProbeGapMs ?? 100;
    this.clockNs = opts.clockNs ?? (() => process.hrtime.bigint());
    this.log = opts.log ?? (() => {});
  }

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.driver.subscribe((e) => this.onDriverEvent(e));
    for (const device of this.driver.connectedDevices()) if (!this.ports.has(device)) this.ports.set(device, new Map());
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const t of this.scheduled.values()) clearTimeout(t);
    this.scheduled.clear();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  subscribe(listener: DiscoveryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Links currently believed up, with their latest estimate. */
  discoveredLinks(): Array<DiscoveredLink & { latencyMs: number | null; jitterMs: number | null }> {
    return [...this.links.values()].map((l) => ({ ...l.link, latencyMs: l.reportedLatencyMs, jitterMs: l.reportedJitterMs }));
  }

  /** One probe period: expire silent links, then probe every up port, spread evenly over the period. */
  tick(): void {
    this.expire();
    const due: Array<[string, number]> = [];
    for (const [device, ports] of this.ports) for (const p of ports.values()) if (p.up) due.push([device, p.number]);
    const gapMs = this.intervalMs / Math.max(1, due.length);
    for (const [i, [device, port]] of due.entries()) this.probeLater(device, port, i * gapMs);
  }

  probeAll(): void {
    for (const [device, ports] of this.ports) {
      for (const p of ports.values()) if (p.up) this.probe(device, p);
    }
  }

  expire(): void {
    const limitNs = BigInt(Math.round(this.intervalMs * this.missedProbes * 1e6));
    const now = this.clockNs();
    for (const l of [...this.links.values()]) if (now - l.lastSeenNs > limitNs) this.lose(l.link, 'probe-timeout');
  }

  onDriverEvent(e: DriverEvent): void {
    switch (e.type) {
      case 'device-connected': {
        this.ports.set(e.device, new Map(e.ports.filter(probeable).map((p) => [p.number, portState(p)])));
        // Probe right away so links appear within one round trip of a (re)connect.
        for (const p of this.ports.get(e.device)!.values()) if (p.up) this.probe(e.device, p);
        break;
      }
      case 'device-disconnected':
        this.ports.delete(e.device);
        this.hosts.forgetDevice(e.device);
        for (const l of [...this.links.values()]) {
          if (l.link.srcDevice === e.device || l.link.dstDevice === e.device) this.lose(l.link, 'device-disconnected');
        }
        break;
      case 'port-status':
        this.onPortStatus(e.device, e.port, e.reason);
        break;
      case 'packet-in':
        this.onPacketIn(e.device, e.inPort, e.frame);
        break;
    }
  }

  private onPortStatus(device: string, port: PortInfo, reason: 'add' | 'delete' | 'modify'): void {
    const ports = this.ports.get(device);
    if (!ports || !probeable(port)) return;
    const gone = reason === 'delete' || !port.up;
    if (reason === 'delete') ports.delete(port.number);
    else ports.set(port.number, portState(port));
    if (gone) {
      for (const l of [...this.links.values()]) {
        const touches =
          (l.link.srcDevice === device && l.link.srcPort === port.number) ||
          (l.link.dstDevice === device && l.link.dstPort === port.number);
        if (touches) this.lose(l.link, 'port-down');
      }
    } else {
      this.probe(device, ports.get(port.number)!);
    }
  }

  private onPacketIn(device: string, inPort: number, frame: Buffer): void {
    const receivedNs = this.clockNs();
    if (isLldpFrame(frame)) {
      const parsed = parseLldp(frame);
      if (parsed.kind === 'probe' && parsed.probe.instance === this.instance) {
        this.onProbe(
          { srcDevice: parsed.probe.datapathId, srcPort: parsed.probe.port, dstDevice: device, dstPort: inPort },
          parsed.probe.sendTimeNs,
          receivedNs,
        );
      }
      return;
    }
    if (this.isLinkPort(device, inPort)) return;
    const sighting = this.hosts.observe(device, inPort, frame);
    if (sighting) this.emit({ type: 'host-seen', ...sighting });
  }

  private onProbe(link: DiscoveredLink, sentNs: bigint, receivedNs: bigint): void {
    // A probe from a port we no longer consider up is stale (sent before the port went down).
    if (!this.ports.get(link.srcDevice)?.get(link.srcPort)?.up) return;
    const key = endKey(link.srcDevice, link.srcPort);
    let state = this.links.get(key);
    if (state && (state.link.dstDevice !== link.dstDevice || state.link.dstPort !== link.dstPort)) {
      this.lose(state.link, 'recabled');
      state = undefined;
    }
    const firstSeen = state === undefined;
    if (!state) {
      state = {
        link,
        estimator: new LatencyEstimator(),
        lastSeenNs: receivedNs,
        reportedLatencyMs: null,
        reportedJitterMs: null,
        warmupProbes: 0,
      };
      this.links.set(key, state);
    }
    state.lastSeenNs = receivedNs;
    const control = this.controlDelay(link);
    const est =
      control === undefined ? state.estimator.estimate() : state.estimator.addSample(probeDelayMs(sentNs, receivedNs), control);
    if (!state.estimator.warm && state.warmupProbes < MAX_WARMUP_PROBES) {
      state.warmupProbes++;
      this.probeLater(link.srcDevice, link.srcPort, this.warmupGapMs);
    }
    const moved =
      est !== undefined &&
      (state.reportedLatencyMs === null ||
        state.reportedJitterMs === null ||
        Math.abs(est.latencyMs - state.reportedLatencyMs) >= this.thresholdMs ||
        Math.abs(est.jitterMs - state.reportedJitterMs) >= this.thresholdMs);
    if (firstSeen || moved) {
      state.reportedLatencyMs = est?.latencyMs ?? null;
      state.reportedJitterMs = est?.jitterMs ?? null;
      this.emit({
        type: 'link-discovered',
        ...link,
        firstSeen,
        latencyMs: state.reportedLatencyMs,
        jitterMs: state.reportedJitterMs,
      });
    }
  }

  /** The control-channel delay to subtract from a probe on this link; undefined while either RTT is unknown. */
  private controlDelay(link: DiscoveredLink): number | undefined {
    if (!this.rtt) return 0;
    const srcRtt = this.rtt.echoRttMs(link.srcDevice);
    const dstRtt = this.rtt.echoRttMs(link.dstDevice);
    if (srcRtt === undefined || dstRtt === undefined) return undefined;
    return controlDelayMs(srcRtt, dstRtt);
  }

  /** Probe one port after `delayMs` (at most one pending probe per port); the port must still be up then. */
  private probeLater(device: string, port: number, delayMs: number): void {
    const key = endKey(device, port);
    if (this.scheduled.has(key)) return;
    const probeIfUp = () => {
      const p = this.ports.get(device)?.get(port);
      if (p?.up) this.probe(device, p);
    };
    if (delayMs <= 0) {
      probeIfUp();
      return;
    }
    const timer = setTimeout(() => {
      this.scheduled.delete(key);
      probeIfUp();
    }, delayMs);
    timer.unref();
    this.scheduled.set(key, timer);
  }

  private probe(device: string, port: PortState): void {
    const frame = buildLldpProbe({
      datapathId: device,
      port: port.number,
      srcMac: port.mac,
      instance: this.instance,
      sendTimeNs: this.clockNs(),
    });
    this.driver.packetOut(device, port.number, frame).catch((err: unknown) => {
      this.log('LLDP probe not sent', { device, port: port.number, error: err instanceof Error ? err.message : String(err) });
    });
  }

  private isLinkPort(device: string, port: number): boolean {
    if (this.links.has(endKey(device, port))) return true;
    for (const l of this.links.values()) if (l.link.dstDevice === device && l.link.dstPort === port) return true;
    return false;
  }

  private lose(link: DiscoveredLink, reason: LinkLostReason): void {
    if (!this.links.delete(endKey(link.srcDevice, link.srcPort))) return;
    this.emit({ type: 'link-lost', ...link, reason });
  }

  private emit(e: DiscoveryEvent): void {
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        this.log('discovery listener failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}

function probeable(p: PortInfo): boolean {
  return p.number > 0 && p.number < OFPP_MAX;
}

function portState(p: PortInfo): PortState {
  return {
    number: p.number,
    mac: /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(p.mac) ? p.mac.toLowerCase() : '00:00:00:00:00:00',
    up: p.up,
  };
}

function endKey(device: string, port: number): string {
  return `${device}/${port}`;
}
