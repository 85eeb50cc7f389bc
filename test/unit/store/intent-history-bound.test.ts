import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/event-bus.js';
import { FlowService } from '../../../src/flow/flow-service.js';
import { EndpointResolver } from '../../../src/intent/endpoint-resolver.js';
import { IntentEngine } from '../../../src/intent/intent-engine.js';
import { normalizeRequest } from '../../../src/intent/intent-request.js';
import { HISTORY_KEPT, HISTORY_MAX, toView } from '../../../src/intent/intent-types.js';
import { LabelAllocator } from '../../../src/intent/label-allocator.js';
import { LedgerAdapter } from '../../../src/intent/ledger-adapter.js';
import { PathPlanner } from '../../../src/intent/path-planner.js';
import { PathService } from '../../../src/path/path-service.js';
import { ReservationLedger } from '../../../src/path/reservation-ledger.js';
import { SnapshotKeeper } from '../../../src/path/snapshot-keeper.js';
import type { Db } from '../../../src/store/database.js';
import { type IntentCommitMode, IntentStore } from '../../../src/store/intent-store.js';
import { TopologyService } from '../../../src/topology/topology-service.js';
import { TopologyStore } from '../../../src/topology/topology-store.js';
import { twoConnections } from './intent-store-fixtures.js';

/** An engine over a store on `db` whose clock ticks one millisecond per transition. */
function engine(db: Db, commit: IntentCommitMode) {
  const bus = new EventBus();
  const topo = new TopologyStore(bus);
  const store = new IntentStore(db, { commit });
  let clock = 1_000;
  const e = new IntentEngine({
    store,
    bus,
    topology: topo,
    resolver: new EndpointResolver(topo, new TopologyService(topo)),
    planner: new PathPlanner(new PathService(new SnapshotKeeper(topo, bus)), topo),
    ledger: new LedgerAdapter(new ReservationLedger(topo)),
    flows: new FlowService(),
    labels: new LabelAllocator(),
    now: () => clock++,
  });
  return { e, store };
}

const spec = normalizeRequest({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 10 });

/**
 * An intent that flaps keeps the latest transitions only (HISTORY_MAX), in memory and in its row, and a
 * restart reloads exactly what the record holds.
 */
describe('intent history bound', () => {
  for (const commit of ['end-of-turn', 'immediate'] as const) {
    it(`keeps at most ${HISTORY_MAX} transitions, the latest, in memory and in the row (${commit} commits)`, () => {
      const { writer, reader } = twoConnections();
      const { e, store } = engine(writer, commit);
      const id = e.create(spec).id;
      e.transition(id, 'compiling');
      e.transition(id, 'installing');
      e.transition(id, 'installed');
      store.flush();
      // 600 flaps: written after each at first, then several per write (some writes drop old entries).
      for (let i = 0; i < 600; i++) {
        e.transition(id, 'rerouting');
        e.transition(id, 'installed');
        if (i < 300 || i % 7 === 0) store.flush();
      }
      store.flush();
      const rec = e.mustGet(id);
      const total = 4 + 1200;
      expect(rec.history.length).toBeGreaterThanOrEqual(HISTORY_KEPT);
      expect(rec.history.length).toBeLessThanOrEqual(HISTORY_MAX);
      // The latest transitions, in order: one per millisecond up to the last.
      const last = rec.history.at(-1)!;
      expect(last).toEqual({ state: 'installed', at: 1_000 + total - 1 });
      expect(rec.history.map((c) => c.at)).toEqual(rec.history.map((_, i) => last.at - (rec.history.length - 1 - i)));
      expect(toView(rec).history).toEqual(rec.history.slice(-50));
      // The row holds the same entries, as its history view shows them and as a restart reloads them.
      const rows = reader.prepare('SELECT state, at FROM intent_history WHERE intent_key = ? ORDER BY seq').all(rec.key);
      expect(rows).toEqual(rec.history.map((c) => ({ state: c.state, at: c.at })));
      expect(new IntentStore(reader).loadAll()).toEqual([rec]);
    });
  }

  it('keeps appending after a restart, and drops old entries of a reloaded record', () => {
    const { writer, reader } = twoConnections();
    const first = engine(writer, 'end-of-turn');
    const id = first.e.create(spec).id;
    for (const s of ['compiling', 'installing', 'installed'] as const) first.e.transition(id, s);
    for (let i = 0; i < 90; i++) {
      first.e.transition(id, 'rerouting');
      first.e.transition(id, 'installed');
    }
    first.store.flush();
    expect(first.e.mustGet(id).history).toHaveLength(184);
    // Restart: the engine restores the loaded record; its next transitions pass HISTORY_MAX.
    const second = engine(writer, 'end-of-turn');
    const [loaded] = second.store.loadAll();
    second.e.restore(loaded);
    for (let i = 0; i < 20; i++) {
      second.e.transition(id, 'rerouting');
      second.e.transition(id, 'installed');
      second.store.flush();
    }
    const rec = second.e.mustGet(id);
    // 16 transitions reach HISTORY_MAX, the 17th keeps HISTORY_KEPT, the other 23 are appended.
    expect(rec.history).toHaveLength(HISTORY_KEPT + 23);
    expect(rec.history.at(-1)?.state).toBe('installed');
    expect(new IntentStore(reader).loadAll()).toEqual([rec]);
  });
});
