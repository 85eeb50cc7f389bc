import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IntentRecord, StateChange } from '../../../src/intent/intent-types.js';
import { type Db, openDatabase } from '../../../src/store/database.js';
import { IntentStore } from '../../../src/store/intent-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Two connections to one database file: the store writes through one, the test reads through the other. */
function twoConnections(): { writer: Db; reader: Db } {
  const dir = mkdtempSync(join(tmpdir(), 'sdnc-intent-store-'));
  dirs.push(dir);
  const writer = openDatabase(dir);
  const reader = openDatabase(dir);
  return { writer, reader };
}

function record(key: number, state: IntentRecord['state'], history: StateChange[]): IntentRecord {
  return {
    id: `intent-${key}`,
    key,
    spec: {
      src: 'h1',
      dst: 'h2',
      bandwidthMbps: 10,
      objective: 'latency',
      protection: 'none',
      constraints: {},
      priority: 100,
      allowPreemption: false,
      bidirectional: true,
    },
    state,
    reservedLinks: [],
    createdAt: 1,
    updatedAt: history.at(-1)?.at ?? 1,
    history,
  };
}

const count = (db: Db, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('IntentStore group commit', () => {
  it('writes a turn of changes in one go before the next promise continuation, and nothing before', async () => {
    const { writer, reader } = twoConnections();
    const store = new IntentStore(writer);
    const key = store.nextKey();
    const h1: StateChange = { state: 'requested', at: 1 };
    const h2: StateChange = { state: 'compiling', at: 2 };
    store.save(record(key, 'requested', [h1]), h1);
    store.save(record(key, 'compiling', [h1, h2]), h2);
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
    store.save(record(key, 'requested', [h]), h);
    // Another connection holds the write lock: the flush fails and keeps its changes.
    reader.pragma('busy_timeout = 0');
    writer.pragma('busy_timeout = 0');
    reader.exec('BEGIN IMMEDIATE');
    expect(() => store.flush()).toThrow();
    reader.exec('ROLLBACK');
    expect(store.unwrittenCount).toBe(2);
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
    store.save(record(key, 'requested', [h]), h);
    expect(count(reader, 'intents')).toBe(1);
    expect(store.unwrittenCount).toBe(0);
  });
});
