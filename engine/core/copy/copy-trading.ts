/**
 * Copy trading as a deterministic state machine over strategies and subscriptions. Each operation validates its
 * input (throwing CopyError with a code), updates the state and returns a CopyOutput: the orders to place, the
 * copies skipped and why, the transfers to book, the ranking records to append and the notifications to send.
 * Nothing here reads a clock or touches a ledger; the same operations in the same order give the same outputs.
 *
 * Each subscription trades through its own sub-account holding only the allocation, so the copy state tracks
 * that account exactly from the fills reported back: free cash, quote set aside for copy buys in flight, coins,
 * and coins set aside for sells in flight. A buy is sized to the free cash at its slippage limit, so copies can
 * never spend more than the allocation.
 *
 * Copies are priced against the market, not against the leader's fill: a leader who trades with their own second
 * account far from the market must not drag followers to that price (see mirrorFill).
 *
 * Amounts stay safe integers: sizing saturates past the range and the copy is skipped AMOUNT_OUT_OF_RANGE, an
 * equity valued beyond it stops no copy and settles nothing (the period is skipped with that reason), and an
 * operation that would take a tracked balance past it is refused INVALID_INPUT before anything changes.
 */
import type { AccountId, MarketConfig, Side } from '../matching/types';
import { settleProfitShare } from './settlement';
import { BPS, inRange, mulDiv } from '../matching/money';
import { MAX_PROFIT_SHARE_BPS } from '../../protocol/sync';
import { affordableQuantity, limitPrice, maxBuyCost, notionalOf, proportionalQuantity } from './sizing';
import { emptyOutput, notify, transfer } from './output';
import { int, nonNeg, pos } from './validate';
import {
  CopyError,
  type CopyConfig,
  type CopyOutput,
  type EndReason,
  type SkipReason,
  type SubscriptionStatus,
  type SubscriptionView,
} from './types';

const DAY_MS = 86_400_000;
const MAX_DESCRIPTION = 500;

interface Strategy {
  leader: AccountId;
  description: string;
  profitShareBps: number;
  open: boolean;
  /** Subscriptions not yet ended. */
  subs: Set<number>;
}

interface Subscription {
  id: number;
  subscriber: AccountId;
  subAccount: AccountId;
  leader: AccountId;
  status: SubscriptionStatus;
  endReason: EndReason | null;
  allocation: number;
  cash: number;
  reservedQuote: number;
  holdings: number[];
  reservedBase: number[];
  stopLossBps: number | null;
  rateBps: number;
  hwm: number;
  owed: number;
  lastSettledPeriod: number;
  feesPaid: number;
  pending: Set<string>;
}

interface PendingOrder {
  subId: number;
  market: number;
  side: Side;
  quantity: number;
  reserved: number;
}

export interface Fill {
  price: number;
  quantity: number;
  quoteAmount: number;
  fee: number;
}

export type Prices = Readonly<Record<string, number>>;
/**
 * Marks for the copies of particular leaders (keyed by leader id), where they differ from the market's: the
 * price before the leader's own run of trades (see MarketReference), so that a leader trading with their own
 * second account can neither mark their followers' copies up before a settlement nor down into a stop-loss.
 */
export type LeaderPrices = Readonly<Record<string, Prices>>;

export class CopyTrading {
  readonly quote: string;
  readonly minAllocation: number;
  readonly maxProfitShareBps: number;
  readonly slippageBps: number;
  readonly periodMs: number;
  readonly periodOffsetMs: number;
  private readonly markets: MarketConfig[];
  private readonly marketIndex = new Map<string, number>();
  private readonly lastPrice: number[];
  private readonly strategies = new Map<AccountId, Strategy>();
  private readonly deletedLeaders = new Set<AccountId>();
  private readonly subs = new Map<number, Subscription>();
  /** "subscriber:leader" → subscription not yet ended. */
  private readonly live = new Map<string, number>();
  private readonly subAccounts = new Set<AccountId>();
  private readonly orders = new Map<string, PendingOrder>();
  private nextSubId = 1;
  private orderSeq = 0;

