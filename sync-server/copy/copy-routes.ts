/**
 * HTTP endpoints of ranking and copy trading: public leaderboards and trader profiles; the caller's strategy,
 * subscriptions, copy sub-accounts' balances, followers and settlements; and account deletion, asked with the password, with its defined
 * outcome (the account's followers' copies end with reason leader_deleted, positions closed and funds returned;
 * its own copies end as if unsubscribed; its open orders are cancelled; it leaves every board; the account
 * itself is anonymised and its sessions end as Accounts.deleteAccount says, its ledger account kept). A stop
 * between the account's own deletion and the rest is finished at the next start (`finishAccountDeletions`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CopyError, type CopyErrorCode as EngineCopyErrorCode } from '../../engine/core/copy';
import type { Db } from '../../engine/node/db/database';
import {
  CreateSubscriptionBody,
  DeleteAccountBody,
  LeaderboardQuery,
  OpenStrategyBody,
  RankingPeriod,
  SettlementsQuery,
  UpdateStrategyBody,
  UpdateSubscriptionBody,
  type CopyAccountView,
  type FollowerView,
  type MyStrategy,
  type SettlementPage,
  type SubscriptionView,
  type TraderProfile,
} from '../../engine/protocol/sync';
import { PERIODS, RankingError } from '../../engine/core/ranking';
import { AuthError, nicknameKey, type Accounts, type AccountRow } from '../accounts/accounts';
import { HttpFailure, parse } from '../http/errors';
import type { RankingFeed } from '../ranking/ranking-feed';
import { leaderboard, statsOf } from '../ranking/ranking-queries';
import { balanceViews, settled, type Exchange } from '../trading/exchange';
import type { OrderProjection } from '../trading/order-projection';
import type { CopyService } from './copy-service';
import { settlementView } from './copy-store';

export interface CopyRouteDeps {
  db: Db;
  accounts: Accounts;
  exchange: Exchange;
  projection: OrderProjection;
  ranking: RankingFeed;
  copy: CopyService;
  now: () => number;
}

const STATUS: Record<EngineCopyErrorCode, number> = {
  INVALID_INPUT: 400,
  INVALID_CONFIG: 500,
  UNKNOWN_MARKET: 400,
  RATE_OUT_OF_RANGE: 400,
  BELOW_MIN_ALLOCATION: 400,
  SELF_SUBSCRIBE: 400,
  INSUFFICIENT_BALANCE: 400,
  INSUFFICIENT_FREE_FUNDS: 400,
  NO_STRATEGY: 404,
  UNKNOWN_SUBSCRIPTION: 404,
  STRATEGY_EXISTS: 409,
  STRATEGY_CLOSED: 409,
  ALREADY_SUBSCRIBED: 409,
  SUBSCRIPTION_NOT_ACTIVE: 409,
  LEADER_DELETED: 409,
  UNKNOWN_ORDER: 500,
  FILL_EXCEEDS_ORDER: 500,
  FUTURE_PERIOD: 500,
};

/** Runs a copy operation, turning its refusals into HTTP failures with the same code. */
function copyCall<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof CopyError) throw new HttpFailure(STATUS[err.code] ?? 400, err.code, err.message);
    throw err;
  }
}

