/**
 * SQLite store of 1m candles per (exchange, market), with the record of which minutes are known.
 *
 * Reads are one range scan of the (market, day) key; writes replace whole minutes ranges in one transaction
 * together with the known-range bookkeeping, so a crash or an error between two writes never leaves candles
 * that are vouched for but missing, or vouched-for minutes that were never written.
 */
import { crc32 } from 'node:zlib';
import { openDatabase, type Db, type OpenOptions } from '../db/database';
import type { Candle, CandleInterval, MarketKey } from '../../core/market-data/types';
import { CandleAggregator } from '../../core/candles/aggregate';
import { allocColumns, candleProblem, fromColumns, trimColumns, type CandleColumns } from '../../core/candles/columns';
import {
  DayChunkError,
  MINUTES_PER_DAY,
  allocDay,
  dayChunkCount,
  decodeDay,
  decodeDayInto,
  encodeDay,
} from './day-chunk';
import {
  DAY_MS,
  INTERVAL_MS,
  MINUTE_MS,
  intervalBuckets,
  isMinuteAligned,
  type BoundaryOptions,
} from '../../core/candles/intervals';
import { candleMigrations } from './migrations';
import { clipRanges, mergeRanges, subtractRanges, type TimeRange } from '../../core/candles/time-ranges';

export type { MarketKey };

/** A stored row failed its checksum or does not decode. Names the row so it can be found and dropped. */
export class CandleStoreCorruptError extends Error {
  constructor(
    readonly market: string,
    readonly day: number,
    detail: string,
    file: string,
  ) {
    super(
      `candle store ${file}: ${market} day ${new Date(day * DAY_MS).toISOString().slice(0, 10)} is corrupt ` +
        `(${detail}); delete it with dropMarket or remove the file to fetch the history again`,
    );
    this.name = 'CandleStoreCorruptError';
  }
}

interface DayRow {
  day: number;
  count: number;
  candles: Buffer;
  checksum: number;
}

function dayChecksum(bytes: Uint8Array, marketId: number, day: number): number {
  return crc32(`${marketId}\u0000${day}`, crc32(bytes));
}

function checkRange(range: TimeRange): void {
  if (!isMinuteAligned(range.from) || !isMinuteAligned(range.to) || range.to < range.from) {
    throw new RangeError(`range [${range.from}, ${range.to}) must be whole minutes, from ≤ to`);
  }
}

export class CandleStore {
  readonly path: string;
  private readonly marketIds = new Map<string, number>();
  private readonly selectMarket;
  private readonly insertMarket;
  private readonly selectDays;
  private readonly selectDay;
  private readonly upsertDay;
  private readonly deleteDay;
  private readonly selectKnown;
  private readonly selectKnownTouching;
  private readonly deleteKnown;
  private readonly insertKnown;

