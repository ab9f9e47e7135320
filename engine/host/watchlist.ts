/**
 * The market list behind the Watchlist screen: every market the app knows with its last price, the day's change
 * reference and an hourly sparkline, and the user's favourites (kept in the settings store).
 *
 * Rules:
 * - A list request answers at once with what is known; prices older than REFRESH_MS are fetched in the
 *   background, one request per exchange (never one per market), and pushed as `watchlist.update`. So the list
 *   refreshes only while someone asks for it, and an exchange that does not answer delays nothing else.
 * - Sparklines (hourly closes) are fetched once per market and kept for SPARK_TTL_MS; a failed fetch is tried
 *   again at the next refresh.
 * - An unreachable exchange keeps its rows (with the prices last fetched, if any) and is reported as such.
 * - A market an exchange says it does not list is left out of later requests, so it cannot fail the others.
 */
import { z } from 'zod';
import { resolveMarket, RestClient, type ExchangeId, type FeedMarket } from '../node/feed';
import { fetchHourlyCloses, fetchQuotes, type MarketQuote } from '../node/feed/market-tickers';
import { UPBIT_REST_URL } from '../node/feed/upbit/upbit-feed';
import { BINANCE_REST_URL } from '../node/feed/binance/binance-feed';
import {
  MAX_FAVOURITES,
  WatchKey,
  type WatchExchangeState,
  type WatchlistState,
  type WatchRow,
} from '../protocol/watchlist';
import type { CandleBar, LiveState } from '../protocol/api';
import type { SettingsStore } from './settings-store';
import { feedClientOptions, OFFERED_MARKETS, type ExchangeOptions } from './real-markets-config';

/** Settings-store key of the favourites. */
export const FAVOURITES_KEY = 'watchlist.favourites';
const Favourites = z.array(WatchKey).max(MAX_FAVOURITES);

/** Prices older than this are fetched again when the list is asked for. */
const REFRESH_MS = 10_000;
/** Sparklines are kept this long before being fetched again. */
const SPARK_TTL_MS = 3_600_000;
/** Hours a sparkline spans. */
const SPARK_HOURS = 24;
const HOUR_MS = 3_600_000;
const EXCHANGES: readonly ExchangeId[] = ['upbit', 'binance'];
const DEFAULT_REST: Record<ExchangeId, string> = { upbit: UPBIT_REST_URL, binance: BINANCE_REST_URL };

/** What the list reads from the offline practice market. */
export interface PracticeSource {
  readonly market: { id: string; base: string; quote: string; tickSize: number };
  lastPrice(): number;
  candles(interval: '1h', limit: number): { openTime: number; open: number; close: number }[];
}

/** What the list reads from the live market: its figures as last mirrored, and candles from the server. */
export interface LiveSource {
  /** Null unless signed in with the market known. */
  quote(): {
    market: { id: string; base: string; quote: string; tickSize: number };
    last: number;
    reference?: number;
  } | null;
  candles(interval: '1h', limit: number): Promise<CandleBar[]>;
}

export interface WatchlistOptions {
  settings: SettingsStore;
  practice: PracticeSource;
  live: LiveSource;
  exchanges?: Partial<Record<ExchangeId, ExchangeOptions>>;
  env?: NodeJS.ProcessEnv;
  emit: (state: WatchlistState) => void;
  now?: () => number;
  /** REST timeout per request (ms): how long an unreachable exchange keeps its rows on "loading" at first. */
  timeoutMs?: number;
}

interface ExchangeEntry {
  rest: RestClient;
  markets: FeedMarket[];
  quotes: Map<string, MarketQuote>;
  unlisted: Set<string>;
  state: WatchExchangeState;
  fetchedAt: number;
  busy: boolean;
}

interface Spark {
  closes: number[];
  at: number;
}

