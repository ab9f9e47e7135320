/** Upbit's message shapes, as the mock exchange writes them (DEFAULT keys, or SIMPLE short keys). */
import { formatUnitsTrimmed, unitsToNumber } from '../../core/market-data/decimal';
import type { Level } from '../../core/market-data/types';
import type { CandleHistory, HistoryTrade, MinuteCandle } from './candle-history';
import { SIZE_DECIMALS } from './instruments';
import type { SimMarket, SimTrade } from './sim-market';

export type UpbitWireFormat = 'DEFAULT' | 'SIMPLE' | 'JSON_LIST' | 'SIMPLE_LIST';

/** DEFAULT key → SIMPLE key, per the published list. */
const SIMPLE: Record<string, string> = {
  type: 'ty',
  code: 'cd',
  opening_price: 'op',
  high_price: 'hp',
  low_price: 'lp',
  trade_price: 'tp',
  prev_closing_price: 'pcp',
  change: 'c',
  change_price: 'cp',
  signed_change_price: 'scp',
  change_rate: 'cr',
  signed_change_rate: 'scr',
  trade_volume: 'tv',
  acc_trade_volume: 'atv',
  acc_trade_volume_24h: 'atv24h',
  acc_trade_price: 'atp',
  acc_trade_price_24h: 'atp24h',
  trade_date: 'tdt',
  trade_time: 'ttm',
  trade_timestamp: 'ttms',
  ask_bid: 'ab',
  acc_ask_volume: 'aav',
  acc_bid_volume: 'abv',
  highest_52_week_price: 'h52wp',
  highest_52_week_date: 'h52wdt',
  lowest_52_week_price: 'l52wp',
  lowest_52_week_date: 'l52wdt',
  market_state: 'ms',
  timestamp: 'tms',
  stream_type: 'st',
  total_ask_size: 'tas',
  total_bid_size: 'tbs',
  orderbook_units: 'obu',
  ask_price: 'ap',
  bid_price: 'bp',
  ask_size: 'as',
  bid_size: 'bs',
  level: 'lv',
  sequential_id: 'sid',
  best_ask_price: 'bap',
  best_ask_size: 'bas',
  best_bid_price: 'bbp',
  best_bid_size: 'bbs',
};

function simplify(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in o) {
    const v = o[k];
    out[SIMPLE[k] ?? k] = Array.isArray(v)
      ? v.map((u) => (typeof u === 'object' && u !== null ? simplify(u as Record<string, unknown>) : u))
      : v;
  }
  // Trade messages name their date "td" in SIMPLE; tickers "tdt".
  if (o.type === 'trade' && 'trade_date' in o) {
    out.td = out.tdt;
    delete out.tdt;
  }
  return out;
}

export function encodeUpbit(o: Record<string, unknown>, format: UpbitWireFormat): string {
  const body = format === 'SIMPLE' || format === 'SIMPLE_LIST' ? simplify(o) : o;
  return JSON.stringify(format === 'JSON_LIST' || format === 'SIMPLE_LIST' ? [body] : body);
}

const price = (m: SimMarket, units: number): number => unitsToNumber(units, m.instrument.priceDecimals);
const size = (units: number): number => unitsToNumber(units, SIZE_DECIMALS);

function change(m: SimMarket): {
  change: string;
  change_price: number;
  signed_change_price: number;
  change_rate: number;
  signed_change_rate: number;
} {
  const d = m.last - m.prevClose;
  const rate = Math.round((Math.abs(d) / m.prevClose) * 1e8) / 1e8;
  return {
    change: d > 0 ? 'RISE' : d < 0 ? 'FALL' : 'EVEN',
    change_price: price(m, Math.abs(d)),
    signed_change_price: price(m, d),
    change_rate: rate,
    signed_change_rate: d < 0 ? -rate : rate,
  };
}

function ymd(ts: number, sep: string): string {
  const d = new Date(ts).toISOString();
  return sep ? d.slice(0, 10) : d.slice(0, 10).replaceAll('-', '');
}

function hms(ts: number, sep: string): string {
  const t = new Date(ts).toISOString().slice(11, 19);
  return sep ? t : t.replaceAll(':', '');
}

