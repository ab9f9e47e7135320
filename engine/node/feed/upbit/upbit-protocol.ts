/**
 * Upbit WebSocket wire format: the subscribe message and the parser of its frames into normalised events.
 *
 * Frames are UTF-8 JSON (binary frames for data; status and error replies may come either way). DEFAULT uses
 * long keys, SIMPLE the short ones; JSON_LIST / SIMPLE_LIST wrap the same objects in an array. Numbers are
 * JSON numbers. Every orderbook message, SNAPSHOT or REALTIME, is a complete top-N book.
 */
import { numberToUnits } from '../../../core/market-data/decimal';
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
  V_NONE,
  V_NUMBER,
  V_OTHER,
  V_STRING,
  WS,
} from '../json-bytes';
import type { BookEvent, FeedMarket, Level, TickerEvent, TradeEvent } from '../../../core/market-data/types';

export type UpbitFormat = 'DEFAULT' | 'SIMPLE' | 'JSON_LIST' | 'SIMPLE_LIST';
export type UpbitType = 'ticker' | 'trade' | 'orderbook';

export interface UpbitTypeRequest {
  type: UpbitType;
  codes: string[];
}

/** Orderbook depths Upbit accepts as a code suffix. */
export const UPBIT_BOOK_DEPTHS = [1, 5, 15, 30] as const;

export function upbitBookDepth(wanted: number): number {
  for (const d of UPBIT_BOOK_DEPTHS) if (wanted <= d) return d;
  return 30;
}

/**
 * The subscribe message: ticket, one object per type, format. It replaces whatever the connection was
 * subscribed to before, so it always lists every subscription.
 */
export function upbitSubscribeMessage(
  ticket: string,
  requests: readonly UpbitTypeRequest[],
  format: UpbitFormat,
): string {
  const body: object[] = [{ ticket }];
  for (const r of requests) if (r.codes.length) body.push({ type: r.type, codes: r.codes });
  body.push({ format });
  return JSON.stringify(body);
}

type Keys = {
  type: string;
  code: string;
  timestamp: string;
  stream_type: string;
  opening_price: string;
  high_price: string;
  low_price: string;
  trade_price: string;
  prev_closing_price: string;
  acc_trade_volume_24h: string;
  trade_timestamp: string;
  trade_volume: string;
  ask_bid: string;
  sequential_id: string;
  orderbook_units: string;
  ask_price: string;
  bid_price: string;
  ask_size: string;
  bid_size: string;
};

const DEFAULT_KEYS: Keys = {
  type: 'type',
  code: 'code',
  timestamp: 'timestamp',
  stream_type: 'stream_type',
  opening_price: 'opening_price',
  high_price: 'high_price',
  low_price: 'low_price',
  trade_price: 'trade_price',
  prev_closing_price: 'prev_closing_price',
  acc_trade_volume_24h: 'acc_trade_volume_24h',
  trade_timestamp: 'trade_timestamp',
  trade_volume: 'trade_volume',
  ask_bid: 'ask_bid',
  sequential_id: 'sequential_id',
  orderbook_units: 'orderbook_units',
  ask_price: 'ask_price',
  bid_price: 'bid_price',
  ask_size: 'ask_size',
  bid_size: 'bid_size',
};

export const SIMPLE_KEYS: Keys = {
  type: 'ty',
  code: 'cd',
  timestamp: 'tms',
  stream_type: 'st',
  opening_price: 'op',
  high_price: 'hp',
  low_price: 'lp',
  trade_price: 'tp',
  prev_closing_price: 'pcp',
  acc_trade_volume_24h: 'atv24h',
  trade_timestamp: 'ttms',
  trade_volume: 'tv',
  ask_bid: 'ab',
  sequential_id: 'sid',
  orderbook_units: 'obu',
  ask_price: 'ap',
  bid_price: 'bp',
  ask_size: 'as',
  bid_size: 'bs',
};

export { DEFAULT_KEYS as UPBIT_DEFAULT_KEYS };

export type UpbitEvent = TickerEvent | TradeEvent | BookEvent;

/** A status or error reply. */
export interface UpbitControl {
  status?: string;
  error?: { name: string; message: string };
}

/** What a frame turned out to be: data emitted, a control reply, or valid data for a market not subscribed. */
export type UpbitFrameKind = 'data' | 'control' | 'ignored';

