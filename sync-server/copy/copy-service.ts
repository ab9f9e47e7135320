/**
 * Copy trading on the server: the CopyTrading state machine (engine/core/copy) driven by requests, committed leader
 * fills, marks and the settlement schedule, and its intents carried out on the exchange.
 *
 * - Each subscription trades through its own ledger account (numbered from SUB_ACCOUNT_BASE, never a user id), funded and emptied by ledger transfers from and to the subscriber's main account.
 * - A sub-account belongs to its subscriber in the matching engine (see SUB_ACCOUNT_STP): a copy never trades
 *   with the subscriber's own orders or other copies. Sub-accounts opened before owners existed are joined to
 *   their subscribers at start-up.
 * - Every accepted operation is logged (copy_ops) with its rows and ranking records before its ledger commands
 *   and orders are carried out, and a crash between the two files is completed at start-up (see
 *   copy-operations.ts); start-up replays the log to rebuild the state, and copy orders whose result was not
 *   recorded are resolved from the order history.
 * - Ledger transfers and copy orders of a request are submitted synchronously, so the balances the state
 *   machine was told about cannot change in between. Intents that arise inside a journal commit (a leader's
 *   fill) are carried out right after it.
 * - A settlement is recorded under its period key (unique) and paid by a transfer whose reference carries it.
 */
import type { Logger } from 'pino';
import {
  CopyError,
  CopyTrading,
  MarketReference,
  type CopyConfig,
  type CopyOutput,
  type Fill,
  type LeaderPrices,
  type Prices,
  type SubscriptionView,
} from '../../engine/core/copy';
import { MAX_AMOUNT, notional } from '../../engine/core/matching/money';
import type { Db } from '../../engine/node/db/database';
import type { EngineEvent, MarketConfig, Side } from '../../engine/core/matching/types';
import type { Notifications } from '../notifications/notifications';
import type { RankingFeed } from '../ranking/ranking-feed';
import type { Exchange } from '../trading/exchange';
import type { OrderProjection } from '../trading/order-projection';
import { noticeOf } from './copy-notices';
import { CopyOperations, SUB_ACCOUNT_STP } from './copy-operations';
import { CopyStore, periodKey, type LoggedOp, type OpRows } from './copy-store';

/** Sub-account ids start here: far above any user id the accounts table will hand out; one per subscription. */
export const SUB_ACCOUNT_BASE = 1_000_000_000;

export type CopySettings = Pick<
  CopyConfig,
  'minAllocation' | 'maxProfitShareBps' | 'slippageBps' | 'settlementPeriodMs' | 'settlementOffsetMs'
>;

export interface CopyServiceOptions {
  db: Db;
  exchange: Exchange;
  projection: OrderProjection;
  ranking: RankingFeed;
  notifications: Notifications;
  markets: readonly MarketConfig[];
  nicknameOf: (accountId: number) => string | undefined;
  now: () => number;
  log: Pick<Logger, 'info' | 'error' | 'warn'>;
  settings?: CopySettings;
  /** Copy trading cannot go on until a restart (see CopyOperations); the server should restart into recovery. */
  onFatal?: (err: Error) => void;
}

type Op =
  | 'openStrategy'
  | 'closeStrategy'
  | 'setProfitShare'
  | 'subscribe'
  | 'pause'
  | 'resume'
  | 'addFunds'
  | 'reduceFunds'
  | 'setStopLoss'
  | 'unsubscribe'
  | 'leaderDeleted'
  | 'mirrorFill'
  | 'copyOrderResult'
  | 'checkStopLoss'
  | 'settle';

export class CopyService {
  readonly copy: CopyTrading;
  readonly store: CopyStore;
  private readonly operations: CopyOperations;
  private readonly quote: string;
  private readonly prices = new Map<string, number>();
  /** The price each leader's fills are copied against: the market before the leader's own run of trades. */
  private readonly references: MarketReference;
  /** Copy orders submitted whose result has not been reported yet (to wait for in tests and shutdown). */
  private readonly inFlight = new Set<Promise<void>>();
  /** Accounts whose deletion the log has (a `leaderDeleted` operation). */
  private readonly deletedLeaders = new Set<number>();