  constructor(config: CopyConfig) {
    const bad = (why: string): never => {
      throw new CopyError('INVALID_CONFIG', why);
    };
    if (!config.markets.length) bad('at least one market is needed');
    this.quote = config.markets[0].quote;
    this.markets = [...config.markets];
    this.markets.forEach((m, i) => {
      if (m.quote !== this.quote) bad(`market ${m.id} is not quoted in ${this.quote}`);
      if (this.marketIndex.has(m.id)) bad(`market ${m.id} is listed twice`);
      for (const k of ['tickSize', 'lotSize'] as const)
        if (!Number.isSafeInteger(m[k]) || m[k] <= 0) bad(`market ${m.id}: ${k} must be a positive integer`);
      if (!Number.isSafeInteger(m.minNotional) || m.minNotional < 0)
        bad(`market ${m.id}: minNotional must be a non-negative integer`);
      this.marketIndex.set(m.id, i);
    });
    this.lastPrice = this.markets.map(() => 0);
    this.minAllocation = config.minAllocation ?? 10_000;
    this.maxProfitShareBps = config.maxProfitShareBps ?? MAX_PROFIT_SHARE_BPS;
    this.slippageBps = config.slippageBps ?? 100;
    this.periodMs = config.settlementPeriodMs ?? DAY_MS;
    this.periodOffsetMs = config.settlementOffsetMs ?? 0;
    if (!Number.isSafeInteger(this.minAllocation) || this.minAllocation < 1)
      bad('minAllocation must be a positive integer');
    if (
      !Number.isSafeInteger(this.maxProfitShareBps) ||
      this.maxProfitShareBps < 0 ||
      this.maxProfitShareBps > MAX_PROFIT_SHARE_BPS
    ) {
      bad('maxProfitShareBps must be 0–3,000');
    }
    if (!Number.isSafeInteger(this.slippageBps) || this.slippageBps < 0 || this.slippageBps >= BPS)
      bad('slippageBps must be 0–9,999');
    if (!Number.isSafeInteger(this.periodMs) || this.periodMs < 60_000)
      bad('settlementPeriodMs must be at least a minute');
    if (!Number.isSafeInteger(this.periodOffsetMs)) bad('settlementOffsetMs must be an integer');
  }

  /** The settlement period a time falls in; settle(period) is allowed once that period has ended. */
  periodOf(ts: number): number {
    return Math.floor((int(ts, 'ts') - this.periodOffsetMs) / this.periodMs);
  }

  // ---- strategies ----------------------------------------------------------------------------------------

  openStrategy(i: { leader: AccountId; description?: string; profitShareBps: number; ts: number }): CopyOutput {
    const leader = nonNeg(i.leader, 'leader');
    int(i.ts, 'ts');
    if (this.deletedLeaders.has(leader)) throw new CopyError('LEADER_DELETED', `account ${leader} was deleted`);
    const rate = this.rate(i.profitShareBps);
    const description = i.description ?? '';
    if (typeof description !== 'string' || description.length > MAX_DESCRIPTION) {
      throw new CopyError('INVALID_INPUT', `description must be text of at most ${MAX_DESCRIPTION} characters`);
    }
    const existing = this.strategies.get(leader);
    if (existing?.open) throw new CopyError('STRATEGY_EXISTS', `account ${leader} already has an open strategy`);
    const out = emptyOutput();
    if (existing) {
      // Reopening: subscribers still running keep their period's rate; the new one applies from their next period.
      existing.open = true;
      existing.description = description;
      if (existing.profitShareBps !== rate) this.changeRate(existing, rate, i.ts, out);
    } else {
      this.strategies.set(leader, { leader, description, profitShareBps: rate, open: true, subs: new Set() });
    }
    return out;
  }

  /** Closed to new subscribers; running subscriptions carry on until they end. */
  closeStrategy(i: { leader: AccountId; ts: number }): CopyOutput {
    const s = this.strategyOf(i.leader);
    int(i.ts, 'ts');
    if (!s.open) throw new CopyError('STRATEGY_CLOSED', `the strategy of ${i.leader} is already closed`);
    s.open = false;
    const out = emptyOutput();
    for (const id of s.subs)
      notify(out, this.subs.get(id)!.subscriber, i.ts, { kind: 'strategy_closed', leader: s.leader }, id);
    return out;
  }

  /** A new rate binds new subscriptions at once and running ones from their next settlement period. */
  setProfitShare(i: { leader: AccountId; profitShareBps: number; ts: number }): CopyOutput {
    const s = this.strategyOf(i.leader);
    int(i.ts, 'ts');
    const rate = this.rate(i.profitShareBps);
    const out = emptyOutput();
    if (rate !== s.profitShareBps) this.changeRate(s, rate, i.ts, out);
    return out;
  }

  private changeRate(s: Strategy, rate: number, ts: number, out: CopyOutput): void {
    s.profitShareBps = rate;
    for (const id of s.subs) {
      const sub = this.subs.get(id)!;
      notify(
        out,
        sub.subscriber,
        ts,
        { kind: 'profit_share_changed', leader: s.leader, profitShareBps: rate, fromPeriod: sub.lastSettledPeriod + 2 },
        id,
      );
    }
  }

  // ---- subscriptions -------------------------------------------------------------------------------------