export function upbitTicker(m: SimMarket, now: number, stream: 'SNAPSHOT' | 'REALTIME'): Record<string, unknown> {
  const t = m.lastTrade;
  const ts = t?.ts ?? now;
  return {
    type: 'ticker',
    code: m.instrument.symbol,
    opening_price: price(m, m.open24),
    high_price: price(m, m.high),
    low_price: price(m, m.low),
    trade_price: price(m, m.last),
    prev_closing_price: price(m, m.prevClose),
    ...change(m),
    trade_volume: size(t?.size ?? 0),
    acc_trade_volume: size(m.volume24),
    acc_trade_volume_24h: size(m.volume24),
    acc_trade_price: m.quoteVolume24,
    acc_trade_price_24h: m.quoteVolume24,
    trade_date: ymd(ts, ''),
    trade_time: hms(ts, ''),
    trade_timestamp: ts,
    ask_bid: t?.side === 'sell' ? 'ASK' : 'BID',
    acc_ask_volume: size(Math.floor(m.volume24 / 2)),
    acc_bid_volume: size(m.volume24 - Math.floor(m.volume24 / 2)),
    highest_52_week_price: price(m, m.high * 2),
    highest_52_week_date: '2024-12-17',
    lowest_52_week_price: price(m, Math.floor(m.low / 2)),
    lowest_52_week_date: '2024-08-05',
    market_state: 'ACTIVE',
    is_trading_suspended: false,
    delisting_date: null,
    market_warning: 'NONE',
    timestamp: now,
    stream_type: stream,
  };
}

/** A row of the REST ticker (`GET /v1/ticker?markets=`): the WebSocket ticker's figures, named by `market`. */
export function upbitRestTicker(m: SimMarket, now: number): Record<string, unknown> {
  const t = m.lastTrade;
  const ts = t?.ts ?? now;
  return {
    market: m.instrument.symbol,
    trade_date: ymd(ts, ''),
    trade_time: hms(ts, ''),
    trade_date_kst: ymd(ts + 9 * 3_600_000, ''),
    trade_time_kst: hms(ts + 9 * 3_600_000, ''),
    trade_timestamp: ts,
    opening_price: price(m, m.open24),
    high_price: price(m, m.high),
    low_price: price(m, m.low),
    trade_price: price(m, m.last),
    prev_closing_price: price(m, m.prevClose),
    ...change(m),
    trade_volume: size(t?.size ?? 0),
    acc_trade_price: m.quoteVolume24,
    acc_trade_price_24h: m.quoteVolume24,
    acc_trade_volume: size(m.volume24),
    acc_trade_volume_24h: size(m.volume24),
    highest_52_week_price: price(m, m.high * 2),
    highest_52_week_date: '2024-12-17',
    lowest_52_week_price: price(m, Math.floor(m.low / 2)),
    lowest_52_week_date: '2024-08-05',
    timestamp: now,
  };
}

export function upbitTrade(
  m: SimMarket,
  t: SimTrade,
  now: number,
  stream: 'SNAPSHOT' | 'REALTIME',
): Record<string, unknown> {
  const book = m.book(1);
  return {
    type: 'trade',
    code: m.instrument.symbol,
    timestamp: now,
    trade_date: ymd(t.ts, '-'),
    trade_time: hms(t.ts, ':'),
    trade_timestamp: t.ts,
    trade_price: price(m, t.price),
    trade_volume: size(t.size),
    // Upbit's ask_bid is the taker's side: ASK = sold into the bid.
    ask_bid: t.side === 'sell' ? 'ASK' : 'BID',
    prev_closing_price: price(m, m.prevClose),
    change: change(m).change,
    change_price: change(m).change_price,
    sequential_id: 1_700_000_000_000 + t.id,
    best_ask_price: price(m, book.asks[0]?.[0] ?? 0),
    best_ask_size: size(book.asks[0]?.[1] ?? 0),
    best_bid_price: price(m, book.bids[0]?.[0] ?? 0),
    best_bid_size: size(book.bids[0]?.[1] ?? 0),
    stream_type: stream,
  };
}