type Obj = Record<string, unknown>;

// The checks below take the field's value, read by the caller (o[keys.x] sees one name per format at each
// site, which keeps the read fast); `key` only names the field in the error.

function num(v: unknown, key: string, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) malformed(`${what}: "${key}" must be a number`);
  return v;
}

function price(v: unknown, key: string, m: FeedMarket, what: string): number {
  const units = numberToUnits(num(v, key, what), m.priceDecimals);
  if (units < 0) malformed(`${what}: negative "${key}"`);
  return units;
}

function size(v: unknown, key: string, m: FeedMarket, what: string, rounding: 'exact' | 'nearest' = 'exact'): number {
  const units = numberToUnits(num(v, key, what), m.sizeDecimals, rounding);
  if (units < 0) malformed(`${what}: negative "${key}"`);
  return units;
}

function timestamp(v: unknown, key: string, what: string): number {
  const t = num(v, key, what);
  if (!Number.isSafeInteger(t) || t <= 0) malformed(`${what}: "${key}" is not a timestamp`);
  return t;
}

/**
 * Parses one frame's text. Emits the event (if any) through `emit`, hands status/error replies to `onControl`.
 * Throws MalformedFrameError (or DecimalError) for anything that does not validate; nothing is emitted then.
 */
export function parseUpbitFrame(
  text: string,
  lookup: (code: string) => FeedMarket | undefined,
  emit: (event: UpbitEvent) => void,
  onControl: (control: UpbitControl) => void,
): UpbitFrameKind {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    malformed('not JSON');
  }
  if (Array.isArray(msg)) {
    // JSON_LIST / SIMPLE_LIST: validate every element before emitting any, so a bad list emits nothing.
    const events: UpbitEvent[] = [];
    let kind: UpbitFrameKind = 'ignored';
    for (const item of msg) {
      if (parseUpbitObject(item, lookup, (e) => events.push(e), onControl) === 'data') kind = 'data';
    }
    for (const e of events) emit(e);
    return kind;
  }
  return parseUpbitObject(msg, lookup, emit, onControl);
}