  subscribe(i: {
    subscriber: AccountId;
    subAccount: AccountId;
    leader: AccountId;
    amount: number;
    /** The subscriber's available quote balance, from the ledger. */
    availableBalance: number;
    /** Stop copying and close out once the loss reaches this share of the net allocation (bps, optional). */
    stopLossBps?: number;
    ts: number;
  }): CopyOutput {
    const subscriber = nonNeg(i.subscriber, 'subscriber');
    const leader = nonNeg(i.leader, 'leader');
    const subAccount = nonNeg(i.subAccount, 'subAccount');
    const amount = int(i.amount, 'amount');
    const balance = int(i.availableBalance, 'availableBalance');
    const ts = int(i.ts, 'ts');
    if (subscriber === leader) throw new CopyError('SELF_SUBSCRIBE', 'a trader cannot copy themselves');
    if (this.deletedLeaders.has(leader)) throw new CopyError('LEADER_DELETED', `account ${leader} was deleted`);
    const s = this.strategies.get(leader);
    if (!s) throw new CopyError('NO_STRATEGY', `account ${leader} has not opened a strategy for copying`);
    if (!s.open) throw new CopyError('STRATEGY_CLOSED', `the strategy of ${leader} is closed to new subscribers`);
    if (this.live.has(`${subscriber}:${leader}`))
      throw new CopyError('ALREADY_SUBSCRIBED', `account ${subscriber} already copies ${leader}`);
    if (
      subAccount === subscriber ||
      subAccount === leader ||
      this.subAccounts.has(subAccount) ||
      this.strategies.has(subAccount)
    ) {
      throw new CopyError('INVALID_INPUT', `sub-account ${subAccount} must be a new account of its own`);
    }
    if (amount < this.minAllocation)
      throw new CopyError(
        'BELOW_MIN_ALLOCATION',
        `the allocation must be at least ${this.minAllocation} ${this.quote}`,
      );
    if (amount > balance)
      throw new CopyError(
        'INSUFFICIENT_BALANCE',
        `the allocation ${amount} exceeds the available ${balance} ${this.quote}`,
      );
    const stopLossBps = i.stopLossBps ?? null;
    if (stopLossBps !== null && (!Number.isSafeInteger(stopLossBps) || stopLossBps < 1 || stopLossBps >= BPS)) {
      throw new CopyError('INVALID_INPUT', 'stopLossBps must be 1–9,999');
    }
    const id = this.nextSubId++;
    const sub: Subscription = {
      id,
      subscriber,
      subAccount,
      leader,
      status: 'active',
      endReason: null,
      allocation: amount,
      cash: amount,
      reservedQuote: 0,
      holdings: this.markets.map(() => 0),
      reservedBase: this.markets.map(() => 0),
      stopLossBps,
      rateBps: s.profitShareBps,
      hwm: 0,
      owed: 0,
      // The period in progress is the first to settle.
      lastSettledPeriod: this.periodOf(ts) - 1,
      feesPaid: 0,
      pending: new Set(),
    };
    this.subs.set(id, sub);
    this.live.set(`${subscriber}:${leader}`, id);
    this.subAccounts.add(subAccount);
    s.subs.add(id);
    const out = emptyOutput();
    out.ranking.push({
      type: 'account',
      ts,
      account: subAccount,
      nickname: `copy ${subscriber}→${leader}`,
      ranked: false,
    });
    transfer(out, id, subscriber, subAccount, this.quote, amount, 'allocation', ts);
    out.ranking.push({ type: 'followers', ts, account: leader, delta: 1 });
    notify(out, subscriber, ts, { kind: 'subscribed', leader, amount }, id);
    notify(out, leader, ts, { kind: 'follower_joined', subscriber, amount }, id);
    return out;
  }

  pause(i: { subscriptionId: number; ts: number }): CopyOutput {
    const sub = this.subOf(i.subscriptionId);
    if (sub.status !== 'active')
      throw new CopyError('SUBSCRIPTION_NOT_ACTIVE', `subscription ${sub.id} is ${sub.status}`);
    sub.status = 'paused';
    const out = emptyOutput();
    notify(out, sub.subscriber, int(i.ts, 'ts'), { kind: 'paused', leader: sub.leader }, sub.id);
    return out;
  }

  resume(i: { subscriptionId: number; ts: number }): CopyOutput {
    const sub = this.subOf(i.subscriptionId);
    if (sub.status !== 'paused')
      throw new CopyError('SUBSCRIPTION_NOT_ACTIVE', `subscription ${sub.id} is ${sub.status}, not paused`);
    sub.status = 'active';
    const out = emptyOutput();
    notify(out, sub.subscriber, int(i.ts, 'ts'), { kind: 'resumed', leader: sub.leader }, sub.id);
    return out;
  }

  /**
   * Sets, changes or (null) removes the copy stop-loss of a running subscription. The floor is measured from
   * the allocation as it stands, so the new level applies from now on; a level already crossed triggers at the
   * next stop-loss check, like any other.
   */
  setStopLoss(i: { subscriptionId: number; stopLossBps: number | null; ts: number }): CopyOutput {
    const sub = this.running(i.subscriptionId);
    const bps = i.stopLossBps;
    if (bps !== null && (!Number.isSafeInteger(bps) || bps < 1 || bps >= BPS))
      throw new CopyError('INVALID_INPUT', 'stopLossBps must be 1–9,999 or null');
    sub.stopLossBps = bps;
    const out = emptyOutput();
    notify(
      out,
      sub.subscriber,
      int(i.ts, 'ts'),
      { kind: 'stop_loss_set', leader: sub.leader, stopLossBps: bps },
      sub.id,
    );
    return out;
  }