export function registerCopyRoutes(app: FastifyInstance, d: CopyRouteDeps): void {
  const authed = (req: FastifyRequest): AccountRow => {
    const h = req.headers.authorization;
    if (typeof h !== 'string' || !h.startsWith('Bearer '))
      throw new HttpFailure(401, 'NOT_AUTHENTICATED', 'send "Authorization: Bearer <access token>"');
    try {
      return d.accounts.authenticate(h.slice(7));
    } catch (err) {
      if (err instanceof AuthError) throw new HttpFailure(401, err.code, err.message);
      throw err;
    }
  };
  const nameOf = (id: number) => d.accounts.get(id)?.nickname ?? `#${id}`;
  /** A live (not deleted) account by nickname. */
  const trader = (nickname: string): AccountRow => {
    const row = d.db
      .prepare('SELECT id, nickname, created_at FROM accounts WHERE nickname_key = ?')
      .get(nicknameKey(nickname)) as AccountRow | undefined;
    if (!row || d.copy.store.isDeleted(row.id)) throw new HttpFailure(404, 'UNKNOWN_TRADER', `no trader "${nickname}"`);
    return row;
  };
  const myStrategy = (id: number): MyStrategy => {
    const s = d.copy.copy.strategy(id);
    if (!s) throw new HttpFailure(404, 'NO_STRATEGY', 'you have not opened a strategy for copying');
    return { open: s.open, description: s.description, profitShareBps: s.profitShareBps, followers: s.subscribers };
  };
  const subscriptionView = (id: number, viewer: number): SubscriptionView => {
    const row = d.copy.store.subscription(id);
    if (!row || row.subscriber_id !== viewer)
      throw new HttpFailure(404, 'UNKNOWN_SUBSCRIPTION', `no subscription ${id} of yours`);
    const v = d.copy.view(id);
    const equity = v.status === 'ended' ? 0 : d.copy.equityOf(v);
    return {
      id,
      leader: nameOf(row.leader_id),
      status: v.status,
      endReason: v.endReason,
      allocation: v.allocation,
      equity,
      pnl: v.status === 'ended' ? 0 : equity - v.allocation - v.owed + v.feesPaid,
      freeCash: v.freeCash,
      holdings: v.holdings,
      stopLossBps: v.stopLossBps,
      profitShareBps: v.profitShareBps,
      highWaterMark: v.highWaterMark,
      owed: v.owed,
      feesPaid: v.feesPaid,
      createdAt: row.created_at,
      endedAt: row.ended_at,
      settlements: d.copy.store.settlementsOf(id).map((s) => settlementView(s, viewer, nameOf)),
    };
  };
  const subscriptionId = (raw: string) => parse(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER), raw);

  // ---- ranking (public) ----

  app.get<{ Params: { period: string } }>('/api/v1/leaderboards/:period', async (req) => {
    const period = parse(RankingPeriod, req.params.period);
    return leaderboard(d.ranking.service, period, parse(LeaderboardQuery, req.query));
  });

  app.get<{ Params: { nickname: string } }>('/api/v1/traders/:nickname', async (req): Promise<TraderProfile> => {
    const row = trader(req.params.nickname);
    const svc = d.ranking.service;
    let stats: TraderProfile['stats'];
    let equity: TraderProfile['equity'];
    try {
      stats = Object.fromEntries(PERIODS.map((p) => [p, statsOf(svc.figures(p, row.id))])) as TraderProfile['stats'];
      equity = svc.equityHistory(row.id);
    } catch (err) {
      if (err instanceof RankingError)
        throw new HttpFailure(404, 'UNKNOWN_TRADER', `no ranking for "${row.nickname}" yet`);
      throw err;
    }
    d.exchange.journal.flush();
    const recentTrades = d.projection
      .fills(row.id, { limit: 20 })
      .map((f) => ({ market: f.market, side: f.side, price: f.price, quantity: f.quantity, ts: f.ts }));
    const s = d.copy.copy.strategy(row.id);
    return {
      nickname: row.nickname,
      kind: d.accounts.kindOf(row.id),
      joinedAt: row.created_at,
      asOf: Number.isNaN(svc.asOf) ? null : svc.asOf,
      stats,
      equity,
      recentTrades,
      followers: stats.all.followers,
      strategy: s ? { open: s.open, description: s.description, profitShareBps: s.profitShareBps } : null,
    };
  });

  // ---- my strategy ----

  app.get('/api/v1/strategy', async (req) => myStrategy(authed(req).id));
  app.post('/api/v1/strategy', async (req, reply) => {
    const a = authed(req);
    const body = parse(OpenStrategyBody, req.body);
    copyCall(() => d.copy.openStrategy(a.id, body.profitShareBps, body.description));
    return reply.code(201).send(myStrategy(a.id));
  });
  app.patch('/api/v1/strategy', async (req) => {
    const a = authed(req);
    const body = parse(UpdateStrategyBody, req.body);
    copyCall(() => {
      if (body.profitShareBps !== undefined) d.copy.setProfitShare(a.id, body.profitShareBps);
      if (body.description !== undefined) d.copy.setDescription(a.id, body.description);
    });
    return myStrategy(a.id);
  });
  app.delete('/api/v1/strategy', async (req) => {
    const a = authed(req);
    copyCall(() => d.copy.closeStrategy(a.id));
    return myStrategy(a.id);
  });

  // ---- my subscriptions ----

  app.get('/api/v1/subscriptions', async (req): Promise<SubscriptionView[]> => {
    const a = authed(req);
    return d.copy.store.bySubscriber(a.id).map((r) => subscriptionView(r.id, a.id));
  });
  app.get<{ Params: { id: string } }>('/api/v1/subscriptions/:id', async (req) =>
    subscriptionView(subscriptionId(req.params.id), authed(req).id),
  );
  app.post('/api/v1/subscriptions', async (req, reply) => {
    const a = authed(req);
    const body = parse(CreateSubscriptionBody, req.body);
    const leader = trader(body.leader);
    const id = copyCall(() => d.copy.subscribe(a.id, leader.id, body.allocation, body.stopLossBps));
    return reply.code(201).send(subscriptionView(id, a.id));
  });
  app.patch<{ Params: { id: string } }>('/api/v1/subscriptions/:id', async (req) => {
    const a = authed(req);
    const id = subscriptionId(req.params.id);
    subscriptionView(id, a.id); // 404 for someone else's
    const body = parse(UpdateSubscriptionBody, req.body);
    copyCall(() => {
      if (body.action === 'pause') d.copy.pause(id);
      else if (body.action === 'resume') d.copy.resume(id);
      else if (body.action === 'addFunds') d.copy.addFunds(id, body.amount);
      else if (body.action === 'reduceFunds') d.copy.reduceFunds(id, body.amount);
      else d.copy.setStopLoss(id, body.stopLossBps);
    });
    return subscriptionView(id, a.id);
  });
  app.delete<{ Params: { id: string } }>('/api/v1/subscriptions/:id', async (req) => {
    const a = authed(req);
    const id = subscriptionId(req.params.id);
    subscriptionView(id, a.id);
    copyCall(() => d.copy.unsubscribe(id));
    // Positions are sold at market; once those orders have their results the funds go back.
    await d.copy.idle();
    return subscriptionView(id, a.id);
  });

  app.get('/api/v1/copy-accounts', async (req): Promise<CopyAccountView[]> => {
    const a = authed(req);
    return d.copy.store
      .bySubscriber(a.id)
      .filter((r) => r.ended_at === null)
      .map((r) => ({
        subscriptionId: r.id,
        account: r.sub_account,
        leader: nameOf(r.leader_id),
        status: d.copy.view(r.id).status,
        balances: balanceViews(d.exchange, r.sub_account),
      }));
  });

  app.get('/api/v1/followers', async (req): Promise<FollowerView[]> => {
    const a = authed(req);
    return d.copy.store.byLeader(a.id, true).map((r) => {
      const v = d.copy.view(r.id);
      return {
        subscriptionId: r.id,
        nickname: nameOf(r.subscriber_id),
        status: v.status,
        allocation: v.allocation,
        equity: d.copy.equityOf(v),
        since: r.created_at,
        profitShareBps: v.profitShareBps,
        feesPaid: v.feesPaid,
      };
    });
  });

  app.get('/api/v1/settlements', async (req): Promise<SettlementPage> => {
    const a = authed(req);
    const q = parse(SettlementsQuery, req.query);
    const rows = d.copy.store.settlementsFor(a.id, q.role, q.before, q.limit);
    return {
      settlements: rows.map((r) => settlementView(r, a.id, nameOf)),
      nextBefore: rows.length === q.limit ? rows[rows.length - 1].id : undefined,
    };
  });

  // ---- account deletion ----

  app.delete('/api/v1/me', async (req, reply) => {
    const a = authed(req);
    const { password } = parse(DeleteAccountBody, req.body);
    await d.accounts.deleteAccount(a.id, password); // refuses a wrong password; ends every session of the account
    await endDeletedAccount(d, a.id);
    return reply.code(204).send();
  });
}

