import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { type Db, openDatabase } from '../../../src/store/database.js';
import { TopologyEditsStore } from '../../../src/store/topology-edits-store.js';
import { applyTopology, parseTopology } from '../../../src/topology/topology-loader.js';
import { TopologyService } from '../../../src/topology/topology-service.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';

const BASE = `
providers: [{ id: p, name: P, kind: telco }]
nodes:
  - { id: s1, kind: switch, name: S1, provider: p, jurisdiction: FR, datapathId: "0000000000000001" }
  - { id: s2, kind: switch, name: S2, provider: p, jurisdiction: FR, datapathId: "0000000000000002" }
  - { id: s3, kind: telco-edge, name: S3, provider: p, jurisdiction: DE }
cables:
  - { id: c12, a: { node: s1, port: 1 }, b: { node: s2, port: 1 }, capacityMbps: 100, latencyMs: 3, provider: p }
`;

/** A controller's topology side: the file loaded into a store, the service in front, the log behind it. */
function boot(db: Db) {
  const store = new TopologyStore(new EventBus());
  applyTopology(parseTopology(BASE, 'base.yaml'), store);
  const edits = new TopologyEditsStore(db);
  const service = new TopologyService(store, edits);
  const replay = edits.replay(service);
  return { store, edits, service, replay };
}

describe('TopologyEditsStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sdnc-edits-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('records edits made through the service and re-applies them over the file after reopening', () => {
    const db1 = openDatabase(dir);
    const first = boot(db1);
    expect(first.replay).toEqual({ applied: 0, skipped: [] });
    first.service.patchLink('c12', { capacityMbps: 40, adminUp: false });
    first.service.addNode({
      id: 's4',
      kind: 'switch',
      name: 'S4',
      provider: 'p',
      jurisdiction: 'FR',
      datapathId: '0000000000000004',
    });
    first.service.addCable({
      id: 'c24',
      src: 's2',
      dst: 's4',
      srcPort: 2,
      dstPort: 1,
      capacityMbps: 10,
      latencyMs: 1,
      srlgs: ['d1'],
    });
    first.service.addEndpoint({ id: 'h4', addresses: ['10.0.0.4/24'], attachment: { node: 's4', port: 2 } });
    first.service.removeNode('s3');
    expect(first.edits.count).toBe(5);
    db1.close();

    const db2 = openDatabase(dir);
    const second = boot(db2);
    expect(second.replay).toEqual({ applied: 5, skipped: [] });
    expect(second.store.getLink('c12.a')).toMatchObject({ capacityMbps: 40, adminUp: false });
    expect(second.store.getLink('c12.b')).toMatchObject({ capacityMbps: 40, adminUp: false });
    expect(second.store.getLink('c24.b')).toMatchObject({ src: 's4', dst: 's2', srcPort: 1, dstPort: 2, srlgs: ['d1'] });
    expect(second.store.hasNode('s3')).toBe(false);
    expect(second.service.resolveAddress('10.0.0.4')?.endpoint.id).toBe('h4');
    // Replay must not write the edits a second time.
    expect(second.edits.count).toBe(5);
    expect(second.edits.list().map((r) => r.edit.kind)).toEqual([
      'link-patched',
      'node-added',
      'cable-added',
      'node-added',
      'node-removed',
    ]);
    db2.close();
  });

  it('skips an edit that no longer applies over a changed file and still applies the rest', () => {
    const db = openDatabase(dir);
    const edits = new TopologyEditsStore(db);
    edits.linkPatched('gone-cable', { cost: 9 });
    edits.linkPatched('c12.a', { latencyMs: 7 });
    const store = new TopologyStore(new EventBus());
    applyTopology(parseTopology(BASE, 'base.yaml'), store);
    const result = edits.replay(new TopologyService(store, edits));
    expect(result.applied).toBe(1);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatchObject({ seq: 1, reason: 'Link gone-cable does not exist' });
    expect(store.getLink('c12.a').latencyMs).toBe(7);
    expect(store.getLink('c12.b').latencyMs).toBe(3);
    db.close();
  });

  it('runs its migration once however often it is opened', () => {
    const db = openDatabase(dir);
    new TopologyEditsStore(db).nodeRemoved('x');
    new TopologyEditsStore(db);
    new TopologyEditsStore(db);
    const versions = db.prepare("SELECT version FROM schema_migrations WHERE subsystem = 'topology-edits'").all();
    expect(versions).toEqual([{ version: 1 }]);
    expect(new TopologyEditsStore(db).count).toBe(1);
    db.close();
  });

  it('refuses to apply an edit that could not be recorded', () => {
    const db = openDatabase(dir);
    const store = new TopologyStore(new EventBus());
    applyTopology(parseTopology(BASE, 'base.yaml'), store);
    const service = new TopologyService(store, new TopologyEditsStore(db));
    db.close();
    expect(() => service.patchLink('c12', { cost: 5 })).toThrow(/not open/);
    expect(store.getLink('c12.a').cost).toBe(1);
  });

  it('clear() forgets the overlay', () => {
    const db = openDatabase(dir);
    const edits = new TopologyEditsStore(db);
    edits.nodeRemoved('s1');
    edits.nodeRemoved('s2');
    expect(edits.clear()).toBe(2);
    expect(edits.list()).toEqual([]);
    db.close();
  });
});
