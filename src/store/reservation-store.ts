import { type Db, migrate } from './database.js';

export type BackupPolicy = 'dedicated' | 'shared';

/** One admitted reservation as persisted. Link ids are directed link ids. */
export interface StoredReservation {
  readonly ownerId: string;
  readonly bandwidthMbps: number;
  readonly primary: readonly string[];
  readonly backup: readonly string[] | null;
  readonly backupPolicy: BackupPolicy;
  /** ISO timestamp. */
  readonly createdAt: string;
}

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE reservations (
    owner_id TEXT PRIMARY KEY,
    bandwidth_mbps REAL NOT NULL CHECK (bandwidth_mbps >= 0),
    primary_links TEXT NOT NULL,
    backup_links TEXT,
    backup_policy TEXT NOT NULL CHECK (backup_policy IN ('dedicated', 'shared')),
    created_at TEXT NOT NULL
  )`,
];

interface Row {
  owner_id: string;
  bandwidth_mbps: number;
  primary_links: string;
  backup_links: string | null;
  backup_policy: BackupPolicy;
  created_at: string;
}

/**
 * Persistence of the admission ledger: one row per owner (an intent), link lists as JSON arrays. With
 * immediate commits the ledger writes here inside its critical section, before it changes anything in
 * memory, so a failed write leaves both the database and the graph as they were; with group commit it
 * hands over the owners changed during one event-loop turn to `writeBatch` (see ReservationLedger).
 */
export class ReservationStore {
  private readonly insertStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly allStmt;

  constructor(private readonly db: Db) {
    migrate(db, 'reservations', MIGRATIONS);
    this.insertStmt = db.prepare(
      `INSERT INTO reservations (owner_id, bandwidth_mbps, primary_links, backup_links, backup_policy, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    // An owner's new row in place of any it had: one statement instead of a DELETE and an INSERT.
    this.upsertStmt = db.prepare(
      `INSERT OR REPLACE INTO reservations (owner_id, bandwidth_mbps, primary_links, backup_links, backup_policy, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.deleteStmt = db.prepare('DELETE FROM reservations WHERE owner_id = ?');
    this.allStmt = db.prepare('SELECT * FROM reservations ORDER BY created_at, owner_id');
  }

  insert(r: StoredReservation): void {
    write(this.insertStmt, r);
  }

  /** Returns whether a row was deleted. */
  delete(ownerId: string): boolean {
    return this.deleteStmt.run(ownerId).changes > 0;
  }

  all(): StoredReservation[] {
    return (this.allStmt.all() as Row[]).map((r) => ({
      ownerId: r.owner_id,
      bandwidthMbps: r.bandwidth_mbps,
      primary: JSON.parse(r.primary_links) as string[],
      backup: r.backup_links === null ? null : (JSON.parse(r.backup_links) as string[]),
      backupPolicy: r.backup_policy,
      createdAt: r.created_at,
    }));
  }

  /**
   * Writes each owner's final state in one transaction: the row when given, no row for null. Used by
   * the ledger's group commit; all of the batch is written or none of it.
   */
  writeBatch(changes: ReadonlyMap<string, StoredReservation | null>): void {
    this.db.transaction(() => {
      for (const [ownerId, row] of changes) {
        if (row === null) this.deleteStmt.run(ownerId);
        else write(this.upsertStmt, row);
      }
    })();
  }

  /** Runs `fn` in one transaction (all of its writes or none). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}

function write(stmt: { run(...params: unknown[]): unknown }, r: StoredReservation): void {
  stmt.run(
    r.ownerId,
    r.bandwidthMbps,
    JSON.stringify(r.primary),
    r.backup === null ? null : JSON.stringify(r.backup),
    r.backupPolicy,
    r.createdAt,
  );
}
