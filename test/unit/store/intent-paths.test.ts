import { describe, expect, it } from 'vitest';
import type { IntentPaths, IntentRecord, StateChange } from '../../../src/intent/intent-types.js';
import { linksOfPaths } from '../../../src/intent/path-planner.js';
import type { Db } from '../../../src/store/database.js';
import { IntentStore } from '../../../src/store/intent-store.js';
import { count, next, path, record, twoConnections } from './intent-store-fixtures.js';

const p1: IntentPaths = { forward: { primary: path('a', 'b', 'c'), active: 'primary' } };
const p2: IntentPaths = {
  forward: { primary: path('a', 'd', 'c'), backup: path('a', 'b', 'c'), active: 'primary' },
  reverse: { primary: path('c', 'd', 'a'), active: 'primary' },
};
const p3: IntentPaths = { forward: { primary: path('a', 'e', 'c'), active: 'primary' } };

const stored = (db: Db) =>
  (db.prepare('SELECT paths FROM intent_paths ORDER BY id').all() as { paths: string }[]).map((r) => JSON.parse(r.paths));

/** `n` intents installed on `paths`, saved and flushed. */
function installed(store: IntentStore, n: number, paths: IntentPaths): IntentRecord[] {
  const h: StateChange = { state: 'installed', at: 1 };
  const recs = Array.from({ length: n }, () => ({
    ...record(store.nextKey(), 'installed', [h]),
    paths,
    reservedLinks: linksOfPaths(paths),
  }));
  for (const r of recs) store.save(r);
  store.flush();
  return recs;
}

describe('IntentStore paths rows', () => {
  it('stores a paths object once for the intents on it and deletes it with the last of them', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const recs = installed(store, 3, p1);
    expect(stored(reader)).toEqual([p1]);
    // Two move to new paths (a reroute), then the third; one is deleted, then the rest.
    const moved = recs.slice(0, 2).map((r) => next(r, 'rerouting', 2, { paths: p2, reservedLinks: linksOfPaths(p2) }));
    for (const r of moved) store.save(r);
    store.flush();
    expect(stored(reader)).toEqual([p1, p2]);
    const last = next(recs[2], 'rerouting', 3, { paths: p2, reservedLinks: linksOfPaths(p2) });
    store.save(last);
    store.flush();
    expect(stored(reader)).toEqual([p2]);
    const reloaded = new IntentStore(reader).loadAll();
    expect(reloaded).toEqual([...moved, last]);
    // One object per row, as the planner shared it.
    expect(reloaded[1].paths).toBe(reloaded[0].paths);
    expect(reloaded[2].reservedLinks).toBe(reloaded[0].reservedLinks);
    store.delete(moved[0].key);
    store.flush();
    expect(count(reader, 'intent_paths')).toBe(1);
    for (const r of [moved[1], last]) store.delete(r.key);
    store.flush();
    expect(count(reader, 'intent_paths')).toBe(0);
  });

  it('counts the references of loaded rows, and checks those of rows it never saw', () => {
    const { writer, reader } = twoConnections();
    const [a, b] = installed(new IntentStore(writer), 2, p1);
    // A store that loaded the rows: one intent leaves p1 (kept for the other), then the other.
    const loaded = new IntentStore(writer);
    const [la, lb] = loaded.loadAll();
    const na = next(la, 'failed', 2, { paths: undefined, reservedLinks: [] });
    loaded.save(na);
    loaded.flush();
    expect(stored(reader)).toEqual([p1]);
    const nb = next(lb, 'rerouting', 2, { paths: p3, reservedLinks: linksOfPaths(p3) });
    loaded.save(nb);
    loaded.flush();
    expect(stored(reader)).toEqual([p3]);
    // A store that never read them: a new spec rewrites the row of b (leaving p3 for p1), then of a.
    const blind = new IntentStore(writer);
    const bb = next(nb, 'installed', 3, { spec: { ...b.spec, priority: 1 }, paths: p1, reservedLinks: linksOfPaths(p1) });
    blind.save(bb);
    blind.flush();
    expect(stored(reader)).toEqual([p1]);
    const ba = next(na, 'installed', 3, { spec: { ...a.spec, priority: 2 }, paths: p1, reservedLinks: linksOfPaths(p1) });
    blind.save(ba);
    blind.flush();
    // The same object: the row this store wrote for b.
    expect(stored(reader)).toEqual([p1]);
    blind.delete(bb.key);
    blind.flush();
    expect(stored(reader)).toEqual([p1]);
    expect(new IntentStore(reader).loadAll()).toEqual([ba]);
    blind.delete(ba.key);
    blind.flush();
    expect(count(reader, 'intent_paths')).toBe(0);
  });

  it('writes the paths of a failed write again, without a row left over', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const [r] = installed(store, 1, p1);
    const moved = next(r, 'rerouting', 2, { paths: p2, reservedLinks: linksOfPaths(p2) });
    store.save(moved);
    reader.pragma('busy_timeout = 0');
    writer.pragma('busy_timeout = 0');
    reader.exec('BEGIN IMMEDIATE');
    expect(() => store.flush()).toThrow();
    reader.exec('ROLLBACK');
    store.flush();
    expect(stored(reader)).toEqual([p2]);
    const back = next(moved, 'installed', 3, { paths: p1, reservedLinks: linksOfPaths(p1) });
    store.save(back);
    store.flush();
    expect(stored(reader)).toEqual([p1]);
    expect(new IntentStore(reader).loadAll()).toEqual([back]);
  });

  it('immediate mode: a transaction is written when it returns and dropped when it throws', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer, { commit: 'immediate' });
    const [r] = installed(store, 1, p1);
    const moved = next(r, 'rerouting', 2, { paths: p2, reservedLinks: linksOfPaths(p2) });
    expect(() =>
      store.transaction(() => {
        store.save(moved);
        store.saveLabels(r.key, { forward: 4 });
        throw new Error('compile failed');
      }),
    ).toThrow('compile failed');
    expect(store.unwrittenCount).toBe(0);
    expect(new IntentStore(reader).loadAll()).toEqual([r]);
    store.transaction(() => {
      store.save(moved);
      store.transaction(() => store.saveLabels(r.key, { forward: 4 }));
      // Nothing is written before the outermost transaction returns.
      expect(count(reader, 'intent_history')).toBe(1);
    });
    expect(stored(reader)).toEqual([p2]);
    expect(new IntentStore(reader).loadAll()).toEqual([{ ...moved, labels: { forward: 4 } }]);
  });
});
