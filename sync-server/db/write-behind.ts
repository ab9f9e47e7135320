/**
 * Write-behind for server.db's read models: the order and fill history, fill notifications and the ranking
 * log. They are folds of the matching journal, which is the durable record, so they need not be written
 * before an order is acknowledged. Queued writes run in order, in one transaction per flush, a few
 * milliseconds later or as soon as enough are waiting: one commit carries hundreds of orders' rows, and the
 * pages an index shares are written once instead of once per order.
 *
 * Each read model keeps the journal position it has reached in the same transaction as its rows, so a crash
 * before a flush loses nothing: start-up catches up from the journal. Readers call `flush` first to see
 * everything committed so far (a client that was just acknowledged finds its order in the history).
 */
import type { Db } from '../../engine/db/database';

export interface WriteBehindOptions {
  /** How long a write may wait for others to share its transaction (ms). */
  delayMs: number;
  /** Flush at once when this many rows' worth of writes are waiting. */
  maxPending: number;
  /** A flush started by the timer failed; the writes are lost from the read model until a restart catches up. */
  onError: (err: Error) => void;
  /** Told how long each flush took (ms) and how much it carried. */
  onFlushTimed?: (ms: number, pending: number) => void;
}

export class WriteBehind {
  private queue: (() => void)[] = [];
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private readonly flushedListeners = new Set<() => void>();
  private readonly runAll: (ops: (() => void)[]) => void;

  constructor(
    db: Db,
    private readonly options: WriteBehindOptions,
  ) {
    this.runAll = db.transaction((ops: (() => void)[]) => {
      for (const op of ops) op();
    });
  }

  /** Queues a write; `weight` is roughly how many rows it touches (it brings the flush forward). */
  enqueue(op: () => void, weight = 1): void {
    if (this.failure) throw this.failure;
    this.queue.push(op);
    this.pending += weight;
    if (this.pending >= this.options.maxPending) this.flush();
    else this.timer ??= setTimeout(() => this.flushFromTimer(), this.options.delayMs);
  }

  /** Called after each flush that committed something, e.g. to push what it wrote to live streams. */
  onFlushed(listener: () => void): () => void {
    this.flushedListeners.add(listener);
    return () => this.flushedListeners.delete(listener);
  }

  /** Writes everything queued now, in one transaction. */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const ops = this.queue;
    const pending = this.pending;
    this.queue = [];
    this.pending = 0;
    const started = performance.now();
    try {
      this.runAll(ops);
    } catch (err) {
      // The rows (and the journal positions written with them) rolled back together; applying later writes on
      // top would leave holes, so the read models stop here and a restart rebuilds them from the journal.
      this.failure = new Error(`read model write failed: ${(err as Error).message}; restart the server to catch up from the journal`, { cause: err });
      throw this.failure;
    }
    this.options.onFlushTimed?.(performance.now() - started, pending);
    for (const listener of this.flushedListeners) listener();
  }

  private flushFromTimer(): void {
    this.timer = undefined;
    try {
      this.flush();
    } catch (err) {
      this.options.onError(err as Error);
    }
  }
}
