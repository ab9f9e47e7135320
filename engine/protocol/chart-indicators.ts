/**
 * The studies a user chose for the price chart, kept by the host (app.db) so they survive a reload: which
 * ones, in order, with their periods. Bounded so that a stored or sent list can never make the chart compute
 * more than a few studies or periods longer than any history it loads.
 */
import { z } from 'zod';

const period = z.number().int().min(2).max(500);

export const ChartIndicator = z.discriminatedUnion('kind', [
  /** Simple moving average of closes. */
  z.object({ kind: z.literal('ma'), period }).strict(),
  /** Exponential moving average of closes. */
  z.object({ kind: z.literal('ema'), period }).strict(),
  /** Bollinger bands: the SMA ± `deviations` standard deviations of the closes over the period. */
  z.object({ kind: z.literal('bollinger'), period, deviations: z.number().min(0.5).max(5) }).strict(),
  /** Relative strength index (Wilder), in its own pane. */
  z.object({ kind: z.literal('rsi'), period: z.number().int().min(2).max(200) }).strict(),
  /** MACD: EMA(fast) − EMA(slow), its EMA(signal) and the histogram of the two, in its own pane. */
  z
    .object({
      kind: z.literal('macd'),
      fast: z.number().int().min(2).max(200),
      slow: z.number().int().min(3).max(300),
      signal: z.number().int().min(2).max(100),
    })
    .strict()
    .refine((m) => m.fast < m.slow, { message: 'the fast period must be shorter than the slow one' }),
  /** Volume bars under the candles. */
  z.object({ kind: z.literal('volume') }).strict(),
]);
export type ChartIndicator = z.output<typeof ChartIndicator>;
export type ChartIndicatorKind = ChartIndicator['kind'];

export const MAX_CHART_INDICATORS = 8;
export const ChartIndicators = z.array(ChartIndicator).max(MAX_CHART_INDICATORS);

/** What a new user sees: volume, MA 7 and 25, RSI 14 (the chart's studies before there was a choice). */
export const DEFAULT_CHART_INDICATORS: ChartIndicator[] = [
  { kind: 'volume' },
  { kind: 'ma', period: 7 },
  { kind: 'ma', period: 25 },
  { kind: 'rsi', period: 14 },
];