  constructor(private readonly o: CopyServiceOptions) {
    this.copy = new CopyTrading({ markets: o.markets, ...o.settings });
    this.store = new CopyStore(o.db);
    this.operations = new CopyOperations({
      store: this.store,
      exchange: o.exchange,
      ranking: o.ranking,
      subAccountBase: SUB_ACCOUNT_BASE,
      log: o.log,
      onFatal: o.onFatal,
    });
    this.quote = this.copy.quote;
    for (const m of o.markets) {
      const p = o.exchange.engine.lastPrice(m.id);
      if (p !== undefined) this.prices.set(m.id, p);
    }
    this.references = new MarketReference(this.prices);
    this.replay();
    this.joinOwners();
  }

  // ---- requests ------------------------------------------------------------------------------------------

  openStrategy(leader: number, profitShareBps: number, description?: string): void {
    this.run('openStrategy', { leader, profitShareBps, description, ts: this.o.now() });
  }

  closeStrategy(leader: number): void {
    this.run('closeStrategy', { leader, ts: this.o.now() });
  }

  setProfitShare(leader: number, profitShareBps: number): void {
    this.run('setProfitShare', { leader, profitShareBps, ts: this.o.now() });
  }

  /** Changes the description alone: reopening is how the state machine takes a new one, so close and reopen. */
  setDescription(leader: number, description: string): void {
    const s = this.copy.strategy(leader);
    if (!s) throw new CopyError('NO_STRATEGY', `account ${leader} has not opened a strategy for copying`);
    if (s.open) this.run('closeStrategy', { leader, ts: this.o.now(), quiet: true });
    this.run('openStrategy', { leader, profitShareBps: s.profitShareBps, description, ts: this.o.now() });
    if (!s.open) this.run('closeStrategy', { leader, ts: this.o.now(), quiet: true });
  }

  subscribe(subscriber: number, leader: number, amount: number, stopLossBps?: number): number {
    if (this.store.isDeleted(leader)) throw new CopyError('LEADER_DELETED', 'that trader deleted their account');
    const out = this.run('subscribe', {
      subscriber,
      subAccount: this.store.nextSubAccount(SUB_ACCOUNT_BASE),
      leader,
      amount,
      availableBalance: this.available(subscriber),
      stopLossBps,
      ts: this.o.now(),
    });
    return out.transfers[0].subscriptionId;
  }

  pause(id: number): void {
    this.run('pause', { subscriptionId: id, ts: this.o.now() });
  }
  resume(id: number): void {
    this.run('resume', { subscriptionId: id, ts: this.o.now() });
  }
  addFunds(id: number, amount: number): void {
    const sub = this.copy.subscription(id);
    this.run('addFunds', {
      subscriptionId: id,
      amount,
      availableBalance: this.available(sub.subscriber),
      ts: this.o.now(),
    });
  }
  reduceFunds(id: number, amount: number): void {
    this.run('reduceFunds', { subscriptionId: id, amount, ts: this.o.now() });
  }
  setStopLoss(id: number, stopLossBps: number | null): void {
    this.run('setStopLoss', { subscriptionId: id, stopLossBps, ts: this.o.now() });
  }
  unsubscribe(id: number): void {
    this.run('unsubscribe', { subscriptionId: id, ts: this.o.now() });
  }

  /**
   * The account is being deleted: its followers' copies close out, and its own copies end. Safe to repeat, so
   * start-up can finish a deletion a stop cut short.
   */
  accountDeleted(accountId: number): void {
    if (!this.deletedLeaders.has(accountId)) {
      this.run('leaderDeleted', { leader: accountId, ts: this.o.now() });
      this.deletedLeaders.add(accountId);
    }
    for (const row of this.store.bySubscriber(accountId)) {
      const s = this.copy.subscription(row.id).status;
      if (s === 'active' || s === 'paused') this.unsubscribe(row.id);
    }
  }

  // ---- schedule ------------------------------------------------------------------------------------------

  /** Settles the last ended period for every running subscription (a rerun of a settled period does nothing). */
  settleDue(): { settled: number; alreadySettled: number } {
    const ts = this.o.now();
    const period = this.copy.periodOf(ts) - 1;
    if (this.store.running().length === 0) return { settled: 0, alreadySettled: 0 };
    const out = this.run('settle', {
      period,
      prices: this.priceMap(),
      leaderPrices: this.leaderPriceMap(),
      ts,
    }) as ReturnType<CopyTrading['settle']>;
    return { settled: out.settled, alreadySettled: out.alreadySettled };
  }

  /** Checks stop-losses against the last prices, each leader's copies at that leader's marks (at marks, and after trades). */
  checkStopLoss(): void {
    if (!this.store.running().some((r) => this.copy.subscription(r.id).stopLossBps !== null)) return;
    this.run('checkStopLoss', { prices: this.priceMap(), leaderPrices: this.leaderPriceMap(), ts: this.o.now() });
  }

