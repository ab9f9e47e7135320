import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { WalCheckpointer } from './wal-checkpointer';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('WAL checkpoints on a worker thread', () => {
  it('copies what the writer committed into the database file while the writer never checkpoints itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
    dirs.push(dir);
    const path = join(dir, 'a.db');
    const db = openDatabase(path, [{ version: 1, name: 't', up: (d) => d.exec('CREATE TABLE t (v TEXT NOT NULL)') }], { manualCheckpoints: true });
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(1_000));
    })();
    // 2 MB committed, none of it in the database file yet: the writer does not checkpoint.
    expect(statSync(path).size).toBeLessThan(100_000);
    const failures: Error[] = [];
    const checkpointer = new WalCheckpointer({ paths: [path], everyMs: 20, onFailure: (e) => failures.push(e) });
    const deadline = Date.now() + 5_000;
    while (statSync(path).size < 2_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await checkpointer.close();
    expect(statSync(path).size).toBeGreaterThan(2_000_000);
    expect(failures).toEqual([]);
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(2_000);
    db.close();
  });
});
