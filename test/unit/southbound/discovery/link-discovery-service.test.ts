import { describe, expect, it } from 'vitest';
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
  it('probes every up, non-reserved port of a connecting device with our LLDP frame', () => {
    const { driver, svc } = setup();
    driver.emit({ type: 'device-connected', device: A, ports: [port(1), port(2, false), { ...port(3), number: 0xfffffffe }] });
    expect(driver.sent.map((s) => s.port)).toEqual([1]);
    const parsed = parseLldp(driver.sent[0].frame);
    expect(parsed).toMatchObject({ kind: 'probe', probe: { datapathId: A, port: 1, instance: svc.instance } });
    svc.stop();
  });

  it('discovers both directions of a wire with latency corrected by half of each echo RTT', () => {
    const { driver, svc, events } = setup({ [A]: 2, [B]: 4 });
    driver.wire(A, 1, B, 7);
    driver.delayNs = 8_000_000n; // 8 ms probe delay -> 8 - 1 - 2 = 5 ms
    driver.emit({ type: 'device-connected', device: A, ports: [port(1)] });
    driver.emit({ type: 'device-connected', device: B, ports: [port(7)] });
    expect(events).toEqual([
      { type: 'link-discovered', srcDevice: B, srcPort: 7, dstDevice: A, dstPort: 1, firstSeen: true, latencyMs: 5, jitterMs: 0 },
    ]);
    svc.probeAll();
    expect(events.filter((e) => e.type === 'link-discovered' && e.firstSeen)).toHaveLength(2);
    expect(svc.discoveredLinks()).toHaveLength(2);
    // Same delay again: no change worth reporting.
    const before = events.length;
    svc.probeAll();
    expect(events.length).toBe(before);
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
