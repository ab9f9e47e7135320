/**
 * Binance Spot WebSocket and REST wire formats: stream names, SUBSCRIBE/UNSUBSCRIBE messages, and the parsers
 * of stream events and replies. Prices and quantities are decimal strings, parsed to integer units exactly.
 */
import { parseDecimalUnits } from '../../../core/market-data/decimal';
import { malformed } from '../frame-error';
import {
  ByteReader,
  COMMA,
  KeyTable,
  keyBytes,
  LBRACE,
  LBRACKET,
  QUOTE,
  RBRACE,
  RBRACKET,
  V_ARRAY,
  V_FALSE,
  V_NONE,
  V_NUMBER,
  V_OTHER,
  V_STRING,
  V_TRUE,
  WS,
} from '../json-bytes';
import type { Candle, FeedChannel, FeedMarket, Level, TickerEvent, TradeEvent } from '../../../core/market-data/types';

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
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    malformed(`${what}: "${key}" must be a non-negative integer`);
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
    if (typeof o.stream !== 'string' || typeof o.data !== 'object' || o.data === null)
      malformed('bad combined-stream wrapper');
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
      return {
        kind: 'error',
        id,
        code: typeof err.code === 'number' ? err.code : 0,
        msg: typeof err.msg === 'string' ? err.msg : '',
      };
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

// ---- Fast path: trade and depth frames of a combined stream read straight from the bytes (see json-bytes.ts) ----

const r = new ByteReader();
const WRAPPER = new KeyTable(['stream', 'data']);
// Event fields the fast path reads, then the others a trade or depth event carries (recognised at once, see KeyTable).
const EVENT = new KeyTable(['e', 's', 'E', 't', 'p', 'q', 'T', 'm', 'U', 'u', 'b', 'a', 'M']);
const F_E = 0;
const F_S = 1;
const F_EVENT_TIME = 2;
const F_T = 3;
const F_P = 4;
const F_Q = 5;
const F_TRADE_TIME = 6;
const F_M = 7;
const F_FIRST = 8;
const F_LAST = 9;
const F_BIDS = 10;
const F_ASKS = 11;
const N_FIELDS = 12;
const fieldKind = new Uint8Array(N_FIELDS);
const fieldS = new Int32Array(N_FIELDS);
const fieldE = new Int32Array(N_FIELDS);
const fieldM = new Float64Array(N_FIELDS);
const fieldFrac = new Int32Array(N_FIELDS);
/** Levels kept per side of one diff; a larger diff is left to the full parser. */
const MAX_LEVELS = 4096;
// Per level: price text start/end, quantity text start/end.
const bidText = new Int32Array(MAX_LEVELS * 4);
const askText = new Int32Array(MAX_LEVELS * 4);
let nBids = 0;
let nAsks = 0;
const B_TRADE = keyBytes('trade');
const B_DEPTH = keyBytes('depthUpdate');

/** A levels array at `i` (its '['): each level an array whose first two elements are strings. */
function readLevels(i: number, out: Int32Array): number {
  const b = r.b;
  const len = r.len;
  let n = 0;
  i = r.ws(i + 1);
  if (i < len && b[i] === RBRACKET) i++;
  else {
    for (;;) {
      if (i >= len || b[i] !== LBRACKET || n === MAX_LEVELS) return -1;
      i = r.string(r.ws(i + 1));
      if (i < 0) return -1;
      out[n * 4] = r.s;
      out[n * 4 + 1] = r.e;
      i = r.ws(i);
      if (i >= len || b[i] !== COMMA) return -1;
      i = r.string(r.ws(i + 1));
      if (i < 0) return -1;
      out[n * 4 + 2] = r.s;
      out[n * 4 + 3] = r.e;
      n++;
      i = r.ws(i);
      // Elements after the first two are allowed (and ignored), as by parseLevels.
      while (i < len && b[i] === COMMA) {
        i = r.skip(r.ws(i + 1), 3);
        if (i < 0) return -1;
        i = r.ws(i);
      }
      if (i >= len || b[i] !== RBRACKET) return -1;
      i = r.ws(i + 1);
      if (i >= len) return -1;
      if (b[i] === COMMA) i = r.ws(i + 1);
      else if (b[i] === RBRACKET) {
        i++;
        break;
      } else return -1;
    }
  }
  if (out === bidText) nBids = n;
  else nAsks = n;
  return i;
}

/** The event object at `i` (its '{'), keeping the fields above. */
function readEvent(i: number): number {
  const b = r.b;
  const len = r.len;
  fieldKind.fill(V_NONE);
  i = r.ws(i + 1);
  if (i < len && b[i] === RBRACE) return i + 1;
  for (let previous = KeyTable.FIRST; ;) {
    i = EVENT.key(r, i, previous);
    if (i < 0 || i >= len) return -1;
    const id = r.key;
    previous = id;
    if (id >= 0 && id < N_FIELDS) {
      if (fieldKind[id] !== V_NONE) return -1;
      const c = b[i];
      if (c === QUOTE) {
        i = r.string(i);
        fieldKind[id] = V_STRING;
        fieldS[id] = r.s;
        fieldE[id] = r.e;
      } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
        i = r.number(i);
        fieldKind[id] = V_NUMBER;
        fieldM[id] = r.m;
        fieldFrac[id] = r.frac;
      } else if (c === LBRACKET && (id === F_BIDS || id === F_ASKS)) {
        i = readLevels(i, id === F_BIDS ? bidText : askText);
        fieldKind[id] = V_ARRAY;
      } else {
        i = r.skip(i, 2);
        fieldKind[id] = c === 0x74 || c === 0x66 ? r.lastLiteral : V_OTHER;
      }
    } else {
      i = r.skip(i, 2);
    }
    if (i < 0) return -1;
    if (i < len && WS[b[i]] === 1) i = r.ws(i);
    if (i >= len) return -1;
    if (b[i] === COMMA) i = r.ws(i + 1);
    else if (b[i] === RBRACE) return i + 1;
    else return -1;
  }
}