  /** Resolves once every copy order placed so far has had its result recorded. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  // ---- committed events ----------------------------------------------------------------------------------

  /**
   * The exchange's commit listener. Leader equity for sizing is read before the ranking takes the batch's
   * trades (the equity "just before the fill"); the ranking then ingests the batch; then fills are mirrored.
   */
  committed(events: readonly EngineEvent[]): void {
    const mirrors: {
      leader: number;
      market: string;
      side: Side;
      price: number;
      quantity: number;
      leaderEquity: number;
      referencePrice: number | null;
      ts: number;
    }[] = [];
    for (const e of events) {
      if (e.type !== 'trade') continue;
      this.prices.set(e.market, e.price);
      this.references.trade(e.market, e.price, e.takerAccount, e.makerAccount);
      for (const [leader, side] of [
        [e.takerAccount, e.takerSide],
        [e.makerAccount, e.takerSide === 'buy' ? 'sell' : 'buy'],
      ] as const) {
        if (leader >= SUB_ACCOUNT_BASE || this.copy.followersOf(leader).length === 0) continue;
        let leaderEquity: number;
        try {
          leaderEquity = this.o.ranking.service.equityNow(leader);
        } catch {
          continue; // not in the ranking (deleted): nothing to copy
        }
        // The reference is taken here, in trade order: later trades of the batch must not move it for this one.
        const referencePrice = this.references.referenceFor(e.market, leader);
        if (leaderEquity > 0)
          mirrors.push({
            leader,
            market: e.market,
            side,
            price: e.price,
            quantity: e.quantity,
            leaderEquity,
            referencePrice,
            ts: e.ts,
          });
      }
    }
    this.o.ranking.ingest(events);
    const traded = events.some((e) => e.type === 'trade');
    if (mirrors.length === 0 && !traded) return;
    // Carried out after the commit completes, not from inside it.
    queueMicrotask(() => {
      for (const m of mirrors) {
        const base = this.o.markets.find((x) => x.id === m.market)!.base;
        const b = this.o.exchange.engine.balances(m.leader)[base];
        const position = b ? b.available + b.held : 0;
        this.guard(() =>
          this.run('mirrorFill', {
            ...m,
            ts: Math.max(m.ts, this.o.now()),
            ...(position === 0 ? { leaderPositionAfter: 0 } : {}),
          }),
        );
      }
      if (traded) this.guard(() => this.checkStopLoss());
    });
  }

  // ---- reads ---------------------------------------------------------------------------------------------

  view(id: number): SubscriptionView {
    return this.copy.subscription(id);
  }

  /** Sub-account value at the last prices, exactly; shown as MAX_AMOUNT past the safe range. */
  equityOf(v: SubscriptionView): number {
    let e = v.freeCash + v.reservedQuote;
    for (const [market, q] of Object.entries(v.holdings)) {
      const m = this.o.markets.find((x) => x.id === market)!;
      e += notional(this.prices.get(market) ?? 0, q, 10 ** m.baseDecimals);
    }
    return Math.min(e, MAX_AMOUNT);
  }

  // ---- internals -----------------------------------------------------------------------------------------

  private available(account: number): number {
    return this.o.exchange.engine.balances(account)[this.quote]?.available ?? 0;
  }

  private priceMap(): Prices {
    return Object.fromEntries(this.prices);
  }

  /**
   * Each copied leader's marks where they differ from the last prices: the price before the leader's own run of
   * trades, so a leader's trades with their own second account move neither a settlement nor a stop-loss of
   * their followers. A market whose only price is the leader's own keeps the last price (there is no other).
   */
  private leaderPriceMap(): LeaderPrices {
    const out: Record<string, Record<string, number>> = {};
    for (const { leader_id: leader } of this.store.running()) {
      if (out[leader]) continue;
      const marks: Record<string, number> = {};
      for (const [market, last] of this.prices) {
        const own = this.references.referenceFor(market, leader);
        if (own !== null && own !== last) marks[market] = own;
      }
      if (Object.keys(marks).length > 0) out[leader] = marks;
    }
    return out;
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (err) {
      this.o.log.error({ err }, 'copy trading: operation failed');
    }
  }

  /** Applies one operation, logs it (only when accepted) and carries out what it returned. */
  private run(op: Op, input: Record<string, unknown>): CopyOutput {
    this.operations.prepare(op);
    const rates = this.ratesBefore(op);
    const out = this.apply(op, input);
    this.carryOut(out, op, input, rates);
    return out;
  }

