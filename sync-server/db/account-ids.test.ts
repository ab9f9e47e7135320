/**
 * Account ids are never given twice: the accounts table keeps the highest id it ever gave (migration 5 rebuilds
 * it with AUTOINCREMENT, keeping every row, column, index and the sessions that point at it), and a server whose
 * server.db lost a sign-up that markets.db kept gives the next sign-up a new id instead of the lost account's
 * ledger account.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../engine/node/db/database';
import type { BalanceView } from '../../engine/protocol/sync';
import { LPJ, TEST_GRANT, http, signUp, tempDir } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';
import { keepAccountIdsAbove } from './account-ids';
import { serverMigrations } from './migrations';

const srv = serverPerTest();

describe('account ids', () => {
  it('migration 5 keeps every account, column, index and session, and from then on never repeats an id', () => {
    const dir = tempDir();
    try {
      const path = join(dir.path, 'server.db');
      const before = openDatabase(
        path,
        serverMigrations.filter((m) => m.version < 5),
      );
      before.exec(`
        INSERT INTO accounts (id, nickname, nickname_key, password_hash, created_at, kind, liquidity_role) VALUES
          (1, 'Ann', 'ann', 'h1', 10, 'user', NULL), (2, 'mm', 'mm', 'h2', 11, 'liquidity', 'market_maker:1'), (7, 'Zed', 'zed', 'h7', 12, 'user', NULL);
        INSERT INTO sessions (account_id, access_hash, access_expires_at, refresh_hash, refresh_expires_at) VALUES
          (1, x'01', 1, x'02', 2), (7, x'03', 3, x'04', 4);
      `);
      before.close();

      const db = openDatabase(path, serverMigrations);
      try {
        expect(db.prepare('SELECT id, nickname, kind, liquidity_role FROM accounts ORDER BY id').all()).toEqual([
          { id: 1, nickname: 'Ann', kind: 'user', liquidity_role: null },
          { id: 2, nickname: 'mm', kind: 'liquidity', liquidity_role: 'market_maker:1' },
          { id: 7, nickname: 'Zed', kind: 'user', liquidity_role: null },
        ]);
        expect(
          db
            .prepare(
              "SELECT name FROM sqlite_master WHERE tbl_name = 'accounts' AND type = 'index' AND sql IS NOT NULL",
            )
            .all(),
        ).toEqual([{ name: 'accounts_by_liquidity_role' }]);
        expect(db.pragma('foreign_key_check')).toEqual([]);
        // Sessions still point at their accounts, and the foreign key still holds.
        expect(db.prepare('SELECT count(*) AS n FROM sessions s JOIN accounts a ON a.id = s.account_id').get()).toEqual(
          { n: 2 },
        );
        expect(() =>
          db
            .prepare(
              "INSERT INTO sessions (account_id, access_hash, access_expires_at, refresh_hash, refresh_expires_at) VALUES (99, x'05', 1, x'06', 2)",
            )
            .run(),
        ).toThrow(/FOREIGN KEY/);
        // A nickname stays unique.
        expect(() =>
          db
            .prepare(
              "INSERT INTO accounts (nickname, nickname_key, password_hash, created_at) VALUES ('ANN', 'ann', 'h', 1)",
            )
            .run(),
        ).toThrow(/UNIQUE/);

        // The highest id is remembered even once its row is gone.
        db.prepare('DELETE FROM sessions WHERE account_id = 7').run();
        db.prepare('DELETE FROM accounts WHERE id = 7').run();
        const next = db
          .prepare(
            "INSERT INTO accounts (nickname, nickname_key, password_hash, created_at) VALUES ('New', 'new', 'h', 1)",
          )
          .run();
        expect(Number(next.lastInsertRowid)).toBe(8);
        // And can be raised past ids taken elsewhere (ledger accounts), but never lowered.
        expect(keepAccountIdsAbove(db, 20)).toBe(true);
        expect(keepAccountIdsAbove(db, 5)).toBe(false);
        expect(
          Number(
            db
              .prepare(
                "INSERT INTO accounts (nickname, nickname_key, password_hash, created_at) VALUES ('Next', 'next', 'h', 1)",
              )
              .run().lastInsertRowid,
          ),
        ).toBe(21);
      } finally {
        db.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('gives a new sign-up a fresh id, not the ledger account of a sign-up server.db lost', async () => {
    await srv.start();
    const ann = await signUp(srv.server.url, 'ann');
    const bob = await signUp(srv.server.url, 'bob');
    const cat = await signUp(srv.server.url, 'cat');
    // Cat trades, so her ledger account is no longer a fresh grant.
    await (await srv.connect(cat)).ok(limitOrder('c1', 'sell', 100_000, LPJ));
    await (await srv.connect(bob)).ok(limitOrder('b1', 'buy', 100_000, LPJ));
    const catsLedger = srv.server.exchange.engine.balances(cat.accountId);
    expect(catsLedger.LPJ.available).toBe(TEST_GRANT.LPJ - LPJ);
    await srv.disconnectAll();
    await srv.server.close();

    // server.db loses cat's sign-up (its last commits), markets.db keeps her ledger account.
    const db = new Database(join(srv.dataDir, 'server.db'));
    db.prepare('DELETE FROM sessions WHERE account_id = ?').run(cat.accountId);
    db.prepare('DELETE FROM accounts WHERE id = ?').run(cat.accountId);
    db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'accounts'").run(bob.accountId);
    db.close();

    await srv.start();
    const dan = await signUp(srv.server.url, 'dan');
    expect(dan.accountId).toBeGreaterThan(cat.accountId);
    const balances = (await http<BalanceView[]>(srv.server.url, 'GET', '/api/v1/balances', { token: dan.accessToken }))
      .body;
    expect(Object.fromEntries(balances.map((b) => [b.asset, b.available + b.held]))).toEqual(TEST_GRANT);
    // Cat's ledger account is untouched, and Ann's id is still Ann's.
    expect(srv.server.exchange.engine.balances(cat.accountId)).toEqual(catsLedger);
    expect(
      (await http<{ accountId: number }>(srv.server.url, 'GET', '/api/v1/me', { token: ann.accessToken })).body
        .accountId,
    ).toBe(ann.accountId);
  });
});
