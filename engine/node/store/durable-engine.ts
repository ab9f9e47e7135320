/**
 * A deterministic state machine (the matching engine) made durable by journaling its commands.
 *
 * Commands are applied in memory at once and written to SQLite in group commits: one transaction per batch
 * holds the batch's commands and the events they produced, so a batch is either wholly in the journal or not at
 * all. `submit` resolves only after the batch holding its command committed, so an acknowledged command
 * survives a crash of the process (and with `synchronous: 'full'` a power cut: the batch is announced only
 * once a sync of the log that began after it was written has finished — see JournalStore; commands go on
 * being applied meanwhile, and are written as one batch when that sync ends). A batch is committed when
 * `maxBatch` commands are waiting or on the next macrotask (setImmediate), whichever comes first.
 *
 * Start-up restores the latest snapshot and replays the commands after it, comparing every replayed event with
 * the stored one: a difference means the engine is not deterministic (or changed incompatibly) and opening
 * fails rather than serving a state that disagrees with what clients were told.
 *
 * Faults: an engine refuses bad commands with events, so a throw from `apply` (or events out of sequence) is a
 * bug that may have left the state half changed. It costs only the command that caused it: that command is
 * refused and never journaled, what was applied before it is committed, and the state is rebuilt from the
 * journal exactly as `open` recovers it; later commands proceed. A commit that fails because another
 * connection holds the lock past its timeout refuses that batch's commands and rebuilds the same way. Any other
 * failed commit (disk full, I/O error), or a rebuild that fails, stops the journal for good (`onFatal`): only a
 * fresh open can recover, so the process should restart rather than answer errors.
 *
 * One process writes a journal at a time.
 */
import { isBusyError } from '../db/database';
import { decode, encode } from './codec';
import { jsonEqual } from './json-equal';
import { JournalStore, type EventRun, type JournalEvent, type JournalStoreOptions } from './journal-store';

export type { JournalEvent } from './journal-store';

/** The engine as the journal sees it. `apply` must depend only on the state and the command. */
export interface Journaled<C, E extends JournalEvent, S> {
  apply(cmd: C): E[];
  /** A JSON-serialisable copy of the whole state; `restore(JSON.parse(JSON.stringify(snapshot())))` must equal it. */
  snapshot(): S;
}

export interface DurableEngineOptions<
  C,
  E extends JournalEvent,
  S,
  M extends Journaled<C, E, S>,
> extends JournalStoreOptions {
  /** The journal's SQLite file (its own file: it carries its own schema version). */
  path: string;
  /** The initial state of a new journal. Used only when the file holds no journal yet. */
  create: () => M;
  /** Rebuilds the state from a stored snapshot; should throw on a snapshot it cannot use. */
  restore: (state: S) => M;
  /** Commit as soon as this many commands are waiting (default 4096). */
  maxBatch?: number;
  /** Store a snapshot with the commit that brings the commands since the last one to this many (default 100,000; 0: never). */
  snapshotEvery?: number;
  /** Snapshots kept; older ones are deleted (default 2). */
  keepSnapshots?: number;
  /** Store a snapshot on close when commands arrived since the last one, so the next start replays nothing (default true). */
  snapshotOnClose?: boolean;
  /**
   * Called with the events of each batch right after it committed (with `synchronous: 'full'`, once the log
   * holding it is synced), in order (before the commands' waiters) —
   * the point to fan events out to market data subscribers, since an event published earlier could vanish in a
   * crash. An exception thrown here propagates to whatever triggered the commit (the command is committed
   * regardless, and its waiters are still told).
   */
  onCommit?: (events: E[]) => void;
  /** Told how long each commit's SQLite transaction took (ms) and how many commands it held, for metrics. */
  onCommitTimed?: (ms: number, commands: number) => void;
  /** With `synchronous: 'full'`: told how long each sync of the log took (ms) and how many batches it made durable. */
  onSyncTimed?: (ms: number, batches: number) => void;
  /**
   * The engine failed on `cmd` (`err` is what it threw): the command was refused, and by the time this is
   * called the state has been rebuilt from the journal. For logging; must not throw.
   */
  onFault?: (err: Error, cmd: C) => void;
  /**
   * The journal cannot go on (a commit failed other than on a busy lock, or the state could not be rebuilt
   * after a fault) and refuses every command from now on; reopening recovers the last committed state. Called
   * once; must not throw.
   */
  onFatal?: (err: Error) => void;
}

