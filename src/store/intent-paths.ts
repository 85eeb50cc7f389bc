import type { IntentPaths } from '../intent/intent-types.js';
import type { IntentStatements } from './intent-statements.js';

/** A row of intent_paths: the JSON of one paths object, and how many intent rows refer to it. */
interface PathRow {
  readonly id: number;
  readonly paths: IntentPaths;
  refs: number;
}

/**
 * The intent_paths rows of an intent store: one per paths object that intent rows refer to. Intents
 * admitted or rerouted together share their paths object (the planner hands out one plan for equal
 * requests), so its JSON is written once, and the intent rows, updated at every lifecycle step, stay
 * small. A row is deleted by the write that removes the last reference to it.
 *
 * The references are counted for the rows this store wrote or loaded. A write calls `use` and `release`
 * for the references it adds and removes, then `endWrite` in its transaction; `committed` or `aborted`
 * once the transaction is over.
 */
export class IntentPathRows {
  /** Committed rows, by paths object and by id. */
  private readonly byPaths = new Map<IntentPaths, PathRow>();
  private readonly byId = new Map<number, PathRow>();
  /** The id of the next row the current write inserts (read from the table when it inserts its first). */
  private nextId = 0;
  /** The current write: rows it inserts, (id, JSON) each, ... */
  private readonly inserts: (number | string)[] = [];
  /** ...their rows, by paths object... */
  private readonly added = new Map<IntentPaths, PathRow>();
  /** ...the change of each row's references... */
  private readonly refChanges = new Map<PathRow, number>();
  /** ...and ids of rows it no longer refers to whose references this store does not know. */
  private readonly unknown: number[] = [];

  constructor(private readonly sql: IntentStatements) {}

  /** The id of the row of `paths` for an intent row of the current write (inserted with it if new). */
  use(paths: IntentPaths, json: (paths: IntentPaths) => string): number {
    let row = this.byPaths.get(paths) ?? this.added.get(paths);
    if (row === undefined) {
      // Read per write rather than once: another store on the database may have added rows since.
      if (this.nextId === 0) this.nextId = ((this.sql.maxPathsId.get() as { id: number | null }).id ?? 0) + 1;
      row = { id: this.nextId++, paths, refs: 0 };
      this.added.set(paths, row);
      this.inserts.push(row.id, json(paths));
    }
    this.refChanges.set(row, (this.refChanges.get(row) ?? 0) + 1);
    return row.id;
  }

  /** An intent row of the current write no longer refers to the row of `paths`, written or loaded here. */
  release(paths: IntentPaths): void {
    const row = this.byPaths.get(paths);
    if (row !== undefined) this.refChanges.set(row, (this.refChanges.get(row) ?? 0) - 1);
  }

  /** An intent row of the current write no longer refers to row `id`. */
  releaseId(id: number): void {
    const row = this.byId.get(id);
    if (row !== undefined) this.refChanges.set(row, (this.refChanges.get(row) ?? 0) - 1);
    else this.unknown.push(id);
  }

  /**
   * Ends the current write, in its transaction and after its intent rows: inserts the new rows and
   * deletes those no intent row refers to any more.
   */
  endWrite(): void {
    this.sql.insertPaths.run(this.inserts);
    const unused: number[] = [];
    for (const [row, change] of this.refChanges) if (row.refs + change === 0) unused.push(row.id);
    this.sql.deletePaths.run(unused);
    for (const id of this.unknown) this.sql.deletePathsIfUnused.run(id, id);
  }

  /** The current write committed: the counts take its changes. */
  committed(): void {
    for (const [paths, row] of this.added) {
      this.byPaths.set(paths, row);
      this.byId.set(row.id, row);
    }
    for (const [row, change] of this.refChanges) {
      row.refs += change;
      if (row.refs === 0) {
        this.byPaths.delete(row.paths);
        this.byId.delete(row.id);
      }
    }
    this.clearWrite();
  }

  /** The current write failed: nothing of it is in the database (its ids are not reused). */
  aborted(): void {
    this.clearWrite();
  }

  /**
   * Reads every row (after any write), one paths object each, counting the references of `refs` (the
   * paths_id of every intent row); the store shares the object between the intents on it.
   */
  load(refs: Iterable<number | null>): Map<number, IntentPaths> {
    this.byPaths.clear();
    this.byId.clear();
    const byId = new Map<number, IntentPaths>();
    for (const r of this.sql.readPaths.all() as { id: number; paths: string }[]) {
      const paths = JSON.parse(r.paths) as IntentPaths;
      const row: PathRow = { id: r.id, paths, refs: 0 };
      byId.set(r.id, paths);
      this.byPaths.set(paths, row);
      this.byId.set(r.id, row);
    }
    for (const id of refs) {
      const row = id === null ? undefined : this.byId.get(id);
      if (row !== undefined) row.refs++;
    }
    return byId;
  }

  private clearWrite(): void {
    this.nextId = 0;
    this.inserts.length = 0;
    this.added.clear();
    this.refChanges.clear();
    this.unknown.length = 0;
  }
}
