/**
 * The SQL side of a journal: appends group-committed batches (commands, their events, and now and then a
 * snapshot) in one transaction each, and reads them back with every row checked before it is trusted.
 *
 * Durability `full` is kept by the journal itself rather than by SQLite's synchronous=FULL: SQLite commits
 * under NORMAL (the transaction's frames are written to the log, not synced), and the owner syncs the log file
 * with `syncLog` (on libuv's thread pool) or `syncLogNow` before it tells anyone a batch is committed. One
 * sync then covers every batch written before it, and the thread that matches orders never waits for the
 * disk: it goes on matching while the previous batches are synced. What survives a
 * power cut is the same as under FULL: a batch is acknowledged only once the frames holding it are on disk,
 * and SQLite itself syncs the log before each checkpoint copies it into the database file.
 */
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync, constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import { openDatabase, type Db, type Synchronous } from '../db/database';
import { decode, rowChecksum } from './codec';
import { journalMigrations } from './migrations';

/** What the journal needs to know of an event: the market stream it belongs to and its place in it. */
export interface JournalEvent {
  market: string;
  seq: number;
}

/** A journal row that failed its checksum or does not decode; names the table and row so it can be found. */
export class JournalCorruptError extends Error {
  constructor(
    readonly table: string,
    readonly row: string,
    detail: string,
    file: string,
  ) {
    super(`journal ${file}: ${table} row ${row} is corrupt (${detail}); refusing to start from a damaged journal`);
    this.name = 'JournalCorruptError';
  }
}

export interface JournalStoreOptions {
  /**
   * What a group commit survives (see Synchronous; default `normal`). A server that tells clients an order is
   * accepted uses `full`: the log is synced before a batch is acknowledged, one sync for however many batches
   * were written while the previous sync ran (see the note at the top).
   */
  synchronous?: Synchronous;
  /** How long a commit waits for another connection's lock (the checkpointer's) before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** better_sqlite3.node built for the running runtime (see openDatabase). */
  nativeBinding?: string;
  /** Checkpoints are run elsewhere (see ../db/wal-checkpointer), not inside group commits. */
  manualCheckpoints?: boolean;
}

/** Events of one market within one batch, already encoded (see ./codec). */
export interface EventRun {
  market: string;
  firstSeq: number;
  lastSeq: number;
  bytes: Buffer;
}

/** One group commit: its commands, encoded as one array. */
export interface BatchRecord {
  id: number;
  firstCommand: number;
  count: number;
  bytes: Buffer;
}

export interface StoredBatch<C> {
  id: number;
  firstCommand: number;
  commands: C[];
}

export interface StoredSnapshot<S> {
  id: number;
  batch: number;
  commandCount: number;
  state: S;
}

interface BatchRow {
  id: number;
  first_command: number;
  command_count: number;
  commands: Buffer;
  checksum: number;
}
interface EventRow {
  market: string;
  first_seq: number;
  last_seq: number;
  batch: number;
  events: Buffer;
  checksum: number;
}
interface SnapshotRow {
  id: number;
  batch: number;
  command_count: number;
  state: Buffer;
  checksum: number;
}

export class JournalStore {
  readonly path: string;
  private readonly db: Db;
  /** The write-ahead log's file, kept open to sync it (`full` only). SQLite deletes the log only when the last connection closes, so this one is the log as long as the store is open. */
  private readonly logFd: number | undefined;
  private syncing = false;
  private closeLogAfterSync = false;
  private readonly insertBatch;
  private readonly insertEvents;
  private readonly insertSnapshot;
  private readonly pruneSnapshots;
  private readonly selectBatchesAfter;
  private readonly selectEventsOfBatch;
  private readonly selectEventsAfter;
  private readonly selectLatestSnapshot;
  private readonly selectLastBatch;
  private readonly selectLastSeqs;
  private readonly appendTx;