  addFunds(i: { subscriptionId: number; amount: number; availableBalance: number; ts: number }): CopyOutput {
    const sub = this.running(i.subscriptionId);
    const amount = pos(i.amount, 'amount');
    const ts = int(i.ts, 'ts');
    if (amount > int(i.availableBalance, 'availableBalance')) {
      throw new CopyError(
        'INSUFFICIENT_BALANCE',
        `adding ${amount} exceeds the available ${i.availableBalance} ${this.quote}`,
      );
    }
    if (!inRange(sub.allocation + amount) || !inRange(sub.cash + sub.reservedQuote + amount)) {
      throw new CopyError(
        'INVALID_INPUT',
        `adding ${amount} would take the allocation past the largest amount the ledger holds`,
      );
    }
    sub.allocation += amount;
    sub.cash += amount;
    const out = emptyOutput();
    transfer(out, sub.id, sub.subscriber, sub.subAccount, this.quote, amount, 'add_funds', ts);
    notify(
      out,
      sub.subscriber,
      ts,
      { kind: 'funds_added', leader: sub.leader, amount, allocation: sub.allocation },
      sub.id,
    );
    return out;
  }

  /** Takes back uncommitted cash; the allocation may not drop below the minimum (unsubscribe to take it all). */
  reduceFunds(i: { subscriptionId: number; amount: number; ts: number }): CopyOutput {
    const sub = this.running(i.subscriptionId);
    const amount = pos(i.amount, 'amount');
    const ts = int(i.ts, 'ts');
    if (amount > sub.cash)
      throw new CopyError('INSUFFICIENT_FREE_FUNDS', `only ${sub.cash} ${this.quote} is free in the sub-account`);
    if (sub.allocation - amount < this.minAllocation) {
      throw new CopyError(
        'BELOW_MIN_ALLOCATION',
        `the allocation may not fall below ${this.minAllocation} ${this.quote}`,
      );
    }
    sub.allocation -= amount;
    sub.cash -= amount;
    const out = emptyOutput();
    transfer(out, sub.id, sub.subAccount, sub.subscriber, this.quote, amount, 'reduce_funds', ts);
    notify(
      out,
      sub.subscriber,
      ts,
      { kind: 'funds_reduced', leader: sub.leader, amount, allocation: sub.allocation },
      sub.id,
    );
    return out;
  }

  /** Stops copying, closes the positions at market and, once they are closed, settles and returns the funds. */
  unsubscribe(i: { subscriptionId: number; ts: number }): CopyOutput {
    const sub = this.running(i.subscriptionId);
    const out = emptyOutput();
    this.startClosing(sub, 'unsubscribed', int(i.ts, 'ts'), out);
    return out;
  }

  /** The leader's account is gone: every copy of it closes out, and no profit share is paid to it. */
  leaderDeleted(i: { leader: AccountId; ts: number }): CopyOutput {
    const leader = nonNeg(i.leader, 'leader');
    const ts = int(i.ts, 'ts');
    const out = emptyOutput();
    if (this.deletedLeaders.has(leader)) return out;
    this.deletedLeaders.add(leader);
    const s = this.strategies.get(leader);
    if (!s) return out;
    s.open = false;
    for (const id of [...s.subs]) {
      const sub = this.subs.get(id)!;
      if (sub.status !== 'closing') this.startClosing(sub, 'leader_deleted', ts, out);
      else sub.endReason = 'leader_deleted';
    }
    return out;
  }

  // ---- mirroring -----------------------------------------------------------------------------------------

