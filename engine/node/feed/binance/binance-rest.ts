/**
 * Binance Spot REST market data: 1m, 1w and 1M klines (oldest first, at most 1000 per request; weeks open on
 * Monday and months on the 1st, 00:00 UTC), depth snapshots and the trades of the past (aggTrades).
 */
import { parseDecimalUnits } from '../../../core/market-data/decimal';
import { malformed } from '../frame-error';
import { UnknownMarketError } from '../../../core/market-data/markets';
import { HttpError, type RestClient } from '../rest-client';
import type {
  Candle,
  CandlePage,
  CandleSource,
  FeedMarket,
  LongCandleInterval,
  TradeEvent,
} from '../../../core/market-data/types';
import { type DepthSnapshot, parseDepthSnapshot } from './binance-protocol';

export const BINANCE_MAX_KLINES = 1000;
export const BINANCE_MAX_AGG_TRADES = 1000;
/** aggTrades refuses a startTime and endTime an hour or more apart (-1127). */
export const BINANCE_AGG_TRADES_SPAN_MS = 3_600_000;

/** Where an aggTrades page starts: after a trade id, or at a time (with an end less than an hour later). */
export type AggTradesFrom = { fromId: number } | { startTime: number; endTime: number };

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

  /**
   * GET /api/v3/aggTrades (weight 4): up to `limit` trades, oldest first, each merged trade as one. Rows that
   * break the format, or are out of order, fail the whole page (MalformedFrameError).
   */
  async fetchAggTrades(
    market: FeedMarket,
    from: AggTradesFrom,
    limit = BINANCE_MAX_AGG_TRADES,
    signal?: AbortSignal,
  ): Promise<TradeEvent[]> {
    let raw: unknown;
    try {
      raw = await this.rest.get({
        path: '/api/v3/aggTrades',
        params: { symbol: market.symbol, ...from, limit: Math.min(limit, BINANCE_MAX_AGG_TRADES) },
        signal,
      });
    } catch (err) {
      unknownSymbol(err, market);
    }
    return parseAggTrades(raw, market);
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

/** aggTrades rows → trades, oldest first (ids strictly, times never decreasing); `m` true = the taker sold. */
export function parseAggTrades(raw: unknown, m: FeedMarket): TradeEvent[] {
  if (!Array.isArray(raw)) malformed('aggTrades: not an array');
  const out: TradeEvent[] = [];
  let prevId = -1;
  let prevTs = -1;
  for (const r of raw) {
    if (typeof r !== 'object' || r === null) malformed('aggTrades: bad row');
    const { a, p, q, T, m: buyerMaker } = r as Record<string, unknown>;
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(T) || (T as number) < 0 || typeof buyerMaker !== 'boolean')
      malformed('aggTrades: bad id, time or side');
    if (typeof p !== 'string' || typeof q !== 'string') malformed('aggTrades: price and quantity must be decimal text');
    if ((a as number) <= prevId || (T as number) < prevTs) malformed('aggTrades: rows out of order');
    const price = parseDecimalUnits(p, m.priceDecimals);
    const size = parseDecimalUnits(q, m.sizeDecimals);
    if (price <= 0 || size <= 0) malformed('aggTrades: price and quantity must be positive');
    prevId = a as number;
    prevTs = T as number;
    out.push({
      type: 'trade',
      market: m.id,
      ts: T as number,
      price,
      size,
      side: buyerMaker ? 'sell' : 'buy',
      tradeId: String(a),
    });
  }
  return out;
}
