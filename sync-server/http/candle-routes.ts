/**
 * GET /api/v1/markets/:id/candles — candle history of an LPJ market, including the candle still open.
 *
 * The window is counted in intervals, not candles, so that a quiet market's gaps stay gaps: with `from`, the
 * `limit` intervals from the one holding `from` (stopping at `to`); without it, the `limit` intervals ending
 * with the one holding `to - 1` (default: the current one). Oldest first.
 *
 * A page costs what it returns, not the minutes behind it. Hour, 4-hour and daily candles are built from the
 * stored minutes, and a page of 1,000 daily candles stands on 1.44 million of them (a third of a second to
 * read). But each of those candles lies within one UTC day, and a day's candles never change once its last
 * minute is stored, so closed days are built once and kept (ClosedDays): a page reads only the days it has not
 * seen and the day still open. Weeks and months are made of whole days: they are built from the daily candles.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  INTERVAL_MS,
  MINUTE_MS,
  aggregateColumns,
  fromColumns,
  intervalStart,
  intervalsBefore,
  nextIntervalStart,
  toColumns,
} from '../../engine/core/candles';
import { intervalBuckets } from '../../engine/core/candles/intervals';
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

const DAY_MS = INTERVAL_MS['1d'];
/** Intervals of an hour or more: their boundaries are boundaries of UTC days too. */
const DAY_ALIGNED = new Set<CandleInterval>(['1h', '4h', '1d']);
/** A day's last minute is stored within a couple of seconds of its end (ServerCandles closes quiet minutes
 *  every second); days that ended longer ago than this are final. */
const SETTLE_MS = 2 * MINUTE_MS;
/** Closed days kept, over all markets and intervals (the least recently read forgotten first). */
const KEPT_DAYS = 50_000;

/** The candles of closed days, by market, interval and day. */
class ClosedDays {
  private readonly days = new Map<string, Candle[]>();

  constructor(private readonly candles: ServerCandles) {}

  get(market: string, interval: CandleInterval, day: number): Candle[] {
    const key = `${market}\u0000${interval}\u0000${day}`;
    let found = this.days.get(key);
    if (found)
      this.days.delete(key); // to the back of the queue: recently read
    else found = this.candles.history(market, interval, day, day + DAY_MS);
    this.days.set(key, found);
    if (this.days.size > KEPT_DAYS) this.days.delete(this.days.keys().next().value!);
    return found;
  }
}

/** Candles of `interval` opening in [from, to) (`from` on an interval boundary), closed days from ClosedDays. */
function history(
  d: CandleRouteDeps,
  closed: ClosedDays,
  market: string,
  interval: CandleInterval,
  from: number,
  to: number,
): Candle[] {
  if (interval === '1w' || interval === '1M') {
    const days = history(d, closed, market, '1d', from, to);
    return fromColumns(aggregateColumns(toColumns(days), intervalBuckets(interval)));
  }
  if (!DAY_ALIGNED.has(interval)) return d.candles.history(market, interval, from, to);
  const settled = intervalStart(d.now() - SETTLE_MS, '1d'); // days before this one are closed
  const out: Candle[] = [];
  // Days before the first stored one hold nothing: a page of 1,000 months reads no empty decades.
  let at = Math.max(from, Math.min(to, d.candles.firstStoredDay(market) ?? settled));
  for (let day = intervalStart(at, '1d'); day + DAY_MS <= Math.min(to, settled); day += DAY_MS) {
    // A window starting inside a day reads that part directly; whole closed days come from the cache.
    const part = at > day ? d.candles.history(market, interval, at, day + DAY_MS) : closed.get(market, interval, day);
    for (const c of part) out.push(c);
    at = day + DAY_MS;
  }
  if (at < to) for (const c of d.candles.history(market, interval, at, to)) out.push(c);
  return out;
}

export interface CandleRouteDeps {
  exchange: Exchange;
  candles: ServerCandles;
  now: () => number;
}

export function registerCandleRoutes(app: FastifyInstance, d: CandleRouteDeps): void {
  const closed = new ClosedDays(d.candles);
  app.get<{ Params: { id: string } }>('/api/v1/markets/:id/candles', async (req): Promise<CandlesResponse> => {
    const market = req.params.id;
    if (!d.exchange.engine.marketConfig(market)) throw new HttpFailure(404, 'UNKNOWN_MARKET', `no market ${market}`);
    const q = parse(CandlesQuery, req.query);
    let from: number;
    let to: number;
    if (q.from !== undefined) {
      from = intervalStart(q.from, q.interval);
      // `limit` intervals on: the start of the one after the last (months by the calendar).
      to = Math.min(q.to ?? Infinity, intervalsBefore(from, q.interval, -q.limit));
    } else {
      to = q.to ?? nextIntervalStart(intervalStart(d.now(), q.interval), q.interval);
      from = Math.max(0, intervalsBefore(to - 1, q.interval, q.limit - 1));
    }
    return { market, interval: q.interval, candles: history(d, closed, market, q.interval, from, to) };
  });
}
