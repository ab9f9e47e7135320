/**
 * WAL checkpoints on a worker thread. A checkpoint copies the write-ahead log back into the database file
 * and syncs it; when SQLite runs it itself (every 1,000 pages by default) it does so inside whichever commit
 * crossed the threshold, and on a busy server that commit — and every order waiting on it — stalls for the
 * sync. Here the committing connections turn automatic checkpoints off (`wal_autocheckpoint = 0`) and a
 * worker with its own connections checkpoints each file every `everyMs` in PASSIVE mode, which never blocks
 * writers or readers.
 *
 * A passive checkpoint alone cannot bound the log under steady load: SQLite starts the log over only when a
 * writer begins after a checkpoint copied every frame, and a writer that commits while the copy runs (as one
 * does every few milliseconds at full order rate) keeps that from ever happening, so the file grows without
 * end. Once the log passes `maxWalBytes`, the passive pass (which copied nearly all of it without blocking
 * anyone) is followed by a TRUNCATE checkpoint: it waits for the writer's current transaction, copies the few
 * frames left, and empties the file. Writers wait for that short step, and only when the log is over the limit.
 *
 * The worker is a few lines of plain JavaScript given as a string, so it runs the same under Node, tsx, the
 * test runner and Electron without a TypeScript loader in the worker.
 */
import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointerOptions {
  /** Database files whose writers have automatic checkpoints turned off. */
  paths: readonly string[];
  everyMs: number;
  /** A log larger than this is emptied after the passive pass (default 64 MiB). */
  maxWalBytes?: number;
  nativeBinding?: string;
  /** The worker failed; checkpoints carry on from this thread (stalling commits again, but bounding the WAL). */
  onFailure: (err: Error) => void;
}

const DEFAULT_MAX_WAL_BYTES = 64 * 1024 * 1024;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const dbs = workerData.paths.map((p) => {
  const db = new Database(p, { nativeBinding: workerData.nativeBinding });
  db.pragma('busy_timeout = 1000');
  return db;
});
const maxFrames = dbs.map((db) => Math.max(1, Math.floor(workerData.maxWalBytes / db.pragma('page_size', { simple: true }))));
const timer = setInterval(() => {
  dbs.forEach((db, i) => {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r.log > maxFrames[i]) db.pragma('wal_checkpoint(TRUNCATE)');
  });
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  for (const db of dbs) db.close();
  parentPort.postMessage('closed');
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private closing: Promise<void> | undefined;
  private exited = false;
  private fallback: { timer: NodeJS.Timeout; dbs: Database.Database[] } | undefined;

  constructor(options: WalCheckpointerOptions) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const maxWalBytes = options.maxWalBytes ?? DEFAULT_MAX_WAL_BYTES;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        module,
        paths: [...options.paths],
        everyMs: options.everyMs,
        maxWalBytes,
        nativeBinding: options.nativeBinding,
      },
    });
    this.worker.on('error', (err) => {
      if (this.closing) return;
      options.onFailure(err);
      const dbs = options.paths.map((p) => new Database(p, { nativeBinding: options.nativeBinding }));
      const maxFrames = dbs.map((db) =>
        Math.max(1, Math.floor(maxWalBytes / (db.pragma('page_size', { simple: true }) as number))),
      );
      // The worker's checkpoint (above), from this thread.
      const timer = setInterval(() => {
        dbs.forEach((db, i) => {
          const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
          if (r.log > maxFrames[i]) db.pragma('wal_checkpoint(TRUNCATE)');
        });
      }, options.everyMs);
      timer.unref();
      this.fallback = { timer, dbs };
    });
    this.worker.once('exit', () => (this.exited = true));
    this.worker.unref();
  }

  /** Stops checkpointing and closes the worker's connections. */
  close(): Promise<void> {
    if (this.fallback) {
      clearInterval(this.fallback.timer);
      for (const db of this.fallback.dbs) db.close();
      this.fallback = undefined;
    }
    return (this.closing ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      this.worker.once('exit', () => resolve());
      this.worker.once('message', () => void this.worker.terminate());
      this.worker.postMessage('close');
    }));
  }
}
