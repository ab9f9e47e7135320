/**
 * Downloads what an exchange publishes about a past window of one market, for replaying it: 1m candles always
 * (through the chart history loader, into the app's candle store, which is their cache), and the window's
 * trades where the exchange serves them historically (Binance aggTrades of any day; Upbit trades/ticks of its
 * last days), cached as a file per window.
 *
 * Rules:
 * - A window is whole minutes, in the past, at most MAX_WINDOW_MS long; anything else is refused with a
 *   reason before a request is sent. Trades are fetched for windows up to MAX_TRADES_WINDOW_MS and
 *   MAX_TRADES trades; beyond, or where the exchange has none to give (Upbit publishes only its last
 *   UPBIT_TICKS_DAYS days), the replay runs on the candle path and says why.
 * - It never throws: a failed candle download is an outcome with its reason; a failed trades download
 *   (malformed rows, rows out of order, the exchange refusing) falls back to the candles with its reason.
 *   429s wait out Retry-After in the REST client.
 * - The trades cache holds only complete downloads (written to a temporary file, then renamed), and is
 *   bounded: after each write the oldest files go until the folder is under `cacheBytes`.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { MINUTE_MS } from '../../core/candles/intervals';
import type { Candle, FeedMarket, TradeEvent } from '../../core/market-data/types';
import type { HistoryFillModel } from '../../core/replay/history-fills';
import type { CandleStore } from '../candles/candle-store';
import { CandleHistoryLoader } from '../candles/history-loader';
import type { CandleSource } from '../../core/market-data/types';
import {
  BINANCE_AGG_TRADES_SPAN_MS,
  BINANCE_MAX_AGG_TRADES,
  type AggTradesFrom,
  type BinanceRest,
} from '../feed/binance/binance-rest';
import {
  UPBIT_MAX_TICKS,
  UPBIT_TICKS_DAYS,
  upbitTickTo,
  type TickPage,
  type UpbitTrades,
} from '../feed/upbit/upbit-trades';

export const MAX_WINDOW_MS = 31 * 86_400_000;
export const MAX_TRADES_WINDOW_MS = 86_400_000;
export const MAX_TRADES = 5_000_000;
export const DEFAULT_TRADES_CACHE_BYTES = 1024 * 1024 * 1024;

export type WindowRefusal = 'WINDOW_NOT_MINUTES' | 'WINDOW_EMPTY' | 'WINDOW_TOO_LONG' | 'WINDOW_NOT_PAST';

/** Why a replay runs on the candle path although trades were asked for. */
export type TradesNote =
  | 'TRADES_NOT_PUBLISHED' // the exchange does not serve this window's trades
  | 'TRADES_WINDOW_TOO_LONG' // longer than MAX_TRADES_WINDOW_MS
  | 'TRADES_TOO_MANY' // more than MAX_TRADES
  | 'TRADES_FAILED'; // the download failed (see detail)

/** An exchange's past trades of a window, walked the way it pages them. */
export interface TradeHistorySource {
  /** Whether the exchange publishes the trades of the whole window (as of `now`). */
  covers(w: PastWindow, now: number): boolean;
  /** The window's trades, oldest first; 'too_many' past MAX_TRADES. Throws what the exchange's answers break. */
  fetchWindow(
    w: PastWindow,
    signal: AbortSignal | undefined,
    onProgress: (done: number) => void,
  ): Promise<TradeEvent[] | 'too_many'>;
}

export interface HistoryDownloadProgress {
  phase: 'candles' | 'trades';
  /** 0–1 of the phase. */
  done: number;
}

export interface PastWindow {
  market: FeedMarket;
  /** ms UTC, whole minutes. */
  from: number;
  to: number;
}

export interface PastHistory extends PastWindow {
  model: HistoryFillModel;
  /** The window's 1m candles, oldest first (minutes without a trade are absent). */
  minutes: Candle[];
  /** The window's trades, oldest first (empty on the candle path). */
  trades: TradeEvent[];
  /** Set when the model is the candle path although the exchange has trades of some windows. */
  tradesNote?: TradesNote;
  tradesDetail?: string;
  /** Minutes the exchange could not be asked for (the candle download ended early): left out of the replay. */
  missingMinutes: number;
  fromCache: { candles: boolean; trades: boolean };
}

