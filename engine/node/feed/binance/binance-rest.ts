/**
 * Binance Spot REST market data: 1m, 1w and 1M klines (oldest first, at most 1000 per request; weeks open on
 * Monday and months on the 1st, 00:00 UTC) and depth snapshots.
 */
import { parseDecimalUnits } from '../../../core/market-data/decimal';
import { malformed } from '../frame-error';
import { UnknownMarketError } from '../../../core/market-data/markets';
import { HttpError, type RestClient } from '../rest-client';
import type { Candle, CandlePage, CandleSource, FeedMarket, LongCandleInterval } from '../../../core/market-data/types';
import { type DepthSnapshot, parseDepthSnapshot } from './binance-protocol';

export const BINANCE_MAX_KLINES = 1000;

function unknownSymbol(err: unknown, market: FeedMarket): never {
  // Binance answers an unknown symbol with 400 {"code":-1121,"msg":"Invalid symbol."}.
  if (err instanceof HttpError && err.status === 400 && /-1121|invalid symbol/i.test(err.body)) {
    throw new UnknownMarketError('binance', market.id, `Binance does not list ${market.symbol}`);
  }
  throw err;
}

export class BinanceRest implements CandleSource {
  constructor(private readonly rest: RestClient) {}

  fetchMinuteCandles(market: FeedMarket, endBefore: number, limit: number, signal?: AbortSignal): Promise<CandlePage> {
    return this.fetchKlines('1m', market, endBefore, limit, signal);
  }

  fetchLongCandles(
    market: FeedMarket,
    interval: LongCandleInterval,
    endBefore: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<CandlePage> {
    return this.fetchKlines(interval, market, endBefore, limit, signal);
  }

  private async fetchKlines(
    interval: '1m' | LongCandleInterval,
    market: FeedMarket,
    endBefore: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<CandlePage> {
    if (market.exchange !== 'binance')
      throw new Error(`BinanceRest cannot serve ${market.exchange} market ${market.id}`);
    const pages: Candle[][] = [];
    let got = 0;
    let end = endBefore;
    let exhausted = false;
    while (got < limit) {
      const want = Math.min(BINANCE_MAX_KLINES, limit - got);
      let raw: unknown;
      try {
        // endTime is inclusive on Binance; endBefore is exclusive.
        raw = await this.rest.get({
          path: '/api/v3/klines',
          params: { symbol: market.symbol, interval, endTime: end - 1, limit: want },
          signal,
        });
      } catch (err) {
        unknownSymbol(err, market);
      }
      const page = parseKlines(raw, market, end);
      pages.unshift(page);
      got += page.length;
      if (page.length < want) {
        exhausted = true;
        break;
      }
      end = page[0].openTime;
    }
    const candles = pages.flat();
    return { candles, nextEndBefore: exhausted || candles.length === 0 ? undefined : candles[0].openTime };
  }

  /** GET /api/v3/depth. Weight grows with `limit` (5 up to 100, 25 to 500, 50 to 1000, 250 to 5000). */
  async fetchDepth(market: FeedMarket, limit: number, signal?: AbortSignal): Promise<DepthSnapshot> {
    let raw: unknown;
    try {
      raw = await this.rest.get({ path: '/api/v3/depth', params: { symbol: market.symbol, limit }, signal });
    } catch (err) {
      unknownSymbol(err, market);
    }
    return parseDepthSnapshot(raw, market);
  }
}

/** Kline rows → candles, oldest first, each before `endBefore`, strictly ascending. */
export function parseKlines(raw: unknown, m: FeedMarket, endBefore: number): Candle[] {
  if (!Array.isArray(raw)) malformed('klines: not an array');
  const out: Candle[] = [];
  let prev = -1;
  for (const r of raw) {
    if (!Array.isArray(r) || r.length < 6 || typeof r[0] !== 'number' || !Number.isSafeInteger(r[0]))
      malformed('klines: bad row');
    for (let i = 1; i <= 5; i++)
      if (typeof r[i] !== 'string') malformed('klines: prices and volume must be decimal text');
    const c: Candle = {
      openTime: r[0],
      open: parseDecimalUnits(r[1], m.priceDecimals),
      high: parseDecimalUnits(r[2], m.priceDecimals),
      low: parseDecimalUnits(r[3], m.priceDecimals),
      close: parseDecimalUnits(r[4], m.priceDecimals),
      volume: parseDecimalUnits(r[5], m.sizeDecimals),
    };
    if (c.openTime <= prev || c.openTime >= endBefore || c.openTime % 60_000 !== 0)
      malformed('klines: rows out of order or out of range');
    if (c.low > c.high || c.open > c.high || c.close > c.high || c.open < c.low || c.close < c.low)
      malformed('klines: inconsistent OHLC');
    prev = c.openTime;
    out.push(c);
  }
  return out;
}
