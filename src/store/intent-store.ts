import type { IntentLabels, IntentRecord, StateChange } from '../intent/intent-types.js';
import { type Db, migrate } from './database.js';

const MIGRATIONS = [
  `CREATE TABLE intents (
     key INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     spec TEXT NOT NULL,
     state TEXT NOT NULL,
     reason TEXT,
     paths TEXT,
     reserved_links TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE intent_history (
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     state TEXT NOT NULL,
     at INTEGER NOT NULL,
     reason TEXT,
     PRIMARY KEY (intent_key, seq)
   );
   CREATE TABLE intent_labels (
     label INTEGER PRIMARY KEY,
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     direction TEXT NOT NULL CHECK (direction IN ('forward', 'reverse'))
   );
   CREATE TABLE intent_idempotency (
     idem_key TEXT PRIMARY KEY,
     body_hash TEXT NOT NULL,
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE intent_key_seq (one INTEGER PRIMARY KEY CHECK (one = 1), last_key INTEGER NOT NULL);`,
  // Crankback labels (local repair of protected paths): SQLite cannot alter a CHECK, so the table is rebuilt.
  `CREATE TABLE intent_labels_v2 (
     label INTEGER PRIMARY KEY,
     intent_key INTEGER NOT NULL REFERENCES intents(key) ON DELETE CASCADE,
     direction TEXT NOT NULL CHECK (direction IN ('forward', 'reverse', 'forwardCrankback', 'reverseCrankback'))
   );
   INSERT INTO intent_labels_v2 (label, intent_key, direction) SELECT label, intent_key, direction FROM intent_labels;
   DROP TABLE intent_labels;
   ALTER TABLE intent_labels_v2 RENAME TO intent_labels;`,
];

/** The label columns of IntentLabels, as stored in intent_labels.direction. */
const LABEL_ROLES = ['forward', 'reverse', 'forwardCrankback', 'reverseCrankback'] as const;
type LabelRole = (typeof LABEL_ROLES)[number];

interface IntentRow {
  key: number;
  id: string;
  spec: string;
  state: string;
  reason: string | null;
  paths: string | null;
  reserved_links: string;
  created_at: number;
  updated_at: number;
}

interface HistoryRow {
  intent_key: number;
  state: string;
  at: number;
  reason: string | null;
}

/**
 * Intents, their state history, their labels and the Idempotency-Keys of the requests that created
 * them. Every state transition is one history row; the intent row holds the latest state, paths and
 * reservation so that a restart reloads intents with the paths they had. Labels have their own table
 * with the label as primary key: the database itself refuses to give one label to two intents.
 * Intent keys are never reused (a withdrawn intent's cookie must not be mistaken for a new one).
 */
export class IntentStore {
  private readonly upsertIntent;
  private readonly insertHistory;
  private readonly deleteIntentStmt;
  private readonly deleteLabels;
  private readonly insertLabel;
  private readonly findIdem;
  private readonly insertIdem;
  private readonly bumpKey;

