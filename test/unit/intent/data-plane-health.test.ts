import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { DataPlaneHealth } from '../../../src/intent/data-plane-health.js';
import type { TopoLink, TopoNode } from '../../../src/model/topology.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';
import { link as testLink } from '../path/support/graph-builder.js';

function sw(id: string, n: number, operUp: boolean): TopoNode {
  return {
    id,
    kind: 'switch',
    name: id,
    provider: 'p',
    jurisdiction: 'DE',
    datapathId: n.toString(16).padStart(16, '0'),
    operUp,
  };
}

function link(id: string, src: string, dst: string, srcPort: number, dstPort: number): TopoLink {
  return testLink({ id, cable: 'c', src, dst, srcPort, dstPort, latencyMs: 1, capacityMbps: 100, provider: 'p' });
}

/** Two switches a and b, cable a:1 <-> b:1, fed to a health view with a hand-driven clock. */
function setup(aUp = true, bUp = true) {
  const bus = new EventBus((err) => {
    throw err;
  });
  const topo = new TopologyStore(bus);
  topo.addNode(sw('a', 1, aUp));
  topo.addNode(sw('b', 2, bUp));
  topo.addLink(link('ab', 'a', 'b', 1, 1));
  let now = 1000;
  const health = new DataPlaneHealth(topo, { startupGraceMs: 30_000, linkConfirmMs: 3_000, now: () => now });
  bus.subscribe(({ event }) => health.observe(event));
  const setUp = (id: string, operUp: boolean) => topo.updateNode(id, (n) => ({ ...n, operUp }));
  return { topo, health, setUp, advance: (ms: number) => (now += ms) };
}

describe('data-plane health', () => {
  it('a link lost when a switch disconnected is no failure; it is one when both ends are back and it stays down', () => {
    const { topo, health, setUp, advance } = setup();
    setUp('b', false);
    topo.setLinkOper('ab', false);
    expect(health.linkBroken('ab')).toBe(false);
    expect(health.nodeBroken('b')).toBe(false);
    expect(health.unreachableNodes()).toEqual(['b']);
    expect(health.deviceReachable('0000000000000002')).toBe(false);
    setUp('b', true);
    advance(2_999);
    expect(health.linkBroken('ab')).toBe(false);
    advance(1);
    expect(health.linkBroken('ab')).toBe(true);
    topo.setLinkOper('ab', true);
    expect(health.linkBroken('ab')).toBe(false);
  });

  it('a link that goes down while both switches are connected, or is administratively down, is a failure', () => {
    const { topo, health, setUp } = setup();
    topo.setLinkOper('ab', false);
    // Recorded when it happened: a later disconnect does not make it a control-plane loss.
    setUp('b', false);
    expect(health.linkBroken('ab')).toBe(true);
    topo.setLinkOper('ab', true);
    topo.patchLink('ab', { adminUp: false });
    expect(health.linkBroken('ab')).toBe(true);
  });

  it('a connected end reporting its port down is a failure even while the other end is away', () => {
    const { topo, health, setUp } = setup();
    setUp('b', false);
    topo.setLinkOper('ab', false);
    expect(health.linkBroken('ab')).toBe(false);
    topo.updateNode('a', (n) => ({ ...n, ports: [{ number: 1, name: 'p1', up: false }] }));
    expect(health.linkBroken('ab')).toBe(true);
  });

  it('a switch that has not connected since the start is presumed forwarding until the grace is over', () => {
    const { topo, health, setUp, advance } = setup(true, false);
    expect(health.nodeBroken('b')).toBe(false);
    expect(health.linkBroken('missing-discovered-link')).toBe(false);
    advance(30_000);
    expect(health.graceOver()).toBe(true);
    expect(health.nodeBroken('b')).toBe(true);
    expect(health.linkBroken('missing-discovered-link')).toBe(true);
    setUp('b', true);
    setUp('b', false);
    // Once seen, a disconnect is a control-plane matter again.
    expect(health.nodeBroken('b')).toBe(false);
    topo.removeLink('ab');
    expect(health.linkBroken('ab')).toBe(true);
  });
});
