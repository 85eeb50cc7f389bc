import type { Statement } from 'better-sqlite3';
import { BulkStatement } from './bulk-statement.js';
import type { Db } from './database.js';
import { HISTORY_WIDTH, LABEL_COLUMNS, LABELS_WIDTH } from './intent-schema.js';

/**
 * The intent store's statements, prepared once per database: single-row ones for rare writes and
 * reads, multi-row ones (BulkStatement) for group commits.
 */
export class IntentStatements {
  readonly upsertIntent: Statement;
  readonly insertIntents: BulkStatement;
  readonly updateState: BulkStatement;
  readonly updateStateOfKeys: BulkStatement;
  readonly updateRoute: BulkStatement;
  readonly updateRouteLabels: BulkStatement;
  readonly bulkHistory: BulkStatement;
  readonly deleteIntentStmt: Statement;
  readonly deleteHistory: Statement;
  readonly bulkUpdateLabels: BulkStatement;
  readonly pathsIdOf: Statement;
  readonly maxPathsId: Statement;
  readonly readPaths: Statement;
  readonly insertPaths: BulkStatement;
  readonly deletePaths: BulkStatement;
  readonly deletePathsIfUnused: Statement;
  readonly findIdem: Statement;
  readonly insertIdem: Statement;
  readonly readKey: Statement;
  readonly writeKey: Statement;

  constructor(db: Db) {
    this.upsertIntent = db.prepare(
      `INSERT INTO intents (key, id, spec, state, reason, paths_id, reserved_links, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET spec = excluded.spec, state = excluded.state, reason = excluded.reason,
         paths_id = excluded.paths_id, reserved_links = excluded.reserved_links, updated_at = excluded.updated_at`,
    );
    // A new intent's row with its labels (the label columns last, in LABEL_COLUMNS order).
    this.insertIntents = new BulkStatement(
      db,
      `INSERT INTO intents (key, id, spec, state, reason, paths_id, reserved_links, created_at, updated_at,
         ${LABEL_COLUMNS.join(', ')}) VALUES `,
      '(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
      '',
      15,
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
      `UPDATE intents SET state = v.column2, reason = v.column3, paths_id = v.column4, reserved_links = v.column5,
         updated_at = v.column6 FROM (VALUES `,
      '(?,?,?,?,?,?)',
      ') AS v WHERE intents.key = v.column1',
      6,
    );
    // The same with the labels (a reroute's new paths come with new labels), LABEL_COLUMNS after updated_at.
    const routeLabels = LABEL_COLUMNS.map((c, i) => `${c} = v.column${i + 7}`).join(', ');
    this.updateRouteLabels = new BulkStatement(
      db,
      `UPDATE intents SET state = v.column2, reason = v.column3, paths_id = v.column4, reserved_links = v.column5,
         updated_at = v.column6, ${routeLabels} FROM (VALUES `,
      '(?,?,?,?,?,?,?,?,?,?,?,?)',
      ') AS v WHERE intents.key = v.column1',
      12,
    );
    const history = 'INSERT INTO intent_history (intent_key, seq, state, at, reason) VALUES ';
    this.bulkHistory = new BulkStatement(db, history, '(?,?,?,?,?)', '', HISTORY_WIDTH);
    this.deleteIntentStmt = db.prepare('DELETE FROM intents WHERE key = ?');
    this.deleteHistory = db.prepare('DELETE FROM intent_history WHERE intent_key = ?');
    const setLabels = LABEL_COLUMNS.map((c, i) => `${c} = v.column${i + 2}`).join(', ');
    // Rows of (key, LABEL_COLUMNS...).
    this.bulkUpdateLabels = new BulkStatement(
      db,
      `UPDATE intents SET ${setLabels} FROM (VALUES `,
      `(${Array(LABELS_WIDTH).fill('?').join(',')})`,
      ') AS v WHERE intents.key = v.column1',
      LABELS_WIDTH,
    );
    this.pathsIdOf = db.prepare('SELECT paths_id FROM intents WHERE key = ?');
    this.maxPathsId = db.prepare('SELECT max(id) AS id FROM intent_paths');
    this.readPaths = db.prepare('SELECT id, paths FROM intent_paths');
    this.insertPaths = new BulkStatement(db, 'INSERT INTO intent_paths (id, paths) VALUES ', '(?,?)', '', 2);
    this.deletePaths = new BulkStatement(db, 'DELETE FROM intent_paths WHERE id IN (', '?', ')', 1);
    // For a row whose references the store does not count (it neither wrote nor loaded them): a scan.
    this.deletePathsIfUnused = db.prepare(
      'DELETE FROM intent_paths WHERE id = ? AND NOT EXISTS (SELECT 1 FROM intents WHERE paths_id = ?)',
    );
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
      this.updateRouteLabels,
      this.bulkHistory,
      this.bulkUpdateLabels,
      this.insertPaths,
      this.deletePaths,
    ]) {
      bulk.prepareAll();
    }
  }
}
