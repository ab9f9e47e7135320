/**
 * The market list's logic, pure: the day's change of a price, the order rows are shown in (favourites first),
 * the search, which market a row opens, and the sparkline's outline. Prices stay integers in the row's units.
 */
import type { FeedSourceName } from '@protocol/api';
import type { WatchRow } from '@protocol/watchlist';
import { BPS } from './units';
import { LIVE_CHOICE, PRACTICE_CHOICE, type MarketChoice } from './market-identity';

export interface DayChange {
  /** Price units, signed. */
  change: number;
  /** Basis points of the reference, rounded toward zero (integer arithmetic). */
  bps: bigint;
  direction: 'up' | 'down' | '';
}

/** The change from `reference` to `last`; null unless both are known. */
export function dayChange(last: number | undefined, reference: number | undefined): DayChange | null {
  if (!last || !reference) return null;
  const change = last - reference;
  return {
    change,
    bps: (BigInt(change) * BPS) / BigInt(reference),
    direction: change > 0 ? 'up' : change < 0 ? 'down' : '',
  };
}

/** What the search matches a row on: "BTC", "btc/krw", "BTCKRW", "krw", "upbit", "live". */
function haystack(row: WatchRow, venueName: string): string {
  return `${row.base}/${row.quote} ${row.base}${row.quote} ${venueName}`.toUpperCase();
}

/**
 * The rows shown: those matching every word of `query` (case and spaces ignored around words), favourites first,
 * each group in the host's order. `venueName` gives the words a row's venue is found by (in the UI's language).
 */
export function visibleRows(
  rows: readonly WatchRow[],
  favourites: readonly string[],
  query: string,
  venueName: (venue: WatchRow['venue']) => string,
): WatchRow[] {
  const words = query.toUpperCase().split(/\s+/).filter(Boolean);
  const starred = new Set(favourites);
  const matching = rows.filter((r) => {
    const text = haystack(r, venueName(r.venue));
    return words.every((w) => text.includes(w));
  });
  return [...matching.filter((r) => starred.has(r.key)), ...matching.filter((r) => !starred.has(r.key))];
}

/** The market choice (and, for a paper market, the price source it needs) a row opens. */
export function rowChoice(row: Pick<WatchRow, 'key' | 'venue' | 'market'>): {
  choice: MarketChoice;
  source: FeedSourceName | null;
} {
  if (row.venue === 'practice') return { choice: PRACTICE_CHOICE, source: null };
  if (row.venue === 'live') return { choice: LIVE_CHOICE, source: null };
  return { choice: row.market, source: row.venue };
}

/** Whether a row is the market now on the Market screen. */
export function isOpenRow(row: WatchRow, choice: MarketChoice, source: FeedSourceName | null): boolean {
  const r = rowChoice(row);
  return r.choice === choice && (r.source === null || r.source === source);
}

/**
 * The sparkline as SVG polyline points in a `width` × `height` box (y down), spread evenly left to right and
 * scaled to its own low and high; null with fewer than two closes (nothing to draw a line through).
 */
export function sparkPoints(closes: readonly number[], width: number, height: number): string | null {
  if (closes.length < 2) return null;
  let low = closes[0];
  let high = closes[0];
  for (const c of closes) {
    if (c < low) low = c;
    if (c > high) high = c;
  }
  const span = high - low || 1;
  const step = width / (closes.length - 1);
  return closes
    .map((c, i) => {
      const y = high === low ? height / 2 : height - ((c - low) / span) * height;
      return `${+(i * step).toFixed(1)},${+y.toFixed(1)}`;
    })
    .join(' ');
}
