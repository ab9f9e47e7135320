import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBusyError } from '../db/database';
import {
  DurableEngine,
  EngineFaultError,
  JournalBusyError,
  ReplayMismatchError,
  type DurableEngineOptions,
} from './durable-engine';
import { rowChecksum } from './codec';
import { JournalCorruptError } from './journal-store';
import {
  TallyMachine,
  tallyStream,
  type TallyCommand,
  type TallyEvent,
  type TallySnapshot,
} from './testing/tally-machine';

type Opts = Partial<DurableEngineOptions<TallyCommand, TallyEvent, TallySnapshot, TallyMachine>>;

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-'));
  path = join(dir, 'markets.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function open(opts: Opts = {}) {
  return DurableEngine.open<TallyCommand, TallyEvent, TallySnapshot, TallyMachine>({
    path,
    create: () => new TallyMachine(),
    restore: (s) => TallyMachine.restore(s),
    ...opts,
  });
}

function take(next: () => TallyCommand, n: number): TallyCommand[] {
  return Array.from({ length: n }, next);
}

/** The state a fresh machine reaches from the given commands, without any journal. */
function replayInMemory(commands: Iterable<TallyCommand>): TallySnapshot {
  const m = new TallyMachine();
  for (const c of commands) m.apply(c);
  return m.snapshot();
}

/** A second connection, as another process would see the file. */
function peek<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/**
 * Rewrites one BLOB column of the rows matching `where` in place, as a damaged disk or a bad tool might.
 * `key` names the columns that identify a row (journal_events has no rowid).
 */
