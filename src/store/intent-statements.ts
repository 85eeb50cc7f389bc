import type { Statement } from 'better-sqlite3';
import { BulkStatement } from './bulk-statement.js';
import type { Db } from './database.js';
import { HISTORY_WIDTH } from './intent-schema.js';

/**
 * The intent store's statements, prepared once per database: single-row ones for immediate writes and
 * reads, multi-row ones (BulkStatement) for group commits.
 */
export class IntentStatements {
  readonly upsertIntent: Statement;
  readonly insertIntents: BulkStatement;
  readonly updateState: BulkStatement;
  readonly updateStateOfKeys: BulkStatement;
  readonly updateRoute: BulkStatement;
  readonly insertHistory: Statement;
  readonly bulkHistory: BulkStatement;
  readonly deleteIntentStmt: Statement;
  readonly deleteLabels: Statement;
  readonly bulkDeleteLabels: BulkStatement;
  readonly insertLabel: Statement;
  readonly bulkLabels: BulkStatement;
  readonly upsertLabels: BulkStatement;
  readonly deleteLabel: Statement;
  readonly findIdem: Statement;
  readonly insertIdem: Statement;
  readonly readKey: Statement;
  readonly writeKey: Statement;

  constructor(db: Db) {
    this.upsertIntent = db.prepare(
      `INSERT INTO intents (key, id, spec, state, reason, paths, reserved_links, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET spec = excluded.spec, state = excluded.state, reason = excluded.reason,
         paths = excluded.paths, reserved_links = excluded.reserved_links, updated_at = excluded.updated_at`,
    );
    this.insertIntents = new BulkStatement(
      db,
      'INSERT INTO intents (key, id, spec, state, reason, paths, reserved_links, created_at, updated_at) VALUES ',
      '(?,?,?,?,?,?,?,?,?)',
      '',
      9,
    );
    // Rows of (key, state, reason, updated_at) and (key, state, reason, paths, reserved_links, updated_at).
    this.updateState = new BulkStatement(
      db,
      'UPDATE intents SET state = v.column2, reason = v.column3, updated_at = v.column4 FROM (VALUES ',
      '(?,?,?,?)',
      ') AS v WHERE intents.key = v.column1',
      4,
    );
    // The same for rows of one state, reason and time (prefix values), listed by key.
    this.updateStateOfKeys = new BulkStatement(
      db,
      'UPDATE intents SET state = ?, reason = ?, updated_at = ? WHERE key IN (',
      '?',
      ')',
      1,
      3,
    );
    this.updateRoute = new BulkStatement(
      db,
      `UPDATE intents SET state = v.column2, reason = v.column3, paths = v.column4, reserved_links = v.column5,
         updated_at = v.column6 FROM (VALUES `,
      '(?,?,?,?,?,?)',
      ') AS v WHERE intents.key = v.column1',
      6,
    );
    const history = 'INSERT INTO intent_history (intent_key, seq, state, at, reason) VALUES ';
    this.insertHistory = db.prepare(`${history}(?, ?, ?, ?, ?)`);
    this.bulkHistory = new BulkStatement(db, history, '(?,?,?,?,?)', '', HISTORY_WIDTH);
    this.deleteIntentStmt = db.prepare('DELETE FROM intents WHERE key = ?');
    this.deleteLabels = db.prepare('DELETE FROM intent_labels WHERE intent_key = ?');
    this.bulkDeleteLabels = new BulkStatement(db, 'DELETE FROM intent_labels WHERE intent_key IN (', '?', ')', 1);
    const labels = 'INSERT INTO intent_labels (label, intent_key, direction) VALUES ';
    this.insertLabel = db.prepare(`${labels}(?, ?, ?)`);
    this.bulkLabels = new BulkStatement(db, labels, '(?,?,?)', '', 3);
    this.upsertLabels = new BulkStatement(
      db,
      labels,
      '(?,?,?)',
      ' ON CONFLICT (intent_key, direction) DO UPDATE SET label = excluded.label',
      3,
    );
    this.deleteLabel = db.prepare('DELETE FROM intent_labels WHERE intent_key = ? AND direction = ?');
    this.findIdem = db.prepare('SELECT body_hash, intent_key FROM intent_idempotency WHERE idem_key = ?');
    this.insertIdem = db.prepare(
      'INSERT INTO intent_idempotency (idem_key, body_hash, intent_key, created_at) VALUES (?, ?, ?, ?)',
    );
    this.readKey = db.prepare('SELECT last_key FROM intent_key_seq WHERE one = 1');
    this.writeKey = db.prepare(
      `INSERT INTO intent_key_seq (one, last_key) VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET last_key = excluded.last_key`,
    );
  }

  /** Prepares every multi-row statement of a group commit for each chunk size now. */
  prepareBulk(): void {
    for (const bulk of [
      this.insertIntents,
      this.updateState,
      this.updateStateOfKeys,
      this.updateRoute,
      this.bulkHistory,
      this.bulkDeleteLabels,
      this.bulkLabels,
      this.upsertLabels,
    ]) {
      bulk.prepareAll();
    }
  }
}