function parseUpbitObject(
  msg: unknown,
  lookup: (code: string) => FeedMarket | undefined,
  emit: (event: UpbitEvent) => void,
  onControl: (control: UpbitControl) => void,
): UpbitFrameKind {
  if (typeof msg !== 'object' || msg === null) malformed('not a JSON object');
  const o = msg as Obj;
  const keys = typeof o.type === 'string' ? DEFAULT_KEYS : typeof o.ty === 'string' ? SIMPLE_KEYS : undefined;
  if (!keys) {
    if (typeof o.status === 'string') {
      onControl({ status: o.status });
      return 'control';
    }
    const err = o.error as Obj | undefined;
    if (typeof err === 'object' && err !== null && typeof err.name === 'string') {
      onControl({ error: { name: err.name, message: typeof err.message === 'string' ? err.message : '' } });
      return 'control';
    }
    malformed('no type, status or error');
  }
  const type = o[keys.type] as string;
  const code = o[keys.code];
  if (typeof code !== 'string') malformed(`${type}: no code`);
  const market = lookup(code);
  if (type === 'ticker') {
    if (!market) return 'ignored'; // a market just unsubscribed: its last frames were already in flight
    const ev: TickerEvent = {
      type: 'ticker',
      market: market.id,
      ts: timestamp(o[keys.timestamp], keys.timestamp, type),
      last: price(o[keys.trade_price], keys.trade_price, market, type),
      open: price(o[keys.opening_price], keys.opening_price, market, type),
      high: price(o[keys.high_price], keys.high_price, market, type),
      low: price(o[keys.low_price], keys.low_price, market, type),
      prevClose: price(o[keys.prev_closing_price], keys.prev_closing_price, market, type),
      // Upbit sums this in floating point on its side; see decimal.ts on 'nearest'.
      volume24h: size(o[keys.acc_trade_volume_24h], keys.acc_trade_volume_24h, market, type, 'nearest'),
    };
    if (ev.low > ev.high) malformed('ticker: low above high');
    emit(ev);
    return 'data';
  }
  if (type === 'trade') {
    if (!market) return 'ignored'; // a market just unsubscribed: its last frames were already in flight
    const ab = o[keys.ask_bid];
    if (ab !== 'ASK' && ab !== 'BID') malformed('trade: ask_bid must be ASK or BID');
    const sid = o[keys.sequential_id];
    if (typeof sid !== 'number' || !Number.isSafeInteger(sid)) malformed('trade: bad sequential_id');
    const ev: TradeEvent = {
      type: 'trade',
      market: market.id,
      ts: timestamp(o[keys.trade_timestamp], keys.trade_timestamp, type),
      price: price(o[keys.trade_price], keys.trade_price, market, type),
      size: size(o[keys.trade_volume], keys.trade_volume, market, type),
      // ask_bid is the taker's side: ASK = a seller hit the bid.
      side: ab === 'BID' ? 'buy' : 'sell',
      tradeId: String(sid),
    };
    if (ev.size === 0 || ev.price === 0) malformed('trade: zero price or size');
    emit(ev);
    return 'data';
  }
  if (type === 'orderbook') {
    if (!market) return 'ignored'; // a market just unsubscribed: its last frames were already in flight
    const units = o[keys.orderbook_units];
    if (!Array.isArray(units)) malformed('orderbook: orderbook_units must be an array');
    const asks: Level[] = [];
    const bids: Level[] = [];
    for (let i = 0; i < units.length; i++) {
      const u = units[i] as Obj;
      if (typeof u !== 'object' || u === null) malformed('orderbook: unit is not an object');
      const ap = price(u[keys.ask_price], keys.ask_price, market, 'orderbook');
      const as = size(u[keys.ask_size], keys.ask_size, market, 'orderbook');
      const bp = price(u[keys.bid_price], keys.bid_price, market, 'orderbook');
      const bs = size(u[keys.bid_size], keys.bid_size, market, 'orderbook');
      // A thin book pads missing levels with zero sizes; those are not levels.
      if (as > 0) {
        if (asks.length && ap <= asks[asks.length - 1][0]) malformed('orderbook: asks not ascending');
        asks.push([ap, as]);
      }
      if (bs > 0) {
        if (bids.length && bp >= bids[bids.length - 1][0]) malformed('orderbook: bids not descending');
        bids.push([bp, bs]);
      }
    }
    if (asks.length && bids.length && bids[0][0] >= asks[0][0]) malformed('orderbook: crossed book');
    emit({ type: 'book', market: market.id, ts: timestamp(o[keys.timestamp], keys.timestamp, type), bids, asks });
    return 'data';
  }
  malformed(`unknown type "${String(type)}"`);
}

// ---- Fast path: orderbook and trade frames read straight from the bytes (see json-bytes.ts) ----

const r = new ByteReader();
// Top-level fields the fast path keeps: the DEFAULT name at an even id, its SIMPLE name right after.
const TOP = new KeyTable([
  'type',
  'ty',
  'code',
  'cd',
  'timestamp',
  'tms',
  'orderbook_units',
  'obu',
  'trade_timestamp',
  'ttms',
  'trade_price',
  'tp',
  'trade_volume',
  'tv',
  'ask_bid',
  'ab',
  'sequential_id',
  'sid',
  // Fields the fast path skips, listed so that they too are recognised at once (see KeyTable).
  'total_ask_size',
  'tas',
  'total_bid_size',
  'tbs',
  'stream_type',
  'st',
  'level',
  'lv',
  'trade_date',
  'td',
  'trade_time',
  'ttm',
  'prev_closing_price',
  'pcp',
  'change',
  'c',
  'change_price',
  'cp',
  'best_ask_price',
  'bap',
  'best_ask_size',
  'bas',
  'best_bid_price',
  'bbp',
  'best_bid_size',
  'bbs',
]);
const K_TYPE = 0;
const K_CODE = 2;
const K_TS = 4;
const K_UNITS = 6;
const K_TRADE_TS = 8;
const K_PRICE = 10;
const K_VOLUME = 12;
const K_ASK_BID = 14;
const K_SID = 16;
const N_TOP = 18;
const topKind = new Uint8Array(N_TOP);
const topS = new Int32Array(N_TOP);
const topE = new Int32Array(N_TOP);
const topM = new Float64Array(N_TOP);
const topFrac = new Int32Array(N_TOP);
// A unit's fields, the same way: ask_price/ap, bid_price/bp, ask_size/as, bid_size/bs.
const UNIT = new KeyTable(['ask_price', 'ap', 'bid_price', 'bp', 'ask_size', 'as', 'bid_size', 'bs']);
const UNIT_FIELDS = [0x55, 0xaa]; // the four ids of each format, as a mask
/** Units kept per frame: Upbit sends 30 at most; a longer list is left to the full parser. */
const MAX_UNITS = 64;
const unitM = new Float64Array(MAX_UNITS * 8);
const unitFrac = new Int32Array(MAX_UNITS * 8);
const unitMask = new Uint8Array(MAX_UNITS);
let nUnits = 0;
/** Which units key (K_UNITS or K_UNITS + 1) the units were read from; -1 before. */
let unitsKey = -1;
const B_ORDERBOOK = keyBytes('orderbook');
const B_TRADE = keyBytes('trade');
const B_ASK = keyBytes('ASK');
const B_BID = keyBytes('BID');

