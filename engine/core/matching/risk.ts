/**
 * The risk stage: the only part of the matching engine that touches balances, as in exchange-core's pipeline.
 * Before an order meets the book, it checks the order's worst cost against what its owner has available and
 * holds it; after the book has spoken, it settles each trade out of the holds and releases what an order no
 * longer needs. The book and the matcher never read a balance.
 *
 * Rules:
 * - An order holds the most it can still cost: a sell its remaining base quantity; a buy the notional of its
 *   remaining quantity at its worst price plus the highest fee either side of the market can pay; a market buy
 *   by quote amount that amount. A fill never costs more than what is held for it (rounding is always down, see
 *   ./money), so settling never needs funds that were not held.
 * - Nothing is held that is not available, and a release gives back exactly what the order held: an order's
 *   `held` is the one record of its hold, and the owner's `held` balance is the sum of them (`audit` checks it).
 * - Amounts are computed with the saturating helpers of ./money: a hold past the safe range is +Infinity, and
 *   `refuseHold` refuses it AMOUNT_OUT_OF_RANGE before anything changes. Ledger moves that would go negative
 *   throw (a bug, never an input): every move here was checked first.
 */
import type { Trader } from './accounts';
import { objectList } from './arrays';
import { Ledger } from './ledger';
import type { Market } from './market';
import { fee, inRange, notional } from './money';
import type { Order } from './order';
import { FEE_ACCOUNT, type Balance, type RejectReason, type Side } from './types';

/** An account's balances in one market's quote and base asset: what its orders there hold from and settle to. */
export class MarketFunds {
  constructor(
    readonly quote: Balance,
    readonly base: Balance,
  ) {}
}

export class RiskStage {
  readonly ledger = new Ledger();
  /** By market index: the fee account's balance in the market's quote asset. */
  private readonly feeQuote = objectList<Balance>();

  addMarket(m: Market): void {
    this.feeQuote[m.index] = this.ledger.get(FEE_ACCOUNT)!.balance(m.config.quote);
  }

  /** The owner's balances in the market, looked up once per account and market. */
  funds(trader: Trader, m: Market): MarketFunds {
    let f = trader.funds[m.index];
    if (f === undefined) {
      f = new MarketFunds(trader.account.balance(m.config.quote), trader.account.balance(m.config.base));
      trader.funds[m.index] = f;
    }
    return f;
  }

  /**
   * The balance an order on `side` would hold from. Before the account's first order in the market only that
   * one balance is looked up (an empty one is created, as the ledger does for any balance asked for), so a
   * refused order leaves the account's balances as they were.
   */
  private source(trader: Trader, m: Market, side: Side): Balance {
    const f = trader.funds[m.index];
    if (f !== undefined) return side === 'buy' ? f.quote : f.base;
    return trader.account.balance(side === 'buy' ? m.config.quote : m.config.base);
  }

  /** What a buy of `quantity` at `price` holds: notional plus the highest fee (+Infinity past the safe range). */
  buyHold(m: Market, price: number, quantity: number): number {
    const amount = notional(price, quantity, m.unit);
    return amount + fee(amount, m.maxFeeBps);
  }

  /** What an order on `side` with `remaining` base units at worst price `price` holds. */
  holdFor(m: Market, side: Side, price: number, remaining: number): number {
    return side === 'sell' ? remaining : this.buyHold(m, price, remaining);
  }

  /**
   * Why the owner cannot hold `need` for an order on `side` that already holds `held` (0 for a new order), or
   * null if it can.
   */
  refuseHold(trader: Trader, m: Market, side: Side, need: number, held: number): RejectReason | null {
    if (!inRange(need)) return 'AMOUNT_OUT_OF_RANGE';
    if (need - held > this.source(trader, m, side).available) return 'INSUFFICIENT_FUNDS';
    return null;
  }

  /** Holds `need` for the order, or holds more or releases the difference from what it holds now. */
  setHold(order: Order, need: number): void {
    const b = order.side === 'buy' ? order.funds.quote : order.funds.base;
    if (need > order.held) this.ledger.hold(b, need - order.held);
    else if (need < order.held) this.ledger.release(b, order.held - need);
    order.held = need;
  }

  /** Releases everything the order holds (it is closing). */
  release(order: Order): void {
    if (order.held > 0) {
      this.ledger.release(order.side === 'buy' ? order.funds.quote : order.funds.base, order.held);
      order.held = 0;
    }
  }

  /** Releases what a buy order holds beyond what its remaining quantity can still cost at its price. */
  trim(m: Market, order: Order): void {
    if (order.side !== 'buy') return;
    const need = this.buyHold(m, order.price, order.remaining);
    if (order.held > need) {
      this.ledger.release(order.funds.quote, order.held - need);
      order.held = need;
    }
  }

  /**
   * Settles one trade out of the holds: the buyer pays the notional (and a positive fee) from what its order
   * holds, the seller delivers the base from its order's hold, and fees go to (rebates come from) the fee
   * account. The taker's fee is settled before the maker's, so a maker rebate is always covered by the same
   * trade's taker fee.
   */
  settle(
    m: Market,
    maker: Order,
    taker: Order,
    quantity: number,
    amount: number,
    makerFee: number,
    takerFee: number,
  ): void {
    const ledger = this.ledger;
    const takerBuys = taker.side === 'buy';
    const buyer = takerBuys ? taker : maker;
    const seller = takerBuys ? maker : taker;
    const buyerFee = takerBuys ? takerFee : makerFee;
    const sellerFee = takerBuys ? makerFee : takerFee;
    const buyerQuote = buyer.funds.quote;
    const sellerQuote = seller.funds.quote;
    const feeQuote = this.feeQuote[m.index];
    ledger.settleHeld(buyerQuote, sellerQuote, amount);
    if (takerBuys) {
      if (buyerFee > 0) ledger.settleHeld(buyerQuote, feeQuote, buyerFee);
      else if (buyerFee < 0) ledger.transfer(buyerQuote, feeQuote, buyerFee);
      if (sellerFee !== 0) ledger.transfer(sellerQuote, feeQuote, sellerFee);
    } else {
      if (sellerFee !== 0) ledger.transfer(sellerQuote, feeQuote, sellerFee);
      if (buyerFee > 0) ledger.settleHeld(buyerQuote, feeQuote, buyerFee);
      else if (buyerFee < 0) ledger.transfer(buyerQuote, feeQuote, buyerFee);
    }
    buyer.held -= buyerFee > 0 ? amount + buyerFee : amount;
    ledger.settleHeld(seller.funds.base, buyer.funds.base, quantity);
    seller.held -= quantity;
  }
}