  constructor(private readonly db: Db) {
    migrate(db, 'intent', MIGRATIONS);
    this.upsertIntent = db.prepare(
      `INSERT INTO intents (key, id, spec, state, reason, paths, reserved_links, created_at, updated_at)
       VALUES (@key, @id, @spec, @state, @reason, @paths, @reserved_links, @created_at, @updated_at)
       ON CONFLICT(key) DO UPDATE SET spec = excluded.spec, state = excluded.state, reason = excluded.reason,
         paths = excluded.paths, reserved_links = excluded.reserved_links, updated_at = excluded.updated_at`,
    );
    this.insertHistory = db.prepare('INSERT INTO intent_history (intent_key, seq, state, at, reason) VALUES (?, ?, ?, ?, ?)');
    this.deleteIntentStmt = db.prepare('DELETE FROM intents WHERE key = ?');
    this.deleteLabels = db.prepare('DELETE FROM intent_labels WHERE intent_key = ?');
    this.insertLabel = db.prepare('INSERT INTO intent_labels (label, intent_key, direction) VALUES (?, ?, ?)');
    this.findIdem = db.prepare('SELECT body_hash, intent_key FROM intent_idempotency WHERE idem_key = ?');
    this.insertIdem = db.prepare(
      'INSERT INTO intent_idempotency (idem_key, body_hash, intent_key, created_at) VALUES (?, ?, ?, ?)',
    );
    this.bumpKey = db.prepare(
      `INSERT INTO intent_key_seq (one, last_key) VALUES (1, 1)
       ON CONFLICT(one) DO UPDATE SET last_key = last_key + 1 RETURNING last_key`,
    );
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  /** A fresh intent key, never handed out before. */
  nextKey(): number {
    return (this.bumpKey.get() as { last_key: number }).last_key;
  }

  /** Writes the intent's current row and, when `change` is given, appends it to the history. */
  save(record: IntentRecord, change?: StateChange): void {
    this.upsertIntent.run({
      key: record.key,
      id: record.id,
      spec: JSON.stringify(record.spec),
      state: record.state,
      reason: record.reason ? JSON.stringify(record.reason) : null,
      paths: record.paths ? JSON.stringify(record.paths) : null,
      reserved_links: JSON.stringify(record.reservedLinks),
      created_at: record.createdAt,
      updated_at: record.updatedAt,
    });
    if (change) {
      this.insertHistory.run(
        record.key,
        record.history.length - 1,
        change.state,
        change.at,
        change.reason ? JSON.stringify(change.reason) : null,
      );
    }
  }

  /** Replaces the labels recorded for an intent. */
  saveLabels(key: number, labels: IntentLabels | undefined): void {
    this.deleteLabels.run(key);
    if (!labels) return;
    for (const role of LABEL_ROLES) {
      const label = labels[role];
      if (label !== undefined) this.insertLabel.run(label, key, role);
    }
  }

  /** Removes an intent with its history, labels and idempotency keys. */
  delete(key: number): void {
    this.deleteIntentStmt.run(key);
  }

  findIdempotency(idemKey: string): { bodyHash: string; intentKey: number } | undefined {
    const row = this.findIdem.get(idemKey) as { body_hash: string; intent_key: number } | undefined;
    return row ? { bodyHash: row.body_hash, intentKey: row.intent_key } : undefined;
  }

  saveIdempotency(idemKey: string, bodyHash: string, intentKey: number): void {
    this.insertIdem.run(idemKey, bodyHash, intentKey, Date.now());
  }

  loadAll(): IntentRecord[] {
    const history = new Map<number, StateChange[]>();
    for (const h of this.db
      .prepare('SELECT intent_key, state, at, reason FROM intent_history ORDER BY intent_key, seq')
      .all() as HistoryRow[]) {
      let list = history.get(h.intent_key);
      if (!list) {
        list = [];
        history.set(h.intent_key, list);
      }
      list.push({ state: h.state as StateChange['state'], at: h.at, ...(h.reason ? { reason: JSON.parse(h.reason) } : {}) });
    }
    const labels = new Map<number, Partial<Record<LabelRole, number>>>();
    for (const l of this.db.prepare('SELECT label, intent_key, direction FROM intent_labels').all() as {
      label: number;
      intent_key: number;
      direction: LabelRole;
    }[]) {
      const cur = labels.get(l.intent_key) ?? {};
      cur[l.direction] = l.label;
      labels.set(l.intent_key, cur);
    }
    const rows = this.db.prepare('SELECT * FROM intents ORDER BY key').all() as IntentRow[];
    return rows.map((r) => {
      const l = labels.get(r.key);
      return {
        id: r.id,
        key: r.key,
        spec: JSON.parse(r.spec),
        state: r.state as IntentRecord['state'],
        ...(r.reason ? { reason: JSON.parse(r.reason) } : {}),
        ...(r.paths ? { paths: JSON.parse(r.paths) } : {}),
        ...(l?.forward !== undefined ? { labels: { ...l, forward: l.forward } } : {}),
        reservedLinks: JSON.parse(r.reserved_links),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        history: history.get(r.key) ?? [],
      };
    });
  }
}
