/**
 * Write-behind for server.db's read models: the order and fill history, fill notifications and the ranking
 * log. They are folds of the matching journal, which is the durable record, so they need not be written
 * before an order is acknowledged. Writes are queued as statements with their parameters and run on a
 * worker thread with its own connection, in order, one transaction per batch: a batch closes after
 * `delayMs` or once `maxPending` rows are waiting. The event loop that answers clients spends no time in
 * SQLite for them, and one commit carries hundreds of orders' rows.
 *
 * Each read model keeps the journal position it has reached in the same transaction as its rows, so a crash
 * before a batch commits loses nothing: start-up catches up from the journal. For the same reason the writer
 * commits with synchronous=NORMAL even where the journal syncs every batch: a power cut can take only its last
 * batches, which the journal gives back, and syncing tens of megabytes of history a second would cost the
 * order path half its throughput (the sync of the journal's log waits behind it). Readers call `flush` first,
 * which waits for every queued write to commit, so a client that was just acknowledged finds its order in
 * the history.
 *
 * A row that changes several times before its batch is posted (an order accepted, then filled 20 ms later)
 * may be queued with `runKeyed`: the queued write takes the newer parameters in place, so the batch writes the
 * row once, in its last state. That is only for statements whose last run wins whole (an upsert of the full
 * row) and whose row no other queued write reads.
 *
 * The worker is a few lines of plain JavaScript given as a string, so it runs the same under Node, tsx and
 * the test runner without a TypeScript loader in the worker.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export type SqlValue = string | number | bigint | null | Buffer;

export interface WriteBehindOptions {
  /** How long a write may wait for others to share its transaction (ms). */
  delayMs: number;
  /** Close the batch at once when this many writes are waiting. */
  maxPending: number;
  /** A batch failed on the worker (reported from the event loop; `flush` throws the same error). */
  onError: (err: Error) => void;
  /** Told how long each batch's transaction took on the worker (ms) and how many writes it held. */
  onFlushTimed?: (ms: number, writes: number) => void;
  /**
   * Page cache of the worker's connection in MiB (SQLite's default is 2). The worker is the connection that
   * writes the rows, so it is the one whose index pages must stay cached (see openDatabase's `cacheMiB`).
   */
  cacheMiB?: number;
}

/** A flush waits this long for the worker before it gives up on it (its connection waits 5 s for a lock). */
const FLUSH_TIMEOUT_MS = 30_000;

type Op = [statement: number, params: SqlValue[], wantsRowId: boolean];