/** The units array at `i` (its '['): every unit an object, its known fields numbers, each once. */
function readUnits(i: number): number {
  const b = r.b;
  const len = r.len;
  i = r.ws(i + 1);
  if (i < len && b[i] === RBRACKET) return i + 1;
  for (;;) {
    if (i >= len || b[i] !== LBRACE) return -1;
    const u = nUnits++;
    if (u === MAX_UNITS) return -1;
    let mask = 0;
    i = r.ws(i + 1);
    if (i < len && b[i] === RBRACE) i++;
    else {
      for (let previous = KeyTable.FIRST; ;) {
        i = UNIT.key(r, i, previous);
        if (i < 0) return -1;
        const id = r.key;
        previous = id;
        if (id >= 0) {
          if (mask & (1 << id)) return -1;
          mask |= 1 << id;
          i = r.number(i);
          if (i < 0) return -1;
          const k = u * 8 + id;
          unitM[k] = r.m;
          unitFrac[k] = r.frac;
        } else {
          i = r.skip(i, 3);
          if (i < 0) return -1;
        }
        if (i < len && WS[b[i]] === 1) i = r.ws(i);
        if (i >= len) return -1;
        const c = b[i];
        if (c === COMMA) i = r.ws(i + 1);
        else if (c === RBRACE) {
          i++;
          break;
        } else return -1;
      }
    }
    unitMask[u] = mask;
    if (i < len && WS[b[i]] === 1) i = r.ws(i);
    if (i >= len) return -1;
    const c = b[i];
    if (c === COMMA) i = r.ws(i + 1);
    else if (c === RBRACKET) return i + 1;
    else return -1;
  }
}

/** Reads the frame's top-level object, keeping the known fields. False when the frame is left to the full parser. */
function readTop(data: Uint8Array): boolean {
  r.reset(data);
  topKind.fill(V_NONE);
  nUnits = 0;
  unitsKey = -1;
  const b = r.b;
  const len = r.len;
  let i = r.ws(0);
  if (i >= len || b[i] !== LBRACE) return false;
  i = r.ws(i + 1);
  for (let previous = KeyTable.FIRST; ;) {
    i = TOP.key(r, i, previous);
    if (i < 0 || i >= len) return false;
    const id = r.key;
    previous = id;
    if (id >= 0 && id < N_TOP) {
      if (topKind[id] !== V_NONE) return false;
      const c = b[i];
      if (c === QUOTE) {
        i = r.string(i);
        topKind[id] = V_STRING;
        topS[id] = r.s;
        topE[id] = r.e;
      } else if (c === LBRACKET && (id === K_UNITS || id === K_UNITS + 1)) {
        if (unitsKey >= 0) return false;
        unitsKey = id;
        i = readUnits(i);
        topKind[id] = V_OTHER;
      } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
        i = r.number(i);
        topKind[id] = V_NUMBER;
        topM[id] = r.m;
        topFrac[id] = r.frac;
      } else {
        i = r.skip(i, 1);
        topKind[id] = V_OTHER;
      }
    } else {
      i = r.skip(i, 1);
    }
    if (i < 0) return false;
    if (i < len && WS[b[i]] === 1) i = r.ws(i);
    if (i >= len) return false;
    const c = b[i];
    if (c === COMMA) i = r.ws(i + 1);
    else if (c === RBRACE) break;
    else return false;
  }
  return r.ws(i + 1) === len;
}

/** A kept number field in units ('exact'); NaN where numberToUnits would throw. */
function fieldUnits(id: number, decimals: number): number {
  return r.units(topM[id], topFrac[id], decimals);
}