export interface JournalStats {
  /** Commands in the journal, committed. */
  committedCommands: number;
  /** Commands applied in memory and waiting for their commit. */
  pendingCommands: number;
  /** Batches committed by this instance. */
  commits: number;
  /** Snapshots stored by this instance. */
  snapshots: number;
  /** Commands replayed on open (those after the snapshot that was restored). */
  replayedCommands: number;
  /** Commands refused because the engine failed on them (each followed by a rebuild of the state). */
  faults: number;
}

/** Replaying the journal produced events that differ from the stored ones. */
export class ReplayMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayMismatchError';
  }
}

/** The engine failed on a command: it was refused and not journaled, and the state was rebuilt without it. */
export class EngineFaultError extends Error {
  constructor(message: string, options: ErrorOptions) {
    super(message, options);
    this.name = 'EngineFaultError';
  }
}

/**
 * A commit waited for another connection's lock past its timeout: its commands were refused and not
 * journaled, the state was rebuilt without them, and the same commands can be sent again. `code` is SQLite's
 * (SQLITE_BUSY…), so `isBusyError` recognises it like any other busy failure.
 */
export class JournalBusyError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'JournalBusyError';
  }
}

/** One group commit written to the file, its waiters not yet told. */
interface Written<E> {
  batch: number;
  eventLists: E[][];
  waiters: (Waiter<E[]> | undefined)[];
}

/**
 * Told the outcome of one submitted command: `resolve` with its events once its batch committed (after
 * `onCommit`, in submission order, in the same turn), `reject` when the commit failed. Neither may throw: the
 * waiters after it would not be told.
 */
export interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

const MAX_EVENTS_PAGE = 100_000;

