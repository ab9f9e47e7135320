/**
 * Upbit candle history over REST: 1m candles from `/v1/candles/minutes/1?market&count&to`, weekly and monthly
 * ones from `/v1/candles/weeks` and `/v1/candles/months` (same query and rows, `first_day_of_period` instead of
 * `unit`); newest first, at most 200 per request, `to` an exclusive end. A period without trades has no candle,
 * so pages are not contiguous in time.
 */
import { z } from 'zod';
import { numberToUnits } from '../../../core/market-data/decimal';
import { UnknownMarketError } from '../../../core/market-data/markets';
import { HttpError, type RestClient } from '../rest-client';
import type { Candle, CandlePage, CandleSource, FeedMarket, LongCandleInterval } from '../../../core/market-data/types';

const LONG_PATH: Record<LongCandleInterval, string> = { '1w': '/v1/candles/weeks', '1M': '/v1/candles/months' };

export const UPBIT_MAX_CANDLES = 200;

const row = z.object({
  market: z.string(),
  candle_date_time_utc: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
  opening_price: z.number().nonnegative(),
  high_price: z.number().nonnegative(),
  low_price: z.number().nonnegative(),
  trade_price: z.number().nonnegative(),
  timestamp: z.number(),
  candle_acc_trade_volume: z.number().nonnegative(),
  unit: z.number().optional(),
  first_day_of_period: z.string().optional(),
});
const body = z.array(row);

/** `to` as Upbit wants it: ISO in UTC with Z, to the second (rounded up, so `to` stays exclusive of endBefore). */
export function upbitTo(endBefore: number): string {
  return new Date(Math.ceil(endBefore / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class UpbitCandleSource implements CandleSource {
  constructor(private readonly rest: RestClient) {}

  fetchMinuteCandles(market: FeedMarket, endBefore: number, limit: number, signal?: AbortSignal): Promise<CandlePage> {
    return this.fetchPages('/v1/candles/minutes/1', market, endBefore, limit, signal);
  }

  fetchLongCandles(
    market: FeedMarket,
    interval: LongCandleInterval,
    endBefore: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<CandlePage> {
    return this.fetchPages(LONG_PATH[interval], market, endBefore, limit, signal);
  }

  private async fetchPages(
    path: string,
    market: FeedMarket,
    endBefore: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<CandlePage> {
    if (market.exchange !== 'upbit')
      throw new Error(`UpbitCandleSource cannot serve ${market.exchange} market ${market.id}`);
    const newestFirst: Candle[] = [];
    let end = endBefore;
    let exhausted = false;
    while (newestFirst.length < limit) {
      const count = Math.min(UPBIT_MAX_CANDLES, limit - newestFirst.length);
      let raw: unknown;
      try {
        raw = await this.rest.get({
          path,
          params: { market: market.symbol, count, to: upbitTo(end) },
          signal,
        });
      } catch (err) {
        if (err instanceof HttpError && (err.status === 404 || /code not found/i.test(err.body))) {
          throw new UnknownMarketError('upbit', market.id, `Upbit does not list ${market.symbol}`);
        }
        throw err;
      }
      const parsed = body.safeParse(raw);
      if (!parsed.success)
        throw new Error(`Upbit candles for ${market.symbol}: malformed response: ${parsed.error.issues[0]?.message}`);
      let prev = end;
      for (const r of parsed.data) {
        if (r.market !== market.symbol) throw new Error(`Upbit candles: asked for ${market.symbol}, got ${r.market}`);
        const candle = toCandle(r, market);
        // Newest first and strictly before `to`: anything else is a broken page, not something to paper over.
        if (candle.openTime >= prev)
          throw new Error(`Upbit candles for ${market.symbol}: rows out of order at ${r.candle_date_time_utc}`);
        prev = candle.openTime;
        newestFirst.push(candle);
      }
      if (parsed.data.length < count) {
        exhausted = true;
        break;
      }
      end = prev;
    }
    const candles = newestFirst.reverse();
    return { candles, nextEndBefore: exhausted || candles.length === 0 ? undefined : candles[0].openTime };
  }
}

function toCandle(r: z.infer<typeof row>, m: FeedMarket): Candle {
  const openTime = Date.parse(`${r.candle_date_time_utc}Z`);
  if (!Number.isFinite(openTime) || openTime % 60_000 !== 0)
    throw new Error(`Upbit candles: bad candle time ${r.candle_date_time_utc}`);
  const c: Candle = {
    openTime,
    open: numberToUnits(r.opening_price, m.priceDecimals),
    high: numberToUnits(r.high_price, m.priceDecimals),
    low: numberToUnits(r.low_price, m.priceDecimals),
    close: numberToUnits(r.trade_price, m.priceDecimals),
    // A sum the exchange keeps in floating point: rounded to the size unit (see decimal.ts).
    volume: numberToUnits(r.candle_acc_trade_volume, m.sizeDecimals, 'nearest'),
  };
  if (c.low > c.high || c.open > c.high || c.close > c.high || c.open < c.low || c.close < c.low) {
    throw new Error(`Upbit candles: inconsistent OHLC at ${r.candle_date_time_utc}`);
  }
  return c;
}