export type HistoryOutcome =
  | { ok: true; history: PastHistory }
  | { ok: false; reason: WindowRefusal | 'CANDLES_FAILED' | 'ABORTED'; detail: string };

export interface HistoryDownloadOptions {
  store: CandleStore;
  candles: CandleSource;
  /** Absent for an exchange without historical trades. */
  trades?: TradeHistorySource;
  /** Folder of the trades cache (created when needed). */
  cacheDir: string;
  cacheBytes?: number;
  /** Candles per page the candle source allows (Binance 1000, Upbit 200). */
  candlePageLimit?: number;
  now?: () => number;
}

/** Whether a window can be replayed at all, and why not. */
export function windowProblem(w: { from: number; to: number }, now: number): WindowRefusal | undefined {
  const { from, to } = w;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from % MINUTE_MS !== 0 || to % MINUTE_MS !== 0)
    return 'WINDOW_NOT_MINUTES';
  if (to <= from) return 'WINDOW_EMPTY';
  if (to - from > MAX_WINDOW_MS) return 'WINDOW_TOO_LONG';
  // The current minute is still trading.
  if (to > Math.floor(now / MINUTE_MS) * MINUTE_MS) return 'WINDOW_NOT_PAST';
  return undefined;
}

export class HistoryDownloader {
  private readonly loader: CandleHistoryLoader;
  private readonly now: () => number;

  constructor(private readonly o: HistoryDownloadOptions) {
    this.now = o.now ?? Date.now;
    this.loader = new CandleHistoryLoader(o.store, o.candles, {
      pageLimit: o.candlePageLimit ?? 200,
      // A whole MAX_WINDOW_MS in one go, at Upbit's 200 a page.
      maxPages: Math.ceil(MAX_WINDOW_MS / MINUTE_MS / 200) + 10,
      now: this.now,
    });
  }

  /** Downloads (or reads from the caches) the window; `wantTrades` false keeps to the candles. */
  async download(
    w: PastWindow,
    options: { wantTrades?: boolean; signal?: AbortSignal; onProgress?: (p: HistoryDownloadProgress) => void } = {},
  ): Promise<HistoryOutcome> {
    const refused = windowProblem(w, this.now());
    if (refused) return { ok: false, reason: refused, detail: refusalText(refused) };
    const { signal, onProgress } = options;
    const range = { from: w.from, to: w.to };
    let candlesCached = false;
    try {
      const chart = this.loader.open(
        { market: w.market, interval: '1m', from: w.from, to: w.to },
        {
          signal,
          onProgress: (p) => onProgress?.({ phase: 'candles', done: p.minutesCovered / Math.max(1, p.minutesTotal) }),
        },
      );
      candlesCached = chart.missing.length === 0;
      const result = await chart.done;
      if (result.state === 'aborted') return { ok: false, reason: 'ABORTED', detail: 'the download was stopped' };
      if (result.state === 'error' && result.candles.length === 0) {
        return { ok: false, reason: 'CANDLES_FAILED', detail: result.error?.message ?? 'the exchange did not answer' };
      }
    } catch (err) {
      return { ok: false, reason: 'CANDLES_FAILED', detail: (err as Error).message };
    }
    const minutes = this.o.store.readCandles(w.market, '1m', range);
    const missingMinutes = this.o.store.missingRanges(w.market, range).reduce((n, r) => n + (r.to - r.from), 0);
    onProgress?.({ phase: 'candles', done: 1 });
    const base = { ...w, minutes, missingMinutes: missingMinutes / MINUTE_MS };
    const candlePath = (tradesNote?: TradesNote, tradesDetail?: string): HistoryOutcome => ({
      ok: true,
      history: {
        ...base,
        model: 'candle_path',
        trades: [],
        ...(tradesNote ? { tradesNote } : {}),
        ...(tradesDetail ? { tradesDetail } : {}),
        fromCache: { candles: candlesCached, trades: false },
      },
    });
    if (options.wantTrades === false) return candlePath();
    if (!this.o.trades || !this.o.trades.covers(w, this.now())) return candlePath('TRADES_NOT_PUBLISHED');
    if (w.to - w.from > MAX_TRADES_WINDOW_MS) return candlePath('TRADES_WINDOW_TOO_LONG');

    const file = join(this.o.cacheDir, `${w.market.exchange}-${w.market.symbol}-${w.from}-${w.to}.trades`);
    const cached = readTrades(file, w.market.id);
    if (cached) {
      onProgress?.({ phase: 'trades', done: 1 });
      return {
        ok: true,
        history: { ...base, model: 'trades', trades: cached, fromCache: { candles: candlesCached, trades: true } },
      };
    }
    try {
      const trades = await this.o.trades.fetchWindow(w, signal, (done) => onProgress?.({ phase: 'trades', done }));
      onProgress?.({ phase: 'trades', done: 1 });
      if (trades === 'too_many') return candlePath('TRADES_TOO_MANY');
      writeTrades(file, trades);
      pruneCache(this.o.cacheDir, this.o.cacheBytes ?? DEFAULT_TRADES_CACHE_BYTES, file);
      return {
        ok: true,
        history: { ...base, model: 'trades', trades, fromCache: { candles: candlesCached, trades: false } },
      };
    } catch (err) {
      if (signal?.aborted) return { ok: false, reason: 'ABORTED', detail: 'the download was stopped' };
      return candlePath('TRADES_FAILED', (err as Error).message);
    }
  }
}

