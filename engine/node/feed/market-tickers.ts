/**
 * Prices of many markets at once over REST, for a market list: one request per exchange for the day's figures
 * (Upbit `GET /v1/ticker?markets=KRW-BTC,KRW-ETH`, Binance `GET /api/v3/ticker/24hr?symbols=["BTCUSDT",…]`)
 * and hourly candles of one market for a sparkline (Upbit `/v1/candles/minutes/60`, Binance klines `1h`).
 *
 * Rules: every figure is parsed into the market's integer units or the row is dropped (a malformed row is never
 * shown as a price); markets the exchange does not list come back as `unlisted` rather than failing the others:
 * Upbit leaves unknown codes out of its answer; where the whole request is refused for one (Binance -1121, Upbit
 * 404 "Code not found"), the markets are asked one by one, once, to find the ones it does not list.
 */
import { numberToUnits, parseDecimalUnits } from '../../core/market-data/decimal';
import type { ExchangeId, FeedMarket } from '../../core/market-data/types';
import { HttpError, type RestClient } from './rest-client';

/** The day's figures of one market, price units: the last price and what its change is measured from. */
export interface MarketQuote {
  market: string;
  last: number;
  /** Upbit: the previous close; Binance: the price 24 h ago. */
  reference: number;
}

export interface QuotesAnswer {
  quotes: MarketQuote[];
  /** App ids the exchange says it does not list. */
  unlisted: string[];
}

/** Whether an error is the exchange saying it does not list a market (Upbit 404 "Code not found", Binance -1121). */
export function isUnlistedError(err: unknown): boolean {
  if (!(err instanceof HttpError)) return false;
  return (err.status === 404 && /code not found/i.test(err.body)) || (err.status === 400 && /-1121/.test(err.body));
}

/** Every number of a row in price units, or null when any is missing or not a price of this market. */
function units(m: FeedMarket, values: unknown[]): number[] | null {
  const out: number[] = [];
  for (const v of values) {
    try {
      if (typeof v === 'number') out.push(numberToUnits(v, m.priceDecimals));
      else if (typeof v === 'string') out.push(parseDecimalUnits(v, m.priceDecimals));
      else return null;
    } catch {
      return null;
    }
  }
  return out.every((u) => u >= 0) ? out : null;
}

function rowsOf(raw: unknown): Record<string, unknown>[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null);
}

/** One request for the day's figures of `markets`: the quotes it answered and the markets it left out. */
async function batch(rest: RestClient, exchange: ExchangeId, markets: readonly FeedMarket[], signal?: AbortSignal) {
  const raw =
    exchange === 'upbit'
      ? await rest.get({ path: '/v1/ticker', params: { markets: markets.map((m) => m.symbol).join(',') }, signal })
      : await rest.get({
          path: '/api/v3/ticker/24hr',
          params: { symbols: JSON.stringify(markets.map((m) => m.symbol)) },
          signal,
        });
  const bySymbol = new Map(markets.map((m) => [m.symbol, m]));
  const quotes: MarketQuote[] = [];
  const answered = new Set<string>();
  for (const r of rowsOf(raw)) {
    const symbol = exchange === 'upbit' ? r.market : r.symbol;
    const m = typeof symbol === 'string' ? bySymbol.get(symbol) : undefined;
    if (!m) continue;
    answered.add(m.symbol);
    const u =
      exchange === 'upbit' ? units(m, [r.trade_price, r.prev_closing_price]) : units(m, [r.lastPrice, r.openPrice]);
    if (u) quotes.push({ market: m.id, last: u[0], reference: u[1] });
  }
  // Upbit leaves out codes it does not list; a row that was there but malformed is not "unlisted".
  return { quotes, unlisted: markets.filter((m) => !answered.has(m.symbol)).map((m) => m.id) };
}

/** The day's figures of `markets` (all of one exchange), in one request while every market is listed. */
export async function fetchQuotes(
  rest: RestClient,
  exchange: ExchangeId,
  markets: readonly FeedMarket[],
  signal?: AbortSignal,
): Promise<QuotesAnswer> {
  const mine = markets.filter((m) => m.exchange === exchange);
  if (mine.length === 0) return { quotes: [], unlisted: [] };
  try {
    return await batch(rest, exchange, mine, signal);
  } catch (err) {
    if (!isUnlistedError(err)) throw err;
  }
  // The exchange refused the whole list for a market it does not list: find which, asking each alone (once;
  // the caller leaves the unlisted ones out after).
  const quotes: MarketQuote[] = [];
  const unlisted: string[] = [];
  for (const m of mine) {
    try {
      quotes.push(...(await batch(rest, exchange, [m], signal)).quotes);
    } catch (err) {
      if (!isUnlistedError(err)) throw err;
      unlisted.push(m.id);
    }
  }
  return { quotes, unlisted };
}

/** Closing prices of the last `count` hourly candles (oldest first), price units; hours without trades are skipped. */
export async function fetchHourlyCloses(
  rest: RestClient,
  market: FeedMarket,
  count: number,
  signal?: AbortSignal,
): Promise<number[]> {
  if (market.exchange === 'upbit') {
    const raw = await rest.get({ path: '/v1/candles/minutes/60', params: { market: market.symbol, count }, signal });
    const closes: number[] = [];
    for (const r of rowsOf(raw)) {
      const u = r.market === market.symbol ? units(market, [r.trade_price]) : null;
      if (u) closes.push(u[0]);
    }
    return closes.reverse(); // Upbit answers newest first
  }
  const raw = await rest.get({
    path: '/api/v3/klines',
    params: { symbol: market.symbol, interval: '1h', limit: count },
    signal,
  });
  const closes: number[] = [];
  for (const r of Array.isArray(raw) ? raw : []) {
    const u = Array.isArray(r) ? units(market, [r[4]]) : null;
    if (u) closes.push(u[0]);
  }
  return closes;
}
