import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { type ErrorCode, SdncError } from '../../../src/model/errors.js';
import type { LinkPatch, TopoLink, TopoNode } from '../../../src/model/topology.js';
import { type TopologyEditsLog, TopologyService } from '../../../src/topology/topology-service.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';
import { buildFixture, stateOf } from '../northbound/topology-fixture.js';

function expectRefused(f: ReturnType<typeof buildFixture>, code: ErrorCode, action: () => unknown): SdncError {
  const before = stateOf(f);
  let caught: unknown;
  try {
    action();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SdncError);
  expect((caught as SdncError).code).toBe(code);
  expect(stateOf(f)).toEqual(before);
  return caught as SdncError;
}

describe('TopologyService nodes', () => {
  it('adds a site without a switch as up and a switch as down until it connects', () => {
    const f = buildFixture();
    expect(f.store.getNode('par').operUp).toBe(true);
    expect(f.store.getNode('ams').operUp).toBe(false);
    const sw = f.topology.addNode({
      id: 'sw1',
      kind: 'switch',
      name: 'sw1',
      provider: 'aurora',
      jurisdiction: 'FR',
      datapathId: '0000000000000042',
    });
    expect(sw.operUp).toBe(false);
    expect(f.events).toEqual([{ type: 'node-added', node: sw }]);
  });

  it('refuses duplicates and malformed nodes without changing anything', () => {
    const f = buildFixture();
    const base = { kind: 'cloud-region', name: 'x', provider: 'aurora', jurisdiction: 'FR' } as const;
    expectRefused(f, 'SDNC_ERR_DUPLICATE_ID', () => f.topology.addNode({ ...base, id: 'par' }));
    expectRefused(f, 'SDNC_ERR_DUPLICATE_ID', () =>
      f.topology.addNode({ ...base, id: 'sw2', kind: 'switch', datapathId: '00000000000000a1' }),
    );
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addNode({ ...base, id: 'bad id' }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addNode({ ...base, id: 'x1', jurisdiction: 'fr' }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addNode({ ...base, id: 'x2', kind: 'switch' }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addNode({ ...base, id: 'x3', datapathId: 'ABC' }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addNode({ ...base, id: 'x4', location: { lat: 91, lon: 0 } }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () =>
      f.topology.addNode({
        ...base,
        id: 'x5',
        ports: [
          { number: 1, name: 'a', up: true },
          { number: 1, name: 'b', up: true },
        ],
      }),
    );
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addNode({ ...base, id: 'x6', addresses: ['10.9.0.0/16'] }));
  });

  it('removes a node with its links but refuses while endpoints are attached or links are reserved', () => {
    const f = buildFixture();
    const err = expectRefused(f, 'SDNC_ERR_NODE_IN_USE', () => f.topology.removeNode('par'));
    expect(err.details).toEqual({ id: 'par', links: 1 });
    f.store.adjustReserved('fra-ams.b', 50);
    expectRefused(f, 'SDNC_ERR_NODE_IN_USE', () => f.topology.removeNode('fra'));
    expectRefused(f, 'SDNC_ERR_NODE_NOT_FOUND', () => f.topology.removeNode('nowhere'));
    f.topology.removeEndpoint('h-par');
    f.topology.removeNode('par');
    expect(f.store.hasNode('par')).toBe(false);
    expect(f.store.links().map((l) => l.id)).toEqual(['fra-ams.a', 'fra-ams.b']);
    expect(f.topology.resolveAddress('10.1.0.7')).toBeUndefined();
    expect(f.events.filter((e) => e.type === 'link-removed')).toHaveLength(2);
  });
});

describe('TopologyService endpoints', () => {
  it('indexes addresses and answers the longest-prefix match', () => {
    const f = buildFixture();
    expect(f.topology.resolveAddress('10.1.0.7')).toMatchObject({ endpoint: { id: 'h-par' }, prefix: '10.1.0.0/24' });
    expect(f.topology.resolveAddress('10.1.0.200')).toMatchObject({ endpoint: { id: 'h-ams' }, prefix: '10.1.0.128/25' });
    // The prefix index writes IPv6 prefixes uncompressed.
    expect(f.topology.resolveAddress('2001:db8:1:2::9')).toMatchObject({
      endpoint: { id: 'h-ams' },
      prefix: '2001:db8:1::/48',
    });
    expect(f.topology.resolveAddress('10.2.0.1')).toBeUndefined();
  });

  it('inherits provider, jurisdiction and state from the attachment node', () => {
    const f = buildFixture();
    expect(f.store.getNode('h-ams')).toMatchObject({ provider: 'amsix', jurisdiction: 'NL', operUp: false, name: 'h-ams' });
  });

  it('refuses bad endpoints without changing anything', () => {
    const f = buildFixture();
    const ep = { id: 'h-new', addresses: ['10.7.0.0/24'], attachment: { node: 'fra', port: 5 } };
    expectRefused(f, 'SDNC_ERR_NODE_NOT_FOUND', () =>
      f.topology.addEndpoint({ ...ep, attachment: { node: 'nowhere', port: 5 } }),
    );
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addEndpoint({ ...ep, attachment: { node: 'h-par', port: 5 } }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addEndpoint({ ...ep, attachment: { node: 'fra', port: 0 } }));
    expectRefused(f, 'SDNC_ERR_INVALID_PREFIX', () =>
      f.topology.addEndpoint({ ...ep, addresses: ['10.7.0.0/24', '10.300.0.0/16'] }),
    );
    expectRefused(f, 'SDNC_ERR_INVALID_PREFIX', () => f.topology.addEndpoint({ ...ep, addresses: ['10.7.0.0/33'] }));
    expectRefused(f, 'SDNC_ERR_PREFIX_CONFLICT', () =>
      f.topology.addEndpoint({ ...ep, addresses: ['10.7.0.0/24', '10.1.0.0/24'] }),
    );
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addEndpoint({ ...ep, addresses: ['10.7.0.0/24', '10.7.0.0/24'] }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addEndpoint({ ...ep, addresses: [] }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addEndpoint({ ...ep, mac: 'AA:BB:CC:DD:EE:FF' }));
    expectRefused(f, 'SDNC_ERR_DUPLICATE_ID', () => f.topology.addEndpoint({ ...ep, id: 'fra' }));
    expect(f.topology.resolveAddress('10.7.0.1')).toBeUndefined();
  });

  it('finds endpoints that another writer put straight into the store', () => {
    const f = buildFixture();
    const direct: TopoNode = {
      id: 'h-loaded',
      kind: 'endpoint',
      name: 'loaded',
      provider: 'aurora',
      jurisdiction: 'FR',
      addresses: ['192.0.2.0/24'],
      attachment: { node: 'par', port: 12 },
      operUp: true,
    };
    f.store.addNode(direct);
    expect(f.topology.resolveAddress('192.0.2.9')?.endpoint.id).toBe('h-loaded');
    expectRefused(f, 'SDNC_ERR_PREFIX_CONFLICT', () =>
      f.topology.addEndpoint({ id: 'h-x', addresses: ['192.0.2.0/24'], attachment: { node: 'par', port: 13 } }),
    );
    f.store.removeNode('h-loaded');
    expect(f.topology.resolveAddress('192.0.2.9')).toBeUndefined();
    const again = f.topology.addEndpoint({ id: 'h-x', addresses: ['192.0.2.0/24'], attachment: { node: 'par', port: 13 } });
    expect(f.topology.resolveAddress('192.0.2.9')?.endpoint).toEqual(again);
  });

  it('reports a non-endpoint id as an unknown endpoint', () => {
    const f = buildFixture();
    expectRefused(f, 'SDNC_ERR_ENDPOINT_NOT_FOUND', () => f.topology.removeEndpoint('par'));
    expect(() => f.topology.getEndpoint('fra')).toThrow(/Endpoint fra does not exist/);
  });
});

describe('TopologyService cables and links', () => {
  it('adds both directions of a cable with swapped ports', () => {
    const f = buildFixture();
    const [a, b] = f.topology.addCable({
      id: 'par-ams',
      src: 'par',
      dst: 'ams',
      srcPort: 7,
      dstPort: 9,
      capacityMbps: 100,
      latencyMs: 6,
    });
    expect(a).toMatchObject({
      id: 'par-ams.a',
      cable: 'par-ams',
      src: 'par',
      dst: 'ams',
      srcPort: 7,
      dstPort: 9,
      provider: 'aurora',
    });
    expect(b).toMatchObject({
      id: 'par-ams.b',
      cable: 'par-ams',
      src: 'ams',
      dst: 'par',
      srcPort: 9,
      dstPort: 7,
      reservedMbps: 0,
    });
    expect(f.events.map((e) => e.type)).toEqual(['link-added', 'link-added']);
  });

  it('refuses bad cables without changing anything', () => {
    const f = buildFixture();
    const c = { id: 'new', src: 'par', dst: 'ams', capacityMbps: 100, latencyMs: 1 };
    expectRefused(f, 'SDNC_ERR_DUPLICATE_ID', () => f.topology.addCable({ ...c, id: 'par-fra' }));
    expectRefused(f, 'SDNC_ERR_NODE_NOT_FOUND', () => f.topology.addCable({ ...c, dst: 'nowhere' }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addCable({ ...c, dst: 'par' }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addCable({ ...c, dst: 'h-ams' }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addCable({ ...c, capacityMbps: 0 }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addCable({ ...c, latencyMs: Number.NaN }));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.addCable({ ...c, srcPort: 1 }));
  });

  it('patches both directions of a cable or one directed link', () => {
    const f = buildFixture();
    const both = f.topology.patchLink('par-fra', { adminUp: false, cost: 3 });
    expect(both.map((l) => [l.id, l.adminUp, l.cost])).toEqual([
      ['par-fra.a', false, 3],
      ['par-fra.b', false, 3],
    ]);
    const one = f.topology.patchLink('fra-ams.b', { latencyMs: 9 });
    expect(one).toHaveLength(1);
    expect(f.store.getLink('fra-ams.a').latencyMs).toBe(3.1);
    expect(f.store.getLink('fra-ams.b').latencyMs).toBe(9);
  });

  it('refuses capacity below reservations, empty and invalid patches without changing anything', () => {
    const f = buildFixture();
    f.store.adjustReserved('par-fra.b', 300);
    const err = expectRefused(f, 'SDNC_ERR_CAPACITY_BELOW_RESERVED', () =>
      f.topology.patchLink('par-fra', { capacityMbps: 200, adminUp: false }),
    );
    expect(err.details).toEqual({ id: 'par-fra.b', capacityMbps: 200, reservedMbps: 300 });
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.patchLink('par-fra', {}));
    expectRefused(f, 'SDNC_ERR_VALIDATION', () => f.topology.patchLink('par-fra', { latencyMs: -1 }));
    expectRefused(f, 'SDNC_ERR_LINK_NOT_FOUND', () => f.topology.patchLink('nowhere', { cost: 1 }));
    expect(f.topology.patchLink('par-fra', { capacityMbps: 300 })).toHaveLength(2);
  });
});

describe('TopologyService edits log', () => {
  class RecordingLog implements TopologyEditsLog {
    readonly calls: string[] = [];
    failNext = false;
    constructor(private readonly store: TopologyStore) {}
    private record(entry: string): void {
      // Called before memory changes: the store must not yet show the edit.
      this.calls.push(`${entry} shape=${this.store.shapeVersion} attr=${this.store.attrVersion}`);
      if (this.failNext) throw new Error('disk full');
    }
    nodeAdded(node: TopoNode): void {
      this.record(`nodeAdded ${node.id}`);
    }
    nodeRemoved(id: string): void {
      this.record(`nodeRemoved ${id}`);
    }
    cableAdded(links: readonly TopoLink[]): void {
      this.record(`cableAdded ${links.map((l) => l.id).join(',')}`);
    }
    linkPatched(idOrCable: string, patch: LinkPatch): void {
      this.record(`linkPatched ${idOrCable} ${JSON.stringify(patch)}`);
    }
  }

  it('records each accepted edit before applying it, and nothing for refused edits', () => {
    const bus = new EventBus();
    const store = new TopologyStore(bus);
    const log = new RecordingLog(store);
    const svc = new TopologyService(store, log);
    svc.addNode({ id: 'a', kind: 'exchange', name: 'a', provider: 'p', jurisdiction: 'FR' });
    svc.addNode({ id: 'b', kind: 'exchange', name: 'b', provider: 'p', jurisdiction: 'FR' });
    svc.addCable({ id: 'ab', src: 'a', dst: 'b', capacityMbps: 10, latencyMs: 1 });
    svc.patchLink('ab', { cost: 2 });
    svc.removeNode('b');
    expect(() => svc.addNode({ id: 'a', kind: 'exchange', name: 'a', provider: 'p', jurisdiction: 'FR' })).toThrow(SdncError);
    expect(log.calls).toEqual([
      'nodeAdded a shape=0 attr=0',
      'nodeAdded b shape=1 attr=0',
      'cableAdded ab.a,ab.b shape=2 attr=0',
      'linkPatched ab {"cost":2} shape=4 attr=0',
      'nodeRemoved b shape=4 attr=2',
    ]);
  });

  it('changes nothing when the log refuses the edit', () => {
    const bus = new EventBus();
    const store = new TopologyStore(bus);
    const log = new RecordingLog(store);
    const svc = new TopologyService(store, log);
    svc.addNode({ id: 'a', kind: 'exchange', name: 'a', provider: 'p', jurisdiction: 'FR' });
    svc.addNode({ id: 'b', kind: 'exchange', name: 'b', provider: 'p', jurisdiction: 'FR' });
    svc.addCable({ id: 'ab', src: 'a', dst: 'b', capacityMbps: 10, latencyMs: 1 });
    const before = { seq: bus.seq, snap: structuredClone(store.snapshot()) };
    log.failNext = true;
    expect(() => svc.addNode({ id: 'c', kind: 'exchange', name: 'c', provider: 'p', jurisdiction: 'FR' })).toThrow('disk full');
    expect(() => svc.addEndpoint({ id: 'h', addresses: ['10.0.0.1'], attachment: { node: 'a', port: 1 } })).toThrow('disk full');
    expect(() => svc.addCable({ id: 'ab2', src: 'a', dst: 'b', capacityMbps: 10, latencyMs: 1 })).toThrow('disk full');
    expect(() => svc.patchLink('ab', { adminUp: false })).toThrow('disk full');
    expect(() => svc.removeNode('b')).toThrow('disk full');
    expect({ seq: bus.seq, snap: store.snapshot() }).toEqual(before);
    expect(svc.resolveAddress('10.0.0.1')).toBeUndefined();
  });
});
