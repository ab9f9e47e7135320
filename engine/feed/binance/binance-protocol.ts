/**
 * Binance Spot WebSocket and REST wire formats: stream names, SUBSCRIBE/UNSUBSCRIBE messages, and the parsers
 * of stream events and replies. Prices and quantities are decimal strings, parsed to integer units exactly.
 */
import { parseDecimalUnits } from '../decimal';
import { malformed } from '../frame-error';
import type { Candle, FeedChannel, FeedMarket, Level, TickerEvent, TradeEvent } from '../types';

/** The stream carrying a channel for a market (names are lower case). */
export function binanceStream(market: FeedMarket, channel: FeedChannel): string {
  const s = market.symbol.toLowerCase();
  switch (channel) {
    case 'trade':
      return `${s}@trade`;
    case 'book':
      return `${s}@depth@100ms`;
    case 'ticker':
      return `${s}@ticker`;
    case 'candle':
      return `${s}@kline_1m`;
  }
}

export function binanceRequest(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', params: readonly string[], id: number): string {
  return JSON.stringify({ method, params, id });
}

/** One depth diff, validated and parsed (levels in units; size 0 = remove the level). */
export interface DepthDiff {
  market: FeedMarket;
  firstId: number; // U
  lastId: number; // u
  ts: number; // E
  bids: Level[];
  asks: Level[];
}

export interface DepthSnapshot {
  lastUpdateId: number;
  bids: Level[];
  asks: Level[];
}

export interface KlineUpdate {
  market: FeedMarket;
  candle: Candle;
  closed: boolean;
}

/** Everything a frame can be once validated. One of these per frame; `event` objects are what gets emitted. */
export type BinanceFrame =
  | { kind: 'trade'; event: TradeEvent }
  | { kind: 'ticker'; event: TickerEvent }
  | { kind: 'depth'; diff: DepthDiff }
  | { kind: 'kline'; kline: KlineUpdate }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number | null; code: number; msg: string }
  | { kind: 'shutdown' }
  | { kind: 'ignored' };

type Obj = Record<string, unknown>;

const IGNORED: BinanceFrame = { kind: 'ignored' };
const SHUTDOWN: BinanceFrame = { kind: 'shutdown' };

// The checks below take the field's value, read by the caller with a fixed name (o.p, o.q…): each read site
// then sees one property name, which keeps it fast; `key` only names the field in the error.

function str(v: unknown, key: string, what: string): string {
  if (typeof v !== 'string') malformed(`${what}: "${key}" must be a string`);
  return v;
}

function int(v: unknown, key: string, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) malformed(`${what}: "${key}" must be a non-negative integer`);
  return v;
}

function priceOf(v: unknown, key: string, m: FeedMarket, what: string): number {
  const units = parseDecimalUnits(str(v, key, what), m.priceDecimals);
  if (units < 0) malformed(`${what}: negative "${key}"`);
  return units;
}

function sizeOf(v: unknown, key: string, m: FeedMarket, what: string): number {
  const units = parseDecimalUnits(str(v, key, what), m.sizeDecimals);
  if (units < 0) malformed(`${what}: negative "${key}"`);
  return units;
}

/** [["price","qty"], …] → levels; validates every entry. */
export function parseLevels(raw: unknown, m: FeedMarket, what: string): Level[] {
  if (!Array.isArray(raw)) malformed(`${what}: levels must be an array`);
  const n = raw.length;
  const out: Level[] = new Array(n);
  const pd = m.priceDecimals;
  const sd = m.sizeDecimals;
  for (let i = 0; i < n; i++) {
    const l: unknown = raw[i];
    if (!Array.isArray(l) || l.length < 2) malformed(`${what}: level must be ["price","qty"]`);
    const ps: unknown = l[0];
    const qs: unknown = l[1];
    if (typeof ps !== 'string' || typeof qs !== 'string') malformed(`${what}: level must be ["price","qty"]`);
    const p = parseDecimalUnits(ps, pd);
    const q = parseDecimalUnits(qs, sd);
    if (p <= 0 || q < 0) malformed(`${what}: bad level`);
    out[i] = [p, q];
  }
  return out;
}

/**
 * Parses a frame from a combined (`{"stream","data"}`) or raw connection. `lookup` maps an upper-case symbol
 * to a subscribed market; events for other symbols are 'ignored'. Throws MalformedFrameError on bad input.
 */