  constructor(path: string, options: JournalStoreOptions = {}) {
    this.path = path;
    this.db = openDatabase(path, journalMigrations, {
      nativeBinding: options.nativeBinding,
      manualCheckpoints: options.manualCheckpoints,
      // `full` is the journal's own sync of the log (see the note at the top); SQLite only writes it.
      synchronous: 'normal',
      busyTimeoutMs: options.busyTimeoutMs,
    });
    try {
      if (options.synchronous === 'full') {
        this.logFd = openSync(`${path}-wal`, fsConstants.O_RDWR | fsConstants.O_CREAT);
        // The log's directory entry too, once: a log synced into a file that a power cut unlinks is no use.
        if (process.platform !== 'win32') {
          const dir = openSync(dirname(path), 'r');
          try {
            fsyncSync(dir);
          } finally {
            closeSync(dir);
          }
        }
      }
      this.insertBatch = this.db.prepare(
        'INSERT INTO journal_batches (id, first_command, command_count, commands, checksum) VALUES (?, ?, ?, ?, ?)',
      );
      this.insertEvents = this.db.prepare(
        'INSERT INTO journal_events (market, last_seq, first_seq, batch, events, checksum) VALUES (?, ?, ?, ?, ?, ?)',
      );
      this.insertSnapshot = this.db.prepare(
        'INSERT INTO journal_snapshots (batch, command_count, state, checksum, created_at) VALUES (?, ?, ?, ?, ?)',
      );
      this.pruneSnapshots = this.db.prepare(
        'DELETE FROM journal_snapshots WHERE id NOT IN (SELECT id FROM journal_snapshots ORDER BY id DESC LIMIT ?)',
      );
      this.selectBatchesAfter = this.db.prepare('SELECT * FROM journal_batches WHERE id > ? ORDER BY id');
      this.selectEventsOfBatch = this.db.prepare('SELECT * FROM journal_events WHERE batch = ?');
      this.selectEventsAfter = this.db.prepare(
        'SELECT * FROM journal_events WHERE market = ? AND last_seq > ? ORDER BY last_seq',
      );
      this.selectLatestSnapshot = this.db.prepare('SELECT * FROM journal_snapshots ORDER BY id DESC LIMIT 1');
      this.selectLastBatch = this.db.prepare(
        'SELECT id, first_command, command_count FROM journal_batches ORDER BY id DESC LIMIT 1',
      );
      this.selectLastSeqs = this.db.prepare('SELECT market, MAX(last_seq) AS seq FROM journal_events GROUP BY market');
      this.appendTx = this.db.transaction(
        (batch: BatchRecord, runs: EventRun[], snapshot: { state: Buffer; keep: number } | undefined) => {
          this.insertBatch.run(
            batch.id,
            batch.firstCommand,
            batch.count,
            batch.bytes,
            rowChecksum(batch.bytes, batch.id, batch.firstCommand, batch.count),
          );
          for (const run of runs) {
            this.insertEvents.run(
              run.market,
              run.lastSeq,
              run.firstSeq,
              batch.id,
              run.bytes,
              rowChecksum(run.bytes, run.market, run.firstSeq, run.lastSeq, batch.id),
            );
          }
          if (snapshot) this.writeSnapshot(batch.id, batch.firstCommand + batch.count, snapshot.state, snapshot.keep);
        },
      );
    } catch (err) {
      this.db.close();
      if (this.logFd !== undefined) closeSync(this.logFd);
      throw err;
    }
  }

  /** True when batches must be made durable with `syncLog`/`syncLogNow` before they are acknowledged (`full`). */
  get syncsLog(): boolean {
    return this.logFd !== undefined;
  }

  /**
   * Syncs the log on libuv's thread pool: every batch appended before this call is on disk when `done` is
   * called without an error. One at a time (the caller waits for `done` before asking again).
   */
  syncLog(done: (err: Error | null) => void): void {
    if (this.logFd === undefined) throw new Error(`journal ${this.path} does not sync its own log`);
    if (this.syncing) throw new Error(`journal ${this.path}: a sync of the log is already running`);
    this.syncing = true;
    fdatasync(this.logFd, (err) => {
      this.syncing = false;
      if (this.closeLogAfterSync) closeSync(this.logFd!);
      done(err);
    });
  }

  /** Syncs the log now, on this thread: every batch appended so far is on disk when this returns. */
  syncLogNow(): void {
    if (this.logFd === undefined) throw new Error(`journal ${this.path} does not sync its own log`);
    fdatasyncSync(this.logFd);
  }

  /** Commits one batch: its commands, its events per market and optionally a snapshot of the state after it. */
  append(batch: BatchRecord, runs: EventRun[], snapshot?: { state: Buffer; keep: number }): void {
    this.appendTx(batch, runs, snapshot);
  }

  /** Stores a snapshot of the state after `batch` in its own transaction (used for the empty journal and on demand). */
  snapshot(batch: number, commandCount: number, state: Buffer, keep: number): void {
    this.db.transaction(() => this.writeSnapshot(batch, commandCount, state, keep))();
  }

  private writeSnapshot(batch: number, commandCount: number, state: Buffer, keep: number): void {
    this.insertSnapshot.run(batch, commandCount, state, rowChecksum(state, batch, commandCount), Date.now());
    this.pruneSnapshots.run(keep);
  }

