/**
 * A stand-in for the server around CopyTrading in tests: a double-entry ledger that books every transfer and
 * fill, and a market that fills copy orders against a set price (IOC limits only within their limit, market
 * orders always) when the market maker has what the order takes (as an engine's ledger, the maker cannot pay
 * out more than it holds). It checks after every step that the ledger and the copy state agree about each
 * sub-account and that no asset was created or destroyed.
 */
import type { MarketConfig } from '../../matching/types';
import { fee as feeOf, notional } from '../../matching/money';
import { CopyTrading, type Fill } from '../copy-trading';
import type { CopyConfig, CopyOutput } from '../types';

export const MARKET_MAKER = 900;
export const FEE_ACCOUNT = 901;

export const BTC_KRW: MarketConfig = {
  id: 'BTC-KRW',
  base: 'BTC',
  quote: 'KRW',
  baseDecimals: 8,
  tickSize: 1_000,
  lotSize: 10_000, // 0.0001 BTC
  minNotional: 5_000,
  makerFeeBps: 0,
  takerFeeBps: 5,
  priceBandBps: 500,
};

export class Harness {
  readonly copy: CopyTrading;
  readonly ledger = new Map<number, Map<string, number>>();
  /** Price the market fills at, per market id. */
  readonly price = new Map<string, number>();
  /** Every output seen, in order (orders' results included). */
  readonly log: CopyOutput[] = [];
  /** Called for every fill the market makes against a copy order (the trade the engine would report). */
  onFill:
    | ((fill: {
        ts: number;
        market: string;
        account: number;
        side: 'buy' | 'sell';
        price: number;
        quantity: number;
        quoteAmount: number;
        fee: number;
      }) => void)
    | null = null;
  private readonly totals = new Map<string, number>();
  private readonly markets: readonly MarketConfig[];

  constructor(config: CopyConfig) {
    this.copy = new CopyTrading(config);
    this.markets = config.markets;
  }

  balance(account: number, asset: string): number {
    return this.ledger.get(account)?.get(asset) ?? 0;
  }

  deposit(account: number, asset: string, amount: number): void {
    this.add(account, asset, amount);
    this.totals.set(asset, (this.totals.get(asset) ?? 0) + amount);
  }

  /** Books an operation's output, executes its orders (and theirs, recursively), then checks the invariants. */
  run<T extends CopyOutput>(out: T, ts = 0): T {
    this.log.push(out);
    for (const t of out.transfers) {
      if (this.balance(t.from, t.asset) < t.amount)
        throw new Error(`ledger: ${t.from} cannot pay ${t.amount} ${t.asset}`);
      this.add(t.from, t.asset, -t.amount);
      this.add(t.to, t.asset, t.amount);
    }
    for (const o of out.orders) {
      const c = o.command;
      const mk = this.markets.find((m) => m.id === c.market)!;
      const p = this.price.get(c.market)!;
      const fills: Fill[] = [];
      const within =
        c.orderType === 'market' || (c.side === 'buy' ? p <= (c.price as number) : p >= (c.price as number));
      const q = c.quantity as number;
      const quote = notional(p, q, 10 ** mk.baseDecimals);
      if (
        within &&
        this.balance(MARKET_MAKER, c.side === 'buy' ? mk.base : mk.quote) >= (c.side === 'buy' ? q : quote)
      ) {
        const fee = feeOf(quote, mk.takerFeeBps);
        fills.push({ price: p, quantity: q, quoteAmount: quote, fee });
        const [pay, get] = c.side === 'buy' ? [mk.quote, mk.base] : [mk.base, mk.quote];
        const given = c.side === 'buy' ? quote + fee : q;
        const got = c.side === 'buy' ? q : quote - fee;
        if (this.balance(c.account, pay) < given) throw new Error(`ledger: ${c.account} cannot pay ${given} ${pay}`);
        this.add(c.account, pay, -given);
        this.add(c.account, get, got);
        this.add(MARKET_MAKER, get, -(c.side === 'buy' ? q : quote));
        this.add(MARKET_MAKER, pay, c.side === 'buy' ? quote : q);
        this.add(FEE_ACCOUNT, mk.quote, fee);
        this.onFill?.({
          ts,
          market: c.market,
          account: c.account,
          side: c.side,
          price: p,
          quantity: q,
          quoteAmount: quote,
          fee,
        });
      }
      this.run(this.copy.copyOrderResult({ clientOrderId: c.clientOrderId as string, fills, ts }), ts);
    }
    this.check();
    return out;
  }

  /** The ledger's view of every sub-account equals the copy state's; every asset's total is unchanged. */
  check(): void {
    for (const [asset, total] of this.totals) {
      let sum = 0;
      for (const balances of this.ledger.values()) sum += balances.get(asset) ?? 0;
      if (sum !== total) throw new Error(`ledger: ${asset} sums to ${sum}, not ${total}`);
    }
    for (let id = 1; ; id++) {
      let v;
      try {
        v = this.copy.subscription(id);
      } catch {
        break;
      }
      const quote = this.balance(v.subAccount, this.markets[0].quote);
      if (quote !== v.freeCash + v.reservedQuote)
        throw new Error(`sub-account ${v.subAccount}: ledger ${quote}, copy state ${v.freeCash + v.reservedQuote}`);
      for (const mk of this.markets) {
        const coins = this.balance(v.subAccount, mk.base);
        if (coins !== (v.holdings[mk.id] ?? 0))
          throw new Error(
            `sub-account ${v.subAccount}: ledger ${coins} ${mk.base}, copy state ${v.holdings[mk.id] ?? 0}`,
          );
      }
      if (v.freeCash < 0) throw new Error(`subscription ${id} has negative free cash`);
    }
  }

  private add(account: number, asset: string, amount: number): void {
    let b = this.ledger.get(account);
    if (!b) this.ledger.set(account, (b = new Map()));
    b.set(asset, (b.get(asset) ?? 0) + amount);
  }
}
