/**
 * What a database is opened with decides what a commit survives and how long a writer waits for another's
 * lock: these check the settings reach SQLite, and that a lock held too long fails as a busy error callers can
 * recognise (and answer with "try again") rather than as a fault.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SYNCHRONOUS,
  DURABILITY,
  LOCAL_DATABASES,
  isBusyError,
  openDatabase,
  type Migration,
} from './database';

const schema: Migration[] = [{ version: 1, name: 't', up: (d) => d.exec('CREATE TABLE t (v INTEGER NOT NULL)') }];
/** SQLite's numbers for PRAGMA synchronous. */
const SQLITE_SYNC = { normal: 1, full: 2 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'database-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('syncs every commit when asked for full durability, and opens at the default otherwise', () => {
    const full = openDatabase(join(dir, 'full.db'), schema, { synchronous: 'full' });
    const plain = openDatabase(join(dir, 'plain.db'), schema);
    try {
      expect(full.pragma('synchronous', { simple: true })).toBe(SQLITE_SYNC.full);
      expect(plain.pragma('synchronous', { simple: true })).toBe(SQLITE_SYNC[DEFAULT_SYNCHRONOUS]);
      expect(full.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      full.close();
      plain.close();
    }
  });

  it('waits for a lock up to its busy timeout, then fails with an error isBusyError recognises', () => {
    const path = join(dir, 'locked.db');
    const db = openDatabase(path, schema, { busyTimeoutMs: 30 });
    const other = new Database(path);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const started = performance.now();
      let failure: unknown;
      try {
        db.prepare('INSERT INTO t (v) VALUES (1)').run();
      } catch (err) {
        failure = err;
      }
      expect(performance.now() - started).toBeGreaterThanOrEqual(25);
      expect(isBusyError(failure)).toBe(true);
      other.prepare('ROLLBACK').run();
      db.prepare('INSERT INTO t (v) VALUES (2)').run();
      expect(db.prepare('SELECT v FROM t').all()).toEqual([{ v: 2 }]);
    } finally {
      other.close();
      db.close();
    }
    expect(isBusyError(new Error('SQLITE_BUSY'))).toBe(false);
    expect(isBusyError({ code: 'SQLITE_IOERR_WRITE' })).toBe(false);
    expect(isBusyError(undefined)).toBe(false);
    expect(() => openDatabase(join(dir, 'bad.db'), schema, { busyTimeoutMs: -1 })).toThrow(RangeError);
  });

  it('describes the durability of every local database in words', () => {
    expect(LOCAL_DATABASES.map((d) => d.file)).toEqual([
      'app.db',
      'practice.db',
      'paper.db',
      'candles.db',
      'results.db',
    ]);
    for (const d of LOCAL_DATABASES) {
      expect(DURABILITY[d.synchronous].survives).toMatch(/crash/);
      expect(d.holds.length).toBeGreaterThan(0);
    }
    expect(DURABILITY.full.survives).toMatch(/power cut/);
    expect(DURABILITY.normal.mayLose).toMatch(/power cut/);
  });
});