  /**
   * One fill of the leader's order, mirrored to every running subscription: quantity × allocation / leader
   * equity, rounded down to the lot, as an IOC limit at the slippage limit around the market's reference
   * price. `leaderPositionAfter` = 0 says the leader has sold out of the coin, and the copies sell all they hold
   * of it rather than a proportion.
   *
   * The reference is what a trader would call the market price when the leader traded: the caller passes the
   * last trade price in which the leader took no part (see MarketReference). A fill beyond the slippage limit
   * from it (a buy above, a sell below) is not copied at all (AWAY_FROM_MARKET): a leader who buys from their own
   * second account at ten times the market, or walks the price up trading with it, only ever trades against
   * the same reference, and followers neither chase the price nor fill against that second account's orders
   * left there. Null says the market has no such price (NO_MARKET_PRICE). Operations logged before the
   * reference was passed carry none, and replay as they ran then: limited around the leader's price.
   */
  mirrorFill(i: {
    leader: AccountId;
    market: string;
    side: Side;
    price: number;
    quantity: number;
    /** The leader's marked equity just before the fill, quote units. */
    leaderEquity: number;
    /** The market's price before the leader's trades (see above); null when there is none. */
    referencePrice: number | null;
    leaderPositionAfter?: number;
    ts: number;
  }): CopyOutput {
    const m = this.market(i.market);
    const mk = this.markets[m];
    if (i.side !== 'buy' && i.side !== 'sell') throw new CopyError('INVALID_INPUT', 'side must be buy or sell');
    const price = pos(i.price, 'price');
    const quantity = pos(i.quantity, 'quantity');
    const leaderEquity = pos(i.leaderEquity, 'leaderEquity');
    const reference =
      i.referencePrice === undefined
        ? price
        : i.referencePrice === null
          ? null
          : pos(i.referencePrice, 'referencePrice');
    const closeOut = i.leaderPositionAfter !== undefined && nonNeg(i.leaderPositionAfter, 'leaderPositionAfter') === 0;
    const ts = int(i.ts, 'ts');
    const out = emptyOutput();
    const s = this.strategies.get(nonNeg(i.leader, 'leader'));
    if (!s || this.deletedLeaders.has(s.leader)) return out;
    if (reference !== null) this.lastPrice[m] = reference;
    const limit = reference === null ? 0 : limitPrice(mk, i.side, reference, this.slippageBps);
    // Why no copy of this fill can be placed, whoever the subscriber.
    const blocked: SkipReason | null =
      reference === null
        ? 'NO_MARKET_PRICE'
        : !inRange(limit)
          ? 'AMOUNT_OUT_OF_RANGE'
          : (i.side === 'buy' ? price > limit : price < limit)
            ? 'AWAY_FROM_MARKET'
            : null;
    let placed = 0;
    for (const id of s.subs) {
      const sub = this.subs.get(id)!;
      if (sub.status === 'closing') continue;
      const { wanted, lots } = proportionalQuantity(sub.allocation, leaderEquity, quantity, mk.lotSize);
      let q = 0;
      let reason: SkipReason | null = null;
      if (sub.status === 'paused') reason = 'PAUSED';
      else if (blocked !== null) reason = blocked;
      else if (i.side === 'buy') {
        if (lots === 0) reason = 'BELOW_LOT_SIZE';
        else {
          q = affordableQuantity(mk, limit, lots, sub.cash);
          if (q === 0) reason = 'ALLOCATION_EXHAUSTED';
        }
      } else {
        const avail = sub.holdings[m] - sub.reservedBase[m];
        if (avail <= 0) reason = 'NO_POSITION';
        else {
          q = closeOut ? avail : Math.min(lots, avail);
          q -= q % mk.lotSize;
          if (q === 0) reason = 'BELOW_LOT_SIZE';
        }
      }
      // A buy's value is within its free cash; a sell of a large holding at its limit may be beyond the range.
      const value = reason === null ? notionalOf(mk, limit, q) : 0;
      if (reason === null && !inRange(value)) reason = 'AMOUNT_OUT_OF_RANGE';
      if (reason === null && value < mk.minNotional) reason = 'BELOW_MIN_NOTIONAL';
      if (reason !== null) {
        out.skipped.push({
          subscriptionId: id,
          subscriber: sub.subscriber,
          market: mk.id,
          side: i.side,
          wanted,
          reason,
        });
        // A paused subscriber asked not to be copied; telling them about every fill they sit out would be noise.
        if (reason !== 'PAUSED')
          notify(
            out,
            sub.subscriber,
            ts,
            { kind: 'copy_skipped', leader: s.leader, market: mk.id, side: i.side, wanted, reason },
            id,
          );
        continue;
      }
      this.place(out, sub, m, i.side, q, limit, 'copy', ts);
      notify(
        out,
        sub.subscriber,
        ts,
        { kind: 'copy_placed', leader: s.leader, market: mk.id, side: i.side, quantity: q, price: limit },
        id,
      );
      placed++;
    }
    if (placed + out.skipped.length > 0)
      notify(out, s.leader, ts, {
        kind: 'fill_mirrored',
        market: mk.id,
        side: i.side,
        placed,
        skipped: out.skipped.length,
      });
    return out;
  }

