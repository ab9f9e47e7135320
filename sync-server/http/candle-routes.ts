/**
 * GET /api/v1/markets/:id/candles — candle history of an LPJ market, including the candle still open.
 *
 * The window is counted in intervals, not candles, so that a quiet market's gaps stay gaps: with `from`, the
 * `limit` intervals from the one holding `from` (stopping at `to`); without it, the `limit` intervals ending
 * with the one holding `to - 1` (default: the current one). Oldest first.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { INTERVAL_MS, intervalStart } from '../../engine/candles';
import { Candle, CandleInterval } from '../../engine/protocol/sync';
import type { ServerCandles } from '../market-data/candles';
import type { Exchange } from '../trading/exchange';
import { HttpFailure, parse } from './errors';

/** Year 2200 in ms: far beyond any candle, small enough that window arithmetic stays exact. */
const MAX_TIME = 7_258_118_400_000;

export const CandlesQuery = z
  .object({
    interval: CandleInterval.default('1m'),
    /** ms since the epoch, inclusive. */
    from: z.coerce.number().int().min(0).max(MAX_TIME).optional(),
    /** ms since the epoch, exclusive. */
    to: z.coerce.number().int().min(1).max(MAX_TIME).optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(500),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to' });

export const CandlesResponse = z.object({ market: z.string(), interval: CandleInterval, candles: z.array(Candle) });
export type CandlesResponse = z.output<typeof CandlesResponse>;

export interface CandleRouteDeps {
  exchange: Exchange;
  candles: ServerCandles;
  now: () => number;
}

export function registerCandleRoutes(app: FastifyInstance, d: CandleRouteDeps): void {
  app.get<{ Params: { id: string } }>('/api/v1/markets/:id/candles', async (req): Promise<CandlesResponse> => {
    const market = req.params.id;
    if (!d.exchange.engine.marketConfig(market)) throw new HttpFailure(404, 'UNKNOWN_MARKET', `no market ${market}`);
    const q = parse(CandlesQuery, req.query);
    const span = INTERVAL_MS[q.interval] * q.limit;
    let from: number;
    let to: number;
    if (q.from !== undefined) {
      from = intervalStart(q.from, q.interval);
      to = Math.min(q.to ?? Infinity, from + span);
    } else {
      to = q.to ?? intervalStart(d.now(), q.interval) + INTERVAL_MS[q.interval];
      from = Math.max(0, intervalStart(to - 1, q.interval) + INTERVAL_MS[q.interval] - span);
    }
    return { market, interval: q.interval, candles: d.candles.history(market, q.interval, from, to) };
  });
}