  private apply(op: Op, input: Record<string, unknown>): CopyOutput {
    const c = this.copy as unknown as Record<Op, (i: unknown) => CopyOutput>;
    if (op === 'closeStrategy' && input.quiet) {
      // A description change closes and reopens: the closing notices are not news to anyone.
      const out = c.closeStrategy(input);
      out.notifications = [];
      return out;
    }
    return c[op].call(this.copy, input);
  }

  /** Rates of the running subscriptions before an operation that may settle, for the settlement records. */
  private ratesBefore(op: Op): Map<number, number> {
    const rates = new Map<number, number>();
    if (
      op === 'settle' ||
      op === 'unsubscribe' ||
      op === 'copyOrderResult' ||
      op === 'checkStopLoss' ||
      op === 'leaderDeleted'
    ) {
      for (const r of this.store.running()) rates.set(r.id, this.copy.subscription(r.id).profitShareBps);
    }
    return rates;
  }

  /** Records the operation with its rows and ranking records, books its ledger commands, places its orders, notifies. */
  private carryOut(out: CopyOutput, op: Op, input: Record<string, unknown>, rates: Map<number, number>): void {
    this.operations.commit(op, input, out, this.rowsOf(out, op, input, rates));
    for (const o of out.orders) this.placeCopy(o.command);
    this.notify(out);
  }

  /** The subscription and settlement rows an operation makes. */
  private rowsOf(out: CopyOutput, op: Op, input: Record<string, unknown>, rates: Map<number, number>): OpRows {
    const ts = input.ts as number;
    const rows: OpRows = { settlements: [], ended: [] };
    if (op === 'subscribe') {
      const id = out.transfers[0].subscriptionId;
      rows.subscription = {
        id,
        subscriber_id: input.subscriber as number,
        leader_id: input.leader as number,
        sub_account: input.subAccount as number,
        created_at: ts,
      };
    }
    for (const n of out.notifications) {
      if (n.notice.kind !== 'settled' || n.notice.role !== 'subscriber' || n.subscriptionId === undefined) continue;
      const id = n.subscriptionId;
      const v = this.copy.subscription(id);
      rows.settlements.push({
        subscription_id: id,
        period: n.notice.period,
        period_key: periodKey(id, n.notice.period),
        subscriber_id: v.subscriber,
        leader_id: v.leader,
        profit: n.notice.profit,
        fee: n.notice.fee,
        paid: n.notice.paid,
        owed: n.notice.owed,
        high_water_mark: v.highWaterMark,
        profit_share_bps: rates.get(id) ?? v.profitShareBps,
        ts,
      });
    }
    for (const n of out.notifications) {
      if (n.notice.kind === 'copy_ended' && n.subscriptionId !== undefined)
        rows.ended.push({ id: n.subscriptionId, ts, reason: n.notice.reason });
    }
    return rows;
  }

  /**
   * Joins each running subscription's sub-account to its subscriber where the ledger does not have it yet (opened
   * before sub-accounts had owners). After replay, which books what a stop cut off: these commands come after it.
   */
  private joinOwners(): void {
    const engine = this.o.exchange.engine;
    for (const row of this.store.running()) {
      if (!engine.hasAccount(row.sub_account) || engine.ownerOf(row.sub_account) === row.subscriber_id) continue;
      const cmd = {
        type: 'set_stp' as const,
        account: row.sub_account,
        stp: SUB_ACCOUNT_STP,
        owner: row.subscriber_id,
        ts: this.o.now(),
      };
      this.o.exchange.journal.submitWith(cmd, {
        resolve: (events) => {
          const refused = events.find((e) => e.type === 'rejected');
          if (refused) this.o.log.error({ command: cmd, event: refused }, 'copy trading: sub-account owner refused');
        },
        reject: (err) => this.o.log.error({ err, command: cmd }, 'copy trading: sub-account owner not set'),
      });
    }
  }

