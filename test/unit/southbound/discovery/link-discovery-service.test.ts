import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Driver, DriverEvent, DriverListener, PortInfo } from '../../../../src/flow/driver.js';
import type { DeviceState } from '../../../../src/model/flow.js';
import type { DiscoveryEvent } from '../../../../src/southbound/discovery/discovery-event.js';
import { LinkDiscoveryService } from '../../../../src/southbound/discovery/link-discovery-service.js';
import { parseLldp } from '../../../../src/southbound/discovery/lldp-frame.js';

/** Two fake switches; wires are (device, port) <-> (device, port); packet-outs cross wires after `delayNs`. */
class WiredFakeDriver implements Driver {
  readonly protocol = 'fake';
  readonly sent: Array<{ device: string; port: number; frame: Buffer }> = [];
  private readonly listeners = new Set<DriverListener>();
  private readonly connected = new Set<string>();
  wires = new Map<string, [string, number]>();
  delayNs = 0n;
  constructor(private readonly clock: { now: bigint }) {}
  connectedDevices(): string[] {
    return [];
  }
  isConnected(): boolean {
    return true;
  }
  async apply(): Promise<void> {}
  async readState(): Promise<DeviceState> {
    return { flows: [], groups: [], meters: [] };
  }
  async packetOut(device: string, port: number, frame: Buffer): Promise<void> {
    this.sent.push({ device, port, frame });
    const peer = this.wires.get(`${device}/${port}`);
    // Like a real driver: no packet-in from a device before its device-connected event.
    if (!peer || !this.connected.has(peer[0])) return;
    this.clock.now += this.delayNs;
    this.emit({ type: 'packet-in', device: peer[0], inPort: peer[1], frame });
  }
  subscribe(l: DriverListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: DriverEvent): void {
    if (e.type === 'device-connected') this.connected.add(e.device);
    if (e.type === 'device-disconnected') this.connected.delete(e.device);
    for (const l of this.listeners) l(e);
  }
  wire(a: string, pa: number, b: string, pb: number): void {
    this.wires.set(`${a}/${pa}`, [b, pb]);
    this.wires.set(`${b}/${pb}`, [a, pa]);
  }
}

const A = '000000000000000a';
const B = '000000000000000b';
const port = (n: number, up = true): PortInfo => ({ number: n, name: `p${n}`, mac: `02:00:00:00:00:0${n}`, up });

function setup(rtt: Record<string, number> = {}) {
  const clock = { now: 1_000_000_000n };
  const driver = new WiredFakeDriver(clock);
  const svc = new LinkDiscoveryService(
    driver,
    { echoRttMs: (d) => rtt[d] },
    { intervalMs: 1000, missedProbes: 3, clockNs: () => clock.now },
  );
  const events: DiscoveryEvent[] = [];
  svc.subscribe((e) => events.push(e));
  svc.start();
  return { clock, driver, svc, events };
}

