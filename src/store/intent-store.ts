import type { IntentLabels, IntentRecord } from '../intent/intent-types.js';
import { linksOfPaths } from '../intent/path-planner.js';
import { type Db, migrate } from './database.js';
import { IntentPathRows } from './intent-paths.js';
import {
  extendsHistory,
  historyEntry,
  historyText,
  INTENT_MIGRATIONS,
  type IntentRow,
  LINKS_OF_PATHS,
  pushKeyLabels,
  pushLabels,
  recordOf,
} from './intent-schema.js';
import { IntentStatements } from './intent-statements.js';

/**
 * When intent changes reach the database.
 * - 'immediate': every save/delete is written before it returns (one transaction per `transaction()`,
 *   whose changes are written when it returns).
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

/** Consecutive state updates with the same values (see endStateRun). */
interface StateRun {
  state: string;
  reason: string | null;
  at: number;
  readonly keys: number[];
}

/** Shorter runs than this are written with the other state updates (a statement run per run costs more). */
const MIN_STATE_RUN = 8;

/**
 * Changes not yet written (group commit), applied in this order: deletes, rows (a new one with its labels
 * and history, the others with the history entries new since they were written), labels of rows written
 * before, idempotency.
 */
interface Unwritten {
  readonly rows: Map<number, IntentRecord>;
  readonly labels: Map<number, IntentLabels | undefined>;
  readonly idem: Map<string, { bodyHash: string; intentKey: number; at: number }>;
  readonly deleted: Set<number>;
  lastKey?: number;
}

/**
 * Intents, their state history, their labels and the Idempotency-Keys of the requests that created
 * them. Every state transition is an entry of its row's history; the intent row holds the latest state, reservation,
 * labels and meter ids (a column per role of IntentLabels; a tunnel's label is held by every intent
 * riding it) and refers to its paths, stored once per paths object (IntentPathRows), so that a restart
 * reloads intents with the paths and labels they had.
 * Intent keys are never reused (a withdrawn intent's cookie must not be mistaken for a new one).
 * Writes are grouped per turn by default (see IntentCommitMode): what is durable is every change made
 * before the last flush, and a flush always runs before the turn's promise continuations and I/O.
 *
 * A group commit writes what changed only: records are immutable and share their spec, paths and
 * reserved links between versions, so a row whose spec, paths and links are the objects last written
 * for it is updated without serialising them again (a lifecycle step is a state, a time and a history
 * row; steps of many intents with one state and time are one key list). A key handed out after the
 * last commit has no row yet: it is inserted with its labels. History rows, new rows and label changes
 * of existing rows are written with multi-row statements.
 */
export class IntentStore {
  /** Its prepared statements. */
  private readonly sql: IntentStatements;
  private readonly paths: IntentPathRows;
  private lastKey: number;
  /** The last key committed to intent_key_seq: larger keys have no row of any table yet. */
  private committedKey: number;
  /**
   * Per intent key, the record whose row the database holds (only rows written or loaded by this
   * store): what a later write may leave out.
   */
  private readonly written = new Map<number, IntentRecord>();
  /** JSON of the current write (see json()); empty between writes. */
  private readonly serialised = new Map<object, string>();
  private readonly groupCommit: boolean;
  private readonly onFlushError: (err: unknown) => void;
  private unwritten: Unwritten = emptyUnwritten();
  private flushQueued = false;
  /** Depth of `transaction()` calls (immediate commits: the outermost one writes). */
  private depth = 0;
  private readonly writeInTransaction: (u: Unwritten) => void;

  constructor(
    private readonly db: Db,
    options: IntentStoreOptions = {},
  ) {
    this.groupCommit = (options.commit ?? 'end-of-turn') === 'end-of-turn';
    this.onFlushError = options.onFlushError ?? (() => {});
    migrate(db, 'intent', INTENT_MIGRATIONS);
    this.sql = new IntentStatements(db);
    this.paths = new IntentPathRows(this.sql);
    this.lastKey = (this.sql.readKey.get() as { last_key: number } | undefined)?.last_key ?? 0;
    this.committedKey = this.lastKey;
    this.writeInTransaction = db.transaction((u: Unwritten) => this.write(u));
    // Group commits use the multi-row statements: prepared at start rather than in the first (large) commit.
    if (this.groupCommit) this.sql.prepareBulk();
  }