type Reply = { batch: number; ids: number[]; ms: number; count: number } | { batch: number; error: string };

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
db.pragma('foreign_keys = ON');
if (workerData.cacheMiB !== undefined) db.pragma('cache_size = ' + -Math.round(workerData.cacheMiB * 1024));
const committed = new Int32Array(workerData.shared);
const port = workerData.port;
const statements = [];
const runAll = db.transaction((ops) => {
  const ids = [];
  for (const [i, params, wantsRowId] of ops) {
    const r = statements[i].run(params);
    if (wantsRowId) ids.push(Number(r.lastInsertRowid));
  }
  return ids;
});
let failed = false;
port.on('message', (m) => {
  if (m.type === 'close') {
    db.close();
    port.postMessage({ closed: true });
    port.close();
    return;
  }
  if (failed) return;
  try {
    if (m.type === 'prepare') {
      statements[m.index] = db.prepare(m.sql);
      return;
    }
    const started = performance.now();
    let ids;
    // Another connection holding the lock past busy_timeout is no fault of the batch: wait for it again (a
    // reader's flush gives up after FLUSH_TIMEOUT_MS, which stops the read models).
    for (;;) {
      try {
        ids = runAll.immediate(m.ops);
        break;
      } catch (err) {
        if (!String(err && err.code).startsWith('SQLITE_BUSY')) throw err;
      }
    }
    port.postMessage({ batch: m.batch, ids, ms: performance.now() - started, count: m.ops.length });
    Atomics.store(committed, 0, m.batch);
  } catch (err) {
    failed = true;
    port.postMessage({ batch: m.batch ?? 0, error: String((err && err.message) || err) });
    Atomics.store(committed, 1, 1);
  }
  Atomics.notify(committed, 0);
});
`;

export class WriteBehind {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** [0]: the last batch committed by the worker; [1]: 1 once a batch has failed. */
  private readonly committed: Int32Array;
  private readonly statements = new Map<string, number>();
  private ops: Op[] = [];
  /** The ops of `runKeyed` in the batch being gathered, by statement then key. */
  private keyed = new Map<number, Map<number | string, Op>>();
  private rowIdCallbacks: ((rowId: number) => void)[] = [];
  private posted = 0;
  private readonly waiting = new Map<number, ((rowId: number) => void)[]>();
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private readonly flushedListeners = new Set<(batch: number) => void>();
  private closed: Promise<void> | undefined;
  private postSoon = false;

  /** @param path the database file (its schema is already migrated by the caller's connection). */
  constructor(
    path: string,
    private readonly options: WriteBehindOptions,
  ) {
    const shared = new SharedArrayBuffer(8);
    this.committed = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, path, shared, port: port2, cacheMiB: options.cacheMiB },
      transferList: [port2],
    });
    this.worker.on('error', (err) => this.fail(new Error(`read model writer stopped: ${err.message}`), true));
    this.port.on('message', (m: Reply | { closed: true }) => {
      if (!('closed' in m)) this.settle(m, true);
    });
    this.worker.unref();
    this.port.unref();
  }

  /** The id of a statement to `run`; the same SQL gives the same id. */
  statement(sql: string): number {
    let index = this.statements.get(sql);
    if (index === undefined) {
      index = this.statements.size;
      this.statements.set(sql, index);
      this.port.postMessage({ type: 'prepare', index, sql });
    }
    return index;
  }

  /**
   * Queues one statement; `onRowId` is told the inserted row's id once its batch has committed. A batch is
   * closed between turns of the event loop, never within one, so the writes a caller queues together (rows
   * and the journal position they bring the read model to) always commit together.
   */
  run(statement: number, params: SqlValue[], onRowId?: (rowId: number) => void): void {
    if (this.failure) throw this.failure;
    this.ops.push([statement, params, onRowId !== undefined]);
    if (onRowId) this.rowIdCallbacks.push(onRowId);
    if (this.ops.length >= this.options.maxPending) {
      if (!this.postSoon) {
        this.postSoon = true;
        queueMicrotask(() => this.post());
      }
    } else {
      this.timer ??= setTimeout(() => this.post(), this.options.delayMs);
    }
  }

  /**
   * Queues one statement, or, when the batch being gathered already holds a write of the same statement and
   * key, gives that write these parameters instead: the row is written once per batch, in its last state.
   */
  runKeyed(statement: number, key: number | string, params: SqlValue[]): void {
    let byKey = this.keyed.get(statement);
    const queued = byKey?.get(key);
    if (queued) {
      if (this.failure) throw this.failure;
      queued[1] = params;
      return;
    }
    this.run(statement, params);
    if (!byKey) this.keyed.set(statement, (byKey = new Map()));
    byKey.set(key, this.ops[this.ops.length - 1]);
  }

  /** The batch that writes queued now will commit in (see `onFlushed`). */
  get nextBatch(): number {
    return this.posted + 1;
  }

  /** Called with the batch number after each batch has committed, e.g. to push what it wrote to live streams. */
  onFlushed(listener: (batch: number) => void): () => void {
    this.flushedListeners.add(listener);
    return () => this.flushedListeners.delete(listener);
  }

  /** Waits (blocking) until everything queued so far has committed. */
  flush(): void {
    if (this.failure) throw this.failure;
    this.post();
    const target = this.posted;
    const deadline = Date.now() + FLUSH_TIMEOUT_MS;
    for (;;) {
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const reply = m.message as Reply | { closed: true };
        if (!('closed' in reply)) this.settle(reply, false);
      }
      if (this.failure) throw this.failure;
      const done = Atomics.load(this.committed, 0);
      if (done >= target && !this.waiting.has(target)) return;
      if (Date.now() > deadline) {
        this.fail(
          new Error(`read model writer has not committed batch ${target} within ${FLUSH_TIMEOUT_MS / 1000} s`),
          false,
        );
        throw this.failure;
      }
      if (Atomics.load(this.committed, 1) === 0) Atomics.wait(this.committed, 0, done, 100);
    }
  }

  /** Commits what is queued and stops the worker. */
  close(): Promise<void> {
    return (this.closed ??= (async () => {
      if (!this.failure) this.flush();
      clearTimeout(this.timer);
      await new Promise<void>((resolve) => {
        this.worker.once('exit', () => resolve());
        this.port.once('message', () => void this.worker.terminate());
        this.port.postMessage({ type: 'close' });
      });
    })());
  }

  private post(): void {
    this.postSoon = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ops.length === 0 || this.failure) return;
    const batch = ++this.posted;
    this.waiting.set(batch, this.rowIdCallbacks);
    this.port.postMessage({ type: 'batch', batch, ops: this.ops });
    this.ops = [];
    this.keyed = new Map();
    this.rowIdCallbacks = [];
  }

  private settle(reply: Reply, fromEventLoop: boolean): void {
    if ('error' in reply) {
      // The batch rolled back whole (rows and journal positions together); writing later batches on top would
      // leave holes, so the read models stop here and a restart rebuilds them from the journal.
      this.fail(
        new Error(`read model write failed: ${reply.error}; restart the server to catch up from the journal`),
        fromEventLoop,
      );
      return;
    }
    const callbacks = this.waiting.get(reply.batch) ?? [];
    this.waiting.delete(reply.batch);
    reply.ids.forEach((id, i) => callbacks[i]?.(id));
    this.options.onFlushTimed?.(reply.ms, reply.count);
    for (const listener of this.flushedListeners) listener(reply.batch);
  }

  private fail(err: Error, fromEventLoop: boolean): void {
    if (this.failure) return;
    this.failure = err;
    clearTimeout(this.timer);
    // A failure found inside `flush` is thrown to its caller and reported once that call has returned.
    if (fromEventLoop) this.options.onError(err);
    else queueMicrotask(() => this.options.onError(err));
  }
}
