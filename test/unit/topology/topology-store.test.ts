import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import type { TopoLink, TopoNode } from '../../../src/model/topology.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';
import { link as testLink } from '../path/support/graph-builder.js';

function node(id: string): TopoNode {
  return { id, kind: 'switch', name: id, provider: 'p', jurisdiction: 'DE', operUp: true };
}

function link(id: string, src: string, dst: string, srcPort?: number): TopoLink {
  return testLink({ id, src, dst, srcPort, latencyMs: 1, provider: 'p' });
}

function store(): TopologyStore {
  const s = new TopologyStore(new EventBus());
  for (const id of ['a', 'b', 'c']) s.addNode(node(id));
  return s;
}

describe('TopologyStore lookups', () => {
  it('finds nodes and links as they are now, and nothing once removed', () => {
    const s = store();
    s.addLink(link('ab', 'a', 'b', 1));
    const updated = s.adjustReserved('ab', 100);
    expect(s.findLink('ab')).toBe(updated);
    expect(s.getLink('ab').reservedMbps).toBe(100);
    const n = s.updateNode('a', (x) => ({ ...x, name: 'renamed' }));
    expect(s.findNode('a')).toBe(n);
    s.removeNode('a');
    expect(s.findNode('a')).toBeUndefined();
    expect(s.findLink('ab')).toBeUndefined();
    expect(s.hasLink('ab')).toBe(false);
    expect(() => s.getNode('a')).toThrow();
  });

  it('finds a node by datapath id through adds, changes of the id and removals', () => {
    const s = store();
    s.addNode({ ...node('s1'), datapathId: '0000000000000001' });
    s.addNode({ ...node('s2'), datapathId: '0000000000000002' });
    expect(s.findNodeByDatapath('0000000000000001')?.id).toBe('s1');
    const moved = s.updateNode('s1', (x) => ({ ...x, datapathId: '00000000000000aa' }));
    expect(s.findNodeByDatapath('00000000000000aa')).toBe(moved);
    expect(s.findNodeByDatapath('0000000000000001')).toBeUndefined();
    // Two nodes with one id (the topology service refuses that; the store answers with the first).
    s.addNode({ ...node('s3'), datapathId: '0000000000000002' });
    expect(s.findNodeByDatapath('0000000000000002')?.id).toBe('s2');
    s.removeNode('s2');
    expect(s.findNodeByDatapath('0000000000000002')?.id).toBe('s3');
    s.updateNode('s3', (x) => ({ ...x, datapathId: undefined }));
    expect(s.findNodeByDatapath('0000000000000002')).toBeUndefined();
    expect(s.findNodeByDatapath('00000000000000aa')?.id).toBe('s1');
  });

  it('answers linkFromPort through adds, port changes, removals and two links on one port', () => {
    const s = store();
    s.addLink(link('ab', 'a', 'b', 1));
    s.addLink(link('ac', 'a', 'c', 2));
    s.addLink(link('ba', 'b', 'a'));
    expect(s.linkFromPort('a', 1)?.id).toBe('ab');
    expect(s.linkFromPort('a', 2)?.id).toBe('ac');
    expect(s.linkFromPort('a', 3)).toBeUndefined();
    expect(s.linkFromPort('b', 1)).toBeUndefined();
    expect(s.linkFromPort('nowhere', 1)).toBeUndefined();
    // The current attributes, not the ones indexed.
    s.adjustReserved('ab', 10);
    expect(s.linkFromPort('a', 1)?.reservedMbps).toBe(10);
    // A port change moves the link in the index.
    s.updateLink('ac', (l) => ({ ...l, srcPort: 3 }));
    expect(s.linkFromPort('a', 2)).toBeUndefined();
    expect(s.linkFromPort('a', 3)?.id).toBe('ac');
    // Two links on one port: the first in the graph's order, and the other once it is gone.
    s.updateLink('ac', (l) => ({ ...l, srcPort: 1 }));
    expect(s.linkFromPort('a', 1)?.id).toBe('ab');
    s.removeLink('ab');
    expect(s.linkFromPort('a', 1)?.id).toBe('ac');
    s.removeLink('ac');
    expect(s.linkFromPort('a', 1)).toBeUndefined();
  });

  it('marks a link-updated of the reservation alone as reservedOnly, and no other change', () => {
    const bus = new EventBus();
    const s = new TopologyStore(bus);
    for (const id of ['a', 'b']) s.addNode(node(id));
    s.addLink(link('ab', 'a', 'b', 1));
    const seen: unknown[] = [];
    bus.subscribe(({ event }) => seen.push(event), ['link-updated']);
    s.adjustReserved('ab', 10);
    s.adjustReserved('ab', -4);
    s.setLinkOper('ab', false);
    s.patchLink('ab', { latencyMs: 3 });
    expect(seen).toEqual([
      { type: 'link-updated', link: expect.objectContaining({ reservedMbps: 10 }), reservedOnly: true },
      { type: 'link-updated', link: expect.objectContaining({ reservedMbps: 6 }), reservedOnly: true },
      { type: 'link-updated', link: expect.objectContaining({ operUp: false }) },
      { type: 'link-updated', link: expect.objectContaining({ latencyMs: 3 }) },
    ]);
    expect(seen.filter((e) => Object.hasOwn(e as object, 'reservedOnly'))).toHaveLength(2);
  });
});
