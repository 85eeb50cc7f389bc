import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './database.js';

/** SQLite's automatic checkpoint threshold, in WAL pages (its default): the fallback when the thread fails. */
const AUTO_CHECKPOINT_PAGES = 1000;

export interface CheckpointerOptions {
  /** How often the thread checkpoints what the WAL holds (ms). */
  readonly intervalMs?: number;
  /** Told when the thread failed and the connection checkpoints automatically again. */
  readonly onFailure?: (err: Error) => void;
}

/**
 * WAL checkpoints off the request path. SQLite's automatic checkpoint runs inside the commit that takes
 * the WAL past 1,000 pages: that commit copies about 4 MB into the database file (13-15 ms on this
 * project's machine) inside whatever request made it, one batch of 1,000 intents in two or three.
 * `startCheckpointer` turns the automatic checkpoint of `db` off and checkpoints from a thread of its own,
 * on its own connection, every `intervalMs`: PASSIVE, so it never waits for the controller's writers or
 * readers (pages a reader still needs wait for the next round). Should the thread fail or exit, `db`
 * checkpoints automatically again.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private closed = false;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    options: CheckpointerOptions = {},
  ) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    db.pragma('wal_autocheckpoint = 0');
    // The thread's code is the function below as compiled: evaluated, it needs no loader for TypeScript.
    this.worker = new Worker(`var __name = (f) => f; (${checkpointThread.toString()})(require);`, {
      eval: true,
      workerData: { file: db.name, driver, intervalMs: options.intervalMs ?? 1000 },
    });
    // A checkpoint is never worth keeping the process alive for: the last connection to close does one.
    this.worker.unref();
    const fail = (err: Error) => {
      if (this.closed) return;
      this.closed = true;
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
      options.onFailure?.(err);
    };
    this.worker.on('message', () => {
      for (const w of this.waiting.splice(0)) w();
    });
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`checkpoint thread exited with code ${code}`)));
  }

  /** Resolves after the thread's next finished round (tests). */
  nextRound(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Stops the thread; the connection checkpoints automatically again (and on close). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    await this.worker.terminate();
  }
}

/**
 * The thread: a connection of its own to the file and a PASSIVE checkpoint every interval; it posts after
 * each. Plain JavaScript once compiled (run through eval).
 */
function checkpointThread(require: NodeJS.Require): void {
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const Database = require(workerData.driver) as typeof import('better-sqlite3');
  const db = new Database(workerData.file);
  // Its own connection must not checkpoint on commit either (it never writes; this is for clarity).
  db.pragma('wal_autocheckpoint = 0');
  setInterval(() => {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort?.postMessage(0);
  }, workerData.intervalMs);
}