/** A kept number field as a non-negative safe integer (as int() wants it), or NaN. */
function nonNegativeInt(id: number): number {
  if (fieldKind[id] !== V_NUMBER) return NaN;
  const v = r.integer(fieldM[id], fieldFrac[id]);
  return v >= 0 ? v : NaN;
}

/** Levels kept by readLevels, in units; undefined when one does not validate. */
function levelsOf(text: Int32Array, n: number, m: FeedMarket): Level[] | undefined {
  const out: Level[] = new Array(n);
  const pd = m.priceDecimals;
  const sd = m.sizeDecimals;
  for (let k = 0; k < n; k++) {
    const j = k * 4;
    const p = r.decimalUnits(text[j], text[j + 1], pd);
    const q = r.decimalUnits(text[j + 2], text[j + 3], sd);
    if (!(p > 0 && q >= 0)) return undefined;
    out[k] = [p, q];
  }
  return out;
}

/**
 * The common frames (a trade or depth diff of a subscribed market on a combined stream, valid) read from the
 * bytes, giving exactly what parseBinanceFrame gives. Returns undefined for any other frame (replies, other
 * streams, raw-stream events, unsubscribed markets, anything odd or invalid); those go to parseBinanceFrame.
 */
export function parseBinanceFrameFast(
  data: Uint8Array,
  lookup: (symbol: string) => FeedMarket | undefined,
): BinanceFrame | undefined {
  r.reset(data);
  const b = r.b;
  const len = r.len;
  let i = r.ws(0);
  if (i >= len || b[i] !== LBRACE) return undefined;
  i = r.ws(i + 1);
  let haveStream = false;
  let haveData = false;
  for (let previous = KeyTable.FIRST; ;) {
    i = WRAPPER.key(r, i, previous);
    if (i < 0 || i >= len) return undefined;
    const id = r.key;
    previous = id;
    if (id === 0) {
      if (haveStream || b[i] !== QUOTE) return undefined;
      haveStream = true;
      i = r.string(i);
    } else if (id === 1) {
      if (haveData || b[i] !== LBRACE) return undefined;
      haveData = true;
      i = readEvent(i);
    } else {
      i = r.skip(i, 1);
    }
    if (i < 0) return undefined;
    if (i < len && WS[b[i]] === 1) i = r.ws(i);
    if (i >= len) return undefined;
    if (b[i] === COMMA) i = r.ws(i + 1);
    else if (b[i] === RBRACE) break;
    else return undefined;
  }
  if (r.ws(i + 1) !== len || !haveStream || !haveData) return undefined;
  if (fieldKind[F_E] !== V_STRING || fieldKind[F_S] !== V_STRING) return undefined;
  const market = lookup(r.text(fieldS[F_S], fieldE[F_S]));
  if (!market) return undefined;
  const eS = fieldS[F_E];
  const eE = fieldE[F_E];

  if (r.equals(eS, eE, B_DEPTH)) {
    const firstId = nonNegativeInt(F_FIRST);
    const lastId = nonNegativeInt(F_LAST);
    const ts = nonNegativeInt(F_EVENT_TIME);
    if (!(lastId >= firstId) || ts !== ts || fieldKind[F_BIDS] !== V_ARRAY || fieldKind[F_ASKS] !== V_ARRAY)
      return undefined;
    const bids = levelsOf(bidText, nBids, market);
    const asks = bids && levelsOf(askText, nAsks, market);
    if (!bids || !asks) return undefined;
    const diff: DepthDiff = { market, firstId, lastId, ts, bids, asks };
    return { kind: 'depth', diff };
  }

  if (r.equals(eS, eE, B_TRADE)) {
    const id = nonNegativeInt(F_T);
    const ts = nonNegativeInt(F_TRADE_TIME);
    const maker = fieldKind[F_M];
    if (id !== id || ts !== ts || (maker !== V_TRUE && maker !== V_FALSE)) return undefined;
    if (fieldKind[F_P] !== V_STRING || fieldKind[F_Q] !== V_STRING) return undefined;
    const price = r.decimalUnits(fieldS[F_P], fieldE[F_P], market.priceDecimals);
    const size = r.decimalUnits(fieldS[F_Q], fieldE[F_Q], market.sizeDecimals);
    if (!(price >= 0 && size >= 0)) return undefined;
    const event: TradeEvent = {
      type: 'trade',
      market: market.id,
      ts,
      price,
      size,
      // m = the buyer was the maker, so the taker sold.
      side: maker === V_TRUE ? 'sell' : 'buy',
      tradeId: String(id),
    };
    return { kind: 'trade', event };
  }
  return undefined;
}
