import { describe, expect, it } from 'vitest';
import type { IntentRecord } from '../../../src/intent/intent-types.js';
import { type Db, migrate } from '../../../src/store/database.js';
import { INTENT_MIGRATIONS } from '../../../src/store/intent-schema.js';
import { IntentStore } from '../../../src/store/intent-store.js';
import { count, database, spec } from './intent-store-fixtures.js';

const path = { nodes: ['a', 'b'], links: ['a-b'], latencyMs: 1, cost: 1, energyJPerGbit: 1, hops: 1, bottleneckMbps: 100 };
const paths: IntentRecord['paths'] = { forward: { primary: path, active: 'primary' } };
const failure = { code: 'bandwidth', message: 'no room' } as const;

const rows = (db: Db, sql: string) => db.prepare(sql).all();

describe('intent schema migrations', () => {
  it('moves labels into the intent rows, paths into their own rows, and rebuilds the tables without losing history, labels or keys', () => {
    const db = database();
    // The schema and rows as the previous release (5 migrations) left them.
    migrate(db, 'intent', INTENT_MIGRATIONS.slice(0, 5));
    const insertIntent = db.prepare(
      `INSERT INTO intents (key, id, spec, state, reason, paths, reserved_links, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    insertIntent.run(1, 'intent-1', JSON.stringify(spec), 'installed', null, JSON.stringify(paths), '', 10, 13);
    insertIntent.run(3, 'intent-3', JSON.stringify(spec), 'failed', JSON.stringify(failure), null, '[]', 20, 22);
    insertIntent.run(4, 'intent-4', JSON.stringify(spec), 'installing', null, JSON.stringify(paths), '["a-b"]', 30, 31);
    // History rows out of order: they reload by sequence.
    db.exec(`INSERT INTO intent_history (intent_key, seq, state, at, reason) VALUES
      (1, 3, 'installed', 13, NULL), (1, 0, 'requested', 10, NULL), (1, 2, 'installing', 12, NULL),
      (1, 1, 'compiling', 11, NULL), (3, 1, 'failed', 22, '${JSON.stringify(failure)}'), (3, 0, 'requested', 20, NULL),
      (4, 0, 'requested', 30, NULL), (4, 1, 'installing', 31, NULL);
      INSERT INTO intent_labels (intent_key, direction, label) VALUES
      (1, 'forward', 100), (1, 'reverse', 101), (1, 'forwardCrankback', 102), (1, 'reverseCrankback', 103),
      (1, 'forwardMeter', 7), (1, 'reverseMeter', 8), (3, 'forward', 100), (3, 'reverse', 101), (4, 'forwardMeter', 9);
      INSERT INTO intent_idempotency (idem_key, body_hash, intent_key, created_at) VALUES
      ('k1', 'h1', 1, 10), ('k3', 'h3', 3, 20);
      INSERT INTO intent_key_seq (one, last_key) VALUES (1, 4)`);
    const labelRows = rows(db, 'SELECT intent_key, direction, label FROM intent_labels ORDER BY intent_key, direction');

    const store = new IntentStore(db);
    const loaded = store.loadAll();
    expect(loaded).toEqual([
      {
        id: 'intent-1',
        key: 1,
        spec,
        state: 'installed',
        reason: undefined,
        paths,
        labels: { forward: 100, reverse: 101, forwardCrankback: 102, reverseCrankback: 103, forwardMeter: 7, reverseMeter: 8 },
        reservedLinks: ['a-b'],
        createdAt: 10,
        updatedAt: 13,
        history: [
          { state: 'requested', at: 10 },
          { state: 'compiling', at: 11 },
          { state: 'installing', at: 12 },
          { state: 'installed', at: 13 },
        ],
      },
      {
        id: 'intent-3',
        key: 3,
        spec,
        state: 'failed',
        reason: failure,
        paths: undefined,
        labels: { forward: 100, reverse: 101 },
        reservedLinks: [],
        createdAt: 20,
        updatedAt: 22,
        history: [
          { state: 'requested', at: 20 },
          { state: 'failed', at: 22, reason: failure },
        ],
      },
      {
        id: 'intent-4',
        key: 4,
        spec,
        state: 'installing',
        reason: undefined,
        paths,
        // A meter id without a forward label is kept, but is no labels of the intent (as before).
        labels: undefined,
        reservedLinks: ['a-b'],
        createdAt: 30,
        updatedAt: 31,
        history: [
          { state: 'requested', at: 30 },
          { state: 'installing', at: 31 },
        ],
      },
    ]);
    expect(Object.keys(loaded[1].labels ?? {}).sort()).toEqual(['forward', 'reverse']);
    // The label rows read the same through the view; keys and idempotency keys continue.
    expect(rows(db, 'SELECT intent_key, direction, label FROM intent_labels ORDER BY intent_key, direction')).toEqual(labelRows);
    expect(store.findIdempotency('k3')).toEqual({ bodyHash: 'h3', intentKey: 3 });
    expect(store.nextKey()).toBe(5);
    // Only the final tables are left, their references follow the renamed intent table, nothing dangles.
    expect(rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'intent%' ORDER BY name")).toEqual([
      { name: 'intent_idempotency' },
      { name: 'intent_key_seq' },
      { name: 'intent_paths' },
      { name: 'intents' },
    ]);
    // The history moved into the rows; intent_history reads it as the table did.
    expect(rows(db, "SELECT type FROM sqlite_master WHERE name = 'intent_history'")).toEqual([{ type: 'view' }]);
    expect(rows(db, 'SELECT seq, state, at, reason FROM intent_history WHERE intent_key = 3 ORDER BY seq')).toEqual([
      { seq: 0, state: 'requested', at: 20, reason: null },
      { seq: 1, state: 'failed', at: 22, reason: JSON.stringify(failure) },
    ]);
    expect(count(db, 'intent_history')).toBe(8);
    // Equal paths are stored once, and reload as one object.
    expect(rows(db, 'SELECT paths FROM intent_paths')).toEqual([{ paths: JSON.stringify(paths) }]);
    expect(loaded[2].paths).toBe(loaded[0].paths);
    expect(rows(db, 'PRAGMA foreign_key_list(intent_idempotency)')).toMatchObject([{ table: 'intents', on_delete: 'CASCADE' }]);
    expect(rows(db, 'PRAGMA foreign_key_check')).toEqual([]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Deleting an intent still takes its history (deleted by the store) and idempotency keys with it,
    // and its paths once no intent is on them.
    store.delete(1);
    store.flush();
    expect(count(db, 'intent_paths')).toBe(1);
    expect(rows(db, 'SELECT DISTINCT intent_key FROM intent_history ORDER BY intent_key')).toEqual([
      { intent_key: 3 },
      { intent_key: 4 },
    ]);
    expect(rows(db, 'SELECT idem_key FROM intent_idempotency')).toEqual([{ idem_key: 'k3' }]);
    store.delete(4);
    store.flush();
    expect(count(db, 'intent_paths')).toBe(0);
    expect(new IntentStore(db).loadAll().map((r) => [r.key, r.history.length])).toEqual([[3, 2]]);
  });

  it('clears a label column when its row is deleted from the intent_labels view', () => {
    const db = database();
    const store = new IntentStore(db);
    const key = store.nextKey();
    const h = { state: 'installed', at: 1 } as const;
    const labels = { forward: 5, reverse: 6, forwardMeter: 1, reverseMeter: 2 };
    store.save({
      id: `intent-${key}`,
      key,
      spec,
      state: 'installed',
      labels,
      reservedLinks: [],
      createdAt: 1,
      updatedAt: 1,
      history: [h],
    });
    store.saveLabels(key, labels);
    store.flush();
    db.prepare(`DELETE FROM intent_labels WHERE direction IN ('forwardMeter', 'reverseMeter')`).run();
    expect(new IntentStore(db).loadAll()[0].labels).toEqual({ forward: 5, reverse: 6 });
    db.prepare(`DELETE FROM intent_labels WHERE direction = 'forward'`).run();
    expect(new IntentStore(db).loadAll()[0].labels).toBeUndefined();
  });
});