  /**
   * Runs `fn` in one transaction (nested calls join the outer one). With group commit everything of
   * the turn is one transaction anyway, so `fn` just runs. With immediate commits the changes of `fn`
   * are written when it returns, and dropped when it throws.
   */
  transaction<T>(fn: () => T): T {
    if (this.groupCommit) return fn();
    this.depth++;
    let done = false;
    try {
      const out = fn();
      done = true;
      return out;
    } finally {
      if (--this.depth === 0) {
        if (done) this.commitNow();
        else this.unwritten = emptyUnwritten();
      }
    }
  }

  /** After a change: writes it at the end of the turn (group commit) or of the outermost transaction. */
  private changed(): void {
    if (this.groupCommit) this.queueFlush();
    else if (this.depth === 0) this.commitNow();
  }

  /** An immediate commit: a failed write throws and drops its changes, as a rolled back transaction. */
  private commitNow(): void {
    try {
      this.flush();
    } catch (err) {
      this.unwritten = emptyUnwritten();
      throw err;
    }
  }

  /** Writes every change not yet in the database now (group commit); throws when the write fails. */
  flush(): void {
    const u = this.unwritten;
    if (u.rows.size === 0 && u.labels.size === 0 && u.idem.size === 0 && u.deleted.size === 0) {
      if (u.lastKey === undefined) return;
    }
    try {
      this.writeInTransaction(u);
    } catch (err) {
      this.paths.aborted();
      throw err;
    } finally {
      this.serialised.clear();
    }
    // Committed: from now on the database holds these rows.
    this.paths.committed();
    for (const r of u.rows.values()) if (!u.deleted.has(r.key)) this.written.set(r.key, r);
    for (const key of u.deleted) this.written.delete(key);
    if (u.lastKey !== undefined) this.committedKey = u.lastKey;
    this.unwritten = emptyUnwritten();
  }

  /** The body of a group commit, in one transaction. */
  private write(u: Unwritten): void {
    const deleted = u.deleted;
    // Deletes first: a key deleted and then reused within a turn (never today) would otherwise collide.
    for (const key of deleted) this.deleteRows(key);
    if (u.lastKey !== undefined) this.sql.writeKey.run(u.lastKey);
    const labels: (number | null)[] = [];
    this.writeRows(u.rows, u.labels, deleted, labels);
    this.paths.endWrite();
    // Labels saved without their row (the rows' labels are written with them).
    for (const [key, next] of u.labels) if (!deleted.has(key) && !u.rows.has(key)) pushKeyLabels(labels, key, next);
    this.sql.bulkUpdateLabels.run(labels);
    for (const [idemKey, i] of u.idem) {
      if (!deleted.has(i.intentKey)) this.sql.insertIdem.run(idemKey, i.bodyHash, i.intentKey, i.at);
    }
  }

  /** Changes waiting for the end of the turn (0 with immediate commits). */
  get unwrittenCount(): number {
    const u = this.unwritten;
    return u.rows.size + u.labels.size + u.idem.size + u.deleted.size;
  }

  /** A fresh intent key, never handed out before. */
  nextKey(): number {
    this.lastKey++;
    this.unwritten.lastKey = this.lastKey;
    this.changed();
    return this.lastKey;
  }

  /** Writes the intent's row with its history (the record's history has every transition it made). */
  save(record: IntentRecord): void {
    this.unwritten.rows.set(record.key, record);
    this.changed();
  }

  /**
   * The JSON of paths or reserved links, once per object and write: intents admitted together often
   * share them (the planner hands out one plan for equal requests).
   */
  private readonly json = (value: object): string => {
    let s = this.serialised.get(value);
    if (s === undefined) {
      s = JSON.stringify(value);
      this.serialised.set(value, s);
    }
    return s;
  };

  /** The reserved_links column of a record: LINKS_OF_PATHS when they are those of its paths. */
  private reservedJson(r: IntentRecord): string {
    const links = r.reservedLinks;
    if (r.paths !== undefined && links.length > 0 && links === linksOfPaths(r.paths)) return LINKS_OF_PATHS;
    return this.json(links);
  }