  /** What became of an order this returned: its fills (none if it was rejected or expired unfilled). */
  copyOrderResult(i: { clientOrderId: string; fills: readonly Fill[]; ts: number }): CopyOutput {
    const o = this.orders.get(i.clientOrderId);
    if (!o) throw new CopyError('UNKNOWN_ORDER', `no copy order ${String(i.clientOrderId)} is waiting for a result`);
    const ts = int(i.ts, 'ts');
    if (!Array.isArray(i.fills)) throw new CopyError('INVALID_INPUT', 'fills must be a list');
    let qty = 0;
    let quote = 0;
    let fees = 0;
    let last = 0;
    for (const f of i.fills) {
      last = pos(f.price, 'fill price');
      qty += pos(f.quantity, 'fill quantity');
      quote += nonNeg(f.quoteAmount, 'fill quoteAmount');
      fees += int(f.fee, 'fill fee');
    }
    // Sums past the range read past it (rounding is monotonic), so these checks hold for them too.
    if (qty > o.quantity) throw new CopyError('FILL_EXCEEDS_ORDER', `fills of ${qty} exceed the order's ${o.quantity}`);
    if (o.side === 'buy' && quote + fees > o.reserved)
      throw new CopyError('FILL_EXCEEDS_ORDER', `fills cost ${quote + fees}, more than the ${o.reserved} set aside`);
    const sub = this.subs.get(o.subId)!;
    // What a sell brings in lands in the sub-account's ledger balance, which the ledger keeps in range; fills
    // that say otherwise cannot be the engine's.
    if (o.side === 'sell' && (!Number.isSafeInteger(fees) || !inRange(sub.cash + sub.reservedQuote + quote))) {
      throw new CopyError(
        'INVALID_INPUT',
        `fills of ${quote} would take the sub-account past the largest amount the ledger holds`,
      );
    }
    this.orders.delete(i.clientOrderId);
    sub.pending.delete(i.clientOrderId);
    if (o.side === 'buy') {
      sub.reservedQuote -= o.reserved;
      sub.cash += o.reserved - quote - fees;
      sub.holdings[o.market] += qty;
    } else {
      sub.reservedBase[o.market] -= o.quantity;
      sub.holdings[o.market] -= qty;
      sub.cash += quote - fees;
    }
    const out = emptyOutput();
    if (qty > 0) {
      this.lastPrice[o.market] = last;
      notify(
        out,
        sub.subscriber,
        ts,
        {
          kind: 'copy_filled',
          leader: sub.leader,
          market: this.markets[o.market].id,
          side: o.side,
          quantity: qty,
          quoteAmount: quote,
          fee: fees,
        },
        sub.id,
      );
    }
    if (sub.status === 'closing' && sub.pending.size === 0) this.finish(sub, ts, out);
    return out;
  }

  /** Checks every stop-loss against marks (a leader's own, where given); those reached stop copying and close out. */
  checkStopLoss(i: { prices: Prices; leaderPrices?: LeaderPrices; ts: number }): CopyOutput {
    const ts = int(i.ts, 'ts');
    const marks = this.leaderMarks(i.leaderPrices);
    this.takePrices(i.prices);
    const out = emptyOutput();
    for (const sub of this.subs.values()) {
      if (sub.stopLossBps === null || (sub.status !== 'active' && sub.status !== 'paused')) continue;
      const floor = mulDiv(sub.allocation, BPS - sub.stopLossBps, BPS);
      if (this.equity(sub, marks.get(sub.leader)) <= floor) this.startClosing(sub, 'stop_loss', ts, out);
    }
    return out;
  }

  // ---- settlement ----------------------------------------------------------------------------------------

  /**
   * Scheduled settlement of `period` (see periodOf) for every subscription, at marks. Settling a period a
   * subscription has already settled does nothing, so a retried or duplicated run cannot charge twice.
   */
  settle(i: {
    period: number;
    prices: Prices;
    leaderPrices?: LeaderPrices;
    ts: number;
  }): CopyOutput & { settled: number; alreadySettled: number } {
    const period = int(i.period, 'period');
    const ts = int(i.ts, 'ts');
    if (period >= this.periodOf(ts)) throw new CopyError('FUTURE_PERIOD', `period ${period} has not ended at ${ts}`);
    const marks = this.leaderMarks(i.leaderPrices);
    this.takePrices(i.prices);
    const out = { ...emptyOutput(), settled: 0, alreadySettled: 0 };
    for (const sub of this.subs.values()) {
      if (sub.status === 'ended') continue;
      if (this.settleOne(sub, period, ts, out, marks.get(sub.leader))) out.settled++;
      else out.alreadySettled++;
    }
    return out;
  }

  private settleOne(
    sub: Subscription,
    period: number,
    ts: number,
    out: CopyOutput,
    marks?: readonly number[],
  ): boolean {
    if (period <= sub.lastSettledPeriod) return false;
    const leaderDeleted = this.deletedLeaders.has(sub.leader);
    const r = settleProfitShare({
      equity: this.equity(sub, marks),
      allocation: sub.allocation,
      owed: sub.owed,
      highWaterMark: sub.hwm,
      rateBps: sub.rateBps,
      freeCash: sub.cash,
      leaderDeleted,
    });
    sub.lastSettledPeriod = period;
    sub.rateBps = this.strategies.get(sub.leader)!.profitShareBps;
    if (r === null) {
      // Nothing is charged and the mark stays: the next period that values in range settles from it.
      notify(
        out,
        sub.subscriber,
        ts,
        { kind: 'settlement_skipped', leader: sub.leader, period, reason: 'amount_out_of_range' },
        sub.id,
      );
      return true;
    }
    sub.hwm = r.highWaterMark;
    sub.owed = r.owed;
    if (leaderDeleted) {
      notify(
        out,
        sub.subscriber,
        ts,
        { kind: 'settlement_skipped', leader: sub.leader, period, reason: 'leader_deleted' },
        sub.id,
      );
      return true;
    }
    if (r.paid > 0) {
      sub.cash -= r.paid;
      sub.feesPaid += r.paid;
      transfer(out, sub.id, sub.subAccount, sub.leader, this.quote, r.paid, 'profit_share', ts);
    }
    const base = { period, profit: r.profit, fee: r.fee, paid: r.paid, owed: r.owed };
    notify(out, sub.subscriber, ts, { kind: 'settled', counterparty: sub.leader, role: 'subscriber', ...base }, sub.id);
    notify(out, sub.leader, ts, { kind: 'settled', counterparty: sub.subscriber, role: 'leader', ...base }, sub.id);
    return true;
  }

