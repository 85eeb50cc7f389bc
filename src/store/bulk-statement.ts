import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/** Largest number of rows of one multi-row statement (2^7), and of bound values (SQLite's historic limit). */
const BULK_ROWS_LOG2 = 7;
const BULK_MAX_VALUES = 999;

/**
 * One statement over many rows at a time (`INSERT ... VALUES (?,?),(?,?),...`, `... IN (?,?,...)` or
 * `UPDATE ... FROM (VALUES ...)`): a bulk write costs one statement run per up to 128 rows instead of
 * one per row. Statements are prepared for power-of-two row counts on first use: n rows take one run
 * per full 128 (or fewer, for wide rows) plus at most seven for the rest.
 */
export class BulkStatement {
  private readonly stmts: (Statement | undefined)[] = [];
  private readonly buffers: (string | number | null)[][] = [];
  private readonly maxLog2: number;

  constructor(
    private readonly db: Db,
    private readonly head: string,
    private readonly row: string,
    private readonly tail: string,
    private readonly width: number,
    /** Values bound in `head`, before the rows: the same for every row of a run. */
    private readonly prefix = 0,
  ) {
    this.maxLog2 = Math.min(BULK_ROWS_LOG2, Math.floor(Math.log2((BULK_MAX_VALUES - prefix) / width)));
  }

  /** Runs over `values` (`width` values per row), with `prefixValues` (`prefix` of them) in the head. */
  run(values: readonly (string | number | null)[], prefixValues?: readonly (string | number | null)[]): void {
    const rows = values.length / this.width;
    const prefix = this.prefix;
    let done = 0;
    for (let log2 = this.maxLog2; log2 >= 0; log2--) {
      const n = 1 << log2;
      if (rows - done < n) continue;
      const stmt = this.statement(log2);
      const buf = this.buffers[log2];
      for (let i = 0; i < prefix; i++) buf[i] = prefixValues?.[i] ?? null;
      const size = n * this.width;
      while (rows - done >= n) {
        const from = done * this.width - prefix;
        for (let i = prefix; i < prefix + size; i++) buf[i] = values[from + i];
        // As arguments, not as one array: better-sqlite3 reads an array element by element through the V8
        // API, which costs about as much as the rest of binding and inserting a value.
        stmt.run(...buf);
        done += n;
      }
    }
  }

  /**
   * Prepares the statements of every row count now rather than on first use: a store that does this when
   * it opens spares its first bulk writes the preparation (about 60 us per statement of 128 rows).
   */
  prepareAll(): void {
    for (let log2 = 0; log2 <= this.maxLog2; log2++) this.statement(log2);
  }

  private statement(log2: number): Statement {
    let stmt = this.stmts[log2];
    if (!stmt) {
      const n = 1 << log2;
      stmt = this.db.prepare(`${this.head}${Array(n).fill(this.row).join(',')}${this.tail}`);
      this.stmts[log2] = stmt;
      this.buffers[log2] = new Array(this.prefix + n * this.width).fill(null);
    }
    return stmt;
  }
}
