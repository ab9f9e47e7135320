/**
 * Profit and loss per period — day, week or month on the candles' UTC boundaries (weeks open on Monday) — from
 * an account's fills: for each period and market, the PnL realised by the fills in it, the fees paid and the
 * turnover (the value of every fill), in the market's quote units.
 *
 * Realised PnL is the paper engine's average-cost figure (../paper/position), folded over every fill from the
 * first, so a sale in March realises against coins bought in January. Rows come oldest period first, then by
 * market. Nothing here throws: a market whose fills leave the safe-integer range stops being reported and is
 * named in `outOfRange`.
 */
import { intervalStart } from '../candles/intervals';
import { applyFill, emptyPosition, positionInRange, type Position } from '../paper/position';
import type { ResultFill, ResultMarket } from './account-result';

export type ReportPeriod = 'day' | 'week' | 'month';

const INTERVAL = { day: '1d', week: '1w', month: '1M' } as const;

export interface PeriodRow {
  /** ms UTC the period opens at. */
  periodStart: number;
  market: string;
  base: string;
  quote: string;
  quoteDecimals: number;
  fills: number;
  /** Quote units. */
  realisedPnl: number;
  fees: number;
  turnover: number;
}

export interface PeriodReport {
  period: ReportPeriod;
  rows: PeriodRow[];
  outOfRange: string[];
}

export function periodReport(
  fills: readonly ResultFill[],
  markets: readonly ResultMarket[],
  period: ReportPeriod,
): PeriodReport {
  const byId = new Map(markets.map((m) => [m.id, m]));
  const positions = new Map<string, Position>();
  const rows = new Map<string, PeriodRow>();
  const outOfRange = new Set<string>();
  const sorted = [...fills].sort((a, b) => a.ts - b.ts);
  for (const f of sorted) {
    const m = byId.get(f.market);
    if (!m || outOfRange.has(f.market)) continue;
    const valid =
      Number.isSafeInteger(f.ts) &&
      f.ts >= 0 &&
      Number.isSafeInteger(f.quantity) &&
      f.quantity > 0 &&
      Number.isSafeInteger(f.quoteAmount) &&
      f.quoteAmount >= 0 &&
      Number.isSafeInteger(f.fee);
    const before = positions.get(f.market) ?? emptyPosition();
    const after = { ...before };
    if (valid) applyFill(after, f.side, f.quantity, f.quoteAmount, f.fee);
    const start = valid ? intervalStart(f.ts, INTERVAL[period]) : 0;
    const key = `${start}|${f.market}`;
    const row = rows.get(key) ?? {
      periodStart: start,
      market: m.id,
      base: m.base,
      quote: m.quote,
      quoteDecimals: m.quoteDecimals,
      fills: 0,
      realisedPnl: 0,
      fees: 0,
      turnover: 0,
    };
    const next = {
      ...row,
      fills: row.fills + 1,
      realisedPnl: row.realisedPnl + after.realisedPnl - before.realisedPnl,
      fees: row.fees + f.fee,
      turnover: row.turnover + f.quoteAmount,
    };
    if (
      !valid ||
      !positionInRange(after) ||
      !Number.isSafeInteger(next.realisedPnl) ||
      !Number.isSafeInteger(next.fees) ||
      !Number.isSafeInteger(next.turnover)
    ) {
      outOfRange.add(f.market);
      for (const k of [...rows.keys()]) if (rows.get(k)!.market === f.market) rows.delete(k);
      continue;
    }
    positions.set(f.market, after);
    rows.set(key, next);
  }
  return {
    period,
    rows: [...rows.values()].sort(
      (a, b) => a.periodStart - b.periodStart || (a.market < b.market ? -1 : a.market > b.market ? 1 : 0),
    ),
    outOfRange: [...outOfRange].sort(),
  };
}
