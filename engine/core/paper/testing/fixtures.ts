/**
 * Test fixtures for the paper engine: a market with round numbers, and a harness that plays the feed and the
 * clock, tracks what entered and left the ledger, and checks conservation and the engine's audit.
 */
import { acceptedOrderId, expectConserved } from '../../matching/testing/ledger-checks';
import type { Level } from '../../market-data/types';
import { PaperEngine } from '../paper-engine';
import type {
  PaperBook,
  PaperCommand,
  PaperEvent,
  PaperEventType,
  PaperMarketConfig,
  PaperOrderRequest,
} from '../types';

/**
 * Size unit 0.01 TST, price and balances in whole won: notional = price × size / 100. Distinct maker and
 * taker fees so a test can tell which one was charged.
 */
export const TST: PaperMarketConfig = {
  id: 'TST-KRW',
  exchange: 'upbit',
  base: 'TST',
  quote: 'KRW',
  priceDecimals: 0,
  sizeDecimals: 2,
  quoteDecimals: 0,
  makerFeeBps: 10,
  takerFeeBps: 20,
  minNotional: 1_000,
  stopBandBps: 500,
};

export const GRANT = 1_000_000;

export class Harness {
  readonly engine: PaperEngine;
  /** Per asset: grants minus withdrawals so far. */
  readonly external = new Map<string, number>();
  readonly events: PaperEvent[] = [];
  now = 1_700_000_000_000;
  book: PaperBook | undefined;
  last: number | undefined;

  constructor(
    markets: PaperMarketConfig[] = [TST],
    grants: Record<string, number> = { KRW: GRANT },
    readonly market = markets[0].id,
  ) {
    this.engine = new PaperEngine({ markets, grants });
  }

  apply(cmd: PaperCommand): PaperEvent[] {
    const events = this.engine.apply(cmd);
    for (const e of events) {
      if (e.type === 'deposited') this.external.set(e.asset, (this.external.get(e.asset) ?? 0) + e.amount);
      if (e.type === 'withdrawn') this.external.set(e.asset, (this.external.get(e.asset) ?? 0) - e.amount);
    }
    this.events.push(...events);
    return events;
  }

  open(account: number): PaperEvent[] {
    return this.apply({ type: 'open_account', ts: this.now, account });
  }

  /** The feed's current book, received now. */
  setBook(bids: Level[], asks: Level[]): void {
    this.book = { receivedAt: this.now, live: true, bids, asks };
  }

  place(account: number, order: Omit<PaperOrderRequest, 'market'> & { market?: string }): PaperEvent[] {
    return this.apply({
      type: 'place',
      ts: this.now,
      account,
      market: this.market,
      book: this.book,
      last: this.last,
      ...order,
    });
  }

  /** A trade printed by the exchange; it carries the book, as the trader does when stops may trigger. */
  trade(price: number, size: number): PaperEvent[] {
    this.last = price;
    return this.apply({ type: 'trade', ts: this.now, market: this.market, price, size, book: this.book });
  }

  cancel(account: number, orderId: number): PaperEvent[] {
    return this.apply({ type: 'cancel', ts: this.now, account, market: this.market, orderId });
  }

  /** Amends an order against the current book, as the trader does. */
  amend(account: number, orderId: number, change: { quantity?: number; price?: number }): PaperEvent[] {
    return this.apply({
      type: 'amend',
      ts: this.now,
      account,
      market: this.market,
      orderId,
      book: this.book,
      ...change,
    });
  }

  /** The order id of the order accepted among `events`. */
  static orderId(events: PaperEvent[]): number {
    return acceptedOrderId(events);
  }

  /** Conservation (per asset, the sum over all accounts = grants − withdrawals) and the engine's audit. */
  check(): void {
    expectConserved(this.engine, this.external);
  }
}

export const types = (events: PaperEvent[]) => events.map((e) => e.type);

export function only<T extends PaperEventType>(events: PaperEvent[], type: T): Extract<PaperEvent, { type: T }>[] {
  return events.filter((e): e is Extract<PaperEvent, { type: T }> => e.type === type);
}