type DeletionDeps = Pick<CopyRouteDeps, 'copy' | 'exchange' | 'ranking' | 'now'>;

/**
 * What deleting an account does beyond its own row (Accounts.deleteAccount, which commits first): its copy
 * trading ends, its open orders are cancelled, it leaves every board. Each step does nothing the second time,
 * so a deletion a stop cut short is finished at start-up (`finishAccountDeletions`).
 */
export async function endDeletedAccount(d: DeletionDeps, accountId: number): Promise<void> {
  d.copy.accountDeleted(accountId);
  if (d.exchange.engine.openOrders(accountId).length > 0)
    await settled((r) => d.exchange.cancelAll(accountId, undefined, r));
  if (onTheBoards(d.ranking, accountId)) d.ranking.apply([{ type: 'account_closed', ts: d.now(), account: accountId }]);
  await d.copy.idle();
}

/** Start-up: finishes every account deletion (see endDeletedAccount). */
export async function finishAccountDeletions(d: DeletionDeps): Promise<void> {
  for (const id of d.copy.store.deletedAccounts()) await endDeletedAccount(d, id);
}

/** Whether the ranking still has the account open (it is closed once, and ids are never reused). */
function onTheBoards(ranking: RankingFeed, accountId: number): boolean {
  try {
    ranking.service.equityNow(accountId);
    return true;
  } catch (err) {
    if (err instanceof RankingError) return false; // closed already, or never registered
    throw err;
  }
}
