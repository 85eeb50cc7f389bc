import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../../../src/store/checkpointer.js';
import { type Db, openDatabase } from '../../../src/store/database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function database(): { db: Db; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sdnc-checkpoint-'));
  dirs.push(dir);
  const db = openDatabase(dir);
  db.exec('CREATE TABLE blobs (b BLOB)');
  return { db, file: join(dir, 'sdnc.db') };
}

/** One commit of about 8 MB: past SQLite's automatic checkpoint threshold (1,000 pages of 4 KB). */
function writeMuch(db: Db): void {
  const insert = db.prepare('INSERT INTO blobs (b) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2048; i++) insert.run(Buffer.alloc(4000, i % 251));
  })();
}

describe('Checkpointer (real SQLite, real thread)', () => {
  it('takes the checkpoint out of the commit that passes the threshold and does it from its thread', async () => {
    // Without it, that commit copies the WAL into the database file itself.
    const plain = database();
    const plainBefore = statSync(plain.file).size;
    writeMuch(plain.db);
    expect(statSync(plain.file).size).toBeGreaterThan(plainBefore + 8_000_000);
    plain.db.close();

    const { db, file } = database();
    const checkpoints = new Checkpointer(db, { intervalMs: 400 });
    // Right after a round, so that the next is far off while the commit runs.
    await checkpoints.nextRound();
    const before = statSync(file).size;
    writeMuch(db);
    expect(statSync(file).size).toBe(before);
    await checkpoints.nextRound();
    expect(statSync(file).size).toBeGreaterThan(before + 8_000_000);
    expect(db.prepare('SELECT count(*) AS n FROM blobs').get()).toEqual({ n: 2048 });
    await checkpoints.close();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });

  it('gives the checkpoints back to the connection when its thread dies', async () => {
    const { db } = database();
    const failures: Error[] = [];
    const checkpoints = new Checkpointer(db, { intervalMs: 50, onFailure: (err) => failures.push(err) });
    await checkpoints.nextRound();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await (checkpoints as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(failures.map((e) => e.message)).toEqual(['checkpoint thread exited with code 1']);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});
