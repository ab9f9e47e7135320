/**
 * Upbit WebSocket wire format: the subscribe message and the parser of its frames into normalised events.
 *
 * Frames are UTF-8 JSON (binary frames for data; status and error replies may come either way). DEFAULT uses
 * long keys, SIMPLE the short ones; JSON_LIST / SIMPLE_LIST wrap the same objects in an array. Numbers are
 * JSON numbers. Every orderbook message, SNAPSHOT or REALTIME, is a complete top-N book.
 */
import { numberToUnits } from '../decimal';
import { malformed } from '../frame-error';
import type { BookEvent, FeedMarket, Level, TickerEvent, TradeEvent } from '../types';

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
export function upbitSubscribeMessage(ticket: string, requests: readonly UpbitTypeRequest[], format: UpbitFormat): string {
  const body: object[] = [{ ticket }];
  for (const r of requests) if (r.codes.length) body.push({ type: r.type, codes: r.codes });
  body.push({ format });
  return JSON.stringify(body);
}

type Keys = {
  type: string; code: string; timestamp: string; stream_type: string;
  opening_price: string; high_price: string; low_price: string; trade_price: string; prev_closing_price: string;
  acc_trade_volume_24h: string; trade_timestamp: string; trade_volume: string; ask_bid: string; sequential_id: string;
  orderbook_units: string; ask_price: string; bid_price: string; ask_size: string; bid_size: string;
};

const DEFAULT_KEYS: Keys = {
  type: 'type', code: 'code', timestamp: 'timestamp', stream_type: 'stream_type',
  opening_price: 'opening_price', high_price: 'high_price', low_price: 'low_price', trade_price: 'trade_price',
  prev_closing_price: 'prev_closing_price', acc_trade_volume_24h: 'acc_trade_volume_24h',
  trade_timestamp: 'trade_timestamp', trade_volume: 'trade_volume', ask_bid: 'ask_bid', sequential_id: 'sequential_id',
  orderbook_units: 'orderbook_units', ask_price: 'ask_price', bid_price: 'bid_price', ask_size: 'ask_size', bid_size: 'bid_size',
};

export const SIMPLE_KEYS: Keys = {
  type: 'ty', code: 'cd', timestamp: 'tms', stream_type: 'st',
  opening_price: 'op', high_price: 'hp', low_price: 'lp', trade_price: 'tp', prev_closing_price: 'pcp',
  acc_trade_volume_24h: 'atv24h', trade_timestamp: 'ttms', trade_volume: 'tv', ask_bid: 'ab', sequential_id: 'sid',
  orderbook_units: 'obu', ask_price: 'ap', bid_price: 'bp', ask_size: 'as', bid_size: 'bs',
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