  /** The last committed batch (id 0 and 0 commands for an empty journal). */
  lastBatch(): { id: number; nextCommand: number } {
    const row = this.selectLastBatch.get() as Pick<BatchRow, 'id' | 'first_command' | 'command_count'> | undefined;
    return row ? { id: row.id, nextCommand: row.first_command + row.command_count } : { id: 0, nextCommand: 0 };
  }

  /** The last stored seq of every market that has events. */
  lastSeqs(): Map<string, number> {
    const rows = this.selectLastSeqs.all() as { market: string; seq: number }[];
    return new Map(rows.map((r) => [r.market, r.seq]));
  }

  latestSnapshot<S>(): StoredSnapshot<S> | undefined {
    const row = this.selectLatestSnapshot.get() as SnapshotRow | undefined;
    if (!row) return undefined;
    const where = String(row.id);
    if (rowChecksum(row.state, row.batch, row.command_count) !== row.checksum) {
      throw this.corrupt('journal_snapshots', where, 'checksum mismatch');
    }
    return {
      id: row.id,
      batch: row.batch,
      commandCount: row.command_count,
      state: this.decode(row.state, 'journal_snapshots', where) as S,
    };
  }

  /** Committed batches after `afterBatch`, in order, each checked. */
  *batchesAfter<C>(afterBatch: number): Generator<StoredBatch<C>> {
    for (const row of this.selectBatchesAfter.iterate(afterBatch) as IterableIterator<BatchRow>) {
      yield this.decodeBatch<C>(row);
    }
  }

  /** The stored event runs of one batch, checked, keyed by market (kept encoded for a cheap comparison). */
  eventRunsOfBatch(batch: number): Map<string, EventRun> {
    const runs = new Map<string, EventRun>();
    for (const row of this.selectEventsOfBatch.all(batch) as EventRow[]) {
      this.checkEventRow(row);
      runs.set(row.market, { market: row.market, firstSeq: row.first_seq, lastSeq: row.last_seq, bytes: row.events });
    }
    return runs;
  }

  /** Up to `limit` events of `market` with seq > afterSeq, in seq order. */
  eventsSince<E extends JournalEvent>(market: string, afterSeq: number, limit: number): E[] {
    const out: E[] = [];
    if (limit === 0) return out;
    for (const row of this.selectEventsAfter.iterate(market, afterSeq) as IterableIterator<EventRow>) {
      this.checkEventRow(row);
      const events = this.decode(row.events, 'journal_events', eventRowName(row));
      if (!Array.isArray(events) || events.length !== row.last_seq - row.first_seq + 1) {
        throw this.corrupt('journal_events', eventRowName(row), 'event count does not match its seq range');
      }
      for (let i = Math.max(0, afterSeq - row.first_seq + 1); i < events.length && out.length < limit; i++) {
        out.push(events[i] as E);
      }
      if (out.length >= limit) break;
    }
    return out;
  }

  close(): void {
    if (!this.db.open) return;
    this.db.close();
    if (this.logFd === undefined) return;
    // A sync running on the thread pool still uses the descriptor: it is closed when that sync ends.
    if (this.syncing) this.closeLogAfterSync = true;
    else closeSync(this.logFd);
  }

  private decodeBatch<C>(row: BatchRow): StoredBatch<C> {
    const where = String(row.id);
    if (rowChecksum(row.commands, row.id, row.first_command, row.command_count) !== row.checksum) {
      throw this.corrupt('journal_batches', where, 'checksum mismatch');
    }
    const commands = this.decode(row.commands, 'journal_batches', where);
    if (!Array.isArray(commands) || commands.length !== row.command_count) {
      throw this.corrupt('journal_batches', where, `expected an array of ${row.command_count} commands`);
    }
    return { id: row.id, firstCommand: row.first_command, commands: commands as C[] };
  }

  private checkEventRow(row: EventRow): void {
    if (rowChecksum(row.events, row.market, row.first_seq, row.last_seq, row.batch) !== row.checksum) {
      throw this.corrupt('journal_events', eventRowName(row), 'checksum mismatch');
    }
  }

  private decode(bytes: Buffer, table: string, row: string): unknown {
    try {
      return decode(bytes);
    } catch (err) {
      throw this.corrupt(table, row, `undecodable: ${(err as Error).message}`);
    }
  }

  private corrupt(table: string, row: string, detail: string): JournalCorruptError {
    return new JournalCorruptError(table, row, detail, this.path);
  }
}

function eventRowName(row: EventRow): string {
  return `(market ${row.market}, seq ${row.first_seq}..${row.last_seq}, batch ${row.batch})`;
}
