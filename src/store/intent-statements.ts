import type { Statement } from 'better-sqlite3';
import { BulkStatement } from './bulk-statement.js';
import type { Db } from './database.js';
import { LABEL_COLUMNS, LABELS_WIDTH } from './intent-schema.js';

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
  readonly deleteIntentStmt: Statement;
  readonly bulkUpdateLabels: BulkStatement;
  readonly replaceHistory: Statement;
  readonly pathsIdOf: Statement;
  readonly historyLengthOf: Statement;
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
    // The whole row; `history` is the row's whole history when inserted and what is new when it exists.
    this.upsertIntent = db.prepare(
      `INSERT INTO intents (key, id, spec, state, reason, paths_id, reserved_links, created_at, updated_at, history)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET spec = excluded.spec, state = excluded.state, reason = excluded.reason,
         paths_id = excluded.paths_id, reserved_links = excluded.reserved_links, updated_at = excluded.updated_at,
         history = history || ?`,
    );
    // A new intent's row with its history and labels (the label columns last, in LABEL_COLUMNS order).
    this.insertIntents = new BulkStatement(
      db,
      `INSERT INTO intents (key, id, spec, state, reason, paths_id, reserved_links, created_at, updated_at, history,
         ${LABEL_COLUMNS.join(', ')}) VALUES `,
      '(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
      '',
      16,
    );
    // Every update appends the history entries new since the row was written (historyText).
    // Rows of (key, state, reason, updated_at, history) and (key, state, reason, paths, reserved_links,
    // updated_at, history).
    this.updateState = new BulkStatement(
      db,
      `UPDATE intents SET state = v.column2, reason = v.column3, updated_at = v.column4,
         history = intents.history || v.column5 FROM (VALUES `,
      '(?,?,?,?,?)',
      ') AS v WHERE intents.key = v.column1',
      5,
    );
    // The same for rows of one state, reason, time and new history (prefix values), listed by key.
    this.updateStateOfKeys = new BulkStatement(
      db,
      'UPDATE intents SET state = ?, reason = ?, updated_at = ?, history = history || ? WHERE key IN (',
      '?',
      ')',
      1,
      4,
    );
    this.updateRoute = new BulkStatement(
      db,
      `UPDATE intents SET state = v.column2, reason = v.column3, paths_id = v.column4, reserved_links = v.column5,
         updated_at = v.column6, history = intents.history || v.column7 FROM (VALUES `,
      '(?,?,?,?,?,?,?)',
      ') AS v WHERE intents.key = v.column1',
      7,
    );
    // The same with the labels (a reroute's new paths come with new labels), LABEL_COLUMNS after history.
    const routeLabels = LABEL_COLUMNS.map((c, i) => `${c} = v.column${i + 8}`).join(', ');
    this.updateRouteLabels = new BulkStatement(
      db,
      `UPDATE intents SET state = v.column2, reason = v.column3, paths_id = v.column4, reserved_links = v.column5,
         updated_at = v.column6, history = intents.history || v.column7, ${routeLabels} FROM (VALUES `,
      '(?,?,?,?,?,?,?,?,?,?,?,?,?)',
      ') AS v WHERE intents.key = v.column1',
      13,
    );
    this.deleteIntentStmt = db.prepare('DELETE FROM intents WHERE key = ?');
    const setLabels = LABEL_COLUMNS.map((c, i) => `${c} = v.column${i + 2}`).join(', ');
    // Rows of (key, LABEL_COLUMNS...).
    this.bulkUpdateLabels = new BulkStatement(
      db,
      `UPDATE intents SET ${setLabels} FROM (VALUES `,
      `(${Array(LABELS_WIDTH).fill('?').join(',')})`,
      ') AS v WHERE intents.key = v.column1',
      LABELS_WIDTH,
    );
    this.replaceHistory = db.prepare('UPDATE intents SET history = ? WHERE key = ?');
    this.pathsIdOf = db.prepare('SELECT paths_id FROM intents WHERE key = ?');
    this.historyLengthOf = db.prepare(
      `SELECT json_array_length('[' || substr(history, 2) || ']') AS n FROM intents WHERE key = ?`,
    );
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
      this.bulkUpdateLabels,
      this.insertPaths,
      this.deletePaths,
    ]) {
      bulk.prepareAll();
    }
  }
}