export function upbitOrderbook(
  m: SimMarket,
  depth: number,
  now: number,
  stream: 'SNAPSHOT' | 'REALTIME',
): Record<string, unknown> {
  const { bids, asks } = m.book(depth);
  const units: Record<string, number>[] = [];
  let tas = 0;
  let tbs = 0;
  for (let i = 0; i < Math.max(bids.length, asks.length); i++) {
    const a: Level = asks[i] ?? [0, 0];
    const b: Level = bids[i] ?? [0, 0];
    tas += a[1];
    tbs += b[1];
    units.push({ ask_price: price(m, a[0]), bid_price: price(m, b[0]), ask_size: size(a[1]), bid_size: size(b[1]) });
  }
  return {
    type: 'orderbook',
    code: m.instrument.symbol,
    timestamp: now,
    total_ask_size: size(tas),
    total_bid_size: size(tbs),
    orderbook_units: units,
    stream_type: stream,
    level: 0,
  };
}

/** Price with the ".0" Upbit's REST writes on integral values ("11436000.0"). */
function restPrice(units: number, decimals: number): string {
  const t = formatUnitsTrimmed(units, decimals);
  return t.includes('.') ? t : `${t}.0`;
}

function kst(ms: number): string {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19);
}

/** One row of /v1/candles/minutes/{unit}, written as Upbit writes it. */
export function upbitCandleRow(symbol: string, decimals: number, unit: number, c: MinuteCandle): string {
  const quote = (unitsToNumber(c.close, decimals) * c.volume) / 1e8;
  return (
    `{"market":"${symbol}","candle_date_time_utc":"${new Date(c.openTime).toISOString().slice(0, 19)}",` +
    `"candle_date_time_kst":"${kst(c.openTime)}","opening_price":${restPrice(c.open, decimals)},` +
    `"high_price":${restPrice(c.high, decimals)},"low_price":${restPrice(c.low, decimals)},` +
    `"trade_price":${restPrice(c.close, decimals)},"timestamp":${c.lastTradeAt},` +
    `"candle_acc_trade_price":${quote},"candle_acc_trade_volume":${formatUnitsTrimmed(c.volume, SIZE_DECIMALS)},"unit":${unit}}`
  );
}

/** One row of /v1/candles/weeks or /months: the minute row's fields with `first_day_of_period`, no `unit`. */
export function upbitPeriodRow(symbol: string, decimals: number, c: MinuteCandle): string {
  const quote = (unitsToNumber(c.close, decimals) * c.volume) / 1e8;
  return (
    `{"market":"${symbol}","candle_date_time_utc":"${new Date(c.openTime).toISOString().slice(0, 19)}",` +
    `"candle_date_time_kst":"${kst(c.openTime)}","opening_price":${restPrice(c.open, decimals)},` +
    `"high_price":${restPrice(c.high, decimals)},"low_price":${restPrice(c.low, decimals)},` +
    `"trade_price":${restPrice(c.close, decimals)},"timestamp":${c.lastTradeAt},` +
    `"candle_acc_trade_price":${quote},"candle_acc_trade_volume":${formatUnitsTrimmed(c.volume, SIZE_DECIMALS)},` +
    `"first_day_of_period":"${new Date(c.openTime).toISOString().slice(0, 10)}"}`
  );
}

/** Candles of `unit` minutes built from the minute history (a bucket without any trade has no candle). */
export function upbitBucket(history: CandleHistory, unit: number, bucket: number): MinuteCandle | undefined {
  let out: MinuteCandle | undefined;
  for (let m = bucket * unit; m < (bucket + 1) * unit; m++) {
    const c = history.candle(m);
    if (!c) continue;
    if (!out) out = { ...c, openTime: bucket * unit * 60_000 };
    else {
      out.high = Math.max(out.high, c.high);
      out.low = Math.min(out.low, c.low);
      out.close = c.close;
      out.volume += c.volume;
      out.lastTradeAt = c.lastTradeAt;
      out.trades += c.trades;
    }
  }
  return out;
}

/** One row of /v1/trades/ticks, written as Upbit writes it (ASK: the taker sold). */
export function upbitTickRow(symbol: string, decimals: number, t: HistoryTrade): string {
  const iso = new Date(t.ts).toISOString();
  return (
    `{"market":"${symbol}","trade_date_utc":"${iso.slice(0, 10)}","trade_time_utc":"${iso.slice(11, 19)}",` +
    `"timestamp":${t.ts},"trade_price":${restPrice(t.price, decimals)},"trade_volume":${formatUnitsTrimmed(t.size, SIZE_DECIMALS)},` +
    `"prev_closing_price":${restPrice(t.price, decimals)},"change_price":0,"ask_bid":"${t.side === 'sell' ? 'ASK' : 'BID'}",` +
    `"sequential_id":${t.id}}`
  );
}