  /** Opens (creating) a dedicated candle database file, e.g. `<userData>/candles.db`. */
  static open(path: string, options: OpenOptions = {}): CandleStore {
    const db = openDatabase(path, candleMigrations, options);
    try {
      return new CandleStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** Uses a database already migrated with `candleMigrations`. */
  constructor(readonly db: Db) {
    this.path = db.name;
    this.selectMarket = db.prepare('SELECT id FROM candle_markets WHERE exchange = ? AND market = ?').pluck();
    this.insertMarket = db.prepare('INSERT INTO candle_markets (exchange, market) VALUES (?, ?)');
    this.selectDays = db.prepare(
      'SELECT day, count, candles, checksum FROM candle_days WHERE market = ? AND day >= ? AND day < ? ORDER BY day',
    );
    this.selectDay = db.prepare('SELECT day, count, candles, checksum FROM candle_days WHERE market = ? AND day = ?');
    this.upsertDay = db.prepare(
      `INSERT INTO candle_days (market, day, count, candles, checksum) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (market, day) DO UPDATE SET count = excluded.count, candles = excluded.candles, checksum = excluded.checksum`,
    );
    this.deleteDay = db.prepare('DELETE FROM candle_days WHERE market = ? AND day = ?');
    this.selectKnown = db.prepare(
      `SELECT start_minute AS s, end_minute AS e FROM candle_known
       WHERE market = ? AND start_minute < ? AND end_minute > ? ORDER BY start_minute`,
    );
    this.selectKnownTouching = db.prepare(
      `SELECT start_minute AS s, end_minute AS e FROM candle_known
       WHERE market = ? AND start_minute <= ? AND end_minute >= ?`,
    );
    this.deleteKnown = db.prepare('DELETE FROM candle_known WHERE market = ? AND start_minute = ?');
    this.insertKnown = db.prepare('INSERT INTO candle_known (market, start_minute, end_minute) VALUES (?, ?, ?)');
  }

  close(): void {
    this.db.close();
  }

  /**
   * Replaces everything stored in `range` with `candles` and records the range as known, in one transaction.
   * Minutes of the range without a candle become known gaps (no trade). Every candle must be a valid 1m candle
   * inside the range.
   */
  writeRange(market: MarketKey, range: TimeRange, candles: readonly Candle[]): void {
    checkRange(range);
    this.validate(candles, range);
    if (range.to === range.from) return;
    this.db.transaction(() => {
      const id = this.marketId(market, true)!;
      this.replaceMinutes(id, market, range, candles);
      this.markKnown(id, range);
    })();
  }

  /**
   * Stores candles without vouching for the minutes around them — for a minute seen only in part (a live
   * candle whose start was missed). Replaces only the candles' own minutes.
   */
  putCandles(market: MarketKey, candles: readonly Candle[]): void {
    this.validate(candles);
    if (!candles.length) return;
    this.db.transaction(() => {
      const id = this.marketId(market, true)!;
      for (const c of candles) this.replaceMinutes(id, market, { from: c.openTime, to: c.openTime + MINUTE_MS }, [c]);
    })();
  }

  /** Stored 1m candles with openTime in `range`, oldest first, as columns. */
  readMinutes(market: MarketKey, range: TimeRange): CandleColumns {
    const id = this.marketId(market, false);
    if (id === undefined || range.to <= range.from) return allocColumns(0);
    const fromDay = Math.floor(range.from / DAY_MS);
    const toDay = Math.ceil(range.to / DAY_MS);
    const rows = this.selectDays.all(id, fromDay, toDay) as DayRow[];
    let capacity = 0;
    for (const row of rows) capacity += this.checkRow(id, market, row);
    const out = allocColumns(capacity);
    for (const row of rows) this.decodeRow(market, row, out, range);
    return trimColumns(out);
  }

  /**
   * Stored candles of `interval` built from the 1m candles in `range` (the UI's chart-open path). Longer
   * intervals are aggregated one stored day at a time through a reused day-sized buffer, so a year of minutes
   * is never held in memory at once and the working set stays in the CPU cache.
   */
  readCandles(market: MarketKey, interval: CandleInterval, range: TimeRange, options: BoundaryOptions = {}): Candle[] {
    if (interval === '1m') return fromColumns(this.readMinutes(market, range));
    const id = this.marketId(market, false);
    if (id === undefined || range.to <= range.from) return [];
    const rows = this.selectDays.all(id, Math.floor(range.from / DAY_MS), Math.ceil(range.to / DAY_MS)) as DayRow[];
    const length = INTERVAL_MS[interval];
    const agg = new CandleAggregator(
      intervalBuckets(interval, options),
      Math.ceil((range.to - range.from) / length) + 1,
    );
    const day = allocColumns(MINUTES_PER_DAY);
    for (const row of rows) {
      this.checkRow(id, market, row);
      day.length = 0;
      this.decodeRow(market, row, day, range);
      agg.push(day);
    }
    return fromColumns(agg.result());
  }

  /** Start of the oldest UTC day holding a stored candle of the market (undefined: none stored). */
  firstStoredDay(market: MarketKey): number | undefined {
    const id = this.marketId(market, false);
    if (id === undefined) return undefined;
    const day = this.db.prepare('SELECT MIN(day) FROM candle_days WHERE market = ?').pluck().get(id) as number | null;
    return day === null ? undefined : day * DAY_MS;
  }

  /** Known parts of `range`, merged, oldest first. */
  knownRanges(market: MarketKey, range: TimeRange): TimeRange[] {
    const id = this.marketId(market, false);
    if (id === undefined || range.to <= range.from) return [];
    const rows = this.selectKnown.all(id, Math.ceil(range.to / MINUTE_MS), Math.floor(range.from / MINUTE_MS)) as {
      s: number;
      e: number;
    }[];
    return clipRanges(
      rows.map((r) => ({ from: r.s * MINUTE_MS, to: r.e * MINUTE_MS })),
      range,
    );
  }

  /** Parts of `range` not known yet, oldest first: what the history loader has to fetch. */
  missingRanges(market: MarketKey, range: TimeRange): TimeRange[] {
    return subtractRanges(range, this.knownRanges(market, range));
  }

  /** Deletes every candle and known range of a market (e.g. after a corrupt row was reported). */
  dropMarket(market: MarketKey): void {
    const id = this.marketId(market, false);
    if (id === undefined) return;
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM candle_days WHERE market = ?').run(id);
      this.db.prepare('DELETE FROM candle_known WHERE market = ?').run(id);
    })();
  }

  private validate(candles: readonly Candle[], range?: TimeRange): void {
    let prev = -Infinity;
    for (const c of candles) {
      const problem = candleProblem(c) ?? (isMinuteAligned(c.openTime) ? undefined : 'openTime is not a whole minute');
      if (problem) throw new RangeError(`candle at ${c.openTime}: ${problem}`);
      if (c.openTime <= prev) throw new RangeError(`candles must be oldest first without repeats (at ${c.openTime})`);
      if (range && (c.openTime < range.from || c.openTime >= range.to)) {
        throw new RangeError(`candle at ${c.openTime} is outside [${range.from}, ${range.to})`);
      }
      prev = c.openTime;
    }
  }