  /** Places a copy order and reports its fills back once it has committed. */
  private placeCopy(command: Extract<Parameters<Exchange['journal']['submit']>[0], { type: 'place' }>): void {
    const clientOrderId = command.clientOrderId!;
    const done = this.o.exchange.journal
      .submit(command)
      .then(
        (events) => ({
          fills: fillsOf(events, command.account),
          selfTrade: selfTradeCancelled(events, command.account),
        }),
        (err: unknown) => {
          this.o.log.error({ err, clientOrderId }, 'copy trading: copy order failed');
          return { fills: [] as Fill[], selfTrade: false };
        },
      )
      .then(({ fills, selfTrade }) => {
        this.guard(() => {
          const out = this.run('copyOrderResult', { clientOrderId, fills, ts: this.o.now() });
          if (fills.length === 0)
            this.notifyUnfilled(command.clientOrderId!, command, selfTrade ? 'SELF_TRADE_PREVENTED' : 'NOT_FILLED');
          void out;
        });
      })
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  /**
   * A copy that found nothing to fill is a skip, and the subscriber hears why: nothing within its slippage limit
   * (NOT_FILLED), or the subscriber's own order was next in the book (SELF_TRADE_PREVENTED).
   */
  private notifyUnfilled(
    clientOrderId: string,
    command: { market: string; side: Side; quantity?: number; account: number },
    reason: 'NOT_FILLED' | 'SELF_TRADE_PREVENTED',
  ): void {
    const row = this.store.bySubAccount(command.account);
    if (!row) return;
    const leader = this.o.nicknameOf(row.leader_id) ?? `#${row.leader_id}`;
    this.o.notifications.add(row.subscriber_id, 'copy_skipped', {
      subscriptionId: row.id,
      leader,
      market: command.market,
      side: command.side,
      wanted: command.quantity ?? 0,
      reason,
      clientOrderId,
    });
  }

  private notify(out: CopyOutput): void {
    const name = (id: number) => this.o.nicknameOf(id) ?? `#${id}`;
    for (const n of out.notifications) {
      if (n.to >= SUB_ACCOUNT_BASE || this.store.isDeleted(n.to)) continue;
      const notice = noticeOf(n.notice, n.subscriptionId, name, this.quote);
      if (notice) this.o.notifications.add(n.to, notice.kind, notice.data);
    }
  }

  /**
   * Rebuilds the state from the operation log, then books the ledger commands of the last operation that a stop
   * may have cut off (see CopyOperations.complete). Copy orders the log placed but never saw a result for (the
   * process stopped in between) are resolved from the order history: their fills if they reached the journal,
   * none if they did not.
   */
  private replay(): void {
    const placed = new Map<string, number>();
    const lastLedgerOp = this.store.lastLedgerOp();
    let last: { logged: LoggedOp; out: CopyOutput } | undefined;
    let n = 0;
    // Only the state is rebuilt: the rows, ranking records and ledger commands of each operation were recorded
    // or booked with it.
    for (const logged of this.store.ops()) {
      const { op, input } = logged;
      const out = this.apply(op as Op, input);
      if (logged.id === lastLedgerOp) last = { logged, out };
      if (op === 'leaderDeleted') this.deletedLeaders.add(input.leader as number);
      for (const o of out.orders) placed.set(o.command.clientOrderId!, o.command.account);
      if (op === 'copyOrderResult') placed.delete(input.clientOrderId as string);
      n++;
    }
    if (n > 0) this.o.log.info({ operations: n }, 'copy trading: state rebuilt from its log');
    if (last) this.operations.complete(last.logged, last.out);
    for (const [clientOrderId, account] of placed) {
      const order = this.o.projection.byClientOrderId(account, clientOrderId);
      const fills: Fill[] = order
        ? this.o.projection
            .fills(account, { market: order.market, limit: 500 })
            .filter((f) => f.orderId === order.orderId)
            .map((f) => ({ price: f.price, quantity: f.quantity, quoteAmount: f.quoteAmount, fee: f.fee }))
        : [];
      this.guard(() => this.run('copyOrderResult', { clientOrderId, fills, ts: this.o.now() }));
    }
  }
}

/** Whether self-trade prevention cancelled the account's order among one command's events. */
function selfTradeCancelled(events: readonly EngineEvent[], account: number): boolean {
  return events.some((e) => e.type === 'cancelled' && e.account === account && e.reason === 'self_trade');
}

/** The fills of the account's order in one command's events (a copy order is IOC or market: it only takes). */
function fillsOf(events: readonly EngineEvent[], account: number): Fill[] {
  const fills: Fill[] = [];
  for (const e of events) {
    if (e.type !== 'trade') continue;
    if (e.takerAccount === account)
      fills.push({ price: e.price, quantity: e.quantity, quoteAmount: e.quoteAmount, fee: e.takerFee });
    else if (e.makerAccount === account)
      fills.push({ price: e.price, quantity: e.quantity, quoteAmount: e.quoteAmount, fee: e.makerFee });
  }
  return fills;
}
