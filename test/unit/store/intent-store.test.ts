import { describe, expect, it } from 'vitest';
import type { IntentPaths, IntentRecord, StateChange } from '../../../src/intent/intent-types.js';
import { linksOfPaths } from '../../../src/intent/path-planner.js';
import { migrate } from '../../../src/store/database.js';
import { INTENT_MIGRATIONS, LABEL_ROLES } from '../../../src/store/intent-schema.js';
import { IntentStore } from '../../../src/store/intent-store.js';
import { count, next, path, record, twoConnections } from './intent-store-fixtures.js';

describe('IntentStore group commit', () => {
  it('writes a turn of changes in one go before the next promise continuation, and nothing before', async () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const key = store.nextKey();
    const h1: StateChange = { state: 'requested', at: 1 };
    const h2: StateChange = { state: 'compiling', at: 2 };
    store.save(record(key, 'requested', [h1]));
    store.save(record(key, 'compiling', [h1, h2]));
    store.saveLabels(key, { forward: 7, reverse: 8 });
    store.saveIdempotency('k1', 'hash', key);
    // Same synchronous run: nothing is in the database yet, but the store answers from memory.
    expect(count(reader, 'intents')).toBe(0);
    expect(store.findIdempotency('k1')).toEqual({ bodyHash: 'hash', intentKey: key });
    expect(store.unwrittenCount).toBeGreaterThan(0);
    await Promise.resolve();
    expect(count(reader, 'intents')).toBe(1);
    expect(count(reader, 'intent_history')).toBe(2);
    expect(count(reader, 'intent_labels')).toBe(2);
    expect((reader.prepare('SELECT state FROM intents').get() as { state: string }).state).toBe('compiling');
    expect(store.unwrittenCount).toBe(0);
    // A new store on the same file continues the key sequence and reloads the intent as written.
    const again = new IntentStore(reader);
    expect(again.nextKey()).toBe(key + 1);
    expect(again.loadAll().map((r) => [r.state, r.labels, r.history.length])).toEqual([
      ['compiling', { forward: 7, reverse: 8 }, 2],
    ]);
  });

  it('flush() writes at once; a failed write keeps the changes for the next flush', () => {
    const { writer, reader } = twoConnections();
    const errors: unknown[] = [];
    const store = new IntentStore(writer, { onFlushError: (e) => errors.push(e) });
    const key = store.nextKey();
    const h: StateChange = { state: 'requested', at: 1 };
    store.save(record(key, 'requested', [h]));
    // Another connection holds the write lock: the flush fails and keeps its changes.
    reader.pragma('busy_timeout = 0');
    writer.pragma('busy_timeout = 0');
    reader.exec('BEGIN IMMEDIATE');
    expect(() => store.flush()).toThrow();
    reader.exec('ROLLBACK');
    // The row, with its history.
    expect(store.unwrittenCount).toBe(1);
    store.flush();
    expect(count(reader, 'intents')).toBe(1);
    store.delete(key);
    store.flush();
    expect(count(reader, 'intents')).toBe(0);
    expect(count(reader, 'intent_history')).toBe(0);
  });

  it('immediate mode writes every save before it returns', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer, { commit: 'immediate' });
    const key = store.nextKey();
    const h: StateChange = { state: 'requested', at: 1 };
    store.save(record(key, 'requested', [h]));
    expect(count(reader, 'intents')).toBe(1);
    expect(store.unwrittenCount).toBe(0);
    store.saveLabels(key, { forward: 3, forwardCrankback: 4, reverseMeter: 5 });
    expect(new IntentStore(reader).loadAll()[0].labels).toEqual({ forward: 3, forwardCrankback: 4, reverseMeter: 5 });
    store.saveLabels(key, undefined);
    expect(count(reader, 'intent_labels')).toBe(0);
    store.delete(key);
    expect([count(reader, 'intents'), count(reader, 'intent_history')]).toEqual([0, 0]);
  });

  it('writes labels saved with a state change only and with a new spec', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const [a, b] = [store.nextKey(), store.nextKey()];
    const h: StateChange = { state: 'installed', at: 1 };
    const recs = [record(a, 'installed', [h]), record(b, 'installed', [h])];
    for (const r of recs) store.save(r);
    store.flush();
    const la = { forward: 1, reverse: 2, forwardCrankback: 3 };
    const lb = { forward: 4, reverseMeter: 5 };
    const na = next(recs[0], 'rerouting', 2, { labels: la });
    const nb = next(recs[1], 'rerouting', 2, { labels: lb, spec: { ...recs[1].spec, priority: 7 } });
    for (const [r, l] of [
      [na, la],
      [nb, lb],
    ] as const) {
      store.save(r);
      store.saveLabels(r.key, l);
    }
    store.flush();
    expect(new IntentStore(reader).loadAll()).toEqual([na, nb]);
  });

  it('writes only what changed since the last commit, and a restart reloads exactly what is in memory', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const key = store.nextKey();
    const h: StateChange = { state: 'requested', at: 1 };
    let rec = record(key, 'requested', [h]);
    store.save(rec);
    store.flush();
    const p1: IntentPaths = { forward: { primary: path('a', 'b', 'c'), active: 'primary' } };
    const step = (r: IntentRecord) => {
      store.save(r);
      if (r.labels !== rec.labels) store.saveLabels(r.key, r.labels);
      rec = r;
      store.flush();
      const [loaded] = new IntentStore(reader).loadAll();
      expect(loaded).toEqual(rec);
    };
    step(next(rec, 'compiling', 2));
    step(next(rec, 'installing', 3, { paths: p1, labels: { forward: 5 }, reservedLinks: p1.forward.primary.links }));
    // Same spec, paths and links: only the state changes.
    step(next(rec, 'installed', 4));
    // New paths and links, same spec.
    const p2: IntentPaths = { forward: { primary: path('a', 'd', 'c'), active: 'primary' } };
    step(next(rec, 'rerouting', 5, { paths: p2, labels: { forward: 6 }, reservedLinks: p2.forward.primary.links }));
    // A new spec (PATCH).
    step(next(rec, 'installed', 6, { spec: { ...rec.spec, bandwidthMbps: 20 } }));
    step(next(rec, 'failed', 7, { paths: undefined, labels: undefined, reservedLinks: [] }));
    expect(count(reader, 'intent_history')).toBe(7);
    expect(count(reader, 'intent_labels')).toBe(0);
  });

  it('writes a failed turn again whole: a later flush does not take the failed write for done', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const key = store.nextKey();
    const h: StateChange = { state: 'requested', at: 1 };
    const r1 = record(key, 'requested', [h]);
    store.save(r1);
    store.flush();
    const p: IntentPaths = { forward: { primary: path('a', 'b'), active: 'primary' } };
    const r2 = next(r1, 'compiling', 2, { paths: p, reservedLinks: ['a-b'] });
    store.save(r2);
    store.saveLabels(key, { forward: 9 });
    reader.pragma('busy_timeout = 0');
    writer.pragma('busy_timeout = 0');
    reader.exec('BEGIN IMMEDIATE');
    expect(() => store.flush()).toThrow();
    reader.exec('ROLLBACK');
    // The next version shares the paths of the unwritten one: they must still be written.
    const r3 = next(r2, 'installing', 3, { labels: { forward: 9 } });
    store.save(r3);
    store.flush();
    expect(new IntentStore(reader).loadAll()).toEqual([r3]);
  });

  it('moves a label between intents in one turn, also from an intent deleted in that turn', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const [a, b, c] = [store.nextKey(), store.nextKey(), store.nextKey()];
    const h: StateChange = { state: 'requested', at: 1 };
    for (const key of [a, b, c]) store.save(record(key, 'requested', [h]));
    store.saveLabels(a, { forward: 10, reverse: 11 });
    store.saveLabels(c, { forward: 20 });
    store.flush();
    // b takes a's labels (b's change is queued first), c is deleted and its label goes to a.
    store.saveLabels(b, { forward: 10, reverse: 11 });
    store.saveLabels(a, { forward: 20 });
    store.delete(c);
    store.flush();
    const labels = reader.prepare('SELECT label, intent_key AS key FROM intent_labels ORDER BY label').all();
    expect(labels).toEqual([
      { label: 10, key: b },
      { label: 11, key: b },
      { label: 20, key: a },
    ]);
  });

  it('rewrites the label roles that changed, whether the store wrote, loaded or never saw the rows', () => {
    const { writer, reader } = twoConnections();
    const rows = () =>
      reader.prepare('SELECT direction, label FROM intent_labels ORDER BY direction').all() as {
        direction: string;
        label: number;
      }[];
    const store = new IntentStore(writer);
    const key = store.nextKey();
    const h: StateChange = { state: 'installed', at: 1 };
    store.save(record(key, 'installed', [h]));
    store.saveLabels(key, { forward: 1, reverse: 2, forwardMeter: 5 });
    store.flush();
    // One role changes, one stays, one goes, one comes.
    store.saveLabels(key, { forward: 3, reverse: 2, reverseMeter: 6 });
    store.flush();
    expect(rows()).toEqual([
      { direction: 'forward', label: 3 },
      { direction: 'reverse', label: 2 },
      { direction: 'reverseMeter', label: 6 },
    ]);
    // A store that never read the rows replaces them all.
    const blind = new IntentStore(writer);
    blind.saveLabels(key, { forward: 7, forwardMeter: 8 });
    blind.flush();
    expect(rows()).toEqual([
      { direction: 'forward', label: 7 },
      { direction: 'forwardMeter', label: 8 },
    ]);
    // A store that loaded them removes them.
    const loaded = new IntentStore(writer);
    expect(loaded.loadAll()[0].labels).toEqual({ forward: 7, forwardMeter: 8 });
    loaded.saveLabels(key, { forward: 7, reverse: 9 });
    loaded.flush();
    expect(rows()).toEqual([
      { direction: 'forward', label: 7 },
      { direction: 'reverse', label: 9 },
    ]);
    loaded.saveLabels(key, undefined);
    loaded.flush();
    expect(rows()).toEqual([]);
  });

  it("appends each write's new transitions to the row's history, however the row is written", () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const history = (key: number) =>
      reader.prepare('SELECT seq, state, at, reason FROM intent_history WHERE intent_key = ? ORDER BY seq').all(key);
    const key = store.nextKey();
    let rec = record(key, 'requested', [{ state: 'requested', at: 1 }]);
    store.save(rec);
    store.flush();
    // Two transitions in one write (a row of its own values), then one (the state-run statement).
    rec = next(next(rec, 'compiling', 2), 'installing', 3);
    store.save(rec);
    store.flush();
    rec = next(rec, 'installed', 4);
    store.save(rec);
    store.flush();
    // A write without a transition appends nothing; one with a reason keeps it.
    store.saveLabels(key, { forward: 5 });
    store.flush();
    const reason = { code: 'bandwidth' as const, message: 'link a-b is full' };
    rec = { ...next(rec, 'failed', 5, { reason }), labels: { forward: 5 } };
    rec = { ...rec, history: [...rec.history.slice(0, -1), { state: 'failed', at: 5, reason }] };
    store.save(rec);
    store.flush();
    // A new spec writes the whole row: its history still only gets what is new.
    rec = next(rec, 'compiling', 6, { spec: { ...rec.spec, priority: 3 }, reason: undefined });
    store.save(rec);
    store.flush();
    // A store that did not write or load the row reads how much history it has.
    rec = next(rec, 'installing', 7, { spec: { ...rec.spec, priority: 4 } });
    const blind = new IntentStore(writer);
    blind.save(rec);
    blind.flush();
    expect(history(key)).toEqual([
      { seq: 0, state: 'requested', at: 1, reason: null },
      { seq: 1, state: 'compiling', at: 2, reason: null },
      { seq: 2, state: 'installing', at: 3, reason: null },
      { seq: 3, state: 'installed', at: 4, reason: null },
      { seq: 4, state: 'failed', at: 5, reason: JSON.stringify(reason) },
      { seq: 5, state: 'compiling', at: 6, reason: null },
      { seq: 6, state: 'installing', at: 7, reason: null },
    ]);
    expect(new IntentStore(reader).loadAll()).toEqual([rec]);
  });

  it('writes large turns (multi-row statements) and reloads every history entry in order', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const expected: IntentRecord[] = [];
    // 301 intents x 3 entries: row counts that are not a multiple of any statement size.
    for (let i = 0; i < 301; i++) {
      const key = store.nextKey();
      const h: StateChange = { state: 'requested', at: i };
      let rec = record(key, 'requested', [h]);
      store.save(rec);
      rec = next(rec, 'compiling', i + 1);
      store.save(rec);
      rec = next(rec, 'failed', i + 2, { reason: { code: 'bandwidth', message: `none ${i}` } });
      rec = { ...rec, history: [...rec.history.slice(0, 2), { ...rec.history[2], reason: rec.reason }] };
      store.save(rec);
      store.saveLabels(key, i % 2 === 0 ? { forward: 2 * i + 1, reverse: 2 * i + 2 } : undefined);
      if (i % 2 === 0) rec = { ...rec, labels: { forward: 2 * i + 1, reverse: 2 * i + 2 } };
      expected.push(rec);
    }
    store.delete(expected[8].key);
    expected.splice(8, 1);
    store.flush();
    expect(count(reader, 'intent_history')).toBe(300 * 3);
    expect(count(reader, 'intent_labels')).toBe(150 * 2);
    expect(new IntentStore(reader).loadAll()).toEqual(expected);
    // A second turn: every intent changes state; one in three also gets new paths (shared by all of
    // them), one in five a new spec.
    const shared: IntentPaths = { forward: { primary: path('a', 'b'), active: 'primary' } };
    const moved = expected.map((r, i) =>
      next(r, 'compiling', 1000 + i, {
        reason: undefined,
        ...(i % 3 === 0 ? { paths: shared, reservedLinks: ['a-b'] } : {}),
        ...(i % 5 === 0 ? { spec: { ...r.spec, priority: i } } : {}),
      }),
    );
    for (const r of moved) store.save(r);
    store.flush();
    expect(count(reader, 'intent_history')).toBe(300 * 4);
    expect(new IntentStore(reader).loadAll()).toEqual(moved);
    // A third turn, state and time only: runs of rows with the same values (written by key list), cut
    // by a few rows with a reason of their own, and runs too short for that.
    const installed = moved.map((r, i) => {
      const reason = i % 37 === 0 ? { code: 'bandwidth' as const, message: `short ${i}` } : undefined;
      const at = i < 200 ? 2000 + Math.floor(i / 40) : 3000 + i;
      const n = next(r, reason ? 'failed' : 'installed', at, { reason });
      return reason ? { ...n, history: [...r.history, { state: n.state, at, reason }] } : n;
    });
    for (const r of installed) store.save(r);
    store.flush();
    expect(count(reader, 'intent_history')).toBe(300 * 5);
    expect(new IntentStore(reader).loadAll()).toEqual(installed);
  });

  it('leaves out reserved links that are the links of the paths, and reloads them, as well as others and old rows', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const p: IntentPaths = {
      forward: { primary: path('a', 'b', 'c'), backup: path('a', 'd', 'c'), active: 'primary' },
      reverse: { primary: path('c', 'b', 'a'), active: 'primary' },
    };
    const h: StateChange = { state: 'installing', at: 2 };
    const derived = { ...record(store.nextKey(), 'installing', [h]), paths: p, reservedLinks: linksOfPaths(p) };
    // Equal links that are not the planner's array, and links that are not those of the paths.
    const copied = { ...record(store.nextKey(), 'installing', [h]), paths: p, reservedLinks: [...linksOfPaths(p)] };
    const other = { ...record(store.nextKey(), 'installing', [h]), paths: p, reservedLinks: ['a-b'] };
    for (const r of [derived, copied, other]) store.save(r);
    store.flush();
    const stored = reader.prepare('SELECT key, reserved_links FROM intents ORDER BY key').all() as {
      key: number;
      reserved_links: string;
    }[];
    expect(stored.map((r) => r.reserved_links)).toEqual(['', JSON.stringify(copied.reservedLinks), '["a-b"]']);
    expect(new IntentStore(reader).loadAll()).toEqual([derived, copied, other]);
    // A row written before links were left out holds their JSON: it reloads as it was.
    reader.prepare('UPDATE intents SET reserved_links = ? WHERE key = ?').run(JSON.stringify(derived.reservedLinks), derived.key);
    expect(new IntentStore(reader).loadAll()[0]).toEqual(derived);
  });

  it('lets intents of one tunnel hold the same label, with their own meter ids, and reloads them', () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const [a, b] = [store.nextKey(), store.nextKey()];
    const h: StateChange = { state: 'installed', at: 1 };
    const la = { forward: 30, reverse: 31, forwardMeter: 1, reverseMeter: 1 };
    const lb = { forward: 30, reverse: 31, forwardMeter: 2, reverseMeter: 2 };
    store.save({ ...record(a, 'installed', [h]), labels: la });
    store.save({ ...record(b, 'installed', [h]), labels: lb });
    store.saveLabels(a, la);
    store.saveLabels(b, lb);
    store.flush();
    expect(count(reader, 'intent_labels')).toBe(8);
    expect(new IntentStore(reader).loadAll().map((r) => r.labels)).toEqual([la, lb]);
  });

  it('keeps the labels of a database written before tunnels were shared', () => {
    const { writer, reader } = twoConnections();
    // The schema as the previous release left it, with its rows.
    migrate(writer, 'intent', INTENT_MIGRATIONS.slice(0, 3));
    const spec = JSON.stringify(record(1, 'installed', []).spec);
    writer
      .prepare(
        `INSERT INTO intents (key, id, spec, state, reason, paths, reserved_links, created_at, updated_at)
         VALUES (1, 'intent-1', ?, 'installed', NULL, NULL, '[]', 1, 1)`,
      )
      .run(spec);
    writer.exec(`INSERT INTO intent_labels (label, intent_key, direction) VALUES (40, 1, 'forward'), (41, 1, 'forwardCrankback');
      INSERT INTO intent_key_seq (one, last_key) VALUES (1, 1)`);
    const store = new IntentStore(writer);
    expect(store.loadAll()[0].labels).toEqual({ forward: 40, forwardCrankback: 41 });
    // And the migrated table takes a shared label now.
    const k = store.nextKey();
    const h: StateChange = { state: 'installed', at: 2 };
    store.save({ ...record(k, 'installed', [h]), labels: { forward: 40 } });
    store.saveLabels(k, { forward: 40 });
    store.flush();
    expect(new IntentStore(reader).loadAll().map((r) => r.labels?.forward)).toEqual([40, 40]);
  });

  it('keeps the label rows when the role check is rewritten, and the check still refuses other roles', () => {
    const { writer } = twoConnections();
    migrate(writer, 'intent', INTENT_MIGRATIONS.slice(0, 4));
    writer
      .prepare(
        `INSERT INTO intents (key, id, spec, state, reason, paths, reserved_links, created_at, updated_at)
         VALUES (1, 'intent-1', ?, 'installed', NULL, NULL, '[]', 1, 1)`,
      )
      .run(JSON.stringify(record(1, 'installed', []).spec));
    writer.exec(`INSERT INTO intent_labels (intent_key, direction, label) VALUES (1, 'forward', 40), (1, 'reverseMeter', 3);
      INSERT INTO intent_key_seq (one, last_key) VALUES (1, 1)`);
    migrate(writer, 'intent', INTENT_MIGRATIONS.slice(0, 5));
    const insert = writer.prepare('INSERT INTO intent_labels (intent_key, direction, label) VALUES (1, ?, ?)');
    expect(() => insert.run('sideways', 7)).toThrow(/CHECK/);
    const others = LABEL_ROLES.filter((r) => r !== 'forward' && r !== 'reverseMeter');
    for (const [i, role] of others.entries()) insert.run(role, 50 + i);
    expect(count(writer, 'intent_labels')).toBe(LABEL_ROLES.length);
    // Every role reaches its column of the intent row.
    const store = new IntentStore(writer);
    expect(store.loadAll()[0].labels).toEqual({
      forward: 40,
      reverseMeter: 3,
      ...Object.fromEntries(others.map((role, i) => [role, 50 + i])),
    });
  });
});
