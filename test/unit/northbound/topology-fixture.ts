import { EventBus } from '../../../src/events/event-bus.js';
import type { ControllerEvent } from '../../../src/model/events.js';
import { TopologyService } from '../../../src/topology/topology-service.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';

/**
 * A small continuum built from literal values: Paris cloud region, Frankfurt telco edge, Amsterdam
 * exchange; cables par-fra and fra-ams; endpoint h-par (10.1.0.0/24) on par port 10, endpoint h-ams
 * (10.1.0.128/25 and 2001:db8:1::/48) on ams port 11.
 */
export function buildFixture() {
  const bus = new EventBus();
  const store = new TopologyStore(bus);
  const topology = new TopologyService(store);
  topology.addNode({
    id: 'par',
    kind: 'cloud-region',
    name: 'Paris',
    provider: 'aurora',
    jurisdiction: 'FR',
    location: { lat: 48.86, lon: 2.35 },
  });
  topology.addNode({ id: 'fra', kind: 'telco-edge', name: 'Frankfurt', provider: 'telco-west', jurisdiction: 'DE' });
  topology.addNode({
    id: 'ams',
    kind: 'exchange',
    name: 'Amsterdam IX',
    provider: 'amsix',
    jurisdiction: 'NL',
    datapathId: '00000000000000a1',
    ports: [{ number: 1, name: 'ams-eth1', up: true }],
  });
  topology.addCable({
    id: 'par-fra',
    src: 'par',
    dst: 'fra',
    srcPort: 1,
    dstPort: 1,
    capacityMbps: 1000,
    latencyMs: 4.2,
    srlgs: ['duct-east'],
  });
  topology.addCable({
    id: 'fra-ams',
    src: 'fra',
    dst: 'ams',
    srcPort: 2,
    dstPort: 1,
    capacityMbps: 400,
    latencyMs: 3.1,
    cost: 5,
  });
  topology.addEndpoint({ id: 'h-par', addresses: ['10.1.0.0/24'], attachment: { node: 'par', port: 10 } });
  topology.addEndpoint({ id: 'h-ams', addresses: ['10.1.0.128/25', '2001:db8:1::/48'], attachment: { node: 'ams', port: 11 } });
  const events: ControllerEvent[] = [];
  bus.subscribe((e) => events.push(e.event));
  return { bus, store, topology, events };
}

/** Everything a request could have changed: compare before and after a refused request. */
export function stateOf(f: ReturnType<typeof buildFixture>) {
  return {
    seq: f.bus.seq,
    snapshot: structuredClone(f.store.snapshot()),
    shape: f.store.shapeVersion,
    attr: f.store.attrVersion,
  };
}
