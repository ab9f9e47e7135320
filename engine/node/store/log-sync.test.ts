/**
 * `synchronous: 'full'`: a journal acknowledges a batch only after a sync of its log that began after the
 * batch was written, keeps applying commands while a sync runs (and writes them as one batch when it ends),
 * and stops (onFatal) when the log cannot be synced. The thread-pool sync (`fdatasync`) is held here until the test lets it finish, so the test
 * decides when the disk answers; everything else is the real file.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DurableEngine, type DurableEngineOptions } from './durable-engine';
import { TallyMachine, type TallyCommand, type TallyEvent, type TallySnapshot } from './testing/tally-machine';

const disk = vi.hoisted(() => ({
  /** Syncs asked for and not yet let finish. */
  held: [] as (() => void)[],
  started: 0,
  failWith: undefined as Error | undefined,
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fdatasync = (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => {
    disk.started++;
    disk.held.push(() => (disk.failWith ? done(disk.failWith) : fs.fdatasync(fd, done)));
  };
  return { ...fs, default: { ...fs, fdatasync }, fdatasync };
});

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-sync-'));
  path = join(dir, 'markets.db');
  disk.held = [];
  disk.started = 0;
  disk.failWith = undefined;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Opts = Partial<DurableEngineOptions<TallyCommand, TallyEvent, TallySnapshot, TallyMachine>>;
function open(opts: Opts = {}) {
  return DurableEngine.open<TallyCommand, TallyEvent, TallySnapshot, TallyMachine>({
    path,
    synchronous: 'full',
    create: () => new TallyMachine(),
    restore: (s) => TallyMachine.restore(s),
    ...opts,
  });
}

const add = (amount: number, ts: number): TallyCommand => ({ type: 'add', market: 'A', account: 1, amount, ts });
const nextTurn = () => new Promise((r) => setImmediate(r));

/** Lets the oldest held sync finish (its callback follows on the thread pool's answer). */
function finishSync(): void {
  const next = disk.held.shift();
  if (!next) throw new Error('no sync is running');
  next();
}

function batchesInFile(): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM journal_batches').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('a journal that syncs its own log (synchronous full)', () => {
  it('announces a batch only once a sync that began after it has finished; what arrives meanwhile is one batch for the next sync', async () => {
    const told: string[] = [];
    const synced: number[] = [];
    const j = open({
      onCommit: (events) => told.push(`commit ${events.map((e) => e.seq).join(',')}`),
      onSyncTimed: (_ms, batches) => synced.push(batches),
    });
    const acks: string[] = [];
    const submit = (amount: number, ts: number) =>
      j.submit(add(amount, ts)).then((events) => acks.push(`ack ${events[0].seq}`));

    void submit(10, 1);
    await nextTurn();
    // Written (another connection reads it) and a sync under way, but nobody is told yet.
    expect(batchesInFile()).toBe(1);
    expect(disk.started).toBe(1);
    expect(told).toEqual([]);

    // Commands that arrive while the disk is busy are applied at once (the state has them) and wait, over
    // several turns, to be written together when the sync ends.
    void submit(20, 2);
    await nextTurn();
    void submit(5, 3);
    await nextTurn();
    expect(j.machine.snapshot().markets.A.balances[1]).toBe(35);
    expect(batchesInFile()).toBe(1);
    expect(disk.started).toBe(1);

    finishSync();
    await vi.waitFor(() => expect(acks).toEqual(['ack 1']));
    expect(told).toEqual(['commit 1']);
    expect(batchesInFile()).toBe(2); // both commands in one batch, written as the first sync ended
    expect(disk.started).toBe(2); // and its sync started then

    finishSync();
    await vi.waitFor(() => expect(acks).toEqual(['ack 1', 'ack 2', 'ack 3']));
    expect(told).toEqual(['commit 1', 'commit 2,3']);
    expect(synced).toEqual([1, 1]);

    // A reader that flushes gets everything durable and announced before it reads, on its own thread.
    void submit(30, 4);
    expect(j.eventsSince('A', 3, 10)).toMatchObject([{ seq: 4, balance: 65 }]);
    expect(told).toEqual(['commit 1', 'commit 2,3', 'commit 4']);
    await vi.waitFor(() => expect(acks).toHaveLength(4));
    j.close();
    disk.held.splice(0).forEach((finish) => finish());
  });

  it('stops when the log cannot be synced: the batches waiting for it and every later command are refused, onFatal is told', async () => {
    const told: string[] = [];
    const fatal: Error[] = [];
    const j = open({ onFatal: (err) => fatal.push(err), onCommit: (events) => told.push(`commit ${events.length}`) });
    const first = j.submit(add(10, 1));
    await nextTurn();
    finishSync();
    await expect(first).resolves.toHaveLength(1);

    disk.failWith = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const lost = j.submit(add(20, 2));
    await nextTurn();
    const pending = j.submit(add(30, 3)); // applied while the failing sync runs, not yet written
    finishSync();
    await expect(lost).rejects.toThrow(/the log could not be synced.*EIO/);
    await expect(pending).rejects.toThrow(/the log could not be synced/);
    expect(fatal).toHaveLength(1);
    await expect(j.submit(add(1, 4))).rejects.toThrow(/could not be synced/);
    expect(told).toEqual(['commit 1']);
    j.close();

    // What is on disk is the journal: reopening recovers it (here the write went through and only its sync
    // failed, so the refused batch is there; the command never written is not).
    disk.failWith = undefined;
    const again = open();
    expect(again.machine.snapshot().markets.A).toEqual({ seq: 2, added: 30, balances: { 1: 30 } });
    again.close();
  });
});
