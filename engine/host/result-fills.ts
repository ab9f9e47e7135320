/**
 * An account's fills as results and reports read them (../core/results): my leg of each trade event of a journal,
 * in its market's own units, and back out as the rows of the trade-history CSV. One reading for every account
 * kept locally — the offline practice market, paper trading, a replay — so their results and exports agree.
 */
import { formatFixedUnits } from '../core/market-data/decimal';
import type { EngineEvent } from '../core/matching/types';
import type { ResultFill, ResultMarket } from '../core/results';
import type { FillRow } from './trade-export';

/** My fills among `events` (trade events of the practice or a paper journal), oldest first as given. */
export function tradeFills(
  events: readonly { type: string }[],
  user: number,
  known: (market: string) => boolean,
): ResultFill[] {
  const out: ResultFill[] = [];
  for (const e of events as readonly EngineEvent[]) {
    if (e.type !== 'trade') continue;
    const maker = e.makerAccount === user;
    if ((!maker && e.takerAccount !== user) || !known(e.market)) continue;
    out.push({
      ts: e.ts,
      market: e.market,
      side: maker ? (e.takerSide === 'buy' ? 'sell' : 'buy') : e.takerSide,
      price: e.price,
      quantity: e.quantity,
      quoteAmount: e.quoteAmount,
      fee: maker ? e.makerFee : e.takerFee,
      liquidity: maker ? 'maker' : 'taker',
      tradeId: e.tradeId,
      orderId: maker ? e.makerOrderId : e.takerOrderId,
    });
  }
  return out;
}

/** Fills as rows of the trade-history CSV, amounts as exact decimals of their market's units. */
export function fillRows(fills: readonly ResultFill[], markets: readonly ResultMarket[], venue: string): FillRow[] {
  const byId = new Map(markets.map((m) => [m.id, m]));
  return fills.flatMap((f) => {
    const m = byId.get(f.market);
    if (!m) return [];
    return [
      {
        ts: f.ts,
        venue,
        market: f.market,
        side: f.side,
        price: formatFixedUnits(f.price, m.priceDecimals),
        quantity: formatFixedUnits(f.quantity, m.sizeDecimals),
        quoteAmount: formatFixedUnits(f.quoteAmount, m.quoteDecimals),
        fee: formatFixedUnits(f.fee, m.quoteDecimals),
        liquidity: f.liquidity,
        tradeId: f.tradeId ?? 0,
        orderId: f.orderId ?? 0,
      },
    ];
  });
}
