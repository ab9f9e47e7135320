/**
 * "Export my trade history": every fill of the local user, from the offline LPJ practice market and from paper
 * trading on real coins, as one CSV (RFC 4180). Amounts are written as exact decimals from their integer units,
 * never through a float, so a spreadsheet sees exactly what the ledger holds.
 */
import { formatFixedUnits } from '../core/market-data/decimal';
import type { EngineEvent } from '../core/matching/types';
import { csvText } from './csv';

export interface FillRow {
  ts: number;
  venue: string;
  market: string;
  side: 'buy' | 'sell';
  price: string;
  quantity: string;
  quoteAmount: string;
  fee: string;
  liquidity: 'maker' | 'taker';
  tradeId: number;
  orderId: number;
}

/** How to read one market's integer units as decimals. */
export interface MarketUnits {
  priceDecimals: number;
  sizeDecimals: number;
  quoteDecimals: number;
}

const HEADER = [
  'time_utc',
  'venue',
  'market',
  'side',
  'price',
  'quantity',
  'quote_amount',
  'fee',
  'liquidity',
  'trade_id',
  'order_id',
];

/** The user's legs of the trade events in `events` (both engines' trade events have this shape). */
export function userFills(
  events: readonly { type: string }[],
  user: number,
  venue: string,
  units: (market: string) => MarketUnits | undefined,
): FillRow[] {
  const rows: FillRow[] = [];
  for (const e of events as readonly EngineEvent[]) {
    if (e.type !== 'trade') continue;
    const maker = e.makerAccount === user;
    if (!maker && e.takerAccount !== user) continue;
    const u = units(e.market);
    if (!u) continue;
    rows.push({
      ts: e.ts,
      venue,
      market: e.market,
      side: maker ? (e.takerSide === 'buy' ? 'sell' : 'buy') : e.takerSide,
      price: formatFixedUnits(e.price, u.priceDecimals),
      quantity: formatFixedUnits(e.quantity, u.sizeDecimals),
      quoteAmount: formatFixedUnits(e.quoteAmount, u.quoteDecimals),
      fee: formatFixedUnits(maker ? e.makerFee : e.takerFee, u.quoteDecimals),
      liquidity: maker ? 'maker' : 'taker',
      tradeId: e.tradeId,
      orderId: maker ? e.makerOrderId : e.takerOrderId,
    });
  }
  return rows;
}

/** Oldest first, with a header line; CRLF line ends as RFC 4180 asks. */
export function fillsCsv(rows: FillRow[]): string {
  const sorted = [...rows].sort((a, b) => a.ts - b.ts || a.venue.localeCompare(b.venue) || a.tradeId - b.tradeId);
  return csvText(
    HEADER,
    sorted.map((r) => [
      new Date(r.ts).toISOString(),
      r.venue,
      r.market,
      r.side,
      r.price,
      r.quantity,
      r.quoteAmount,
      r.fee,
      r.liquidity,
      r.tradeId,
      r.orderId,
    ]),
  );
}

/** Reads a journal stream page by page (`read(after, limit)` returns events with seq > after). */
export function readAll<E extends { seq: number }>(read: (after: number, limit: number) => E[]): E[] {
  const all: E[] = [];
  for (let after = 0; ;) {
    const page = read(after, 10_000);
    if (page.length === 0) return all;
    all.push(...page);
    after = page[page.length - 1].seq;
  }
}