export class DurableEngine<C, E extends JournalEvent, S, M extends Journaled<C, E, S>> {
  private pendingCommands: C[] = [];
  private pendingEvents: E[][] = [];
  private waiters: (Waiter<E[]> | undefined)[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private failure: Error | undefined;
  private closed = false;
  private sinceSnapshot: number;
  private readonly counters = { commits: 0, snapshots: 0, faults: 0 };
  /** Batches written and waiting for a sync of the log before they are announced (`full` only), in order. */
  private unsynced: Written<E>[] = [];
  private syncRunning = false;
  /** The last event seq of each market in the state as applied (committed or waiting), to catch a gap at once. */
  private appliedSeq: Map<string, number>;
  private readonly maxBatch: number;
  private readonly snapshotEvery: number;
  private readonly keepSnapshots: number;

  private constructor(
    private readonly store: JournalStore,
    private readonly options: DurableEngineOptions<C, E, S, M>,
    private current: M,
    private lastBatch: number,
    private committed: number,
    private readonly lastSeq: Map<string, number>,
    private readonly replayed: number,
    snapshotAt: number,
  ) {
    this.maxBatch = positiveInt(options.maxBatch ?? 4096, 'maxBatch');
    this.snapshotEvery = nonNegativeInt(options.snapshotEvery ?? 100_000, 'snapshotEvery');
    this.keepSnapshots = positiveInt(options.keepSnapshots ?? 2, 'keepSnapshots');
    this.sinceSnapshot = committed - snapshotAt;
    this.appliedSeq = new Map(lastSeq);
  }

  /**
   * The live state. Read it freely (and again after each turn: a fault replaces it with one rebuilt from the
   * journal); changing it other than through this journal bypasses durability.
   */
  get machine(): M {
    return this.current;
  }

  /** Opens (or creates) the journal at `options.path` and recovers the state it records. */
  static open<C, E extends JournalEvent, S, M extends Journaled<C, E, S>>(
    options: DurableEngineOptions<C, E, S, M>,
  ): DurableEngine<C, E, S, M> {
    const store = new JournalStore(options.path, options);
    try {
      const r = recover(store, options);
      return new DurableEngine(
        store,
        options,
        r.machine,
        r.batch,
        r.commands,
        store.lastSeqs(),
        r.replayed,
        r.snapshotAt,
      );
    } catch (err) {
      store.close();
      throw err;
    }
  }

  /**
   * Applies the command now and resolves with its events once the batch holding it is committed. Rejects when
   * the journal is closed or failed, and when the commit fails.
   */
  submit(cmd: C): Promise<E[]> {
    return new Promise((resolve, reject) => this.submitWith(cmd, { resolve, reject }));
  }

  /**
   * `submit` for callers that answer many commands per batch: the waiter is called synchronously when the
   * batch commits, so whatever it sends leaves in the same turn as what `onCommit` sent, without a promise
   * hop per command. A command that cannot be applied (journal closed or failed, engine fault) is rejected
   * before this returns; a failed commit rejects the waiters of every command in it.
   */
  submitWith(cmd: C, waiter: Waiter<E[]>): void {
    try {
      this.assertUsable();
      this.applyOne(cmd, waiter);
    } catch (err) {
      return waiter.reject(err as Error);
    }
    // From here on, a failed commit reaches the caller through `waiter.reject`.
    if (this.pendingCommands.length >= this.maxBatch) this.commitPending(false);
    else this.scheduled ??= setImmediate(() => this.commitScheduled());
  }

  /**
   * Applies the commands and commits them (with anything already waiting) before returning their events. An
   * engine fault throws EngineFaultError: the commands before the faulty one are committed, it and those after
   * it are not applied.
   */
  submitBatch(cmds: readonly C[]): E[][] {
    this.assertUsable();
    const out: E[][] = [];
    for (const cmd of cmds) {
      out.push(this.applyOne(cmd, undefined));
      if (this.pendingCommands.length >= this.maxBatch) this.commitPending(true);
    }
    this.commitPending(true);
    return out;
  }

  /** Commits whatever is waiting now instead of on the next macrotask (and makes it durable, announcing it). */
  flush(): void {
    this.assertUsable();
    this.commitPending(true);
  }

  /** Commits what is waiting and stores a snapshot of the current state. */
  snapshotNow(): void {
    this.flush();
    this.writeSnapshot();
  }

  /** Up to `limit` committed events of `market` with seq > afterSeq, in seq order (waiting commands are committed first). */
  eventsSince(market: string, afterSeq: number, limit: number): E[] {
    if (typeof market !== 'string' || market === '')
      throw new TypeError('eventsSince: market must be a non-empty string');
    nonNegativeInt(afterSeq, 'eventsSince: afterSeq');
    positiveInt(limit, 'eventsSince: limit');
    if (limit > MAX_EVENTS_PAGE)
      throw new RangeError(`eventsSince: limit must be at most ${MAX_EVENTS_PAGE}, got ${limit}`);
    this.flush();
    return this.store.eventsSince<E>(market, afterSeq, limit);
  }

  /** Every committed command from the start of the journal, in order (waiting commands are committed first). */
  *commands(): Generator<C> {
    this.flush();
    for (const batch of this.store.batchesAfter<C>(0)) yield* batch.commands;
  }

  stats(): JournalStats {
    return {
      committedCommands: this.committed,
      pendingCommands: this.pendingCommands.length,
      commits: this.counters.commits,
      snapshots: this.counters.snapshots,
      replayedCommands: this.replayed,
      faults: this.counters.faults,
    };
  }

  /** Commits what is waiting (and a snapshot, see `snapshotOnClose`) and closes the file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.scheduled !== undefined) clearImmediate(this.scheduled);
      this.scheduled = undefined;
      if (!this.failure) {
        this.commitPending(true);
        if ((this.options.snapshotOnClose ?? true) && this.sinceSnapshot > 0) this.writeSnapshot();
      }
    } finally {
      this.closed = true;
      this.store.close();
    }
  }

  private applyOne(cmd: C, waiter: Waiter<E[]> | undefined): E[] {
    let events: E[];
    try {
      events = this.current.apply(cmd);
      this.checkSequence(events);
    } catch (err) {
      throw this.fault(err, cmd);
    }
    this.pendingCommands.push(cmd);
    this.pendingEvents.push(events);
    this.waiters.push(waiter);
    return events;
  }

  /** Each market's events must continue its seq without a gap (an event log with a gap makes clients resync forever). */
  private checkSequence(events: E[]): void {
    for (const e of events) {
      const last = this.appliedSeq.get(e.market);
      if (last !== undefined && e.seq !== last + 1)
        throw new Error(`event seq of market ${e.market} jumps from ${last} to ${e.seq}`);
      this.appliedSeq.set(e.market, e.seq);
    }
  }

  /**
   * The engine failed on `cmd` and may have left its state half changed. Commits what was applied before it
   * (without a snapshot: the state in memory is not one to keep), rebuilds the state from the journal, and only
   * then tells the committed commands' listeners and waiters, so whatever they read or submit sees a sound
   * state. Returns the error for the command's own waiter.
   */
  private fault(err: unknown, cmd: C): EngineFaultError {
    this.counters.faults++;
    const cause = err instanceof Error ? err : new Error(String(err));
    let written: Written<E> | undefined;
    try {
      written = this.writePending(false);
    } catch {
      // Its waiters were told; a busy lock left the journal usable, anything else stopped it.
    }
    if (!this.failure) this.rebuild();
    this.options.onFault?.(cause, cmd);
    if (written) this.settle(written, false);
    return new EngineFaultError(
      `journal ${this.store.path}: the engine failed on a command, which was refused and not journaled ` +
        `(the state was rebuilt from the journal): ${cause.message}`,
      { cause },
    );
  }

  /** Replaces the state with the one the journal records: the latest snapshot plus the batches after it. */
  private rebuild(): void {
    try {
      const r = recover(this.store, this.options);
      if (r.batch !== this.lastBatch || r.commands !== this.committed) {
        throw new Error(
          `the journal ends at batch ${r.batch} (command ${r.commands}), this instance committed up to batch ${this.lastBatch} (command ${this.committed})`,
        );
      }
      this.current = r.machine;
      this.appliedSeq = new Map(this.lastSeq);
    } catch (err) {
      this.stop(
        new Error(
          `journal ${this.store.path}: the state could not be rebuilt from the journal: ${(err as Error).message}; reopen the journal to recover`,
          {
            cause: err,
          },
        ),
      );
    }
  }

  /**
   * The journal cannot go on: every later command is refused, and so is every command not yet announced
   * (those written but not yet synced may or may not be found after a restart; none was acknowledged).
   */
  private stop(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    const untold = [...this.unsynced.flatMap((w) => w.waiters), ...this.waiters];
    this.unsynced = [];
    this.pendingCommands = [];
    this.pendingEvents = [];
    this.waiters = [];
    for (const w of untold) w?.reject(err);
    this.options.onFatal?.(err);
  }

  private commitScheduled(): void {
    this.scheduled = undefined;
    if (this.closed || this.failure) return;
    // While the log is being synced, a batch written now would wait for the next sync anyway: it is written when
    // that sync starts, together with whatever arrives meanwhile (fewer, larger transactions for the same acks).
    if (this.syncRunning) return;
    // A failed commit is reported to every waiter by rejecting its promise.
    this.commitPending(false);
  }

  /**
   * Commits the waiting commands in one transaction, then acknowledges them. `now`: the caller needs them
   * durable and announced when this returns (and is told of a failure by an exception); otherwise a log that
   * needs syncing is synced off this thread and failures reach the waiters.
   */
  private commitPending(now: boolean): void {
    let written: Written<E> | undefined;
    try {
      written = this.writePending(true);
    } catch (err) {
      if (err instanceof JournalBusyError) this.rebuild();
      if (now) throw err;
      return;
    }
    if (written) this.settle(written, now);
    else if (now) this.syncNow();
  }

  /** A batch is written: announce it, or (`full`) have it wait for a sync of the log. */
  private settle(written: Written<E>, now: boolean): void {
    if (!this.store.syncsLog) return this.announce(written);
    this.unsynced.push(written);
    if (now) this.syncNow();
    else this.syncSoon();
  }

  /** Syncs the log on this thread and announces every batch written so far. */
  private syncNow(): void {
    if (this.unsynced.length === 0) return;
    const started = performance.now();
    try {
      this.store.syncLogNow();
    } catch (err) {
      throw this.syncFailed(err);
    }
    this.options.onSyncTimed?.(performance.now() - started, this.unsynced.length);
    for (const w of this.unsynced.splice(0)) this.announce(w);
  }

  /**
   * Starts a sync of the log on the thread pool unless one is running; when it ends, the batches written
   * before it began are announced, what arrived meanwhile is written, and the next sync starts.
   */
  private syncSoon(): void {
    if (this.syncRunning || this.unsynced.length === 0 || this.failure) return;
    this.syncRunning = true;
    const upTo = this.lastBatch;
    const started = performance.now();
    this.store.syncLog((err) => {
      this.syncRunning = false;
      if (this.failure) return;
      if (err) {
        if (!this.closed) this.syncFailed(err);
        return;
      }
      let n = 0;
      while (n < this.unsynced.length && this.unsynced[n].batch <= upTo) n++;
      // (A syncNow meanwhile may have announced them already.)
      if (n > 0) this.options.onSyncTimed?.(performance.now() - started, n);
      for (const w of this.unsynced.splice(0, n)) this.announce(w);
      if (this.pendingCommands.length > 0) this.commitPending(false);
      this.syncSoon();
    });
  }

  private syncFailed(err: unknown): Error {
    const error = new Error(
      `journal ${this.store.path}: the log could not be synced, so the last ${this.unsynced.length} batches are not known to be durable: ` +
        `${(err as Error).message}; reopen the journal to continue from what is on disk`,
      { cause: err },
    );
    this.stop(error);
    return error;
  }

  /**
   * Writes the waiting commands and their events in one transaction. On failure their waiters are rejected
   * and the error is thrown: a JournalBusyError (the caller rebuilds the state without them) or the failure
   * that stopped the journal.
   */
  private writePending(snapshotAllowed: boolean): Written<E> | undefined {
    const count = this.pendingCommands.length;
    if (count === 0 || this.failure) return undefined;
    const commands = this.pendingCommands;
    const eventLists = this.pendingEvents;
    const waiters = this.waiters;
    this.pendingCommands = [];
    this.pendingEvents = [];
    this.waiters = [];
    const batchId = this.lastBatch + 1;
    const snapshotDue = snapshotAllowed && this.snapshotEvery > 0 && this.sinceSnapshot + count >= this.snapshotEvery;
    try {
      const runs = eventRuns(eventLists, this.lastSeq);
      const snapshot = snapshotDue ? { state: encode(this.current.snapshot()), keep: this.keepSnapshots } : undefined;
      const started = performance.now();
      this.store.append({ id: batchId, firstCommand: this.committed, count, bytes: encode(commands) }, runs, snapshot);
      for (const run of runs) this.lastSeq.set(run.market, run.lastSeq);
      this.options.onCommitTimed?.(performance.now() - started, count);
    } catch (err) {
      const message = `journal ${this.store.path}: commit of batch ${batchId} failed, its ${count} commands are not durable: ${(err as Error).message}`;
      const error = isBusyError(err)
        ? new JournalBusyError(`${message}; they were refused and can be sent again`, (err as { code: string }).code, {
            cause: err,
          })
        : new Error(`${message}; reopen the journal to continue from the last committed state`, { cause: err });
      if (!(error instanceof JournalBusyError)) this.stop(error);
      for (const w of waiters) w?.reject(error);
      throw error;
    }
    this.lastBatch = batchId;
    this.committed += count;
    this.counters.commits++;
    if (snapshotDue) {
      this.sinceSnapshot = 0;
      this.counters.snapshots++;
    } else {
      this.sinceSnapshot += count;
    }
    return { batch: batchId, eventLists, waiters };
  }

  /** Listeners first, then each command's waiter: an owner hears of its order's fills before the reply to it. */
  private announce({ eventLists, waiters }: Written<E>): void {
    try {
      this.options.onCommit?.(eventLists.flat());
    } finally {
      for (let i = 0; i < waiters.length; i++) waiters[i]?.resolve(eventLists[i]);
    }
  }

  private writeSnapshot(): void {
    this.store.snapshot(this.lastBatch, this.committed, encode(this.current.snapshot()), this.keepSnapshots);
    this.sinceSnapshot = 0;
    this.counters.snapshots++;
  }

  private assertUsable(): void {
    if (this.closed) throw new Error(`journal ${this.store.path} is closed`);
    if (this.failure) throw this.failure;
  }
}

/**
 * Splits a batch's events into one run per market, checking that each market's seq continues gap-free from its
 * last committed event (an event log with a gap would make clients resync forever).
 */
function eventRuns<E extends JournalEvent>(eventLists: E[][], lastSeq: ReadonlyMap<string, number>): EventRun[] {
  const byMarket = new Map<string, E[]>();
  for (const events of eventLists) {
    for (const e of events) {
      let list = byMarket.get(e.market);
      if (!list) byMarket.set(e.market, (list = []));
      list.push(e);
    }
  }
  const runs: EventRun[] = [];
  for (const [market, events] of byMarket) {
    const previous = lastSeq.get(market);
    let expected = previous === undefined ? events[0].seq : previous + 1;
    for (const e of events) {
      if (e.seq !== expected) {
        throw new Error(`event seq of market ${market} jumps from ${expected - 1} to ${e.seq}`);
      }
      expected++;
    }
    runs.push({ market, firstSeq: events[0].seq, lastSeq: events[events.length - 1].seq, bytes: encode(events) });
  }
  return runs;
}

interface Recovered<M> {
  machine: M;
  batch: number;
  commands: number;
  snapshotAt: number;
  replayed: number;
}

/** Restores the latest snapshot and replays the batches after it, verifying each replayed event. */
function recover<C, E extends JournalEvent, S, M extends Journaled<C, E, S>>(
  store: JournalStore,
  options: DurableEngineOptions<C, E, S, M>,
): Recovered<M> {
  const file = store.path;
  const last = store.lastBatch();
  const snap = store.latestSnapshot<S>();
  if (!snap && last.id === 0) {
    const machine = options.create();
    // The initial state goes into the journal too, so the journal alone defines its state (market settings
    // included) and a later change to `create` cannot silently alter a replay.
    store.snapshot(0, 0, encode(machine.snapshot()), positiveInt(options.keepSnapshots ?? 2, 'keepSnapshots'));
    return { machine, batch: 0, commands: 0, snapshotAt: 0, replayed: 0 };
  }
  let machine: M;
  let batch = 0;
  let commands = 0;
  if (snap) {
    if (snap.batch > last.id) {
      throw new Error(
        `journal ${file}: snapshot row ${snap.id} is of batch ${snap.batch} but the journal ends at batch ${last.id}`,
      );
    }
    try {
      machine = options.restore(snap.state);
    } catch (err) {
      throw new Error(
        `journal ${file}: snapshot row ${snap.id} (after batch ${snap.batch}) cannot be restored: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    batch = snap.batch;
    commands = snap.commandCount;
  } else {
    machine = options.create();
  }
  const snapshotAt = commands;
  for (const stored of store.batchesAfter<C>(batch)) {
    if (stored.id !== batch + 1 || stored.firstCommand !== commands) {
      throw new Error(
        `journal ${file}: journal_batches row ${stored.id} starts at command ${stored.firstCommand}, ` +
          `expected batch ${batch + 1} starting at command ${commands}: the log has a gap`,
      );
    }
    const eventLists: E[][] = [];
    for (let i = 0; i < stored.commands.length; i++) {
      try {
        eventLists.push(machine.apply(stored.commands[i]));
      } catch (err) {
        throw new ReplayMismatchError(
          `journal ${file}: replaying command ${commands + i} (batch ${stored.id}) threw where it once succeeded: ${(err as Error).message}`,
        );
      }
    }
    let runs: EventRun[];
    try {
      runs = eventRuns(eventLists, new Map());
    } catch (err) {
      throw new ReplayMismatchError(`journal ${file}: replaying batch ${stored.id}: ${(err as Error).message}`);
    }
    verifyReplay(file, stored.id, runs, store.eventRunsOfBatch(stored.id));
    batch = stored.id;
    commands += stored.commands.length;
  }
  if (commands !== last.nextCommand) {
    throw new Error(
      `journal ${file}: the latest snapshot is at command ${commands} but the journal ends at command ${last.nextCommand}`,
    );
  }
  return { machine, batch, commands, snapshotAt, replayed: commands - snapshotAt };
}

function verifyReplay(file: string, batch: number, replayed: EventRun[], stored: Map<string, EventRun>): void {
  const fail = (detail: string) =>
    new ReplayMismatchError(
      `journal ${file}: replaying batch ${batch} produced different events than were stored (${detail}). ` +
        'The engine is not deterministic or changed incompatibly; refusing to start.',
    );
  for (const run of replayed) {
    const was = stored.get(run.market);
    if (!was) throw fail(`market ${run.market}: ${run.lastSeq - run.firstSeq + 1} events replayed, none stored`);
    stored.delete(run.market);
    if (was.bytes.equals(run.bytes)) continue;
    const a = decode(was.bytes) as JournalEvent[];
    const b = decode(run.bytes) as JournalEvent[];
    if (jsonEqual(a, b)) continue;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (!jsonEqual(a[i], b[i])) {
        const seq = (a[i] ?? b[i]).seq;
        throw fail(
          `market ${run.market}, seq ${seq}: stored ${JSON.stringify(a[i]) ?? 'nothing'}, replayed ${JSON.stringify(b[i]) ?? 'nothing'}`,
        );
      }
    }
  }
  for (const [market, run] of stored) {
    throw fail(`market ${market}: ${run.lastSeq - run.firstSeq + 1} events stored, none replayed`);
  }
}

function positiveInt(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}

function nonNegativeInt(n: number, name: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  return n;
}
