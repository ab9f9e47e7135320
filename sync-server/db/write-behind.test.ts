import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../engine/node/db/database';
import { WriteBehind } from './write-behind';

const cleanUps: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanUps.splice(0).reverse()) await c();
});

function setUp(maxPending = 100) {
  const dir = mkdtempSync(join(tmpdir(), 'write-behind-'));
  const path = join(dir, 'read.db');
  const db: Db = openDatabase(path, [
    {
      version: 1,
      name: 't',
      up: (d) => d.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL CHECK (v >= 0))'),
    },
  ]);
  const errors: Error[] = [];
  const writes = new WriteBehind(path, { delayMs: 5, maxPending, onError: (e) => errors.push(e) });
  cleanUps.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => void db.close(),
    () => writes.close().catch(() => undefined),
  );
  const insert = writes.statement('INSERT INTO t (v) VALUES (?)');
  const values = () => (db.prepare('SELECT v FROM t ORDER BY id').all() as { v: number }[]).map((r) => r.v);
  return { db, writes, insert, values, errors };
}

/** Waits for the worker (which takes a moment to start) to have done something observable. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

describe('write-behind for the read models', () => {
  it('commits queued writes in order on its own thread, after the delay, and tells each insert its row id', async () => {
    const { writes, insert, values } = setUp();
    const ids: number[] = [];
    const flushed: number[] = [];
    writes.onFlushed((batch) => flushed.push(batch));
    writes.run(insert, [1], (id) => ids.push(id));
    writes.run(insert, [2], (id) => ids.push(id));
    expect(values()).toEqual([]); // nothing is written while the caller's turn lasts
    await until(() => flushed.length > 0);
    expect(values()).toEqual([1, 2]);
    expect(ids).toEqual([1, 2]);
    expect(flushed).toEqual([1]);
  });

  it('lets a reader wait for everything queued so far (read your writes)', () => {
    const { writes, insert, values } = setUp();
    for (let v = 0; v < 1_000; v++) writes.run(insert, [v]);
    writes.flush();
    expect(values()).toHaveLength(1_000);
  });

  it('never splits what one turn queued across two transactions, even past the size limit', async () => {
    const { db, writes, insert, values } = setUp(10);
    // 25 rows in one turn, the last of them invalid: all 25 belong to one transaction, so none is kept.
    for (let v = 0; v < 24; v++) writes.run(insert, [v]);
    writes.run(insert, [-1]);
    expect(() => writes.flush()).toThrow(/CHECK/);
    expect(values()).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
  });

  it('rolls a failed batch back whole and stops, saying how to recover, rather than writing later rows over a hole', async () => {
    const { writes, insert, values, errors } = setUp();
    writes.run(insert, [1]);
    writes.run(insert, [-1]); // violates the CHECK
    await until(() => errors.length > 0);
    expect(values()).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/read model write failed.*restart the server/);
    expect(() => writes.run(insert, [2])).toThrow(/read model write failed/);
    expect(() => writes.flush()).toThrow(/read model write failed/);
    expect(values()).toEqual([]);
  });

  it('writes a keyed row once per batch in its last state, and again in a later batch', () => {
    const { db, writes } = setUp();
    // Counts the statements the worker runs: each run of the upsert adds one to `runs`.
    db.exec('CREATE TABLE kv (k INTEGER PRIMARY KEY, v INTEGER NOT NULL, runs INTEGER NOT NULL)');
    const upsert = writes.statement(
      'INSERT INTO kv (k, v, runs) VALUES (?, ?, 1) ON CONFLICT (k) DO UPDATE SET v = excluded.v, runs = runs + 1',
    );
    const rows = () => db.prepare('SELECT k, v, runs FROM kv ORDER BY k').all();
    writes.runKeyed(upsert, 1, [1, 10]);
    writes.runKeyed(upsert, 2, [2, 20]);
    writes.runKeyed(upsert, 1, [1, 11]);
    writes.runKeyed(upsert, 1, [1, 12]);
    writes.flush();
    expect(rows()).toEqual([
      { k: 1, v: 12, runs: 1 },
      { k: 2, v: 20, runs: 1 },
    ]);
    // The first batch is posted: a later change of the same key is a write of its own.
    writes.runKeyed(upsert, 1, [1, 13]);
    writes.flush();
    expect(rows()).toEqual([
      { k: 1, v: 13, runs: 2 },
      { k: 2, v: 20, runs: 1 },
    ]);
  });
});