  // ---- reads ---------------------------------------------------------------------------------------------

  subscription(id: number): SubscriptionView {
    const s = this.subOf(id);
    const holdings: Record<string, number> = {};
    this.markets.forEach((m, i) => {
      if (s.holdings[i] !== 0) holdings[m.id] = s.holdings[i];
    });
    return {
      id: s.id,
      subscriber: s.subscriber,
      subAccount: s.subAccount,
      leader: s.leader,
      status: s.status,
      endReason: s.endReason,
      allocation: s.allocation,
      freeCash: s.cash,
      reservedQuote: s.reservedQuote,
      holdings,
      stopLossBps: s.stopLossBps,
      profitShareBps: s.rateBps,
      highWaterMark: s.hwm,
      owed: s.owed,
      lastSettledPeriod: s.lastSettledPeriod,
      feesPaid: s.feesPaid,
    };
  }

  /** Subscriptions of a leader that have not ended. */
  followersOf(leader: AccountId): number[] {
    return [...(this.strategies.get(leader)?.subs ?? [])];
  }

  strategy(
    leader: AccountId,
  ): { leader: AccountId; description: string; profitShareBps: number; open: boolean; subscribers: number } | null {
    const s = this.strategies.get(leader);
    return s
      ? { leader, description: s.description, profitShareBps: s.profitShareBps, open: s.open, subscribers: s.subs.size }
      : null;
  }

  // ---- internals -----------------------------------------------------------------------------------------

  private startClosing(sub: Subscription, reason: EndReason, ts: number, out: CopyOutput): void {
    sub.status = 'closing';
    sub.endReason = reason;
    notify(out, sub.subscriber, ts, { kind: 'copy_stopping', leader: sub.leader, reason }, sub.id);
    this.markets.forEach((mk, m) => {
      let q = sub.holdings[m] - sub.reservedBase[m];
      q -= q % mk.lotSize;
      // What cannot be sold (less than a lot, or under the minimum notional) is returned in kind.
      if (q <= 0 || notionalOf(mk, this.lastPrice[m], q) < mk.minNotional) return;
      this.place(out, sub, m, 'sell', q, null, 'close', ts);
    });
    if (sub.pending.size === 0) this.finish(sub, ts, out);
  }

  /** Closing is complete: final settlement, everything left goes back to the subscriber, the copy ends. */
  private finish(sub: Subscription, ts: number, out: CopyOutput): void {
    this.settleOne(sub, this.periodOf(ts), ts, out);
    // Profit share still owed after the close-out is forgiven: the sub-account has nothing else to pay it from.
    sub.owed = 0;
    const coins: Record<string, number> = {};
    this.markets.forEach((mk, m) => {
      const q = sub.holdings[m];
      if (q === 0) return;
      coins[mk.base] = q;
      transfer(out, sub.id, sub.subAccount, sub.subscriber, mk.base, q, 'return', ts);
      sub.holdings[m] = 0;
    });
    const cash = sub.cash;
    if (cash > 0) transfer(out, sub.id, sub.subAccount, sub.subscriber, this.quote, cash, 'return', ts);
    sub.cash = 0;
    sub.status = 'ended';
    this.live.delete(`${sub.subscriber}:${sub.leader}`);
    this.strategies.get(sub.leader)!.subs.delete(sub.id);
    out.ranking.push({ type: 'account_closed', ts, account: sub.subAccount });
    const reason = sub.endReason!;
    notify(
      out,
      sub.subscriber,
      ts,
      { kind: 'copy_ended', leader: sub.leader, reason, returnedQuote: cash, returnedCoins: coins },
      sub.id,
    );
    if (!this.deletedLeaders.has(sub.leader)) {
      out.ranking.push({ type: 'followers', ts, account: sub.leader, delta: -1 });
      notify(out, sub.leader, ts, { kind: 'follower_left', subscriber: sub.subscriber, reason }, sub.id);
    }
  }