  private marketId(market: MarketKey, create: boolean): number | undefined {
    const key = `${market.exchange}\u0000${market.id}`;
    let id = this.marketIds.get(key);
    if (id !== undefined) return id;
    id = this.selectMarket.get(market.exchange, market.id) as number | undefined;
    if (id === undefined && create) id = Number(this.insertMarket.run(market.exchange, market.id).lastInsertRowid);
    if (id !== undefined) this.marketIds.set(key, id);
    return id;
  }

  private decodeRow(market: MarketKey, row: DayRow, out: CandleColumns, range: TimeRange): void {
    try {
      decodeDayInto(row.candles, row.day * DAY_MS, out, range.from, range.to);
    } catch (err) {
      if (err instanceof DayChunkError) throw new CandleStoreCorruptError(market.id, row.day, err.message, this.path);
      throw err;
    }
  }

  /** Verifies a day row's checksum and count; returns the count. */
  private checkRow(id: number, market: MarketKey, row: DayRow): number {
    if (dayChecksum(row.candles, id, row.day) !== row.checksum) {
      throw new CandleStoreCorruptError(market.id, row.day, 'checksum mismatch', this.path);
    }
    let count: number;
    try {
      count = dayChunkCount(row.candles);
    } catch (err) {
      throw new CandleStoreCorruptError(market.id, row.day, (err as Error).message, this.path);
    }
    if (count !== row.count) {
      throw new CandleStoreCorruptError(market.id, row.day, `holds ${count} candles, row says ${row.count}`, this.path);
    }
    return count;
  }

  /** Within a transaction: every day touched by `range` keeps its candles outside it and takes `candles` inside. */
  private replaceMinutes(id: number, market: MarketKey, range: TimeRange, candles: readonly Candle[]): void {
    const firstDay = Math.floor(range.from / DAY_MS);
    const lastDay = Math.ceil(range.to / DAY_MS);
    let next = 0;
    for (let day = firstDay; day < lastDay; day++) {
      const dayStart = day * DAY_MS;
      const fromMinute = Math.max(0, (range.from - dayStart) / MINUTE_MS);
      const toMinute = Math.min(MINUTES_PER_DAY, (range.to - dayStart) / MINUTE_MS);
      const row = this.selectDay.get(id, day) as DayRow | undefined;
      let old = allocDay(0);
      if (row) {
        this.checkRow(id, market, row);
        try {
          old = decodeDay(row.candles);
        } catch (err) {
          throw new CandleStoreCorruptError(market.id, day, (err as Error).message, this.path);
        }
      }
      // Merge: old candles before the range, the new ones, old candles after it — all in minute order.
      const merged = allocDay(old.length + MINUTES_PER_DAY);
      let k = 0;
      const push = (m: number, o: number, h: number, l: number, c: number, v: number) => {
        merged.minute[k] = m;
        merged.open[k] = o;
        merged.high[k] = h;
        merged.low[k] = l;
        merged.close[k] = c;
        merged.volume[k] = v;
        k++;
      };
      let i = 0;
      for (; i < old.length && old.minute[i] < fromMinute; i++) {
        push(old.minute[i], old.open[i], old.high[i], old.low[i], old.close[i], old.volume[i]);
      }
      while (next < candles.length && candles[next].openTime < dayStart + MINUTES_PER_DAY * MINUTE_MS) {
        const c = candles[next++];
        push((c.openTime - dayStart) / MINUTE_MS, c.open, c.high, c.low, c.close, c.volume);
      }
      for (; i < old.length; i++) {
        if (old.minute[i] < toMinute) continue;
        push(old.minute[i], old.open[i], old.high[i], old.low[i], old.close[i], old.volume[i]);
      }
      merged.length = k;
      if (k === 0) {
        if (row) this.deleteDay.run(id, day);
        continue;
      }
      const bytes = encodeDay(merged);
      this.upsertDay.run(id, day, k, bytes, dayChecksum(bytes, id, day));
    }
  }

  /** Within a transaction: merges `range` into the market's known ranges (touching ranges join). */
  private markKnown(id: number, range: TimeRange): void {
    const start = range.from / MINUTE_MS;
    const end = range.to / MINUTE_MS;
    const touching = this.selectKnownTouching.all(id, end, start) as { s: number; e: number }[];
    const merged = mergeRanges([{ from: start, to: end }, ...touching.map((r) => ({ from: r.s, to: r.e }))]);
    for (const r of touching) this.deleteKnown.run(id, r.s);
    for (const r of merged) this.insertKnown.run(id, r.from, r.to);
  }
}
