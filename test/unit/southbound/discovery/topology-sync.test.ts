import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../../src/events/event-bus.js';
import type { TopoLink, TopoNode } from '../../../../src/model/topology.js';
import { TopologySync } from '../../../../src/southbound/discovery/topology-sync.js';
import { TopologyStore } from '../../../../src/topology/topology-store.js';

const A = '000000000000000a';
const B = '000000000000000b';
const C = '000000000000000c';

function node(id: string, dpid: string): TopoNode {
  return { id, kind: 'switch', name: id, provider: 'telco-west', jurisdiction: 'DE', datapathId: dpid, operUp: false };
}

function declared(id: string, src: string, dst: string, srcPort: number, dstPort: number): TopoLink {
  return {
    id,
    cable: id.split('.')[0],
    src,
    dst,
    srcPort,
    dstPort,
    capacityMbps: 10_000,
    reservedMbps: 0,
    latencyMs: 3,
    measuredLatencyMs: null,
    jitterMs: null,
    cost: 1,
    energyJPerGbit: 1,
    srlgs: [],
    provider: 'telco-west',
    adminUp: true,
    operUp: true,
    discovered: false,
  };
}

function setup() {
  const bus = new EventBus();
  const store = new TopologyStore(bus);
  store.addNode(node('fra', A));
  store.addNode(node('par', B));
  store.addLink(declared('fra-par.a', 'fra', 'par', 1, 2));
  store.addLink(declared('fra-par.b', 'par', 'fra', 2, 1));
  const types: string[] = [];
  bus.subscribe((e) => types.push(e.event.type));
  return { store, sync: new TopologySync(store), types };
}

describe('TopologySync', () => {
  it('marks nodes up with their ports on connect and down on disconnect', () => {
    const { store, sync } = setup();
    sync.applyDriverEvent({
      type: 'device-connected',
      device: A,
      ports: [{ number: 1, name: 'eth1', mac: '02:00:00:00:00:01', up: true }],
    });
    expect(store.getNode('fra')).toMatchObject({ operUp: true, ports: [{ number: 1, name: 'eth1', up: true }] });
    sync.applyDriverEvent({ type: 'device-disconnected', device: A, reason: 'echo timeout' });
    expect(store.getNode('fra').operUp).toBe(false);
  });

  it('creates a switch node for an unknown datapath', () => {
    const { store, sync } = setup();
    sync.applyDriverEvent({ type: 'device-connected', device: C, ports: [] });
    expect(store.findNodeByDatapath(C)).toMatchObject({ id: `of-${C}`, kind: 'switch', operUp: true, jurisdiction: 'ZZ' });
  });

  it('puts measured latency on a declared link that LLDP confirms', () => {
    const { store, sync } = setup();
    store.setLinkOper('fra-par.a', false);
    sync.applyDiscoveryEvent({
      type: 'link-discovered',
      srcDevice: A,
      srcPort: 1,
      dstDevice: B,
      dstPort: 2,
      firstSeen: true,
      latencyMs: 4.2,
      jitterMs: 0.3,
    });
    expect(store.getLink('fra-par.a')).toMatchObject({ operUp: true, measuredLatencyMs: 4.2, jitterMs: 0.3, discovered: false });
    expect(store.links()).toHaveLength(2);
  });

  it('brings a link up before its latency is measured, keeping the last measurement until the new one', () => {
    const { store, sync } = setup();
    const up = { type: 'link-discovered', srcDevice: A, srcPort: 1, dstDevice: B, dstPort: 2 } as const;
    store.setLinkOper('fra-par.a', false);
    sync.applyDiscoveryEvent({ ...up, firstSeen: true, latencyMs: null, jitterMs: null });
    expect(store.getLink('fra-par.a')).toMatchObject({ operUp: true, measuredLatencyMs: null, jitterMs: null });
    sync.applyDiscoveryEvent({ ...up, firstSeen: false, latencyMs: 2.5, jitterMs: 0.1 });
    store.setLinkOper('fra-par.a', false);
    sync.applyDiscoveryEvent({ ...up, firstSeen: true, latencyMs: null, jitterMs: null });
    expect(store.getLink('fra-par.a')).toMatchObject({ operUp: true, measuredLatencyMs: 2.5, jitterMs: 0.1 });
    // An undeclared link nobody has measured yet gets a deliberately high nominal latency.
    sync.applyDiscoveryEvent({ ...up, srcPort: 5, dstDevice: C, dstPort: 6, firstSeen: true, latencyMs: null, jitterMs: null });
    expect(store.links().find((l) => l.discovered)).toMatchObject({ latencyMs: 100, measuredLatencyMs: null });
  });

  it('adds both directions of an undeclared cable under one cable id, then takes them down when lost', () => {
    const { store, sync } = setup();
    sync.applyDriverEvent({ type: 'device-connected', device: C, ports: [] });
    sync.applyDiscoveryEvent({
      type: 'link-discovered',
      srcDevice: A,
      srcPort: 5,
      dstDevice: C,
      dstPort: 1,
      firstSeen: true,
      latencyMs: 1,
      jitterMs: 0,
    });
    sync.applyDiscoveryEvent({
      type: 'link-discovered',
      srcDevice: C,
      srcPort: 1,
      dstDevice: A,
      dstPort: 5,
      firstSeen: true,
      latencyMs: 1.5,
      jitterMs: 0,
    });
    const found = store.links().filter((l) => l.discovered);
    expect(found).toHaveLength(2);
    expect(new Set(found.map((l) => l.cable)).size).toBe(1);
    expect(found.map((l) => l.id).sort()).toEqual([`${found[0].cable}.a`, `${found[0].cable}.b`]);
    const ac = store.linkFromPort('fra', 5)!;
    expect(ac).toMatchObject({ dst: `of-${C}`, dstPort: 1, measuredLatencyMs: 1, operUp: true });
    sync.applyDiscoveryEvent({ type: 'link-lost', srcDevice: A, srcPort: 5, dstDevice: C, dstPort: 1, reason: 'probe-timeout' });
    expect(store.getLink(ac.id).operUp).toBe(false);
  });

  it('takes declared links down when their port goes down and updates the node port list', () => {
    const { store, sync, types } = setup();
    sync.applyDriverEvent({
      type: 'device-connected',
      device: A,
      ports: [{ number: 1, name: 'eth1', mac: '02:00:00:00:00:01', up: true }],
    });
    types.length = 0;
    sync.applyDriverEvent({
      type: 'port-status',
      device: A,
      port: { number: 1, name: 'eth1', mac: '02:00:00:00:00:01', up: false },
      reason: 'modify',
    });
    expect(store.getLink('fra-par.a').operUp).toBe(false);
    expect(store.getLink('fra-par.b').operUp).toBe(false);
    expect(store.getNode('fra').ports).toEqual([{ number: 1, name: 'eth1', mac: '02:00:00:00:00:01', up: false }]);
    expect(types).toEqual(['node-updated', 'link-updated', 'link-updated']);
  });
});
