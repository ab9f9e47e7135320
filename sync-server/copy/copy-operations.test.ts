/**
 * Copy operations across server.db and markets.db: a stop that falls after an operation was recorded but before
 * its ledger commands reached the journal (the journal's last batch lost) is completed at the next start — the
 * subscription gets its money, an ended copy returns it — and the ranking log holds each operation's records
 * exactly once, written with the operation itself. An account deletion a stop cut short after the account's own
 * row is finished at the next start too, no new copy trades through a sub-account the ledger already has, and a
 * sub-account opened before sub-accounts had owners is joined to its subscriber.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { LEDGER_STREAM } from '../../engine/core/matching/types';
import type { MyStrategy, Session, SubscriptionView, TraderProfile } from '../../engine/protocol/sync';
import { decode, encode, rowChecksum } from '../../engine/node/store/codec';
import { compareWithBatch } from '../ranking/verify';
import { LOT, TEST_GRANT, honestPairTrades, http, signUp } from '../testing/harness';
import { limitOrder, serverPerTest } from '../testing/per-test';
import { SUB_ACCOUNT_BASE } from './copy-service';

const T0 = Date.UTC(2026, 0, 5, 1, 0, 0);
const ALLOCATION = 1_000_000;
let clock = T0;
const options = () => ({
  now: () => clock,
  scheduleEveryMs: 0,
  ranking: { minTrades: 0, minAccountAgeMs: 0 },
  copy: { minAllocation: 100_000 },
});
const srv = serverPerTest();

beforeEach(async () => {
  clock = T0;
  await srv.start(options());
});

const api = <T>(s: Session | null, method: string, path: string, body?: unknown) =>
  http<T>(srv.server.url, method, path, { token: s?.accessToken, body });

/** The last batch the journal has committed (read beside the running server, as another process would). */
function lastBatch(): number {
  srv.server.exchange.journal.flush();
  const db = new Database(join(srv.dataDir, 'markets.db'), { readonly: true });
  try {
    return (db.prepare('SELECT max(id) AS id FROM journal_batches').get() as { id: number }).id;
  } finally {
    db.close();
  }
}

/**
 * Stops the server and takes from markets.db every batch after `batch` (and any snapshot of them): the state a
 * kill leaves when it falls after server.db committed and before the journal did.
 */
async function loseJournalAfter(batch: number): Promise<void> {
  await srv.disconnectAll();
  await srv.server.close();
  const db = new Database(join(srv.dataDir, 'markets.db'));
  db.transaction(() => {
    db.prepare('DELETE FROM journal_events WHERE batch > ?').run(batch);
    db.prepare('DELETE FROM journal_snapshots WHERE batch > ?').run(batch);
    expect(db.prepare('DELETE FROM journal_batches WHERE id > ?').run(batch).changes).toBeGreaterThan(0);
  })();
  db.close();
}

/**
 * Rewrites markets.db (server stopped) as a version without sub-account owners wrote it: no `owner` in its
 * commands and events, and no snapshot (whose accounts would carry one), so the next start replays the log.
 */
function forgetOwners(): void {
  const db = new Database(join(srv.dataDir, 'markets.db'));
  const strip = (rows: Record<string, unknown>[]) => {
    let changed = false;
    for (const x of rows) {
      if ((x.type === 'open_account' || x.type === 'account_opened') && 'owner' in x) {
        delete x.owner;
        changed = true;
      }
    }
    return changed;
  };
  db.transaction(() => {
    type Batch = { id: number; first_command: number; command_count: number; commands: Buffer };
    for (const b of db.prepare('SELECT * FROM journal_batches').all() as Batch[]) {
      const commands = decode(b.commands) as Record<string, unknown>[];
      if (!strip(commands)) continue;
      const bytes = encode(commands);
      db.prepare('UPDATE journal_batches SET commands = ?, checksum = ? WHERE id = ?').run(
        bytes,
        rowChecksum(bytes, b.id, b.first_command, b.command_count),
        b.id,
      );
    }
    type Run = { market: string; first_seq: number; last_seq: number; batch: number; events: Buffer };
    for (const e of db.prepare('SELECT * FROM journal_events').all() as Run[]) {
      const events = decode(e.events) as Record<string, unknown>[];
      if (!strip(events)) continue;
      const bytes = encode(events);
      db.prepare('UPDATE journal_events SET events = ?, checksum = ? WHERE market = ? AND last_seq = ?').run(
        bytes,
        rowChecksum(bytes, e.market, e.first_seq, e.last_seq, e.batch),
        e.market,
        e.last_seq,
      );
    }
    db.prepare('DELETE FROM journal_snapshots').run();
  })();
  db.close();
}

const krw = (account: number) => {
  const b = srv.server.exchange.engine.balances(account).KRW;
  return b ? b.available + b.held : 0;
};

/** Every asset over all ledger accounts (fee account, users, copy sub-accounts) adds up to the grants. */
function expectConservation(users: number): void {
  const totals: Record<string, number> = {};
  for (const [, account] of srv.server.exchange.engine.ledger.accounts) {
    for (const [asset, b] of account.balances) totals[asset] = (totals[asset] ?? 0) + b.available + b.held;
  }
  expect(totals).toEqual(
    Object.fromEntries(Object.entries(TEST_GRANT).map(([asset, amount]) => [asset, amount * users])),
  );
}

