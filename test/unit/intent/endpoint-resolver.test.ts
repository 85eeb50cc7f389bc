import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { EndpointResolver } from '../../../src/intent/endpoint-resolver.js';
import { SdncError } from '../../../src/model/errors.js';
import { TopologyService } from '../../../src/topology/topology-service.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';

function setup() {
  const store = new TopologyStore(new EventBus());
  store.addNode({ id: 's1', kind: 'switch', name: 's1', provider: 'p', jurisdiction: 'DE', datapathId: '1', operUp: true });
  store.addNode({
    id: 'h1',
    kind: 'endpoint',
    name: 'h1',
    provider: 'p',
    jurisdiction: 'DE',
    addresses: ['10.0.0.1/32'],
    attachment: { node: 's1', port: 3 },
    operUp: true,
  });
  return { store, resolver: new EndpointResolver(store, new TopologyService(store)) };
}

describe('EndpointResolver', () => {
  it('resolves an endpoint once per node value and follows a changed node', () => {
    const { store, resolver } = setup();
    const first = resolver.resolve('h1');
    expect(first).toEqual({ node: 's1', hosts: [{ endpoint: 'h1', node: 's1', port: 3, prefixes: ['10.0.0.1/32'] }] });
    expect(resolver.resolve({ endpoint: 'h1' })).toBe(first);
    store.updateNode('h1', (n) => ({ ...n, attachment: { node: 's1', port: 4 }, addresses: ['10.0.0.9/32'] }));
    const moved = resolver.resolve('h1');
    expect(moved.hosts[0].port).toBe(4);
    expect(moved.hosts[0].prefixes).toEqual(['10.0.0.9/32']);
    // An endpoint that cannot be resolved keeps failing (failures are not remembered).
    store.updateNode('h1', (n) => ({ ...n, addresses: [] }));
    expect(() => resolver.resolve('h1')).toThrow(SdncError);
    expect(() => resolver.resolve('h1')).toThrow(SdncError);
  });
});
