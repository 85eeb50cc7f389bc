import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { EMPTY_BATCH } from '../../../src/flow/flow-diff.js';
import type { DiscoveryEvent } from '../../../src/southbound/discovery/discovery-event.js';
import { LinkDiscoveryService } from '../../../src/southbound/discovery/link-discovery-service.js';
import { TopologySync } from '../../../src/southbound/discovery/topology-sync.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';
import { ControllerFixture, until } from './controller-fixture.js';
import { OvsHarness } from './ovs-harness.js';

const ovs = await OvsHarness.available();
if (!ovs) console.warn('SKIPPED: OpenFlow integration tests need Open vSwitch (ovs-vsctl); run `make system-deps` to install it');

const D1 = '00000000000000d1';
const D2 = '00000000000000d2';
const H1_MAC = '0a:00:00:00:d1:01';

/**
 * Two userspace bridges joined by a veth pair (port 1 on each), a host namespace on port 2 of the
 * first:  [sdofdh1 ns] --h1p/h1-- (2) D1 (1) --l1/l1p-- (1) D2
 */
describe.skipIf(!ovs)('OpenFlow driver and LLDP discovery against Open vSwitch', () => {
  const fx = new ControllerFixture('sdofd');
  const bus = new EventBus();
  const store = new TopologyStore(bus);
  const sync = new TopologySync(store);
  let discovery: LinkDiscoveryService;
  const found: DiscoveryEvent[] = [];
  let ns = '';

  beforeAll(async () => {
    await fx.start();
    discovery = new LinkDiscoveryService(fx.driver, fx.driver, { intervalMs: 300, missedProbes: 3 });
    discovery.subscribe((e) => found.push(e));
    sync.attach(fx.driver, discovery);
    discovery.start();
    const b1 = await fx.harness.addBridge('b1', D1);
    const b2 = await fx.harness.addBridge('b2', D2);
    await fx.harness.addVethPair('l1', 'l1p');
    await fx.harness.addPort(b1, fx.harness.name('l1'), 1);
    await fx.harness.addPort(b2, fx.harness.name('l1p'), 1);
    await fx.harness.addVethPort(b1, 'h1', 'h1p', 2);
    ns = await fx.harness.addHost('h1', fx.harness.name('h1p'), '10.77.0.1/24', H1_MAC);
    await fx.harness.setController(b1, fx.target);
    await fx.harness.setController(b2, fx.target);
    await Promise.all([fx.connected(D1), fx.connected(D2)]);
  });
  afterAll(async () => {
    discovery?.stop();
    await fx.stop();
  });

  it('reports both switches with their physical ports', async () => {
    const d1 = await fx.connected(D1);
    expect(d1.type === 'device-connected' && d1.ports.map((p) => p.number).sort()).toEqual([1, 2]);
    expect(store.findNodeByDatapath(D1)).toMatchObject({ kind: 'switch', operUp: true });
  });

  it('discovers the link in both directions with a measured latency', async () => {
    await until(() => discovery.discoveredLinks().length === 2, 10_000, 'two discovered links');
    // The latency follows the link after the estimator's quick warm-up probes.
    await until(() => discovery.discoveredLinks().every((l) => l.latencyMs !== null), 10_000, 'measured latencies');
    const links = discovery.discoveredLinks().sort((a, b) => a.srcDevice.localeCompare(b.srcDevice));
    expect(links.map((l) => [l.srcDevice, l.srcPort, l.dstDevice, l.dstPort])).toEqual([
      [D1, 1, D2, 1],
      [D2, 1, D1, 1],
    ]);
    console.info(
      `discovered link latency ${links.map((l) => `${l.latencyMs} ms (jitter ${l.jitterMs})`).join(', ')}; echo RTT ${fx.driver.echoRttMs(D1)?.toFixed(3)} ms`,
    );
    for (const l of links) {
      expect(l.latencyMs).toBeGreaterThanOrEqual(0);
      // A bare veth pair: the minimum-based estimate removes queueing noise, so even on a loaded
      // machine it stays near the switches' own forwarding cost (well under a millisecond when idle).
      expect(l.latencyMs).toBeLessThan(5);
    }
    expect(fx.driver.echoRttMs(D1)).toBeGreaterThan(0);
    // Open vSwitch answers the packet-out -> packet-in loop, and the session keeps those packet-ins to itself.
    const session = fx.server.session(D1)!;
    expect(session.controlRttMs).toBeGreaterThan(0);
    expect(session.controlRttMs).not.toBe(session.echoRttMs);
    expect(fx.events.some((e) => e.type === 'packet-in' && e.frame.readUInt16BE(12) === 0x88b5)).toBe(false);
    const inStore = store.links().filter((l) => l.discovered);
    expect(inStore).toHaveLength(2);
    expect(inStore.every((l) => l.operUp && l.measuredLatencyMs !== null && l.jitterMs !== null)).toBe(true);
    expect(new Set(inStore.map((l) => l.cable)).size).toBe(1);
  });

  it('packet-out into a namespace and the host answer as packet-in (host discovery)', async () => {
    // Punt ARP from the host port so the host's reply path reaches the controller.
    await fx.driver.apply(D1, {
      ...EMPTY_BATCH,
      addFlows: [
        {
          device: D1,
          tableId: 0,
          priority: 10,
          match: { inPort: 2, ethType: 0x0806 },
          actions: [{ type: 'output', port: 'controller' }],
          cookie: 5,
        },
      ],
    });
    const since = fx.events.length;
    // An ICMP echo request to the host from 10.77.0.254: to answer, the host must first ARP for it.
    await fx.driver.packetOut(D1, 2, icmpEchoRequest('0a:00:00:00:d1:fe', H1_MAC, '10.77.0.254', '10.77.0.1'));
    const pin = await fx.waitFor(
      (e) => e.type === 'packet-in' && e.device === D1 && e.frame.readUInt16BE(12) === 0x0806,
      10_000,
      since,
    );
    if (pin.type !== 'packet-in') throw new Error('unreachable');
    expect(pin.inPort).toBe(2);
    expect(pin.cookie).toBe(5);
    expect(pin.frame.subarray(6, 12).toString('hex')).toBe(H1_MAC.replace(/:/g, ''));
    expect([...pin.frame.subarray(38, 42)].join('.')).toBe('10.77.0.254'); // ARP target protocol address
    await until(() => found.some((e) => e.type === 'host-seen' && e.mac === H1_MAC), 5000, 'host-seen');
    expect(found.find((e) => e.type === 'host-seen')).toEqual({
      type: 'host-seen',
      device: D1,
      port: 2,
      mac: H1_MAC,
      ip: '10.77.0.1',
    });
    expect(ns).not.toBe('');
  });

  it('reports port down and takes the discovered link down', async () => {
    const since = fx.events.length;
    await fx.harness.setLink(fx.harness.name('l1'), false);
    const ev = await fx.waitFor(
      (e) => e.type === 'port-status' && e.device === D1 && e.port.number === 1 && !e.port.up,
      10_000,
      since,
    );
    expect(ev).toMatchObject({ reason: 'modify', port: { name: fx.harness.name('l1'), up: false } });
    await until(() => discovery.discoveredLinks().length === 0, 5000, 'links lost');
    expect(found.filter((e) => e.type === 'link-lost').length).toBeGreaterThanOrEqual(2);
    expect(
      store
        .links()
        .filter((l) => l.discovered)
        .every((l) => !l.operUp),
    ).toBe(true);
    await fx.harness.setLink(fx.harness.name('l1'), true);
    await until(() => discovery.discoveredLinks().length === 2, 10_000, 'links back');
    expect(
      store
        .links()
        .filter((l) => l.discovered)
        .every((l) => l.operUp),
    ).toBe(true);
  });

  it('reports a disconnect and a reconnect of the same datapath', async () => {
    const since = fx.events.length;
    const b2 = fx.harness.name('b2');
    await fx.harness.delController(b2);
    await fx.waitFor((e) => e.type === 'device-disconnected' && e.device === D2, 10_000, since);
    expect(fx.driver.isConnected(D2)).toBe(false);
    expect(store.findNodeByDatapath(D2)?.operUp).toBe(false);
    await fx.harness.setController(b2, fx.target);
    await fx.waitFor((e) => e.type === 'device-connected' && e.device === D2, 15_000, since);
    expect(fx.driver.isConnected(D2)).toBe(true);
    expect((await fx.driver.readState(D2)).flows).toHaveLength(1);
  });
});

function icmpEchoRequest(srcMac: string, dstMac: string, srcIp: string, dstIp: string): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(28, 2);
  ip[8] = 64;
  ip[9] = 1;
  Buffer.from(srcIp.split('.').map(Number)).copy(ip, 12);
  Buffer.from(dstIp.split('.').map(Number)).copy(ip, 16);
  ip.writeUInt16BE(checksum(ip), 10);
  const icmp = Buffer.from([8, 0, 0, 0, 0x12, 0x34, 0, 1]);
  icmp.writeUInt16BE(checksum(icmp), 2);
  const eth = Buffer.concat([
    Buffer.from(dstMac.replace(/:/g, ''), 'hex'),
    Buffer.from(srcMac.replace(/:/g, ''), 'hex'),
    Buffer.from([0x08, 0x00]),
  ]);
  const frame = Buffer.concat([eth, ip, icmp]);
  return Buffer.concat([frame, Buffer.alloc(Math.max(0, 60 - frame.length))]);
}

/** RFC 1071 Internet checksum. */
function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i] << 8) | (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