/** Binance's aggTrades of any window: an hour at a time by time (it refuses more), and within it by trade id. */
export class BinanceTradeHistory implements TradeHistorySource {
  constructor(private readonly rest: Pick<BinanceRest, 'fetchAggTrades'>) {}

  covers(w: PastWindow): boolean {
    return w.market.exchange === 'binance';
  }

  /** Walks the window an hour at a time, and within an hour by trade id. */
  async fetchWindow(
    w: PastWindow,
    signal: AbortSignal | undefined,
    onProgress: (done: number) => void,
  ): Promise<TradeEvent[] | 'too_many'> {
    const source = this.rest;
    const out: TradeEvent[] = [];
    const hour = (start: number): AggTradesFrom => ({
      startTime: start,
      endTime: Math.min(start + BINANCE_AGG_TRADES_SPAN_MS, w.to) - 1,
    });
    let cursor: AggTradesFrom = hour(w.from);
    let lastId = -1;
    for (;;) {
      if (signal?.aborted) throw new Error('aborted');
      const page = await source.fetchAggTrades(w.market, cursor, BINANCE_MAX_AGG_TRADES, signal);
      for (const t of page) {
        const id = Number(t.tradeId);
        if (id <= lastId || t.ts < w.from || t.ts >= w.to) continue;
        lastId = id;
        out.push(t);
      }
      if (out.length > MAX_TRADES) return 'too_many';
      const last = page.at(-1);
      if (last) onProgress(Math.min(1, (last.ts - w.from) / (w.to - w.from)));
      if (last && last.ts >= w.to) break;
      if (page.length === BINANCE_MAX_AGG_TRADES) {
        cursor = { fromId: Number(last!.tradeId) + 1 };
        continue;
      }
      // A short page: by id, nothing newer exists yet; by time, that hour is done.
      if ('fromId' in cursor) break;
      const next = cursor.endTime + 1;
      if (next >= w.to) break;
      cursor = hour(next);
    }
    return out;
  }
}

/**
 * Upbit's trades/ticks: only of the most recent trade date (UTC) and the UPBIT_TICKS_DAYS before it. Each day
 * of the window is paged back from its end by cursor until the page reaches the window's start; rows are then
 * put in time order (Upbit does not promise one within a page).
 */
export class UpbitTradeHistory implements TradeHistorySource {
  constructor(
    private readonly trades: Pick<UpbitTrades, 'fetchTicks'>,
    private readonly now: () => number = Date.now,
  ) {}

  covers(w: PastWindow, now: number): boolean {
    return w.market.exchange === 'upbit' && dayOf(now) - dayOf(w.from) <= UPBIT_TICKS_DAYS * DAY_MS;
  }

