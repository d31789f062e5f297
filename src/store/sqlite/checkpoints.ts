import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/**
 * WAL checkpoints in a worker thread. By default SQLite checkpoints inside the COMMIT that pushes the
 * WAL past 1,000 pages: that request then copies every page to the database file and fsyncs it
 * (hundreds of ms on a large file: the write p99 of the benchmark). Here a second connection in a
 * worker runs a PASSIVE checkpoint (never waits for readers or writers) every `intervalMs`, on the
 * other core; the writer's automatic checkpoint stays as a safety net, at `safetyPages`, should the
 * worker fall behind or die. Durability is unchanged: commits still reach the WAL before the answer.
 */
export interface CheckpointOptions {
  intervalMs?: number;
  safetyPages?: number;
  /** A checkpoint failure in the worker (logged by the server; the safety net keeps working). */
  onError?: (message: string) => void;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 0');
const step = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    // SQLITE_BUSY: another checkpoint is running (the writer's safety net); try again next time.
    if (!(err && err.code === 'SQLITE_BUSY')) parentPort.postMessage({ ok: false, message: String((err && err.message) || err) });
  }
};
const timer = setInterval(step, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

export class BackgroundCheckpoints {
  private worker: Worker | null;
  private stopped: Promise<void>;
  /** Runs done and the WAL size (pages) after the last one, for tests and diagnostics. */
  runs = 0;
  lastLogPages = 0;

  constructor(db: Database.Database, opts: CheckpointOptions = {}) {
    const file = path.resolve(db.name);
    db.pragma(`wal_autocheckpoint = ${opts.safetyPages ?? 20_000}`);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file, intervalMs: opts.intervalMs ?? 500 },
    });
    worker.unref();
    worker.on('message', (m: { ok: boolean; message?: string; log?: number }) => {
      if (m.ok) {
        this.runs++;
        this.lastLogPages = m.log ?? 0;
      } else opts.onError?.(m.message ?? 'checkpoint failed');
    });
    worker.on('error', (err) => opts.onError?.(err.message));
    this.stopped = new Promise((resolve) => worker.once('exit', () => resolve()));
    this.worker = worker;
  }

  /** Ends the worker and closes its connection; the database's own close then checkpoints the rest. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    worker.postMessage('stop');
    await this.stopped;
  }
}
