/**
 * Upbit's past trades over REST: `GET /v1/trades/ticks?market&to&count&cursor&daysAgo` — the trades of the most
 * recent trade date (UTC), or of up to UPBIT_TICKS_DAYS days before it (`daysAgo`); newest first, at most
 * UPBIT_MAX_TICKS per request, paged back with `cursor` = the last row's `sequential_id`. Nothing older is
 * published. Rows that break the format fail the whole page (MalformedFrameError).
 */
import { z } from 'zod';
import { numberToUnits } from '../../../core/market-data/decimal';
import { malformed } from '../frame-error';
import type { RestClient } from '../rest-client';
import type { FeedMarket, TradeEvent } from '../../../core/market-data/types';

export const UPBIT_MAX_TICKS = 500;
/** How many days before the most recent trade date `daysAgo` reaches. */
export const UPBIT_TICKS_DAYS = 7;

const row = z.object({
  market: z.string(),
  timestamp: z.number().int().nonnegative(),
  trade_price: z.number().positive(),
  trade_volume: z.number().positive(),
  ask_bid: z.enum(['ASK', 'BID']),
  sequential_id: z.number().int().nonnegative(),
});

export interface TickPage {
  /** 0 (the most recent trade date) to UPBIT_TICKS_DAYS. */
  daysAgo: number;
  /** "HHmmss" (UTC): trades before this time of that day. */
  to?: string;
  cursor?: number;
  count?: number;
}

/** `to` of a time: its UTC "HHmmss". */
export function upbitTickTo(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19).replaceAll(':', '');
}

export class UpbitTrades {
  constructor(private readonly rest: RestClient) {}

  /** One page, newest first, as the exchange sent it (its order within a second is not guaranteed). */
  async fetchTicks(market: FeedMarket, page: TickPage, signal?: AbortSignal): Promise<TradeEvent[]> {
    if (market.exchange !== 'upbit') throw new Error(`UpbitTrades cannot serve ${market.exchange} market ${market.id}`);
    const raw = await this.rest.get({
      path: '/v1/trades/ticks',
      params: {
        market: market.symbol,
        count: Math.min(page.count ?? UPBIT_MAX_TICKS, UPBIT_MAX_TICKS),
        ...(page.daysAgo > 0 ? { daysAgo: page.daysAgo } : {}),
        ...(page.to ? { to: page.to } : {}),
        ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
      },
      signal,
    });
    if (!Array.isArray(raw)) malformed('trades/ticks: not an array');
    return raw.map((r): TradeEvent => {
      const parsed = row.safeParse(r);
      if (!parsed.success) malformed(`trades/ticks: bad row (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      const t = parsed.data;
      if (t.market !== market.symbol) malformed(`trades/ticks: a row of ${t.market}`);
      return {
        type: 'trade',
        market: market.id,
        ts: t.timestamp,
        price: numberToUnits(t.trade_price, market.priceDecimals),
        size: numberToUnits(t.trade_volume, market.sizeDecimals),
        side: t.ask_bid === 'BID' ? 'buy' : 'sell',
        tradeId: String(t.sequential_id),
      };
    });
  }
}