  async fetchWindow(
    w: PastWindow,
    signal: AbortSignal | undefined,
    onProgress: (done: number) => void,
  ): Promise<TradeEvent[] | 'too_many'> {
    const today = dayOf(this.now());
    const seen = new Set<string>();
    const out: TradeEvent[] = [];
    for (let day = dayOf(w.to - 1); day >= dayOf(w.from); day -= DAY_MS) {
      const end = Math.min(w.to, day + DAY_MS);
      const start = Math.max(w.from, day);
      let page: TickPage = {
        daysAgo: Math.max(0, Math.round((today - day) / DAY_MS)),
        ...(end < day + DAY_MS ? { to: upbitTickTo(end) } : {}),
      };
      for (;;) {
        if (signal?.aborted) throw new Error('aborted');
        const rows = await this.trades.fetchTicks(w.market, { ...page, count: UPBIT_MAX_TICKS }, signal);
        let oldest = Infinity;
        for (const t of rows) {
          oldest = Math.min(oldest, t.ts);
          if (t.ts < w.from || t.ts >= w.to || seen.has(t.tradeId)) continue;
          seen.add(t.tradeId);
          out.push(t);
        }
        if (out.length > MAX_TRADES) return 'too_many';
        if (rows.length > 0) onProgress(Math.min(1, (w.to - Math.max(oldest, w.from)) / (w.to - w.from)));
        if (rows.length < UPBIT_MAX_TICKS || oldest < start) break;
        page = { daysAgo: page.daysAgo, cursor: Number(rows.at(-1)!.tradeId) };
      }
    }
    return out.sort((a, b) => a.ts - b.ts || Number(a.tradeId) - Number(b.tradeId));
  }
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

function refusalText(r: WindowRefusal): string {
  switch (r) {
    case 'WINDOW_NOT_MINUTES':
      return 'the window must start and end on whole minutes';
    case 'WINDOW_EMPTY':
      return 'the window ends before it starts';
    case 'WINDOW_TOO_LONG':
      return `a window is at most ${MAX_WINDOW_MS / 86_400_000} days`;
    case 'WINDOW_NOT_PAST':
      return 'the window must be over: it reaches the current minute or the future';
  }
}

// ------------------------------------------------------------------ the trades cache

/** Per trade: ts, price, size, side (1 buy, 0 sell), id — float64s, exact for safe integers. */
const FIELDS = 5;

function writeTrades(file: string, trades: readonly TradeEvent[]): void {
  const cols = new Float64Array(trades.length * FIELDS);
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i];
    cols.set([t.ts, t.price, t.size, t.side === 'buy' ? 1 : 0, Number(t.tradeId)], i * FIELDS);
  }
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.part`;
  writeFileSync(tmp, new Uint8Array(cols.buffer));
  renameSync(tmp, file);
}

/** The cached trades, or undefined when there are none or the file is damaged (it is then downloaded again). */
function readTrades(file: string, market: string): TradeEvent[] | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length % (FIELDS * 8) !== 0) return undefined;
  const cols = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out: TradeEvent[] = [];
  let prevTs = -Infinity;
  for (let i = 0; i < cols.length; i += FIELDS) {
    const [ts, price, size, side, id] = cols.subarray(i, i + FIELDS);
    const ok = [ts, price, size, id].every(Number.isSafeInteger) && price > 0 && size > 0 && ts >= prevTs;
    if (!ok || (side !== 0 && side !== 1)) return undefined;
    prevTs = ts;
    out.push({ type: 'trade', market, ts, price, size, side: side === 1 ? 'buy' : 'sell', tradeId: String(id) });
  }
  // Touched on use: pruning keeps what was replayed last.
  const now = new Date();
  utimesSync(file, now, now);
  return out;
}

/** Deletes the least recently used cache files until the folder holds at most `limit` bytes (`keep` stays). */
function pruneCache(dir: string, limit: number, keep: string): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.trades'))
    .map((f) => {
      const path = join(dir, f);
      const s = statSync(path);
      return { path, size: s.size, used: s.mtimeMs };
    })
    .sort((a, b) => a.used - b.used);
  let total = files.reduce((n, f) => n + f.size, 0);
  for (const f of files) {
    if (total <= limit) break;
    if (f.path === keep) continue;
    unlinkSync(f.path);
    total -= f.size;
  }
}
