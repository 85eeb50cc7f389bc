import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Opens (creating when needed) the controller's embedded database in `dataDir`. WAL mode with
 * synchronous=NORMAL survives a process kill -9 without losing committed transactions (only an OS crash
 * can lose the last ones). `:memory:` gives a throwaway database for tests.
 */
export function openDatabase(dataDir: string | ':memory:'): Db {
  let db: Db;
  if (dataDir === ':memory:') {
    db = new Database(':memory:');
  } else {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, 'sdnc.db'));
    db.pragma('journal_mode = WAL');
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    subsystem TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (subsystem, version)
  )`);
  return db;
}

/**
 * Versioned schema migrations, kept per subsystem so that each store owns its tables: `migrations[i]`
 * is version i+1 of `subsystem`. Versions already applied are skipped; the rest run in one transaction
 * each, in order. Never edit a released migration: append a new one.
 */
export function migrate(db: Db, subsystem: string, migrations: readonly string[]): void {
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations WHERE subsystem = ?')
      .all(subsystem)
      .map((r) => (r as { version: number }).version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (subsystem, version, applied_at) VALUES (?, ?, ?)');
  migrations.forEach((sql, i) => {
    const version = i + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      record.run(subsystem, version, new Date().toISOString());
    })();
  });
}