describe('LinkDiscoveryService', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('probes every up, non-reserved port of a connecting device with our LLDP frame', () => {
    const { driver, svc } = setup();
    driver.emit({ type: 'device-connected', device: A, ports: [port(1), port(2, false), { ...port(3), number: 0xfffffffe }] });
    expect(driver.sent.map((s) => s.port)).toEqual([1]);
    const parsed = parseLldp(driver.sent[0].frame);
    expect(parsed).toMatchObject({ kind: 'probe', probe: { datapathId: A, port: 1, instance: svc.instance } });
    svc.stop();
  });

  it('discovers both directions of a wire at once, latency corrected by half of each RTT after quick warm-up probes', () => {
    vi.useFakeTimers();
    const { driver, svc, events } = setup({ [A]: 2, [B]: 4 });
    driver.wire(A, 1, B, 7);
    driver.delayNs = 8_000_000n; // 8 ms probe delay -> 8 - 1 - 2 = 5 ms
    driver.emit({ type: 'device-connected', device: A, ports: [port(1)] });
    driver.emit({ type: 'device-connected', device: B, ports: [port(7)] });
    const BA = { srcDevice: B, srcPort: 7, dstDevice: A, dstPort: 1 };
    expect(events).toEqual([{ type: 'link-discovered', ...BA, firstSeen: true, latencyMs: null, jitterMs: null }]);
    svc.probeAll();
    expect(events.filter((e) => e.type === 'link-discovered' && e.firstSeen)).toHaveLength(2);
    // Warm-up: 100 ms apart until the estimator has its 5 samples, well before the next period.
    vi.advanceTimersByTime(500);
    expect(events.filter((e) => e.type === 'link-discovered' && !e.firstSeen)).toEqual([
      { type: 'link-discovered', ...BA, firstSeen: false, latencyMs: 5, jitterMs: 0 },
      {
        type: 'link-discovered',
        srcDevice: A,
        srcPort: 1,
        dstDevice: B,
        dstPort: 7,
        firstSeen: false,
        latencyMs: 5,
        jitterMs: 0,
      },
    ]);
    expect(svc.discoveredLinks().map((l) => l.latencyMs)).toEqual([5, 5]);
    // Same delay again: no change worth reporting, and no more warm-up probes.
    const before = { events: events.length, sent: driver.sent.length };
    vi.advanceTimersByTime(400);
    svc.probeAll();
    expect(events.length).toBe(before.events);
    expect(driver.sent.length).toBe(before.sent + 2);
    svc.stop();
  });

  it('spreads the probes of one period evenly over it instead of sending a burst', () => {
    vi.useFakeTimers();
    const { driver, svc } = setup();
    driver.emit({ type: 'device-connected', device: A, ports: [port(1), port(2), port(3), port(4)] });
    driver.sent.length = 0;
    const sentAt: number[] = [];
    for (let t = 0; t < 1950; t += 50) {
      vi.advanceTimersByTime(50);
      while (sentAt.length < driver.sent.length) sentAt.push(t + 50);
    }
    // The period starts at 1000 ms; 4 ports -> one probe every 250 ms.
    expect(driver.sent.map((s) => s.port)).toEqual([1, 2, 3, 4]);
    expect(sentAt).toEqual([1000, 1250, 1500, 1750]);
    svc.stop();
  });

  it('takes no latency sample while a switch has no control-channel RTT, and bounds its warm-up probes', () => {
    vi.useFakeTimers();
    const { driver, svc, events } = setup({ [A]: 2 }); // B's RTT is unknown
    driver.wire(A, 1, B, 7);
    driver.emit({ type: 'device-connected', device: B, ports: [port(7)] });
    driver.emit({ type: 'device-connected', device: A, ports: [port(1)] });
    vi.advanceTimersByTime(10_000);
    const discovered = events.filter((e) => e.type === 'link-discovered');
    // Both directions are up, neither has a latency.
    expect(discovered.map((e) => e.type === 'link-discovered' && [e.srcDevice, e.firstSeen, e.latencyMs])).toEqual([
      [A, true, null],
      [B, true, null],
    ]);
    // 1 on connect + 20 warm-up + 10 periods.
    expect(driver.sent.filter((s) => s.device === A).length).toBeLessThanOrEqual(31);
    svc.stop();
  });

  it('ignores probes of another controller instance', () => {
    const { driver, svc, events } = setup();
    const other = setup();
    other.driver.emit({ type: 'device-connected', device: A, ports: [port(1)] });
    driver.emit({ type: 'device-connected', device: B, ports: [port(7)] });
    driver.emit({ type: 'packet-in', device: B, inPort: 7, frame: other.driver.sent[0].frame });
    expect(events).toEqual([]);
    svc.stop();
    other.svc.stop();
  });

  it('loses a link after the configured number of silent probe periods', () => {
    const { clock, driver, svc, events } = setup();
    driver.wire(A, 1, B, 7);
    driver.emit({ type: 'device-connected', device: A, ports: [port(1)] });
    driver.emit({ type: 'device-connected', device: B, ports: [port(7)] });
    driver.wires.clear(); // cable cut without port down
    clock.now += 2_900_000_000n;
    svc.expire();
    expect(events.some((e) => e.type === 'link-lost')).toBe(false);
    clock.now += 200_000_000n;
    svc.expire();
    expect(events.filter((e) => e.type === 'link-lost')).toEqual([
      { type: 'link-lost', srcDevice: B, srcPort: 7, dstDevice: A, dstPort: 1, reason: 'probe-timeout' },
    ]);
    svc.stop();
  });

  it('loses links on port down and on disconnect, and reports hosts only on edge ports', () => {
    const { driver, svc, events } = setup();
    driver.wire(A, 1, B, 7);
    driver.emit({ type: 'device-connected', device: A, ports: [port(1), port(2)] });
    driver.emit({ type: 'device-connected', device: B, ports: [port(7)] });
    svc.probeAll();
    const arp = Buffer.from(
      'ffffffffffff' +
        '0a0000000001' +
        '0806' +
        '0001' +
        '0800' +
        '06' +
        '04' +
        '0001' +
        '0a0000000001' +
        '0a000001' +
        '000000000000' +
        '0a000002',
      'hex',
    );
    driver.emit({ type: 'packet-in', device: A, inPort: 1, frame: arp }); // link port: ignored
    driver.emit({ type: 'packet-in', device: A, inPort: 2, frame: arp });
    driver.emit({ type: 'packet-in', device: A, inPort: 2, frame: arp }); // no news
    expect(events.filter((e) => e.type === 'host-seen')).toEqual([
      { type: 'host-seen', device: A, port: 2, mac: '0a:00:00:00:00:01', ip: '10.0.0.1' },
    ]);
    driver.emit({ type: 'port-status', device: B, port: port(7, false), reason: 'modify' });
    expect(events.filter((e) => e.type === 'link-lost').map((e) => e.type === 'link-lost' && e.reason)).toEqual([
      'port-down',
      'port-down',
    ]);
    driver.emit({ type: 'port-status', device: B, port: port(7), reason: 'modify' });
    expect(svc.discoveredLinks()).toHaveLength(1); // probe out of the port that came up: B->A again
    driver.emit({ type: 'device-disconnected', device: A, reason: 'test' });
    expect(events.at(-1)).toMatchObject({ type: 'link-lost', reason: 'device-disconnected' });
    expect(svc.discoveredLinks()).toHaveLength(0);
    svc.stop();
  });
});