function damage(table: string, column: string, where: string, change: (bytes: Buffer) => Buffer, key = ['id']): void {
  const db = new Database(path);
  try {
    const rows = db.prepare(`SELECT ${key.join(', ')}, ${column} AS v FROM ${table} WHERE ${where}`).all() as Record<
      string,
      unknown
    >[];
    expect(rows.length).toBeGreaterThan(0);
    const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${key.map((k) => `${k} = ?`).join(' AND ')}`);
    for (const row of rows) update.run(change(Buffer.from(row.v as Buffer)), ...key.map((k) => row[k]));
  } finally {
    db.close();
  }
}

const flipMiddleByte = (b: Buffer) => {
  b[b.length >> 1] ^= 0x55;
  return b;
};

function edit(sql: string, ...params: unknown[]): void {
  const db = new Database(path);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

describe('DurableEngine', () => {
  it('reopens to the same state by replaying every command, and keeps the log in order', async () => {
    const next = tallyStream(7);
    const j = open({ snapshotEvery: 0, snapshotOnClose: false, maxBatch: 64 });
    const sent = take(next, 3000);
    const acked = await Promise.all(sent.slice(0, 1000).map((c) => j.submit(c)));
    const batched = j.submitBatch(sent.slice(1000));
    const before = j.machine.snapshot();
    j.close();

    const again = open({ snapshotEvery: 0, snapshotOnClose: false });
    expect(again.stats().replayedCommands).toBe(3000);
    expect(again.machine.snapshot()).toEqual(before);
    expect([...again.commands()]).toEqual(sent);
    // The events the callers were given are the events the journal serves.
    const all = [...acked, ...batched].flat();
    for (const market of ['A', 'B', 'C']) {
      const mine = all.filter((e) => e.market === market);
      expect(again.eventsSince(market, 0, 100_000)).toEqual(mine);
    }
    again.machine.checkInvariants();
    again.close();
  });

  it('restores the latest snapshot and replays only the commands after it', () => {
    const next = tallyStream(11);
    const j = open({ snapshotEvery: 1000, keepSnapshots: 2, snapshotOnClose: false });
    for (let i = 0; i < 35; i++) j.submitBatch(take(next, 100));
    expect(j.stats().snapshots).toBe(3);
    const before = j.machine.snapshot();
    j.close();
    expect(
      peek<{ batch: number; command_count: number }>('SELECT batch, command_count FROM journal_snapshots ORDER BY id'),
    ).toEqual([
      { batch: 20, command_count: 2000 },
      { batch: 30, command_count: 3000 },
    ]);

    const again = open({ snapshotEvery: 1000, snapshotOnClose: false });
    expect(again.stats().replayedCommands).toBe(500);
    expect(again.machine.snapshot()).toEqual(before);
    expect(again.machine.snapshot()).toEqual(replayInMemory(again.commands()));
    again.close();
  });

  it('stores a snapshot on close so the next start replays nothing', () => {
    const j = open({ snapshotEvery: 0 });
    j.submitBatch(take(tallyStream(3), 500));
    const before = j.machine.snapshot();
    j.close();
    const again = open();
    expect(again.stats().replayedCommands).toBe(0);
    expect(again.machine.snapshot()).toEqual(before);
    again.close();
  });

  it('keeps the initial state in the journal, so a later change to create() does not alter it', () => {
    const j = open({
      create: () => TallyMachine.restore({ markets: { Z: { seq: 0, added: 5, balances: { 1: 5 } } } }),
    });
    j.close();
    const again = open({ create: () => new TallyMachine() });
    expect(again.machine.snapshot()).toEqual({ markets: { Z: { seq: 0, added: 5, balances: { 1: 5 } } } });
    again.close();
  });

  it('acknowledges a command only once the batch holding it is committed', async () => {
    const committed: TallyEvent[][] = [];
    const j = open({ onCommit: (events) => committed.push(events) });
    const next = tallyStream(5);
    const settled: number[] = [];
    const acks = take(next, 10).map((c, i) => j.submit(c).then((ev) => (settled.push(i), ev)));
    // Applied in memory at once...
    expect(Object.keys(j.machine.snapshot().markets).length).toBeGreaterThan(0);
    // ...but nothing is acknowledged or visible to another reader before the commit on the next macrotask.
    await Promise.resolve();
    expect(settled).toEqual([]);
    expect(peek('SELECT id FROM journal_batches')).toEqual([]);
    expect(j.stats().pendingCommands).toBe(10);

    const events = await Promise.all(acks);
    expect(settled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peek('SELECT id, command_count FROM journal_batches')).toEqual([{ id: 1, command_count: 10 }]);
    expect(committed).toEqual([events.flat()]);
    j.close();
  });

  it('tells submitWith waiters in the commit itself, after the commit listeners, in submission order', async () => {
    const heard: string[] = [];
    const j = open({ onCommit: (events) => heard.push(`commit ${events.length}`) });
    const commands = take(tallyStream(6), 3);
    const waiter = (i: number) => ({
      resolve: (events: TallyEvent[]) => heard.push(`ack ${i} ${events.length}`),
      reject: (err: Error) => heard.push(`fail ${i} ${err.message}`),
    });
    commands.forEach((c, i) => j.submitWith(c, waiter(i)));
    expect(heard).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    const fresh = new TallyMachine();
    const counts = commands.map((c) => fresh.apply(c).length);
    expect(heard).toEqual([`commit ${counts.reduce((a, b) => a + b, 0)}`, ...counts.map((n, i) => `ack ${i} ${n}`)]);

    j.close();
    j.submitWith(commands[0], waiter(9));
    expect(heard.at(-1)).toMatch(/^fail 9 .*is closed/);
  });

  it('commits at once when maxBatch commands are waiting', async () => {
    const j = open({ maxBatch: 4 });
    const acks = take(tallyStream(9), 10).map((c) => j.submit(c));
    expect(peek('SELECT command_count FROM journal_batches ORDER BY id')).toEqual([
      { command_count: 4 },
      { command_count: 4 },
    ]);
    await Promise.all(acks);
    expect(peek('SELECT command_count FROM journal_batches ORDER BY id').length).toBe(3);
    expect(j.stats().commits).toBe(3);
    j.close();
  });

  it('an engine fault refuses only its command: what came before commits, the state is rebuilt from the journal, later commands proceed', async () => {
    const faults: [string, TallyCommand][] = [];
    const fatal: Error[] = [];
    const seenByListeners: number[] = [];
    // Snapshots every 3 commands, so the rebuild restores a snapshot and replays the batches after it.
    const j: ReturnType<typeof open> = open({
      snapshotEvery: 3,
      onFault: (err, cmd) => faults.push([err.message, cmd]),
      onFatal: (err) => fatal.push(err),
      onCommit: () => seenByListeners.push(j.machine.snapshot().markets.A.seq),
    });
    for (let i = 1; i <= 4; i++) await j.submit({ type: 'add', market: 'A', account: 1, amount: 10, ts: i });
    const before = j.submit({ type: 'add', market: 'A', account: 2, amount: 5, ts: 5 });
    const poisoned = j.machine;
    const poison: TallyCommand = { type: 'explode', market: 'A', ts: 6 };
    const refused = j.submit(poison);
    await expect(refused).rejects.toThrow(EngineFaultError);
    await expect(refused).rejects.toThrow(/refused and not journaled.*exploded/);
    await expect(before).resolves.toMatchObject([{ seq: 5, balance: 5 }]);
    expect(faults).toEqual([['exploded', poison]]);
    // The listeners of the command committed with the fault read the rebuilt state, not the half-changed one.
    expect(seenByListeners.at(-1)).toBe(5);
    expect(j.machine).not.toBe(poisoned);
    expect(j.machine.snapshot()).toEqual({ markets: { A: { seq: 5, added: 45, balances: { 1: 40, 2: 5 } } } });

    await expect(j.submit({ type: 'add', market: 'A', account: 1, amount: 1, ts: 7 })).resolves.toMatchObject([
      { seq: 6, balance: 41 },
    ]);
    expect(j.stats()).toMatchObject({ faults: 1, committedCommands: 6 });
    expect(fatal).toEqual([]);
    j.machine.checkInvariants();
    const state = j.machine.snapshot();
    j.close();
    const again = open();
    expect([...again.commands()].some((c) => c.type === 'explode')).toBe(false);
    expect(again.machine.snapshot()).toEqual(state);
    again.close();
  });

  it('a fault inside submitBatch commits the commands before it and throws; those after it are not applied', () => {
    const j = open();
    const add = (amount: number, ts: number): TallyCommand => ({ type: 'add', market: 'A', account: 1, amount, ts });
    expect(() => j.submitBatch([add(1, 1), add(2, 2), { type: 'explode', market: 'A', ts: 3 }, add(4, 4)])).toThrow(
      EngineFaultError,
    );
    expect(j.machine.snapshot().markets.A).toEqual({ seq: 2, added: 3, balances: { 1: 3 } });
    expect(j.submitBatch([add(8, 5)])).toMatchObject([[{ seq: 3, balance: 11 }]]);
    j.close();
  });

  it('a command whose events skip a seq is refused as a fault, and the commands before it still commit', async () => {
    class Gappy extends TallyMachine {
      override apply(cmd: TallyCommand): TallyEvent[] {
        const events = super.apply(cmd);
        if (cmd.type === 'add' && cmd.amount === 13) events[0].seq += 5;
        return events;
      }
    }
    const faults: string[] = [];
    const j = open({
      create: () => new Gappy(),
      restore: (s) => TallyMachine.restore(s),
      onFault: (err) => faults.push(err.message),
    });
    await j.submit({ type: 'add', market: 'A', account: 1, amount: 10, ts: 1 });
    const good = j.submit({ type: 'add', market: 'A', account: 1, amount: 20, ts: 2 });
    const bad = j.submit({ type: 'add', market: 'A', account: 1, amount: 13, ts: 3 });
    await expect(bad).rejects.toThrow(EngineFaultError);
    await expect(good).resolves.toMatchObject([{ seq: 2, balance: 30 }]);
    expect(faults).toEqual(['event seq of market A jumps from 2 to 8']);
    await expect(j.submit({ type: 'add', market: 'A', account: 1, amount: 1, ts: 4 })).resolves.toMatchObject([
      { seq: 3, balance: 31 },
    ]);
    j.close();
    const again = open();
    expect(again.machine.snapshot()).toEqual({ markets: { A: { seq: 3, added: 31, balances: { 1: 31 } } } });
    again.close();
  });

  it('a failed commit stops the journal: its commands and every later one are refused, onFatal is told once; reopening recovers', async () => {
    const fatal: Error[] = [];
    const j = open({ onFatal: (err) => fatal.push(err) });
    await j.submit({ type: 'add', market: 'A', account: 1, amount: 10, ts: 1 });
    // The disk refuses the next write, as a full disk or an I/O error would (injected from another connection).
    edit(
      "CREATE TRIGGER refuse BEFORE INSERT ON journal_batches BEGIN SELECT RAISE(ABORT, 'injected write failure'); END",
    );
    const lost = [
      j.submit({ type: 'add', market: 'A', account: 1, amount: 20, ts: 2 }),
      j.submit({ type: 'add', market: 'A', account: 1, amount: 30, ts: 3 }),
    ];
    for (const p of lost)
      await expect(p).rejects.toThrow(
        /commit of batch 2 failed, its 2 commands are not durable: injected write failure/,
      );
    expect(fatal).toHaveLength(1);
    expect(fatal[0].message).toMatch(/injected write failure; reopen the journal/);
    await expect(j.submit({ type: 'add', market: 'A', account: 1, amount: 1, ts: 4 })).rejects.toThrow(
      /reopen the journal/,
    );
    expect(() => j.flush()).toThrow(/reopen the journal/);
    expect(fatal).toHaveLength(1);
    j.close();
    edit('DROP TRIGGER refuse');
    const again = open();
    expect(again.machine.snapshot()).toEqual({ markets: { A: { seq: 1, added: 10, balances: { 1: 10 } } } });
    await expect(again.submit({ type: 'add', market: 'A', account: 1, amount: 5, ts: 5 })).resolves.toMatchObject([
      { seq: 2, balance: 15 },
    ]);
    again.close();
  });

  it('a fault whose rebuild fails stops the journal and tells onFatal', async () => {
    let restorable = true;
    const fatal: Error[] = [];
    const j = open({
      restore: (s) => {
        if (!restorable) throw new Error('snapshot unreadable');
        return TallyMachine.restore(s);
      },
      onFatal: (err) => fatal.push(err),
    });
    await j.submit({ type: 'add', market: 'A', account: 1, amount: 10, ts: 1 });
    restorable = false;
    await expect(j.submit({ type: 'explode', market: 'A', ts: 2 })).rejects.toThrow(EngineFaultError);
    expect(fatal.map((e) => e.message)).toEqual([
      expect.stringMatching(/could not be rebuilt from the journal: .*snapshot unreadable; reopen the journal/),
    ]);
    await expect(j.submit({ type: 'add', market: 'A', account: 1, amount: 1, ts: 3 })).rejects.toThrow(
      /could not be rebuilt/,
    );
    j.close();
    const again = open();
    expect(again.machine.snapshot().markets.A).toEqual({ seq: 1, added: 10, balances: { 1: 10 } });
    again.close();
  });

  it('a commit that finds the file locked past its timeout refuses that batch, rebuilds, and the journal goes on', async () => {
    const fatal: Error[] = [];
    const j = open({ busyTimeoutMs: 20, onFatal: (err) => fatal.push(err) });
    await j.submit({ type: 'add', market: 'A', account: 1, amount: 10, ts: 1 });
    const other = new Database(path);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const refused = j.submit({ type: 'add', market: 'A', account: 1, amount: 20, ts: 2 });
      await expect(refused).rejects.toThrow(JournalBusyError);
      await expect(refused).rejects.toSatisfy((err) => isBusyError(err));
      await expect(refused).rejects.toThrow(/not durable.*refused and can be sent again/);
      // The state no longer holds the refused command.
      expect(j.machine.snapshot().markets.A).toEqual({ seq: 1, added: 10, balances: { 1: 10 } });
      expect(() => j.flush()).not.toThrow(); // nothing waiting
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    await expect(j.submit({ type: 'add', market: 'A', account: 1, amount: 20, ts: 3 })).resolves.toMatchObject([
      { seq: 2, balance: 30 },
    ]);
    expect(fatal).toEqual([]);
    j.close();
    const again = open();
    expect([...again.commands()].map((c) => (c as { amount: number }).amount)).toEqual([10, 20]);
    again.close();
  });

  it('refuses to open when replay produces different events (non-determinism) and says where', () => {
    const j = open({ snapshotOnClose: false });
    j.submitBatch(take(tallyStream(1), 50));
    j.close();
    const changed = () => open({ create: () => new TallyMachine(1), restore: (s) => TallyMachine.restore(s, 1) });
    expect(changed).toThrow(ReplayMismatchError);
    expect(changed).toThrow(
      /replaying batch 1 produced different events than were stored \(market \w, seq \d+: stored \{.*\}, replayed \{.*\}\)/,
    );
  });

  it('names a corrupted command row and changes nothing', () => {
    const j = open({ snapshotOnClose: false, maxBatch: 10 });
    j.submitBatch(take(tallyStream(2), 30));
    j.close();
    damage('journal_batches', 'commands', 'id = 2', flipMiddleByte);
    const snapshotsBefore = peek('SELECT * FROM journal_snapshots');
    expect(() => open()).toThrow(JournalCorruptError);
    expect(() => open()).toThrow(/journal_batches row 2 is corrupt \(checksum mismatch\)/);
    expect(peek('SELECT * FROM journal_snapshots')).toEqual(snapshotsBefore);
  });

  it('names a corrupted snapshot row instead of starting from empty', () => {
    const j = open({ snapshotEvery: 0 });
    j.submitBatch(take(tallyStream(2), 30));
    j.close();
    const [{ id }] = peek<{ id: number }>('SELECT MAX(id) AS id FROM journal_snapshots');
    damage('journal_snapshots', 'state', `id = ${id}`, (b) => b.subarray(0, b.length - 3));
    expect(() => open()).toThrow(new RegExp(`journal_snapshots row ${id} is corrupt \\(checksum mismatch\\)`));
  });

  it('names a corrupted event row', () => {
    const j = open({ snapshotOnClose: false });
    j.submitBatch(take(tallyStream(2), 30));
    j.close();
    damage('journal_events', 'events', "market = 'A'", flipMiddleByte, ['market', 'last_seq']);
    expect(() => open()).toThrow(
      /journal_events row \(market A, seq 1\.\.\d+, batch 1\) is corrupt \(checksum mismatch\)/,
    );
  });

  it('names a row that passes its checksum but does not decode', () => {
    const j = open({ snapshotOnClose: false, maxBatch: 10 });
    j.submitBatch(take(tallyStream(2), 30));
    j.close();
    const garbage = Buffer.from([0xc1, 0x00, 0x01]);
    edit(
      'UPDATE journal_batches SET commands = ?, checksum = ? WHERE id = 3',
      garbage,
      rowChecksum(garbage, 3, 20, 10),
    );
    expect(() => open()).toThrow(/journal_batches row 3 is corrupt \(undecodable: .+\)/);
  });

  it('refuses a log with a missing batch', () => {
    const j = open({ snapshotOnClose: false, maxBatch: 10 });
    j.submitBatch(take(tallyStream(2), 30));
    j.close();
    edit('DELETE FROM journal_events WHERE batch = 2');
    edit('DELETE FROM journal_batches WHERE id = 2');
    expect(() => open()).toThrow(
      /journal_batches row 3 starts at command 20, expected batch 2 starting at command 10: the log has a gap/,
    );
  });

  it('refuses a snapshot the engine cannot restore, naming its row', () => {
    open().close();
    expect(() =>
      open({
        restore: () => {
          throw new Error('unknown snapshot format');
        },
      }),
    ).toThrow(/snapshot row 1 \(after batch 0\) cannot be restored: unknown snapshot format/);
  });

  it('refuses a database written by a newer schema version', () => {
    open().close();
    edit("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
    expect(() => open()).toThrow(/schema version 99, newer than this app knows \(1\)/);
  });

  it('pages through a market with eventsSince', async () => {
    const j = open({ maxBatch: 50 });
    const results = await Promise.all(take(tallyStream(4), 400).map((c) => j.submit(c)));
    const expected = results.flat().filter((e) => e.market === 'C');
    const paged: TallyEvent[] = [];
    for (let seq = 0; ;) {
      const page = j.eventsSince('C', seq, 7);
      if (page.length === 0) break;
      expect(page.length).toBeLessThanOrEqual(7);
      paged.push(...page);
      seq = page[page.length - 1].seq;
    }
    expect(paged).toEqual(expected);
    expect(paged.map((e) => e.seq)).toEqual(expected.map((_, i) => i + 1));
    expect(j.eventsSince('C', expected.length, 10)).toEqual([]);
    expect(j.eventsSince('nowhere', 0, 10)).toEqual([]);
    expect(() => j.eventsSince('C', -1, 10)).toThrow(RangeError);
    expect(() => j.eventsSince('C', 0, 0)).toThrow(RangeError);
    expect(() => j.eventsSince('C', 1.5, 10)).toThrow(RangeError);
    j.close();
  });

  it('eventsSince includes commands still waiting for their commit', () => {
    const j = open();
    void j.submit({ type: 'add', market: 'A', account: 1, amount: 5, ts: 1 });
    expect(j.eventsSince('A', 0, 10)).toMatchObject([{ seq: 1, type: 'added', balance: 5 }]);
    j.close();
  });

  it('close commits waiting commands; a closed journal refuses more', async () => {
    const j = open();
    const ack = j.submit({ type: 'add', market: 'A', account: 1, amount: 5, ts: 1 });
    j.close();
    await expect(ack).resolves.toHaveLength(1);
    await expect(j.submit({ type: 'add', market: 'A', account: 1, amount: 5, ts: 2 })).rejects.toThrow(/is closed/);
    j.close();
    const again = open();
    expect(again.stats().committedCommands).toBe(1);
    again.close();
  });
});