async function followers(leader: Session): Promise<{ ranking: number; strategy: number; list: number }> {
  const profile = await api<TraderProfile>(null, 'GET', `/api/v1/traders/${leader.nickname}`);
  const strategy = await api<MyStrategy>(leader, 'GET', '/api/v1/strategy');
  const list = await api<unknown[]>(leader, 'GET', '/api/v1/followers');
  return { ranking: profile.body.followers, strategy: strategy.body.followers, list: list.body.length };
}

function expectRankingAgrees(): void {
  const check = compareWithBatch(
    srv.server.ranking.config,
    srv.server.ranking.service,
    srv.server.ranking.records(),
    clock,
  );
  expect(check.difference).toBeUndefined();
}

async function leaderAndFollower(): Promise<{ leader: Session; follower: Session }> {
  const leader = await signUp(srv.server.url, 'leader');
  const follower = await signUp(srv.server.url, 'follower');
  expect((await api(leader, 'POST', '/api/v1/strategy', { profitShareBps: 1_000 })).status).toBe(201);
  return { leader, follower };
}

describe('copy operations across the two files', () => {
  it('records an operation and its ranking records in one transaction, before its reply', async () => {
    const { leader, follower } = await leaderAndFollower();
    const r = await api<SubscriptionView>(follower, 'POST', '/api/v1/subscriptions', {
      leader: 'leader',
      allocation: ALLOCATION,
    });
    expect(r.status, r.text).toBe(201);
    // Read at once from another connection: nothing waits in a queue.
    const db = new Database(join(srv.dataDir, 'server.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM copy_ops WHERE op = 'subscribe'").get()).toEqual({ n: 1 });
      expect(db.prepare('SELECT subscriber_id, leader_id FROM copy_subscriptions').all()).toEqual([
        { subscriber_id: follower.accountId, leader_id: leader.accountId },
      ]);
      const records = (db.prepare('SELECT record FROM ranking_log ORDER BY id').all() as { record: string }[]).map(
        (x) => JSON.parse(x.record) as { type: string; account: number; delta?: number },
      );
      expect(records.filter((x) => x.type === 'followers')).toEqual([
        expect.objectContaining({ account: leader.accountId, delta: 1 }),
      ]);
      expect(records.some((x) => x.type === 'account' && x.account >= SUB_ACCOUNT_BASE)).toBe(true);
    } finally {
      db.close();
    }
  });

  it('gives a subscription its money at the next start when the allocation never reached the journal', async () => {
    const { leader, follower } = await leaderAndFollower();
    const before = lastBatch();
    const r = await api<SubscriptionView>(follower, 'POST', '/api/v1/subscriptions', {
      leader: 'leader',
      allocation: ALLOCATION,
    });
    expect(r.status, r.text).toBe(201);
    const subAccount = srv.server.copy.store.subscription(r.body.id)!.sub_account;
    await loseJournalAfter(before);

    await srv.start(options());
    // The sub-account was opened and funded from the follower's account, exactly once.
    expect(srv.server.exchange.engine.hasAccount(subAccount)).toBe(true);
    expect(krw(subAccount)).toBe(ALLOCATION);
    expect(krw(follower.accountId)).toBe(TEST_GRANT.KRW - ALLOCATION);
    expectConservation(2);
    expect((await api<SubscriptionView>(follower, 'GET', `/api/v1/subscriptions/${r.body.id}`)).body).toMatchObject({
      status: 'active',
      allocation: ALLOCATION,
      freeCash: ALLOCATION,
    });
    expect(await followers(leader)).toEqual({ ranking: 1, strategy: 1, list: 1 });
    expectRankingAgrees();

    // Another start finds nothing left to book.
    await srv.server.close();
    await srv.start(options());
    expect(krw(subAccount)).toBe(ALLOCATION);
    expectConservation(2);

    // And the copy ends as any other: the money goes back.
    expect((await api(follower, 'DELETE', `/api/v1/subscriptions/${r.body.id}`)).status).toBe(200);
    expect(krw(follower.accountId)).toBe(TEST_GRANT.KRW);
    expect(krw(subAccount)).toBe(0);
    await honestPairTrades(srv.server);
  });

  it('returns an ended copy’s money at the next start when the return never reached the journal', async () => {
    const { leader, follower } = await leaderAndFollower();
    const r = await api<SubscriptionView>(follower, 'POST', '/api/v1/subscriptions', {
      leader: 'leader',
      allocation: ALLOCATION,
    });
    expect(r.status, r.text).toBe(201);
    const subAccount = srv.server.copy.store.subscription(r.body.id)!.sub_account;
    clock += 60_000;
    const before = lastBatch();
    const ended = await api<SubscriptionView>(follower, 'DELETE', `/api/v1/subscriptions/${r.body.id}`);
    expect(ended.body).toMatchObject({ status: 'ended', endReason: 'unsubscribed' });
    await loseJournalAfter(before);

    await srv.start(options());
    expect(krw(follower.accountId)).toBe(TEST_GRANT.KRW);
    expect(krw(subAccount)).toBe(0);
    expectConservation(2);
    expect((await api<SubscriptionView>(follower, 'GET', `/api/v1/subscriptions/${r.body.id}`)).body).toMatchObject({
      status: 'ended',
    });
    expect(await followers(leader)).toEqual({ ranking: 0, strategy: 0, list: 0 });
    expectRankingAgrees();
    await honestPairTrades(srv.server);
  });

  it('finishes an account deletion a stop cut short: the copies end, the orders go, the boards let it go', async () => {
    const { leader, follower } = await leaderAndFollower();
    const r = await api<SubscriptionView>(follower, 'POST', '/api/v1/subscriptions', {
      leader: 'leader',
      allocation: ALLOCATION,
    });
    expect(r.status, r.text).toBe(201);
    await (await srv.connect(leader)).ok(limitOrder('resting', 'buy', 99_000, 2 * LOT));
    await srv.disconnectAll();
    await srv.server.close();
    // The deletion's own transaction committed (Accounts.deleteAccount); the process stopped before the rest.
    const db = new Database(join(srv.dataDir, 'server.db'));
    db.prepare('INSERT INTO deleted_accounts (account_id, deleted_at) VALUES (?, ?)').run(leader.accountId, clock);
    db.close();

    await srv.start(options());
    expect((await api<SubscriptionView>(follower, 'GET', `/api/v1/subscriptions/${r.body.id}`)).body).toMatchObject({
      status: 'ended',
      endReason: 'leader_deleted',
    });
    expect(krw(follower.accountId)).toBe(TEST_GRANT.KRW);
    expect(srv.server.exchange.engine.openOrders(leader.accountId)).toEqual([]);
    expect(() => srv.server.ranking.service.equityNow(leader.accountId)).toThrow(/closed/);
    expectConservation(2);
    expectRankingAgrees();

    // The next start finds it finished and does nothing again.
    const operations = () => [...srv.server.copy.store.ops()].length;
    const before = operations();
    await srv.server.close();
    await srv.start(options());
    expect(operations()).toBe(before);
    await honestPairTrades(srv.server);
  });

  it('joins a sub-account opened before sub-accounts had owners to its subscriber at the next start, once', async () => {
    const { follower } = await leaderAndFollower();
    const r = await api<SubscriptionView>(follower, 'POST', '/api/v1/subscriptions', {
      leader: 'leader',
      allocation: ALLOCATION,
    });
    expect(r.status, r.text).toBe(201);
    const subAccount = srv.server.copy.store.subscription(r.body.id)!.sub_account;
    expect(srv.server.exchange.engine.ownerOf(subAccount)).toBe(follower.accountId);
    await srv.disconnectAll();
    await srv.server.close();
    forgetOwners();

    await srv.start(options());
    const engine = srv.server.exchange.engine;
    expect(engine.ownerOf(subAccount)).toBe(follower.accountId);
    const joined = () =>
      srv.server.exchange.journal
        .eventsSince(LEDGER_STREAM, 0, 10_000)
        .filter((e) => e.type === 'stp_set' && e.account === subAccount);
    expect(joined()).toMatchObject([{ stp: 'cancel_incoming', owner: follower.accountId }]);
    // The next start finds it joined and books nothing; the copy still ends as any other.
    await srv.server.close();
    await srv.start(options());
    expect(joined()).toHaveLength(1);
    expect((await api(follower, 'DELETE', `/api/v1/subscriptions/${r.body.id}`)).status).toBe(200);
    expect(krw(follower.accountId)).toBe(TEST_GRANT.KRW);
    expectConservation(2);
    await honestPairTrades(srv.server);
  });

  it('never trades a new copy through a sub-account the ledger already has, even one no subscription names', async () => {
    const { follower } = await leaderAndFollower();
    const first = await api<SubscriptionView>(follower, 'POST', '/api/v1/subscriptions', {
      leader: 'leader',
      allocation: ALLOCATION,
    });
    expect(first.status, first.text).toBe(201);
    const orphan = srv.server.copy.store.subscription(first.body.id)!.sub_account;
    await srv.server.close();
    // server.db loses the subscription (its operation and rows) while markets.db keeps the funded sub-account.
    const db = new Database(join(srv.dataDir, 'server.db'));
    db.exec("DELETE FROM copy_ops WHERE op = 'subscribe'; DELETE FROM copy_subscriptions;");
    db.close();

    await srv.start(options());
    const second = await api<SubscriptionView>(follower, 'POST', '/api/v1/subscriptions', {
      leader: 'leader',
      allocation: 2 * ALLOCATION,
    });
    expect(second.status, second.text).toBe(201);
    const fresh = srv.server.copy.store.subscription(second.body.id)!.sub_account;
    expect(fresh).toBeGreaterThan(orphan);
    expect(krw(fresh)).toBe(2 * ALLOCATION);
    expect(krw(orphan)).toBe(ALLOCATION);
  });
});