  /**
   * Writes the rows of a group commit with the labels saved for them (a new row with its labels; the
   * labels of the others with their new paths, or else added to `labelRows`, (key, LABEL_COLUMNS) each).
   * A row whose spec (and paths and links) are those the database holds gets only the columns that
   * changed, many rows per statement.
   */
  private writeRows(
    rows: ReadonlyMap<number, IntentRecord>,
    labels: ReadonlyMap<number, IntentLabels | undefined>,
    deleted: ReadonlySet<number>,
    labelRows: (number | null)[],
  ): void {
    const fresh: (string | number | null)[] = [];
    const states: (string | number | null)[] = [];
    const routes: (string | number | null)[] = [];
    const routesWithLabels: (string | number | null)[] = [];
    const run: StateRun = { state: '', reason: null, at: -1, keys: [] };
    for (const r of rows.values()) {
      if (deleted.has(r.key)) continue;
      const prev = this.written.get(r.key);
      if (prev === undefined && r.key > this.committedKey) {
        // A key handed out after the last commit has no row yet: inserted with its history and labels,
        // many rows per statement.
        fresh.push(
          r.key,
          r.id,
          JSON.stringify(r.spec),
          r.state,
          r.reason ? JSON.stringify(r.reason) : null,
          this.pathsId(r),
          this.reservedJson(r),
          r.createdAt,
          r.updatedAt,
          historyText(r.history, 0),
        );
        pushLabels(fresh, labels.get(r.key));
        continue;
      }
      const labelled = labels.has(r.key);
      if (prev === undefined || prev.spec !== r.spec || !extendsHistory(prev.history, r.history)) {
        this.releasePaths(r.key, prev);
        this.writeRow(r, prev);
        if (labelled) pushKeyLabels(labelRows, r.key, labels.get(r.key));
        continue;
      }
      const reason = r.reason ? JSON.stringify(r.reason) : null;
      // The row's history has prev's entries: the entries after them are appended.
      const added = r.history.length - prev.history.length;
      if (prev.paths === r.paths && prev.reservedLinks === r.reservedLinks) {
        if (labelled) pushKeyLabels(labelRows, r.key, labels.get(r.key));
        const last = r.history[r.history.length - 1];
        if (added !== 1 || last.state !== r.state || last.at !== r.updatedAt || last.reason !== r.reason) {
          // No transition (a save of labels only), several, or one that is not what the row's state,
          // reason and time say: the row's own values.
          states.push(r.key, r.state, reason, r.updatedAt, historyText(r.history, prev.history.length));
        } else if (r.state === run.state && reason === run.reason && r.updatedAt === run.at) {
          // One transition, the one that set the row's state, reason and time: the run's entry.
          run.keys.push(r.key);
        } else {
          this.endStateRun(run, states);
          run.state = r.state;
          run.reason = reason;
          run.at = r.updatedAt;
          run.keys.push(r.key);
        }
      } else {
        this.releasePaths(r.key, prev);
        const paths = this.pathsId(r);
        const history = historyText(r.history, prev.history.length);
        if (labelled) {
          routesWithLabels.push(r.key, r.state, reason, paths, this.reservedJson(r), r.updatedAt, history);
          pushLabels(routesWithLabels, labels.get(r.key));
        } else {
          routes.push(r.key, r.state, reason, paths, this.reservedJson(r), r.updatedAt, history);
        }
      }
    }
    this.endStateRun(run, states);
    this.sql.insertIntents.run(fresh);
    this.sql.updateState.run(states);
    this.sql.updateRoute.run(routes);
    this.sql.updateRouteLabels.run(routesWithLabels);
  }