/** A kept number field as an integer (JSON.parse's value), or NaN when it is not a safe integer. */
function fieldInteger(id: number): number {
  return r.integer(topM[id], topFrac[id]);
}

/**
 * The common frames (a SIMPLE or DEFAULT orderbook or trade of a subscribed market, valid) read from the
 * bytes, emitting exactly the event parseUpbitFrame would. Returns undefined, having emitted nothing, for any
 * other frame: control replies, tickers, lists, unsubscribed markets, anything odd or invalid. Those go to
 * parseUpbitFrame, which handles or rejects them.
 */
export function parseUpbitFrameFast(
  data: Uint8Array,
  lookup: (code: string) => FeedMarket | undefined,
  emit: (event: UpbitEvent) => void,
): 'data' | undefined {
  if (!readTop(data)) return undefined;
  // As parseUpbitObject: DEFAULT names when "type" is a string, else SIMPLE ones when "ty" is.
  const f = topKind[K_TYPE] === V_STRING ? 0 : topKind[K_TYPE + 1] === V_STRING ? 1 : -1;
  if (f < 0 || topKind[K_CODE + f] !== V_STRING) return undefined;
  const market = lookup(r.text(topS[K_CODE + f], topE[K_CODE + f]));
  if (!market) return undefined;
  const typeS = topS[K_TYPE + f];
  const typeE = topE[K_TYPE + f];
  const pd = market.priceDecimals;
  const sd = market.sizeDecimals;

  if (r.equals(typeS, typeE, B_ORDERBOOK)) {
    if (unitsKey !== K_UNITS + f || topKind[K_TS + f] !== V_NUMBER) return undefined;
    const ts = fieldInteger(K_TS + f);
    if (!(ts > 0)) return undefined;
    const need = UNIT_FIELDS[f];
    const asks: Level[] = [];
    const bids: Level[] = [];
    let lastAsk = -1;
    let lastBid = -1;
    for (let u = 0; u < nUnits; u++) {
      if ((unitMask[u] & need) !== need) return undefined;
      const k = u * 8 + f;
      const ap = r.units(unitM[k], unitFrac[k], pd);
      const bp = r.units(unitM[k + 2], unitFrac[k + 2], pd);
      const as = r.units(unitM[k + 4], unitFrac[k + 4], sd);
      const bs = r.units(unitM[k + 6], unitFrac[k + 6], sd);
      // NaN (not convertible) and negatives: the full parser says what is wrong.
      if (!(ap >= 0 && bp >= 0 && as >= 0 && bs >= 0)) return undefined;
      // A thin book pads missing levels with zero sizes; those are not levels.
      if (as > 0) {
        if (ap <= lastAsk) return undefined;
        asks.push([ap, as]);
        lastAsk = ap;
      }
      if (bs > 0) {
        if (lastBid >= 0 && bp >= lastBid) return undefined;
        bids.push([bp, bs]);
        lastBid = bp;
      }
    }
    if (asks.length && bids.length && bids[0][0] >= asks[0][0]) return undefined;
    emit({ type: 'book', market: market.id, ts, bids, asks });
    return 'data';
  }

  if (r.equals(typeS, typeE, B_TRADE)) {
    const ab = K_ASK_BID + f;
    if (topKind[ab] !== V_STRING) return undefined;
    const bid = r.equals(topS[ab], topE[ab], B_BID);
    if (!bid && !r.equals(topS[ab], topE[ab], B_ASK)) return undefined;
    if (
      topKind[K_SID + f] !== V_NUMBER ||
      topKind[K_TRADE_TS + f] !== V_NUMBER ||
      topKind[K_PRICE + f] !== V_NUMBER ||
      topKind[K_VOLUME + f] !== V_NUMBER
    )
      return undefined;
    const sid = fieldInteger(K_SID + f);
    const ts = fieldInteger(K_TRADE_TS + f);
    const price = fieldUnits(K_PRICE + f, pd);
    const size = fieldUnits(K_VOLUME + f, sd);
    if (sid !== sid || !(ts > 0 && price > 0 && size > 0)) return undefined;
    emit({ type: 'trade', market: market.id, ts, price, size, side: bid ? 'buy' : 'sell', tradeId: String(sid) });
    return 'data';
  }
  return undefined;
}
