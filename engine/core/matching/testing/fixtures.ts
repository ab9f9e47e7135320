/**
 * Shared test fixtures for the matching engine: a small market with round numbers, and a harness that funds
 * accounts, tracks what entered the ledger from outside, and checks conservation and the engine's own audit.
 */
import { acceptedOrderId, expectConserved } from './ledger-checks';
import { MatchingEngine } from '../engine';
import type { Command, EngineEvent, MarketConfig, PlaceCommand } from '../types';

/** Quantity unit 0.01 LPJ (baseDecimals 2), price in won per LPJ: notional = price × quantity / 100. */
export const LPJ: MarketConfig = {
  id: 'LPJ-KRW',
  base: 'LPJ',
  quote: 'KRW',
  baseDecimals: 2,
  tickSize: 5,
  lotSize: 10,
  minNotional: 1_000,
  makerFeeBps: 10,
  takerFeeBps: 20,
  priceBandBps: 500,
};

/** Three traders and the balances each starts with in `funded()`. */
export const A = 1;
export const B = 2;
export const C = 3;
export const RICH = { KRW: 100_000_000, LPJ: 1_000_000 };

export class Harness {
  readonly engine: MatchingEngine;
  /** Per asset: deposits minus withdrawals accepted so far. */
  readonly external = new Map<string, number>();
  readonly events: EngineEvent[] = [];

  constructor(markets: MarketConfig[] = [LPJ]) {
    this.engine = new MatchingEngine(markets);
  }

  apply(cmd: Command): EngineEvent[] {
    const events = this.engine.apply(cmd);
    for (const e of events) {
      if (e.type === 'deposited') this.external.set(e.asset, (this.external.get(e.asset) ?? 0) + e.amount);
      if (e.type === 'withdrawn') this.external.set(e.asset, (this.external.get(e.asset) ?? 0) - e.amount);
    }
    this.events.push(...events);
    return events;
  }

  /** Opens the account and deposits the given balances. */
  fund(account: number, balances: Record<string, number>): void {
    if (!this.engine.hasAccount(account)) this.apply({ type: 'open_account', account });
    for (const [asset, amount] of Object.entries(balances)) this.apply({ type: 'deposit', account, asset, amount });
  }

  place(
    account: number,
    order: Omit<PlaceCommand, 'type' | 'account' | 'market'> & { market?: string },
  ): EngineEvent[] {
    return this.apply({ type: 'place', market: LPJ.id, account, ...order } as PlaceCommand);
  }

  limit(
    account: number,
    side: 'buy' | 'sell',
    price: number,
    quantity: number,
    extra: Partial<PlaceCommand> = {},
  ): EngineEvent[] {
    return this.place(account, { side, orderType: 'limit', price, quantity, ...extra });
  }

  /** The id of the order accepted among `events`. */
  static orderId(events: EngineEvent[]): number {
    return acceptedOrderId(events);
  }

  /** Conservation (per asset, all balances = external flows) and the engine's invariants. */
  check(): void {
    expectConserved(this.engine, this.external);
  }
}

export const types = (events: EngineEvent[]) => events.map((e) => e.type);

/** A harness on the LPJ market with A, B and C each funded with RICH. */
export function funded(): Harness {
  const h = new Harness();
  for (const account of [A, B, C]) h.fund(account, RICH);
  return h;
}
