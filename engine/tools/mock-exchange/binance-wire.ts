/** Binance Spot message shapes, as the mock exchange writes them (decimal strings with 8 places). */
import { formatFixedUnits } from '../../core/market-data/decimal';
import type { Level } from '../../core/market-data/types';
import type { HistoryTrade, MinuteCandle } from './candle-history';
import { SIZE_DECIMALS } from './instruments';
import type { SimMarket, SimTrade } from './sim-market';

const px = (m: SimMarket, units: number): string => formatFixedUnits(units, m.instrument.priceDecimals, 8);
const qty = (units: number): string => formatFixedUnits(units, SIZE_DECIMALS, 8);

export function levelsText(m: SimMarket, levels: readonly Level[]): string {
  let s = '[';
  for (let i = 0; i < levels.length; i++) s += `${i ? ',' : ''}["${px(m, levels[i][0])}","${qty(levels[i][1])}"]`;
  return s + ']';
}

export function binanceTrade(m: SimMarket, t: SimTrade, now: number): string {
  // m = the buyer is the maker, i.e. the taker sold.
  return `{"e":"trade","E":${now},"s":"${m.instrument.symbol}","t":${t.id},"p":"${px(m, t.price)}","q":"${qty(t.size)}","T":${t.ts},"m":${t.side === 'sell'},"M":true}`;
}

export function binanceDepthUpdate(
  m: SimMarket,
  now: number,
  firstId: number,
  lastId: number,
  bids: readonly Level[],
  asks: readonly Level[],
): string {
  return `{"e":"depthUpdate","E":${now},"s":"${m.instrument.symbol}","U":${firstId},"u":${lastId},"b":${levelsText(m, bids)},"a":${levelsText(m, asks)}}`;
}

export function binanceTicker(m: SimMarket, now: number): string {
  const s = m.instrument.symbol;
  const d = m.last - m.open24;
  const pct = ((d / m.open24) * 100).toFixed(3);
  const book = m.book(1);
  const t = m.lastTrade;
  return (
    `{"e":"24hrTicker","E":${now},"s":"${s}","p":"${px(m, d)}","P":"${pct}","w":"${px(m, m.last)}","x":"${px(m, m.prevClose)}",` +
    `"c":"${px(m, m.last)}","Q":"${qty(t?.size ?? 0)}","b":"${px(m, book.bids[0]?.[0] ?? 0)}","B":"${qty(book.bids[0]?.[1] ?? 0)}",` +
    `"a":"${px(m, book.asks[0]?.[0] ?? 0)}","A":"${qty(book.asks[0]?.[1] ?? 0)}","o":"${px(m, m.open24)}","h":"${px(m, m.high)}",` +
    `"l":"${px(m, m.low)}","v":"${qty(m.volume24)}","q":"${m.quoteVolume24.toFixed(8)}","O":${now - 86_400_000},"C":${now},` +
    `"F":1,"L":${m.tradeId},"n":${m.tradeId}}`
  );
}

/** A row of the REST 24 h ticker (`GET /api/v3/ticker/24hr`, FULL type). */
export function binanceRestTicker(m: SimMarket, now: number): string {
  const d = m.last - m.open24;
  const pct = ((d / m.open24) * 100).toFixed(3);
  const book = m.book(1);
  const t = m.lastTrade;
  return (
    `{"symbol":"${m.instrument.symbol}","priceChange":"${px(m, d)}","priceChangePercent":"${pct}","weightedAvgPrice":"${px(m, m.last)}",` +
    `"prevClosePrice":"${px(m, m.prevClose)}","lastPrice":"${px(m, m.last)}","lastQty":"${qty(t?.size ?? 0)}",` +
    `"bidPrice":"${px(m, book.bids[0]?.[0] ?? 0)}","bidQty":"${qty(book.bids[0]?.[1] ?? 0)}","askPrice":"${px(m, book.asks[0]?.[0] ?? 0)}",` +
    `"askQty":"${qty(book.asks[0]?.[1] ?? 0)}","openPrice":"${px(m, m.open24)}","highPrice":"${px(m, m.high)}","lowPrice":"${px(m, m.low)}",` +
    `"volume":"${qty(m.volume24)}","quoteVolume":"${m.quoteVolume24.toFixed(8)}","openTime":${now - 86_400_000},"closeTime":${now},` +
    `"firstId":1,"lastId":${m.tradeId},"count":${m.tradeId}}`
  );
}

export function binanceMiniTicker(m: SimMarket, now: number): string {
  return (
    `{"e":"24hrMiniTicker","E":${now},"s":"${m.instrument.symbol}","c":"${px(m, m.last)}","o":"${px(m, m.open24)}",` +
    `"h":"${px(m, m.high)}","l":"${px(m, m.low)}","v":"${qty(m.volume24)}","q":"${m.quoteVolume24.toFixed(8)}"}`
  );
}

export function binanceKline(m: SimMarket, now: number): string | undefined {
  const k = m.kline;
  if (!k) return undefined;
  const s = m.instrument.symbol;
  return (
    `{"e":"kline","E":${now},"s":"${s}","k":{"t":${k.openTime},"T":${k.openTime + 59_999},"s":"${s}","i":"1m","f":${k.firstId},"L":${k.lastId},` +
    `"o":"${px(m, k.open)}","c":"${px(m, k.close)}","h":"${px(m, k.high)}","l":"${px(m, k.low)}","v":"${qty(k.volume)}","n":${k.trades},` +
    `"x":${now >= k.openTime + 60_000},"q":"0.00000000","V":"0.00000000","Q":"0.00000000","B":"0"}}`
  );
}

/** A REST kline row (a 1m one unless its close time is given: the next kline's open time - 1). */
export function binanceKlineRow(m: SimMarket, c: MinuteCandle, closeTime = c.openTime + 59_999): string {
  return `[${c.openTime},"${px(m, c.open)}","${px(m, c.high)}","${px(m, c.low)}","${px(m, c.close)}","${qty(c.volume)}",${closeTime},"0.00000000",${c.trades},"0.00000000","0.00000000","0"]`;
}

export function binanceDepthSnapshot(m: SimMarket, limit: number): string {
  const { bids, asks } = m.book(limit);
  return `{"lastUpdateId":${m.updateId},"bids":${levelsText(m, bids)},"asks":${levelsText(m, asks)}}`;
}

/** A REST aggTrades row (`GET /api/v3/aggTrades`): one trade of the history as its own aggregate. */
export function binanceAggTradeRow(m: SimMarket, t: HistoryTrade): string {
  return `{"a":${t.id},"p":"${px(m, t.price)}","q":"${qty(t.size)}","f":${t.id},"l":${t.id},"T":${t.ts},"m":${t.side === 'sell'},"M":true}`;
}