export function parseBinanceFrame(text: string, lookup: (symbol: string) => FeedMarket | undefined): BinanceFrame {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    malformed('not JSON');
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) malformed('not a JSON object');
  let o = msg as Obj;
  let stream: string | undefined;
  if ('stream' in o && 'data' in o) {
    if (typeof o.stream !== 'string' || typeof o.data !== 'object' || o.data === null) malformed('bad combined-stream wrapper');
    stream = o.stream;
    o = o.data as Obj;
  } else if ('id' in o && !('e' in o)) {
    const id = o.id;
    if (id !== null && (typeof id !== 'number' || !Number.isSafeInteger(id))) malformed('reply: bad id');
    if ('result' in o) {
      if (id === null) malformed('reply: result without id');
      return { kind: 'result', id, result: o.result };
    }
    const err = o.error as Obj | undefined;
    if (typeof err === 'object' && err !== null) {
      return { kind: 'error', id, code: typeof err.code === 'number' ? err.code : 0, msg: typeof err.msg === 'string' ? err.msg : '' };
    }
    malformed('reply without result or error');
  }
  const e = o.e;
  if (typeof e !== 'string') {
    // Partial book streams (<symbol>@depthN) carry no event type; this client does not subscribe to them.
    if (stream !== undefined && 'lastUpdateId' in o) return IGNORED;
    malformed('no event type');
  }
  if (e === 'serverShutdown') return SHUTDOWN;
  const symbol = o.s;
  if (typeof symbol !== 'string') malformed(`${e}: no symbol`);
  const market = lookup(symbol);
  switch (e) {
    case 'trade':
    case 'aggTrade': {
      if (!market) return IGNORED;
      const id = e === 'trade' ? int(o.t, 't', e) : int(o.a, 'a', e);
      if (typeof o.m !== 'boolean') malformed(`${e}: "m" must be a boolean`);
      const event: TradeEvent = {
        type: 'trade',
        market: market.id,
        ts: int(o.T, 'T', e),
        price: priceOf(o.p, 'p', market, e),
        size: sizeOf(o.q, 'q', market, e),
        // m = the buyer was the maker, so the taker sold.
        side: o.m ? 'sell' : 'buy',
        tradeId: String(id),
      };
      return { kind: 'trade', event };
    }
    case 'depthUpdate': {
      if (!market) return IGNORED;
      const firstId = int(o.U, 'U', e);
      const lastId = int(o.u, 'u', e);
      if (lastId < firstId) malformed('depthUpdate: u < U');
      const diff: DepthDiff = {
        market,
        firstId,
        lastId,
        ts: int(o.E, 'E', e),
        bids: parseLevels(o.b, market, e),
        asks: parseLevels(o.a, market, e),
      };
      return { kind: 'depth', diff };
    }
    case '24hrTicker':
    case '24hrMiniTicker': {
      if (!market) return IGNORED;
      const open = priceOf(o.o, 'o', market, e);
      const event: TickerEvent = {
        type: 'ticker',
        market: market.id,
        ts: int(o.E, 'E', e),
        last: priceOf(o.c, 'c', market, e),
        open,
        high: priceOf(o.h, 'h', market, e),
        low: priceOf(o.l, 'l', market, e),
        // The full ticker's "x" is the last price before the 24 h window; the mini ticker has none, so its
        // reference is the window's open.
        prevClose: e === '24hrTicker' ? priceOf(o.x, 'x', market, e) : open,
        volume24h: sizeOf(o.v, 'v', market, e),
      };
      if (event.low > event.high) malformed(`${e}: low above high`);
      return { kind: 'ticker', event };
    }
    case 'kline': {
      if (!market) return IGNORED;
      const k = o.k as Obj;
      if (typeof k !== 'object' || k === null) malformed('kline: no "k"');
      if (k.i !== '1m') return IGNORED;
      if (typeof k.x !== 'boolean') malformed('kline: "x" must be a boolean');
      const candle: Candle = {
        openTime: int(k.t, 't', e),
        open: priceOf(k.o, 'o', market, e),
        high: priceOf(k.h, 'h', market, e),
        low: priceOf(k.l, 'l', market, e),
        close: priceOf(k.c, 'c', market, e),
        volume: sizeOf(k.v, 'v', market, e),
      };
      return { kind: 'kline', kline: { market, candle, closed: k.x } };
    }
    default:
      malformed(`unknown event "${e}"`);
  }
}

/** Validates a REST /api/v3/depth body. */
export function parseDepthSnapshot(body: unknown, market: FeedMarket): DepthSnapshot {
  if (typeof body !== 'object' || body === null) malformed('depth snapshot: not an object');
  const o = body as Obj;
  return {
    lastUpdateId: int(o.lastUpdateId, 'lastUpdateId', 'depth snapshot'),
    bids: parseLevels(o.bids, market, 'depth snapshot'),
    asks: parseLevels(o.asks, market, 'depth snapshot'),
  };
}
