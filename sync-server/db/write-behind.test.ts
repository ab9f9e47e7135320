import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../engine/db/database';
import { WriteBehind } from './write-behind';

let db: Db;
afterEach(() => db?.close());

function setUp(maxPending = 100) {
  db = openDatabase(':memory:', [{ version: 1, name: 't', up: (d) => d.exec('CREATE TABLE t (v INTEGER NOT NULL CHECK (v >= 0))') }]);
  const errors: Error[] = [];
  const writes = new WriteBehind(db, { delayMs: 5, maxPending, onError: (e) => errors.push(e) });
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const count = () => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  return { writes, insert, count, errors };
}

describe('write-behind for the read models', () => {
  it('holds writes until the delay or the size limit, then commits them in order in one transaction', async () => {
    const { writes, insert, count } = setUp(3);
    let flushes = 0;
    writes.onFlushed(() => flushes++);
    writes.enqueue(() => insert.run(1));
    writes.enqueue(() => insert.run(2));
    expect(count()).toBe(0);
    writes.enqueue(() => insert.run(3)); // the third reaches maxPending
    expect(count()).toBe(3);
    expect(flushes).toBe(1);
    writes.enqueue(() => insert.run(4));
    await new Promise((r) => setTimeout(r, 30));
    expect(count()).toBe(4);
    expect(flushes).toBe(2);
    expect((db.prepare('SELECT v FROM t ORDER BY rowid').all() as { v: number }[]).map((r) => r.v)).toEqual([1, 2, 3, 4]);
  });

  it('rolls a failed flush back whole and stops, saying how to recover, rather than writing later rows over a hole', async () => {
    const { writes, insert, count, errors } = setUp();
    writes.enqueue(() => insert.run(1));
    writes.enqueue(() => insert.run(-1)); // violates the CHECK
    await new Promise((r) => setTimeout(r, 30));
    expect(count()).toBe(0);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/read model write failed.*restart the server/);
    expect(() => writes.enqueue(() => insert.run(2))).toThrow(/read model write failed/);
    expect(() => writes.flush()).toThrow(/read model write failed/);
    expect(count()).toBe(0);
  });
});
