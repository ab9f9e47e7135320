/**
 * My orders and trades across venues as the Orders & trades screen lists them: every venue's rows in one list,
 * newest first, narrowed by the filters, each row with the market it is shown by (its own number rule).
 */
import type { HistoryFill, HistoryMarket, HistoryOrder, HistoryVenue, VenueHistory } from '@protocol/api';
import type { ViewMarket } from './market-view';

export interface HistoryFilters {
  venue: HistoryVenue | 'all';
  /** A market id, or all. */
  market: string;
  side: 'buy' | 'sell' | 'all';
  status: HistoryOrder['status'] | 'all';
}

export const NO_FILTERS: HistoryFilters = { venue: 'all', market: 'all', side: 'all', status: 'all' };

/** The key of a market within its venue (two venues may both list LPJ-KRW). */
export const marketKey = (venue: HistoryVenue, market: string): string => `${venue}:${market}`;

/** A listed market in the view's terms, for the number rule (fees and minimums play no part in a listing). */
export function viewMarketOf(m: HistoryMarket): ViewMarket {
  return {
    id: m.id,
    base: m.base,
    quote: m.quote,
    priceDecimals: m.priceDecimals,
    sizeDecimals: m.sizeDecimals,
    quoteDecimals: m.quoteDecimals,
    tickSize: m.tickSize,
    lotSize: m.lotSize,
    minNotional: 0,
    makerFeeBps: 0,
    takerFeeBps: 0,
  };
}

/** Every venue's markets by key. */
export function marketsOf(venues: readonly VenueHistory[]): Map<string, ViewMarket> {
  const out = new Map<string, ViewMarket>();
  for (const v of venues) for (const m of v.markets) out.set(marketKey(v.venue, m.id), viewMarketOf(m));
  return out;
}

/** The market ids any venue lists rows or settings for, sorted: what the market filter offers. */
export function marketIds(venues: readonly VenueHistory[]): string[] {
  const ids = new Set<string>();
  for (const v of venues) {
    for (const m of v.markets) ids.add(m.id);
    for (const o of v.orders) ids.add(o.market);
    for (const f of v.fills) ids.add(f.market);
  }
  return [...ids].sort();
}

function keep(row: HistoryOrder | HistoryFill, f: HistoryFilters): boolean {
  return (
    (f.venue === 'all' || row.venue === f.venue) &&
    (f.market === 'all' || row.market === f.market) &&
    (f.side === 'all' || row.side === f.side)
  );
}

/** Orders of every venue that pass the filters, newest first. */
export function filteredOrders(venues: readonly VenueHistory[], f: HistoryFilters): HistoryOrder[] {
  return venues
    .flatMap((v) => v.orders)
    .filter((o) => keep(o, f) && (f.status === 'all' || o.status === f.status))
    .sort((a, b) => b.ts - a.ts || b.id - a.id);
}

/** Fills of every venue that pass the filters (the status filter is the orders'), newest first. */
export function filteredFills(venues: readonly VenueHistory[], f: HistoryFilters): HistoryFill[] {
  return venues
    .flatMap((v) => v.fills)
    .filter((x) => keep(x, f))
    .sort((a, b) => b.ts - a.ts || b.tradeId - a.tradeId);
}