export class Watchlist {
  private readonly exchanges = new Map<ExchangeId, ExchangeEntry>();
  private readonly sparks = new Map<string, Spark>();
  private readonly sparkBusy = new Set<string>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly o: WatchlistOptions) {
    this.now = o.now ?? Date.now;
    for (const exchange of EXCHANGES) {
      const options = feedClientOptions(exchange, o.exchanges?.[exchange], o.env);
      this.exchanges.set(exchange, {
        // A client of its own, not the feed's: a slow list refresh must never queue ahead of chart history.
        rest: new RestClient({
          exchange,
          baseURL: options.restUrl ?? DEFAULT_REST[exchange],
          logger: options.logger,
          timeoutMs: o.timeoutMs ?? 5_000,
          maxRetries: 1,
          backoff: { baseMs: 500, maxMs: 2_000 },
          maxBlockWaitMs: 0,
        }),
        markets: OFFERED_MARKETS[exchange].map((id) => resolveMarket(exchange, id)),
        quotes: new Map(),
        unlisted: new Set(),
        state: { exchange, state: 'loading' },
        fetchedAt: 0,
        busy: false,
      });
    }
  }

  /** The list now; stale prices and missing sparklines are fetched in the background. */
  list(): WatchlistState {
    for (const [exchange, entry] of this.exchanges) {
      if (!entry.busy && this.now() - entry.fetchedAt >= REFRESH_MS) void this.refresh(exchange, entry);
      this.ensureSparks(exchange, entry);
    }
    this.ensureLiveSpark();
    return this.state();
  }

  favourites(): string[] {
    return this.o.settings.getValue(FAVOURITES_KEY, Favourites, []);
  }

  setFavourite(key: string, favourite: boolean): { favourites: string[] } {
    const now = this.favourites().filter((k) => k !== key);
    if (favourite) {
      if (now.length >= MAX_FAVOURITES) now.shift();
      now.push(key);
    }
    this.o.settings.setValue(FAVOURITES_KEY, now);
    this.push();
    return { favourites: now };
  }

  close(): void {
    this.closed = true;
  }

  state(): WatchlistState {
    const rows: WatchRow[] = [this.practiceRow()];
    const live = this.liveRow();
    if (live) rows.push(live);
    for (const [exchange, entry] of this.exchanges) {
      for (const m of entry.markets) {
        const key = `${exchange}:${m.id}`;
        const q = entry.quotes.get(m.id);
        rows.push({
          key,
          venue: exchange,
          market: m.id,
          base: m.base,
          quote: m.quote,
          priceDecimals: m.priceDecimals,
          tickSize: 1,
          ...(q ? { last: q.last, reference: q.reference } : {}),
          spark: this.sparks.get(key)?.closes ?? [],
        });
      }
    }
    return {
      rows,
      exchanges: [...this.exchanges.values()].map((e) => ({ ...e.state })),
      favourites: this.favourites(),
    };
  }

  private practiceRow(): WatchRow {
    const p = this.o.practice;
    const m = p.market;
    // The day's figures as the Market screen's ticker reads them: hourly bars of the last 24 hours.
    const since = this.now() - 25 * HOUR_MS;
    const bars = p.candles('1h', 25).filter((b) => b.openTime > since);
    const last = p.lastPrice();
    return {
      key: 'lpj',
      venue: 'practice',
      market: m.id,
      base: m.base,
      quote: m.quote,
      priceDecimals: 0,
      tickSize: m.tickSize,
      ...(last > 0 ? { last } : {}),
      ...(bars.length ? { reference: bars[0].open } : {}),
      spark: bars.slice(-SPARK_HOURS).map((b) => b.close),
    };
  }

  private liveRow(): WatchRow | null {
    const q = this.o.live.quote();
    if (!q) return null;
    return {
      key: 'lpj-live',
      venue: 'live',
      market: q.market.id,
      base: q.market.base,
      quote: q.market.quote,
      priceDecimals: 0,
      tickSize: q.market.tickSize,
      ...(q.last > 0 ? { last: q.last } : {}),
      ...(q.reference ? { reference: q.reference } : {}),
      spark: this.sparks.get('lpj-live')?.closes ?? [],
    };
  }

  private async refresh(exchange: ExchangeId, entry: ExchangeEntry): Promise<void> {
    entry.busy = true;
    try {
      const wanted = entry.markets.filter((m) => !entry.unlisted.has(m.id));
      const answer = await fetchQuotes(entry.rest, exchange, wanted);
      for (const id of answer.unlisted) entry.unlisted.add(id);
      entry.quotes = new Map(answer.quotes.map((q) => [q.market, q]));
      entry.state = { exchange, state: 'ok', at: this.now() };
    } catch (err) {
      // The prices fetched before stay (with their time); the list says the exchange did not answer.
      entry.state = {
        exchange,
        state: 'unreachable',
        error: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200),
        ...(entry.state.at !== undefined ? { at: entry.state.at } : {}),
      };
    } finally {
      entry.fetchedAt = this.now();
      entry.busy = false;
    }
    this.push();
    this.ensureSparks(exchange, entry);
  }

  private ensureSparks(exchange: ExchangeId, entry: ExchangeEntry): void {
    if (this.closed) return;
    for (const m of entry.markets) if (!entry.unlisted.has(m.id)) this.ensureSpark(`${exchange}:${m.id}`, m);
  }

  private ensureSpark(key: string, market: FeedMarket): void {
    const have = this.sparks.get(key);
    if (this.sparkBusy.has(key) || (have && this.now() - have.at < SPARK_TTL_MS)) return;
    const entry = this.exchanges.get(market.exchange)!;
    // An exchange that did not answer its tickers is not asked for candles until it does.
    if (entry.state.state !== 'ok') return;
    this.sparkBusy.add(key);
    void fetchHourlyCloses(entry.rest, market, SPARK_HOURS)
      .then((closes) => {
        this.sparks.set(key, { closes, at: this.now() });
        this.push();
      })
      .catch(() => undefined) // tried again at the next refresh; the row shows no sparkline meanwhile
      .finally(() => this.sparkBusy.delete(key));
  }

  private ensureLiveSpark(): void {
    const key = 'lpj-live';
    const have = this.sparks.get(key);
    if (this.sparkBusy.has(key) || (have && this.now() - have.at < SPARK_TTL_MS) || !this.o.live.quote()) return;
    this.sparkBusy.add(key);
    void this.o.live
      .candles('1h', SPARK_HOURS)
      .then((bars) => {
        this.sparks.set(key, { closes: bars.map((b) => b.close), at: this.now() });
        this.push();
      })
      .catch(() => undefined)
      .finally(() => this.sparkBusy.delete(key));
  }

  private push(): void {
    if (!this.closed) this.o.emit(this.state());
  }
}

/** The live market's figures for the list, from its state: null unless signed in and the market is known. */
export function liveQuote(state: Pick<LiveState, 'status' | 'market' | 'lastPrice' | 'ticker'>) {
  if (state.status.connection !== 'online' || !state.market) return null;
  const last = state.lastPrice || state.ticker?.last || 0;
  return { market: state.market, last, reference: state.ticker?.open || undefined };
}