  /**
   * Writes a run of state updates with one state, reason and time by key list (one bound value per row:
   * the installed step of a batch is a few such runs of hundreds of rows), or moves a short one to the
   * rows updated with their own values.
   */
  private endStateRun(run: StateRun, states: (string | number | null)[]): void {
    const keys = run.keys;
    if (keys.length === 0) return;
    // Each key's one new history entry is the transition to the run's state, at its time.
    const entry = historyEntry(run.state, run.at, run.reason);
    if (keys.length >= MIN_STATE_RUN) {
      this.sql.updateStateOfKeys.run(keys, [run.state, run.reason, run.at, entry]);
    } else {
      for (const key of keys) states.push(key, run.state, run.reason, run.at, entry);
    }
    keys.length = 0;
  }

  /**
   * Writes a whole row. Its history: all of it when there is no row yet; what is new since `prev`, or
   * since what the row holds when this store does not know what it wrote (read); replaced by the
   * record's when the record dropped its oldest entries since (HISTORY_MAX).
   */
  private writeRow(r: IntentRecord, prev: IntentRecord | undefined): void {
    const reason = r.reason ? JSON.stringify(r.reason) : null;
    const held =
      prev?.history.length ?? (this.sql.historyLengthOf.get(r.key) as { n: number } | undefined)?.n ?? r.history.length;
    const whole = prev !== undefined ? !extendsHistory(prev.history, r.history) : held > r.history.length;
    this.sql.upsertIntent.run(
      r.key,
      r.id,
      JSON.stringify(r.spec),
      r.state,
      reason,
      this.pathsId(r),
      this.reservedJson(r),
      r.createdAt,
      r.updatedAt,
      historyText(r.history, 0),
      historyText(r.history, held),
    );
    if (whole) this.sql.replaceHistory.run(historyText(r.history, 0), r.key);
  }

  /** Replaces the labels recorded for an intent. */
  saveLabels(key: number, labels: IntentLabels | undefined): void {
    this.unwritten.labels.set(key, labels);
    this.changed();
  }

  /** Removes an intent with its history, labels and idempotency keys. */
  delete(key: number): void {
    this.unwritten.deleted.add(key);
    this.changed();
  }

  /**
   * Deletes an intent's row (with its history; idempotency keys follow by cascade) and its reference to
   * its paths.
   */
  private deleteRows(key: number): void {
    this.releasePaths(key, this.written.get(key));
    this.sql.deleteIntentStmt.run(key);
  }

  /** The row of `key`, whose last write was `prev` (undefined: not known here), leaves its paths. */
  private releasePaths(key: number, prev: IntentRecord | undefined): void {
    if (prev !== undefined) {
      if (prev.paths !== undefined) this.paths.release(prev.paths);
    } else if (key <= this.committedKey) {
      const id = (this.sql.pathsIdOf.get(key) as { paths_id: number | null } | undefined)?.paths_id;
      if (id != null) this.paths.releaseId(id);
    }
  }

  /** The paths_id column of a row written now: the row of its paths object, inserted if new. */
  private pathsId(r: IntentRecord): number | null {
    return r.paths === undefined ? null : this.paths.use(r.paths, this.json);
  }

  findIdempotency(idemKey: string): { bodyHash: string; intentKey: number } | undefined {
    const pending = this.unwritten.idem.get(idemKey);
    if (pending && !this.unwritten.deleted.has(pending.intentKey)) {
      return { bodyHash: pending.bodyHash, intentKey: pending.intentKey };
    }
    const row = this.sql.findIdem.get(idemKey) as { body_hash: string; intent_key: number } | undefined;
    return row ? { bodyHash: row.body_hash, intentKey: row.intent_key } : undefined;
  }

  saveIdempotency(idemKey: string, bodyHash: string, intentKey: number): void {
    this.unwritten.idem.set(idemKey, { bodyHash, intentKey, at: Date.now() });
    this.changed();
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
    const rows = this.db.prepare('SELECT * FROM intents ORDER BY key').all() as IntentRow[];
    // One object per paths row, shared by the intents on it as when they were written.
    const pathsById = this.paths.load(rows.map((r) => r.paths_id));
    const records = rows.map((r) => recordOf(r, r.paths_id === null ? undefined : pathsById.get(r.paths_id)));
    for (const r of records) this.written.set(r.key, r);
    return records;
  }
}

function emptyUnwritten(): Unwritten {
  return { rows: new Map(), labels: new Map(), idem: new Map(), deleted: new Set() };
}