  /** Emits an order and sets aside what it may take. A null price is a market order (close-outs must fill). */
  private place(
    out: CopyOutput,
    sub: Subscription,
    m: number,
    side: Side,
    quantity: number,
    price: number | null,
    purpose: 'copy' | 'close',
    ts: number,
  ): void {
    const mk = this.markets[m];
    const clientOrderId = `copy-${sub.id}-${++this.orderSeq}`;
    let reserved: number;
    if (side === 'buy') {
      reserved = maxBuyCost(mk, price!, quantity);
      sub.cash -= reserved;
      sub.reservedQuote += reserved;
    } else {
      reserved = quantity;
      sub.reservedBase[m] += quantity;
    }
    this.orders.set(clientOrderId, { subId: sub.id, market: m, side, quantity, reserved });
    sub.pending.add(clientOrderId);
    out.orders.push({
      subscriptionId: sub.id,
      subscriber: sub.subscriber,
      reserved,
      purpose,
      command:
        price === null
          ? {
              type: 'place',
              ts,
              market: mk.id,
              account: sub.subAccount,
              clientOrderId,
              side,
              orderType: 'market',
              quantity,
            }
          : {
              type: 'place',
              ts,
              market: mk.id,
              account: sub.subAccount,
              clientOrderId,
              side,
              orderType: 'limit',
              timeInForce: 'IOC',
              price,
              quantity,
            },
    });
  }

  /**
   * Quote value of a sub-account at the last known prices (or `marks`, per market index, where not 0): free and
   * set-aside cash plus every coin held; +Infinity when that is beyond the safe range (a value that large is
   * above any stop-loss floor).
   */
  private equity(sub: Subscription, marks?: readonly number[]): number {
    let e = sub.cash + sub.reservedQuote;
    this.markets.forEach((mk, m) => {
      const q = sub.holdings[m];
      if (q === 0) return;
      const price = marks?.[m] || this.lastPrice[m];
      if (price === 0) throw new CopyError('INVALID_INPUT', `no price for ${mk.id} to value subscription ${sub.id}`);
      e += notionalOf(mk, price, q);
    });
    // Terms in range (or +Infinity) and monotonic rounding: a sum past the range reads past it.
    return inRange(e) ? e : Infinity;
  }

  /** Leader marks as prices per market index (0: the market's own), checked like prices. */
  private leaderMarks(leaderPrices: LeaderPrices | undefined): Map<AccountId, number[]> {
    const out = new Map<AccountId, number[]>();
    if (leaderPrices === undefined) return out;
    if (leaderPrices === null || typeof leaderPrices !== 'object')
      throw new CopyError('INVALID_INPUT', 'leaderPrices must be a map of leader to prices');
    for (const [leader, prices] of Object.entries(leaderPrices)) {
      if (prices === null || typeof prices !== 'object')
        throw new CopyError('INVALID_INPUT', `prices of leader ${leader} must be a map of market to price`);
      const marks = this.markets.map(() => 0);
      for (const [id, p] of Object.entries(prices))
        marks[this.market(id)] = pos(p, `price of ${id} for leader ${leader}`);
      out.set(nonNeg(Number(leader), 'leader'), marks);
    }
    return out;
  }

  private takePrices(prices: Prices): void {
    if (prices === null || typeof prices !== 'object')
      throw new CopyError('INVALID_INPUT', 'prices must be a map of market to price');
    for (const [id, p] of Object.entries(prices)) this.lastPrice[this.market(id)] = pos(p, `price of ${id}`);
  }

  private market(id: string): number {
    const m = this.marketIndex.get(id);
    if (m === undefined) throw new CopyError('UNKNOWN_MARKET', `market ${String(id)} is not open to copy trading`);
    return m;
  }

  private rate(bps: unknown): number {
    if (!Number.isSafeInteger(bps) || (bps as number) < 0 || (bps as number) > this.maxProfitShareBps) {
      throw new CopyError('RATE_OUT_OF_RANGE', `the profit share must be 0–${this.maxProfitShareBps} bps`);
    }
    return bps as number;
  }

  private strategyOf(leader: AccountId): Strategy {
    const s = this.strategies.get(leader);
    if (!s) throw new CopyError('NO_STRATEGY', `account ${leader} has not opened a strategy for copying`);
    if (this.deletedLeaders.has(leader)) throw new CopyError('LEADER_DELETED', `account ${leader} was deleted`);
    return s;
  }

  private subOf(id: number): Subscription {
    const s = this.subs.get(id);
    if (!s) throw new CopyError('UNKNOWN_SUBSCRIPTION', `no subscription ${String(id)}`);
    return s;
  }

  /** A subscription that is copying or paused (not closing or ended). */
  private running(id: number): Subscription {
    const s = this.subOf(id);
    if (s.status !== 'active' && s.status !== 'paused')
      throw new CopyError('SUBSCRIPTION_NOT_ACTIVE', `subscription ${s.id} is ${s.status}`);
    return s;
  }
}
