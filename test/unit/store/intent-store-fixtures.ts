/** Records, paths and databases for the intent store tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { normalizeRequest } from '../../../src/intent/intent-request.js';
import type { IntentRecord, StateChange } from '../../../src/intent/intent-types.js';
import type { Path } from '../../../src/model/path.js';
import { type Db, openDatabase } from '../../../src/store/database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh database file, removed after the test. */
export function database(): Db {
  return openDatabase(databaseDir());
}

/** Two connections to one database file: the store writes through one, the test reads through the other. */
export function twoConnections(): { writer: Db; reader: Db } {
  const dir = databaseDir();
  return { writer: openDatabase(dir), reader: openDatabase(dir) };
}

function databaseDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdnc-intent-store-'));
  dirs.push(dir);
  return dir;
}

/** The spec of every fixture record: what a request from h1 to h2 for 10 Mbit/s normalises to. */
export const spec: IntentRecord['spec'] = normalizeRequest({ endpoints: { src: 'h1', dst: 'h2' }, bandwidthMbps: 10 });

export function record(key: number, state: IntentRecord['state'], history: StateChange[]): IntentRecord {
  return {
    id: `intent-${key}`,
    key,
    spec,
    state,
    reservedLinks: [],
    createdAt: 1,
    updatedAt: history.at(-1)?.at ?? 1,
    history,
  };
}

export function path(...nodes: string[]): Path {
  const links = nodes.slice(1).map((n, i) => `${nodes[i]}-${n}`);
  return { nodes, links, latencyMs: 1.5, cost: links.length, energyJPerGbit: 1, hops: links.length, bottleneckMbps: 100 };
}

/** The next version of a record, as the intent engine makes it: one more history entry. */
export function next(
  r: IntentRecord,
  state: IntentRecord['state'],
  at: number,
  changes: Partial<IntentRecord> = {},
): IntentRecord {
  return { ...r, ...changes, state, updatedAt: at, history: [...r.history, { state, at }] };
}

export const count = (db: Db, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
