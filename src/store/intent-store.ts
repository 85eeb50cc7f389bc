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
  // Replacing an intent's labels and deleting an intent (cascade) look rows up by intent: without these
  // every label change scanned the whole table.
  `CREATE INDEX intent_labels_by_intent ON intent_labels (intent_key);
   CREATE INDEX intent_idempotency_by_intent ON intent_idempotency (intent_key);`,
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

/**
 * When intent changes reach the database.
 * - 'immediate': every save/delete is written before it returns (one transaction per `transaction()`).
 * - 'end-of-turn' (group commit, the default): memory is the truth at once; the changes of the current
 *   synchronous run are written in one transaction from a microtask, i.e. before any I/O callback, timer
 *   or promise continuation scheduled after them - before an HTTP answer about them can be written.
 *   `flush()` writes at once (the intent service calls it before it resolves a request). A failed write
 *   keeps the changes, reports to `onFlushError` and is retried by the next flush.
 */
export type IntentCommitMode = 'immediate' | 'end-of-turn';

export interface IntentStoreOptions {
  readonly commit?: IntentCommitMode;
  readonly onFlushError?: (err: unknown) => void;
}

/** Changes not yet written (group commit), applied in this order: rows, history, labels, idempotency, deletes. */
interface Unwritten {
  readonly rows: Map<number, IntentRecord>;
  readonly history: [key: number, seq: number, state: string, at: number, reason: string | null][];
  readonly labels: Map<number, IntentLabels | undefined>;
  readonly idem: Map<string, { bodyHash: string; intentKey: number; at: number }>;
  readonly deleted: Set<number>;
  lastKey?: number;
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
 * Writes are grouped per turn by default (see IntentCommitMode): what is durable is every change made
 * before the last flush, and a flush always runs before the turn's promise continuations and I/O.
 */
export class IntentStore {
  private readonly upsertIntent;
  private readonly insertHistory;
  private readonly deleteIntentStmt;
  private readonly deleteLabels;
  private readonly insertLabel;
  private readonly findIdem;
  private readonly insertIdem;
  private readonly readKey;
  private readonly writeKey;
  private lastKey: number;
  private readonly groupCommit: boolean;
  private readonly onFlushError: (err: unknown) => void;
  private unwritten: Unwritten = emptyUnwritten();
  private flushQueued = false;

  constructor(
    private readonly db: Db,
    options: IntentStoreOptions = {},
  ) {
    this.groupCommit = (options.commit ?? 'end-of-turn') === 'end-of-turn';
    this.onFlushError = options.onFlushError ?? (() => {});
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
    this.readKey = db.prepare('SELECT last_key FROM intent_key_seq WHERE one = 1');
    this.writeKey = db.prepare(
      `INSERT INTO intent_key_seq (one, last_key) VALUES (1, ?) ON CONFLICT(one) DO UPDATE SET last_key = excluded.last_key`,
    );
    this.lastKey = (this.readKey.get() as { last_key: number } | undefined)?.last_key ?? 0;
  }

  /**
   * Runs `fn` in one transaction (nested calls join the outer one). With group commit everything of
   * the turn is one transaction anyway, so `fn` just runs.
   */
  transaction<T>(fn: () => T): T {
    if (this.groupCommit || this.db.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  /** Writes every change not yet in the database now (group commit); throws when the write fails. */
  flush(): void {
    const u = this.unwritten;
    if (u.rows.size === 0 && u.history.length === 0 && u.labels.size === 0 && u.idem.size === 0 && u.deleted.size === 0) {
      if (u.lastKey === undefined) return;
    }
    this.db.transaction(() => {
      if (u.lastKey !== undefined) this.writeKey.run(u.lastKey);
      for (const r of u.rows.values()) if (!u.deleted.has(r.key)) this.writeRow(r);
      for (const h of u.history) if (!u.deleted.has(h[0])) this.insertHistory.run(...h);
      for (const [key, labels] of u.labels) if (!u.deleted.has(key)) this.writeLabels(key, labels);
      for (const [idemKey, i] of u.idem) {
        if (!u.deleted.has(i.intentKey)) this.insertIdem.run(idemKey, i.bodyHash, i.intentKey, i.at);
      }
      for (const key of u.deleted) this.deleteIntentStmt.run(key);
    })();
    this.unwritten = emptyUnwritten();
  }

  /** Changes waiting for the end of the turn (0 with immediate commits). */
  get unwrittenCount(): number {
    const u = this.unwritten;
    return u.rows.size + u.history.length + u.labels.size + u.idem.size + u.deleted.size;
  }

  /** A fresh intent key, never handed out before. */
  nextKey(): number {
    this.lastKey++;
    if (this.groupCommit) {
      this.unwritten.lastKey = this.lastKey;
      this.queueFlush();
    } else {
      this.writeKey.run(this.lastKey);
    }
    return this.lastKey;
  }

  /** Writes the intent's current row and, when `change` is given, appends it to the history. */
  save(record: IntentRecord, change?: StateChange): void {
    const history: Unwritten['history'][number] | undefined = change
      ? [record.key, record.history.length - 1, change.state, change.at, change.reason ? JSON.stringify(change.reason) : null]
      : undefined;
    if (this.groupCommit) {
      // Only the latest row of an intent is written; every history entry is.
      this.unwritten.rows.set(record.key, record);
      if (history) this.unwritten.history.push(history);
      this.queueFlush();
      return;
    }
    this.writeRow(record);
    if (history) this.insertHistory.run(...history);
  }

  private writeRow(record: IntentRecord): void {
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
  }

  /** Replaces the labels recorded for an intent. */
  saveLabels(key: number, labels: IntentLabels | undefined): void {
    if (this.groupCommit) {
      this.unwritten.labels.set(key, labels);
      this.queueFlush();
      return;
    }
    this.writeLabels(key, labels);
  }

  private writeLabels(key: number, labels: IntentLabels | undefined): void {
    this.deleteLabels.run(key);
    if (!labels) return;
    for (const role of LABEL_ROLES) {
      const label = labels[role];
      if (label !== undefined) this.insertLabel.run(label, key, role);
    }
  }

  /** Removes an intent with its history, labels and idempotency keys. */
  delete(key: number): void {
    if (this.groupCommit) {
      this.unwritten.deleted.add(key);
      this.queueFlush();
      return;
    }
    this.deleteIntentStmt.run(key);
  }

  findIdempotency(idemKey: string): { bodyHash: string; intentKey: number } | undefined {
    const pending = this.unwritten.idem.get(idemKey);
    if (pending && !this.unwritten.deleted.has(pending.intentKey)) {
      return { bodyHash: pending.bodyHash, intentKey: pending.intentKey };
    }
    const row = this.findIdem.get(idemKey) as { body_hash: string; intent_key: number } | undefined;
    return row ? { bodyHash: row.body_hash, intentKey: row.intent_key } : undefined;
  }

  saveIdempotency(idemKey: string, bodyHash: string, intentKey: number): void {
    if (this.groupCommit) {
      this.unwritten.idem.set(idemKey, { bodyHash, intentKey, at: Date.now() });
      this.queueFlush();
      return;
    }
    this.insertIdem.run(idemKey, bodyHash, intentKey, Date.now());
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      try {
        this.flush();
      } catch (err) {
        this.onFlushError(err);
      }
    });
  }

  loadAll(): IntentRecord[] {
    this.flush();
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

function emptyUnwritten(): Unwritten {
  return { rows: new Map(), history: [], labels: new Map(), idem: new Map(), deleted: new Set() };
}
