/**
 * Real coins in the app host: the market feed from the source chosen in settings — Upbit (default), Binance,
 * or a replayed session — feeding paper trading, candles and the UI's market views.
 *
 * - Nothing connects until the UI opens a real-coin market: the feed client is made on first use and
 *   subscribes only what is open. Views are counted; a market stays subscribed while a view of it is open, the
 *   paper account has a live order on it (a resting order must still meet the market's trades) or holds its
 *   coin (a holding is valued at its own market's price, whichever market is on screen).
 * - Every state and update carries the marks of the markets whose coins the account holds (their last price,
 *   where one is known), so the UI's total values every holding, not only the market on screen.
 * - Every feed event goes to the paper matcher, to the candles and to the market's view; views publish
 *   throttled `paper.update` events, and `feed.status` at once when a market's status changes.
 * - Exchange sources trade in the active paper portfolio (./paper-portfolios: one journal each, the first one
 *   `paper.db`; every portfolio opened meets the feed, so its resting orders fill while another is on screen)
 *   and store candles in `candles.db`. A replay
 *   trades in its own journal (`replay-practice/paper.db`) on the replay's clock and keeps its candles in
 *   memory: replayed prices — a generated session especially — must never mark real positions, fill real
 *   orders or enter the stored history of a real market.
 * - Bad input is answered with an ApiError; a failing feed shows as a status; nothing here throws into the feed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CandleStore } from '../node/candles';
import {
  BinanceFeedClient,
  createFeedClient,
  resolveMarket,
  UnknownMarketError,
  UpbitFeedClient,
  type FeedClient,
} from '../node/feed';
import type { CandleInterval, ExchangeId, FeedEvent, FeedMarket } from '../core/market-data/types';
import { LEDGER_STREAM } from '../core/matching/types';
import { EXCHANGE_FEES, paperMarket, PaperMarketConfigError, type PaperEvent } from '../core/paper';
import { PaperTrader } from '../node/paper/paper-trader';
import {
  FeedSource,
  ReplaySpeed,
  type EventName,
  type EventPayload,
  type FeedSourceInfo,
  type FeedSourceName,
  type PaperAccount,
  type PaperCandles,
  type PaperMarketInfo,
  type PaperMarketState,
  type PaperMark,
  type PaperOrderOutcome,
  type PaperOrderRequest,
  type ReplayControl,
  type ReplayInfo,
  type VenueHistory,
} from '../protocol/api';
import { ApiError } from '../protocol/errors';
import type { AlertMarket } from '../protocol/alerts';
import { SAMPLE_SESSION_PATH, SessionFileError } from '../node/replay';
import { ExchangeCandles } from './exchange-candles';
import { accountView, marketInfo, orderOutcome, PAPER_USER, positionView } from './paper-views';
import { readAll, userFills, type FillRow } from './trade-export';
import { marketFill, OrderHistory } from './order-history';
import { feedClientOptions, OFFERED_MARKETS, type ExchangeOptions } from './real-markets-config';
import { MarketView, type ViewChanges } from './real-market-view';
import { ReplayFeed } from './replay-feed';
import { pointBook, pointTrade, type HistoryFillSink } from '../core/replay/history-fills';
import {
  BinanceTradeHistory,
  cachedHistory,
  HistoryDownloader,
  UpbitTradeHistory,
  type PastHistory,
} from '../node/replay/history-download';
import { SessionPicks } from './real-markets-sessions';
import { PaperPortfolios } from './paper-portfolios';
import type { NewPortfolio, PaperPortfolio, PortfolioChange, PortfolioList } from '../protocol/paper-portfolios';
import type { CloudPortfolio } from '../protocol/cloud';
import type { SettingsStore } from './settings-store';
import type { ResultFill, ResultMarket } from '../core/results';
import type { ResultSummary } from '../protocol/results';
import { tradeFills } from './result-fills';
import { ReplayRuns, type ReplaySnapshot } from './replay-runs';
import type { ResultsStore } from './results-store';

export interface RealMarketsOptions {
  dataDir: string;
  nativeBinding?: string;
  /** Where the chosen source is kept between runs. */
  settings: SettingsStore;
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  /** Feed client settings per exchange (URLs, timings); URLs otherwise from LPJ_UPBIT_WS etc., then the exchanges'. */
  upbit?: ExchangeOptions;
  binance?: ExchangeOptions;
  env?: NodeJS.ProcessEnv;
  /** Least time between two updates of one market to the UI (default 100 ms: at most ~10 per second). */
  publishEveryMs?: number;
  /** The session 'replay' plays when none was chosen (default: the shipped generated session for paper trading). */
  defaultSessionPath?: string;
  /** My paper events as committed (the current source's journal), with the units of their markets. */
  onMyEvents?: (
    events: readonly PaperEvent[],
    marketOf: (id: string) => AlertMarket | undefined,
    sideOf: (market: string, orderId: number) => 'buy' | 'sell' | undefined,
  ) => void;
  /** A price of a real-coin market from an exchange's feed (a trade, or a ticker's last price); never a replay's. */
  onPrice?: (market: string, price: number) => void;
  /** Where problems nobody awaits go (a journal write that failed under a feed event, a bad frame's effect). */
  onError?: (err: unknown) => void;
  /** Where each replay run's result is kept when it ends or is stopped (./replay-runs); none: runs are not kept. */
  results?: ResultsStore;
}

export interface ExchangeTap {
  event(e: FeedEvent, exchange: ExchangeId): void;
  ended(reason: string): void;
}

/** An account's fills (all of them, oldest first) and what it started from at its last reset, for results and reports. */
export interface AccountFills {
  /** Balances the account started from (its starting grant), minimal units per asset. */
  start: Record<string, number>;
  /** ms UTC of its last reset (0: never reset): its running result counts the fills from then. */
  since: number;
  fills: ResultFill[];
  markets: ResultMarket[];
  /** Last prices known, price units per market. */
  prices: Record<string, number>;
}

const SOURCE_KEY = 'feed.source';
const StoredSource = z.object({
  source: FeedSource,
  speed: ReplaySpeed.default(1),
  /**
   * The session file the user picked (see ./real-markets-sessions). Stored under a new name: a `sessionPath`
   * left by versions that took any path from the UI is dropped, not trusted.
   */
  sessionFile: z.string().optional(),
  /**
   * The past window replaying, when the replay is one: played again after a restart from the caches (never
   * downloaded anew), with the fill model it had. Any other choice of source clears it.
   */
  history: z
    .object({
      exchange: z.enum(['upbit', 'binance']),
      market: z.string().max(40),
      from: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      to: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      model: z.enum(['trades', 'candle_path']),
      tradesNote: z
        .enum(['TRADES_NOT_PUBLISHED', 'TRADES_WINDOW_TOO_LONG', 'TRADES_TOO_MANY', 'TRADES_FAILED'])
        .optional(),
      tradesDetail: z.string().max(1000).optional(),
    })
    .optional(),
});
type StoredSource = z.output<typeof StoredSource>;

/** Fills a market view lists. */
const FILLS_SHOWN = 100;

/** A paper account as the portfolio reads it, with its markets' units. */
export interface PaperPortfolioAccount {
  kind: 'paper' | 'replay';
  /** A paper portfolio's settings (its name, exchange, fees). */
  portfolio?: PaperPortfolio;
  account: PaperAccount;
  marks: PaperMark[];
  markets: Map<string, PaperMarketInfo>;
}

type Active =
  | { kind: 'exchange'; exchange: ExchangeId; client: FeedClient; candles: ExchangeCandles; off: () => void }
  | { kind: 'replay'; replay: ReplayFeed };

export class RealMarkets {
  /** Session files the user picked, by handle: the only way a session other than the default gets played. */
  readonly sessions: SessionPicks;
  private source: StoredSource;
  private active: Active | undefined;
  private readonly views = new Map<string, MarketView>();
  /** The paper portfolios' settings and which one is active. */
  readonly portfolios: PaperPortfolios;
  /** The journals of the portfolios opened so far, by portfolio id (opened on first use, kept open). */
  private readonly portfolioTraders = new Map<number, PaperTrader>();
  private replayTrader: PaperTrader | undefined;
  /** Portfolio changes one at a time: each reads the register, awaits its journal, then saves. */
  private portfolioQueue: Promise<unknown> = Promise.resolve();
  /** My orders and fills in each paper journal, read back from it on first use and followed after. */
  private readonly histories = new Map<PaperTrader, OrderHistory>();
  private candleStore: CandleStore | undefined;
  /** Set once the UI opened a real-coin market: from then on, markets with live orders stay subscribed. */
  private engaged = false;
  private closed = false;
  private readonly publishEveryMs: number;
  private readonly onError: (err: unknown) => void;
  private readonly runs: ReplayRuns | undefined;
  /** Listeners of the exchange feed's events as they arrive (a recording), told when the source stops. */
  private readonly taps = new Set<ExchangeTap>();

  constructor(private readonly o: RealMarketsOptions) {
    this.source = o.settings.getValue(SOURCE_KEY, StoredSource, { source: 'upbit', speed: 1 });
    this.sessions = new SessionPicks(join(o.dataDir, 'replay-sessions'), () => this.source.sessionFile);
    this.publishEveryMs = o.publishEveryMs ?? 100;
    this.onError = o.onError ?? ((err) => console.warn('[real-markets]', err instanceof Error ? err.message : err));
    this.runs = o.results && new ReplayRuns({ store: o.results, onError: this.onError });
    const source = this.source.source;
    this.portfolios = new PaperPortfolios({
      dataDir: o.dataDir,
      firstExchange: source === 'replay' ? 'upbit' : source,
      onError: this.onError,
    });
  }

  /** The active portfolio's journal, if it has been opened. */
  private get liveTrader(): PaperTrader | undefined {
    return this.portfolioTraders.get(this.portfolios.active.id);
  }

  // ------------------------------------------------------------------ API

  sourceInfo(): FeedSourceInfo {
    let replay: ReplayInfo | undefined;
    if (this.source.source === 'replay' && !this.closed) {
      try {
        replay = this.ensureReplay().info(); // reads the file only; a replay connects nowhere
      } catch (err) {
        this.onError(err); // a session file gone since it was chosen: the source stays, its info is missing
      }
    }
    return { source: this.source.source, ...(replay ? { replay } : {}) };
  }

  /** `session` is a handle from `sessions` (a file the user picked); without one, a replay plays the last pick. */
  async setSource(source: FeedSourceName, speed?: ReplaySpeed, session?: string): Promise<FeedSourceInfo> {
    this.checkOpen();
    // Load a session before touching anything: a bad file leaves the current source running.
    let replay: ReplayFeed | undefined;
    const { history: _past, ...kept } = this.source;
    const next: StoredSource = { ...kept, source, ...(speed !== undefined ? { speed } : {}) };
    if (source === 'replay') {
      if (session !== undefined) next.sessionFile = this.sessions.resolve(session).path;
      replay = this.loadReplay(next);
    }
    this.o.settings.setValue(SOURCE_KEY, next);
    return this.switchTo(next, replay);
  }

  /**
   * Downloads a past window of an exchange's market (or reads it from the caches) and replays it, paused at its
   * start, trading in the replay's journal. The choice is kept: the next start replays the window from the caches.
   */
  async replayHistory(p: {
    exchange: ExchangeId;
    market: string;
    from: number;
    to: number;
    trades?: boolean;
  }): Promise<FeedSourceInfo> {
    this.checkOpen();
    let market: FeedMarket;
    try {
      market = resolveMarket(p.exchange, p.market);
    } catch (err) {
      if (err instanceof UnknownMarketError) throw new ApiError('UNKNOWN_MARKET', err.message);
      throw err;
    }
    const client = createFeedClient(feedClientOptions(p.exchange, this.o[p.exchange], this.o.env));
    let outcome;
    try {
      const downloader = new HistoryDownloader({
        store: this.store(),
        candles: client.candles,
        trades:
          client instanceof BinanceFeedClient
            ? new BinanceTradeHistory(client.candles)
            : client instanceof UpbitFeedClient
              ? new UpbitTradeHistory(client.trades)
              : undefined,
        cacheDir: join(this.o.dataDir, 'replay-history'),
        candlePageLimit: p.exchange === 'binance' ? 1000 : 200,
      });
      outcome = await downloader.download(
        { market, from: p.from, to: p.to },
        {
          wantTrades: p.trades !== false,
          onProgress: (progress) => this.emit('replay.download', { market: market.id, ...progress }),
        },
      );
    } finally {
      client.close();
    }
    this.checkOpen();
    if (!outcome.ok) {
      const code = outcome.reason.startsWith('WINDOW_') ? 'BAD_WINDOW' : 'HISTORY_UNAVAILABLE';
      throw new ApiError(code, `${outcome.reason}: ${outcome.detail}`);
    }
    const trader = await this.trader(true);
    await this.ensurePaperMarket(trader, market);
    const h = outcome.history;
    const next: StoredSource = {
      ...this.source,
      source: 'replay',
      history: {
        exchange: p.exchange,
        market: market.id,
        from: h.from,
        to: h.to,
        model: h.model,
        ...(h.tradesNote ? { tradesNote: h.tradesNote } : {}),
        ...(h.tradesDetail ? { tradesDetail: h.tradesDetail.slice(0, 1000) } : {}),
      },
    };
    const replay = this.historyReplay(h, next);
    this.o.settings.setValue(SOURCE_KEY, next);
    return this.switchTo(next, replay);
  }

  /** A past window's replay: its points reach the replay's paper trader, a point's book only when the matcher needs it. */
  private historyReplay(history: PastHistory, source: StoredSource): ReplayFeed {
    const sink: HistoryFillSink = {
      onPoint: (point) => {
        const trader = this.replayTrader;
        if (!trader) return;
        try {
          if (trader.engine.tradeEffect(point.market, point.price) !== 'none') trader.onBook(pointBook(point));
          void trader.onTrade(pointTrade(point), true);
        } catch (err) {
          this.onError(err);
        }
      },
      onRefresh: (point) => this.replayTrader?.onBook(pointBook(point)),
    };
    const replay: ReplayFeed = ReplayFeed.ofHistory(
      { history, sink },
      {
        path: '',
        speed: playerSpeed(source.speed),
        ...this.replayListeners(() => replay),
      },
    );
    return replay;
  }

  /**
   * What a replay tells the markets, heard only while it is the running source (a replay being replaced may
   * still call back): its events, and its state, which begins and keeps runs.
   */
  private replayListeners(replay: () => ReplayFeed | undefined) {
    const current = () => this.active?.kind === 'replay' && this.active.replay === replay();
    return {
      onEvent: (e: FeedEvent, replayed: boolean) => {
        if (current()) this.onFeedEvent(e, replayed);
      },
      onState: (info: ReplayInfo) => {
        if (!current()) return;
        this.emit('replay.state', info);
        if (info.state === 'playing') this.beginRun();
        else {
          if (info.state === 'ended' && this.runs?.running) this.flushReplay();
          this.runs?.onState(info, () => this.replaySnapshot());
        }
      },
    };
  }

  /** Makes `next` the running source (with `replay` loaded when it is one) and carries the open views over. */
  private async switchTo(next: StoredSource, replay: ReplayFeed | undefined): Promise<FeedSourceInfo> {
    const source = next.source;
    const carried = [...this.views.values()].filter((v) => v.refs > 0).map((v) => ({ id: v.market, refs: v.refs }));
    this.deactivate(`switched to ${source}`);
    this.source = next;
    if (replay) this.active = { kind: 'replay', replay };
    // Views of markets the new source also has stay open; the others are told why they went offline.
    for (const { id, refs } of carried) {
      try {
        await this.openView(id, refs);
      } catch (err) {
        this.emit('feed.status', {
          market: id,
          source,
          status: 'offline',
          reason: `not available from ${source}: ${(err as Error).message}`,
        });
      }
    }
    // A replay chosen with charts open starts playing, as opening a chart on it would.
    if (this.active?.kind === 'replay' && [...this.views.values()].some((v) => v.refs > 0))
      this.active.replay.autoStart();
    const info = this.sourceInfo();
    this.emit('feed.source', info);
    return info;
  }

  async markets(): Promise<{ source: FeedSourceName; markets: PaperMarketInfo[]; replay?: ReplayInfo }> {
    this.checkOpen();
    if (this.source.source === 'replay') {
      const replay = this.ensureReplay();
      return {
        source: 'replay',
        markets: replay.markets.map((m) => marketInfo(paperMarket(m))),
        replay: replay.info(),
      };
    }
    const exchange = this.source.source;
    return {
      source: exchange,
      markets: OFFERED_MARKETS[exchange].map((id) => marketInfo(paperMarket(resolveMarket(exchange, id)))),
    };
  }

  async openMarket(marketId: string): Promise<PaperMarketState> {
    this.checkOpen();
    await this.openView(marketId, 1);
    if (!this.engaged) {
      this.engaged = true;
      // Orders left resting in an earlier run need the market's trades again, and coins held their prices.
      const trader = await this.trader();
      for (const o of trader.openOrders(PAPER_USER)) this.keepSubscribed(o.market);
      for (const id of heldMarkets(trader)) this.keepSubscribed(id);
      // So do the other portfolios' resting orders: they fill while another portfolio is on screen.
      if (this.source.source !== 'replay') {
        for (const p of this.portfolios.list().portfolios) {
          try {
            const other = await this.portfolioTrader(p.id);
            for (const o of other.openOrders(PAPER_USER)) this.keepSubscribed(o.market);
          } catch (err) {
            this.onError(err);
          }
        }
      }
    }
    if (this.active?.kind === 'replay') this.active.replay.autoStart();
    return this.state(marketId);
  }

  closeMarket(marketId: string): { views: number } {
    const view = this.views.get(marketId);
    if (!view || view.refs === 0) return { views: 0 };
    view.refs--;
    if (view.refs === 0) this.release(marketId);
    return { views: view.refs };
  }

  async state(marketId: string): Promise<PaperMarketState> {
    this.checkOpen();
    const market = this.resolve(marketId);
    const trader = await this.trader();
    const config = await this.ensurePaperMarket(trader, market);
    const view = this.views.get(market.id);
    const replay = this.active?.kind === 'replay' ? this.active.replay.info() : undefined;
    const price = lastPrice(trader, view, market.id);
    return {
      source: this.source.source,
      market: marketInfo(config),
      status: view?.status ?? 'offline',
      ...(view?.statusReason ? { statusReason: view.statusReason } : view ? {} : { statusReason: 'not open' }),
      bids: view?.bids ?? [],
      asks: view?.asks ?? [],
      trades: view?.recentTrades() ?? [],
      ...(view?.ticker ? { ticker: view.ticker } : {}),
      ...(price !== undefined ? { lastPrice: price } : {}),
      account: accountView(trader),
      marks: this.marks(trader),
      fills: this.fillsOf(trader, market.id),
      ...(replay ? { replay } : {}),
    };
  }

  /** A market of the current source as an alert names it (UNKNOWN_MARKET if the source has none of that id). */
  alertMarket(marketId: string): AlertMarket {
    this.checkOpen();
    // A replay's prices are not the market's: an alert on one would fire on a replayed past.
    if (this.source.source === 'replay')
      throw new ApiError('REPLAY_PRICES', 'price alerts follow an exchange; switch the feed from the replay first');
    return alertMarket(paperMarket(this.resolve(marketId)));
  }

  /** My latest orders and fills in the current source's paper account, with the units of their markets. */
  async history(limit: number): Promise<VenueHistory> {
    this.checkOpen();
    const trader = await this.trader();
    const h = this.historyOf(trader);
    const markets = trader.engine.marketIds.flatMap((id) => {
      const c = trader.engine.marketConfig(id);
      return c ? [alertMarket(c)] : [];
    });
    return { venue: 'paper', state: 'ok', markets, orders: h.latestOrders(limit), fills: h.latestFills(limit) };
  }

  /**
   * The paper accounts for the portfolio: every paper portfolio's journal, each named, and the replay's when it
   * was ever traded in (its journal exists). Holdings are marked at the prices known now; this connects nothing.
   */
  async portfolioAccounts(): Promise<PaperPortfolioAccount[]> {
    this.checkOpen();
    const replayUsed =
      this.replayTrader !== undefined || existsSync(join(this.o.dataDir, 'replay-practice', 'paper.db'));
    const traders: [PaperPortfolioAccount['kind'], PaperTrader, PaperPortfolio | undefined][] = [];
    for (const p of this.portfolios.list().portfolios) traders.push(['paper', await this.portfolioTrader(p.id), p]);
    if (replayUsed) traders.push(['replay', await this.trader(true), undefined]);
    return traders.map(([kind, trader, portfolio]) => {
      const markets = new Map(trader.engine.marketIds.map((id) => [id, marketInfo(trader.engine.marketConfig(id)!)]));
      return {
        kind,
        ...(portfolio ? { portfolio } : {}),
        account: accountView(trader),
        marks: this.marks(trader),
        markets,
      };
    });
  }

  async place(order: PaperOrderRequest): Promise<PaperOrderOutcome> {
    this.checkOpen();
    const market = this.resolve(order.market);
    const trader = await this.trader();
    await this.ensurePaperMarket(trader, market);
    // A past window's order meets the price in force, its book received now.
    if (this.active?.kind === 'replay') this.active.replay.fills?.refresh();
    if (trader === this.replayTrader) this.beginRun();
    const outcome = orderOutcome(await trader.place(PAPER_USER, { ...order, market: market.id }));
    // A live order needs the market's trades; a fill may leave coins that need its price.
    if (outcome.status === 'accepted' && this.engaged) this.keepSubscribed(market.id);
    return outcome;
  }

  async cancel(marketId: string, orderId: number): Promise<PaperOrderOutcome> {
    this.checkOpen();
    const market = this.resolve(marketId);
    const trader = await this.trader();
    await this.ensurePaperMarket(trader, market);
    return orderOutcome(await trader.cancel(PAPER_USER, market.id, orderId));
  }

  async amend(
    marketId: string,
    orderId: number,
    change: { quantity?: number; price?: number },
  ): Promise<PaperOrderOutcome> {
    this.checkOpen();
    const market = this.resolve(marketId);
    const trader = await this.trader();
    await this.ensurePaperMarket(trader, market);
    return { ...orderOutcome(await trader.amend(PAPER_USER, market.id, orderId, change)), orderId };
  }

  async reset(): Promise<PaperAccount> {
    this.checkOpen();
    const trader = await this.trader();
    const events = await trader.reset(PAPER_USER);
    const refused = events.find((e) => e.type === 'rejected');
    if (refused && refused.type === 'rejected') throw new ApiError(refused.reason, `reset refused: ${refused.reason}`);
    return accountView(trader);
  }

  // ------------------------------------------------------------------ portfolios

  portfolioList(): PortfolioList {
    this.checkOpen();
    return this.portfolios.list();
  }

  /** A new portfolio with its own journal, funded with its starting balances; the active one stays active. */
  createPortfolio(input: NewPortfolio): Promise<PortfolioList> {
    return this.oneAtATime(async () => {
      this.checkOpen();
      const p = this.portfolios.draft(input);
      this.portfolios.add(p);
      try {
        await this.portfolioTrader(p.id);
      } catch (err) {
        this.portfolioTraders.get(p.id)?.close();
        this.portfolioTraders.delete(p.id);
        this.portfolios.remove(p.id);
        throw err;
      }
      return this.portfoliosChanged();
    });
  }

  /** New settings: fees and fill model at once, starting balances from the next reset; saved once applied. */
  updatePortfolio(id: number, change: PortfolioChange): Promise<PortfolioList> {
    return this.oneAtATime(async () => {
      this.checkOpen();
      const next = this.portfolios.changed(id, change);
      await this.applyPortfolio(await this.portfolioTrader(id), next);
      this.portfolios.replace(next);
      if (id === this.portfolios.active.id) await this.refreshViews();
      return this.portfoliosChanged();
    });
  }

  /** Trades in another portfolio from now on; an exchange feed follows the portfolio's exchange. */
  selectPortfolio(id: number): Promise<PortfolioList> {
    return this.oneAtATime(async () => {
      this.checkOpen();
      await this.select(id);
      return this.portfoliosChanged();
    });
  }

  private async select(id: number): Promise<void> {
    const p = this.portfolios.get(id);
    const trader = await this.portfolioTrader(id);
    this.portfolios.select(id);
    if (this.source.source !== 'replay' && this.source.source !== p.exchange) await this.setSource(p.exchange);
    else await this.refreshViews();
    if (this.engaged) {
      for (const o of trader.openOrders(PAPER_USER)) this.keepSubscribed(o.market);
      for (const market of heldMarkets(trader)) this.keepSubscribed(market);
    }
  }

  /**
   * A portfolio another device created, changed or deleted (null), applied here (cloud sync). A deleted active
   * portfolio hands over to the first one left; one that does not fit or that its journal refuses (fees over a
   * live order) is reported (onError) and leaves the portfolios as they were. Never rejects.
   */
  applyCloudPortfolio(uid: string, value: CloudPortfolio | null): Promise<void> {
    return this.oneAtATime(async () => {
      this.checkOpen();
      const id = this.portfolios.idOf(uid);
      if (value === null) {
        if (id === undefined) return;
        if (id === this.portfolios.active.id) {
          const other = this.portfolios.list().portfolios.find((p) => p.id !== id);
          if (!other) return; // the last one stays: the Market screen always trades in one
          await this.select(other.id);
        }
        this.dropTrader(id);
        this.portfolios.remove(id, true);
      } else {
        const next = this.portfolios.remoteDraft(uid, value);
        if (!next) throw new ApiError('TOO_MANY_PORTFOLIOS', `portfolio "${value.name}" does not fit here`);
        const trader = this.portfolioTraders.get(next.id);
        if (trader) await this.applyPortfolio(trader, next);
        this.portfolios.applyRemote(uid, next);
        if (next.id === this.portfolios.active.id) await this.refreshViews();
      }
      this.portfoliosChanged();
    }).catch((err: unknown) => this.onError(err));
  }

  /** Back to its starting balances, its orders cancelled and positions cleared; the others are untouched. */
  resetPortfolio(id: number): Promise<PortfolioList> {
    return this.oneAtATime(async () => {
      this.checkOpen();
      const trader = await this.portfolioTrader(id);
      const events = await trader.reset(PAPER_USER);
      const refused = events.find((e) => e.type === 'rejected');
      if (refused && refused.type === 'rejected')
        throw new ApiError(refused.reason, `reset refused: ${refused.reason}`);
      return this.portfoliosChanged();
    });
  }

  deletePortfolio(id: number): Promise<PortfolioList> {
    return this.oneAtATime(async () => {
      this.checkOpen();
      this.portfolios.get(id);
      if (id === this.portfolios.active.id)
        throw new ApiError('PORTFOLIO_ACTIVE', 'the active portfolio cannot be deleted: switch to another one first');
      this.dropTrader(id);
      this.portfolios.remove(id);
      // Its results go with it: a later portfolio never inherits them.
      this.o.results?.deleteAccount(`paper:${id}`);
      return this.portfoliosChanged();
    });
  }

  private dropTrader(id: number): void {
    const trader = this.portfolioTraders.get(id);
    if (!trader) return;
    trader.close();
    this.histories.delete(trader);
    this.portfolioTraders.delete(id);
  }

  /** Runs portfolio changes in the order they came, each after the last has finished (or failed). */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.portfolioQueue.then(work, work);
    this.portfolioQueue = run.catch(() => undefined);
    return run;
  }

  private portfoliosChanged(): PortfolioList {
    const list = this.portfolios.list();
    this.emit('paper.portfolios', list);
    return list;
  }

  /** Open views show the current journal's account and fees (after a switch of portfolio or new fees). */
  private async refreshViews(): Promise<void> {
    const trader = this.currentTrader() ?? (await this.trader());
    for (const view of this.views.values()) {
      if (view.refs === 0) continue;
      try {
        await this.ensurePaperMarket(trader, this.resolve(view.market));
      } catch (err) {
        this.onError(err);
      }
      view.markMine();
      view.schedule(this.publishEveryMs, (c) => this.publish(view, c));
    }
  }

  /** Candles of a market, oldest first; with `before`, the older ones a chart scrolled back to (fetched first). */
  async candles(marketId: string, interval: CandleInterval, limit: number, before?: number): Promise<PaperCandles> {
    this.checkOpen();
    const market = this.resolve(marketId);
    const active = this.activate();
    if (active.kind === 'replay') {
      return {
        market: market.id,
        interval,
        candles: active.replay.candles(market.id, interval, limit, before),
        loading: false,
      };
    }
    try {
      if (before !== undefined) {
        const older = await active.candles.older(market, interval, limit, before);
        // An exchange that could not be reached with nothing stored: an error, not the end of history.
        if (older.error && older.candles.length === 0) throw new Error(older.error);
        return { market: market.id, interval, candles: older.candles, loading: false };
      }
      const { candles, loading } = active.candles.candles(market, interval, limit);
      return { market: market.id, interval, candles, loading };
    } catch (err) {
      throw new ApiError(
        'CANDLES_UNAVAILABLE',
        `candle history of ${market.id} cannot be read: ${(err as Error).message}`,
      );
    }
  }

  replayControl(control: ReplayControl): ReplayInfo {
    this.checkOpen();
    if (this.source.source !== 'replay')
      throw new ApiError('NOT_REPLAY', `the feed source is ${this.source.source}, not a replay`);
    const replay = this.ensureReplay();
    switch (control.action) {
      case 'play':
        replay.play();
        break;
      case 'pause':
        replay.pause();
        break;
      case 'speed':
        replay.setSpeed(playerSpeed(control.speed));
        this.source = { ...this.source, speed: control.speed };
        this.o.settings.setValue(SOURCE_KEY, this.source);
        break;
      case 'stop': {
        // The run ends here and is kept; the replay waits at its start for the next one.
        this.stopRun();
        replay.pause();
        for (const v of this.views.values()) v.clearTrades();
        replay.seek(0);
        for (const v of this.views.values())
          if (v.refs > 0) this.publish(v, { trades: [], book: true, ticker: true, mine: false });
        break;
      }
      case 'seek':
        // The tape shown belongs to the old position; the player re-sends book, ticker and status for the new one.
        for (const v of this.views.values()) v.clearTrades();
        replay.seek(control.at);
        for (const v of this.views.values())
          if (v.refs > 0) this.publish(v, { trades: [], book: true, ticker: true, mine: false });
        break;
    }
    return replay.info();
  }

  close(): void {
    if (this.closed) return;
    this.stopRun();
    this.closed = true;
    this.deactivate('app closing');
    for (const trader of this.portfolioTraders.values()) trader.close();
    this.replayTrader?.close();
    this.candleStore?.close();
  }

  // ------------------------------------------------------------------ sources

  private checkOpen(): void {
    if (this.closed) throw new ApiError('NOT_READY', 'real-coin markets are shut down');
  }

  /** The running source, started on first use. */
  private activate(): Active {
    if (this.active) return this.active;
    const source = this.source.source;
    if (source === 'replay') {
      this.active = { kind: 'replay', replay: this.loadReplay(this.source) };
      return this.active;
    }
    const client = createFeedClient(feedClientOptions(source, this.o[source], this.o.env));
    const candles = new ExchangeCandles({
      exchange: source,
      store: this.store(),
      source: client.candles,
      onProgress: (p) => this.emit('candles.progress', p),
      onError: this.onError,
    });
    const active: Active = { kind: 'exchange', exchange: source, client, candles, off: () => {} };
    active.off = client.onEvent((e) => {
      if (this.active === active) this.onFeedEvent(e);
    });
    this.active = active;
    return active;
  }

  private ensureReplay(): ReplayFeed {
    const active = this.activate();
    if (active.kind !== 'replay')
      throw new ApiError('NOT_REPLAY', `the feed source is ${this.source.source}, not a replay`);
    return active.replay;
  }

  private loadReplay(source: StoredSource): ReplayFeed {
    if (source.history) {
      // The past window replaying when the app closed comes back from the caches; gone from them, the session
      // file plays (and the error says why).
      try {
        const { exchange, market: id, from, to, ...model } = source.history;
        const market = resolveMarket(exchange, id);
        const history = cachedHistory(
          { market, from, to },
          { store: this.store(), cacheDir: join(this.o.dataDir, 'replay-history'), ...model },
        );
        if (history) return this.historyReplay(history, source);
        this.onError(new Error(`the replayed window ${id} ${from}–${to} is no longer cached`));
      } catch (err) {
        this.onError(err);
      }
    }
    const path = source.sessionFile ?? this.o.defaultSessionPath ?? SAMPLE_SESSION_PATH;
    let replay: ReplayFeed | undefined;
    try {
      replay = ReplayFeed.load({
        path,
        speed: playerSpeed(source.speed),
        ...this.replayListeners(() => replay),
      });
      return replay;
    } catch (err) {
      if (err instanceof SessionFileError) throw new ApiError('BAD_SESSION', err.message);
      throw err;
    }
  }

  /** Stops the running source; open views learn they went offline (and why). */
  private deactivate(reason: string): void {
    this.stopRun();
    const active = this.active;
    if (active?.kind === 'exchange')
      for (const tap of [...this.taps]) {
        this.taps.delete(tap);
        try {
          tap.ended(reason);
        } catch (err) {
          this.onError(err);
        }
      }
    this.active = undefined;
    if (active?.kind === 'exchange') {
      active.off();
      active.candles.close();
      active.client.close();
    } else if (active?.kind === 'replay') {
      active.replay.close();
    }
    for (const view of this.views.values()) {
      if (view.refs > 0 && !this.closed)
        this.emit('feed.status', { market: view.market, source: this.source.source, status: 'offline', reason });
      view.dispose();
    }
    this.views.clear();
  }

  // ------------------------------------------------------------------ markets and views

  /** The market for an id on the current source, or UNKNOWN_MARKET saying why not. */
  private resolve(marketId: string): FeedMarket {
    const source = this.source.source;
    if (source === 'replay') {
      const replay = this.ensureReplay();
      const market = replay.markets.find((m) => m.id === marketId);
      if (!market) {
        throw new ApiError(
          'UNKNOWN_MARKET',
          `"${marketId}" is not in the replayed session (it has ${replay.markets.map((m) => m.id).join(', ')})`,
        );
      }
      return market;
    }
    try {
      return resolveMarket(source, marketId);
    } catch (err) {
      if (err instanceof UnknownMarketError) throw new ApiError('UNKNOWN_MARKET', err.message);
      throw err;
    }
  }

  private async openView(marketId: string, refs: number): Promise<void> {
    const market = this.resolve(marketId);
    const trader = await this.trader();
    await this.ensurePaperMarket(trader, market);
    const view = this.view(market.id);
    const first = view.refs === 0;
    view.refs += refs;
    if (first) this.subscribe(market, view);
  }

  private view(marketId: string): MarketView {
    let view = this.views.get(marketId);
    if (!view) this.views.set(marketId, (view = new MarketView(marketId)));
    return view;
  }

  private subscribe(market: FeedMarket, view: MarketView): void {
    const active = this.activate();
    if (active.kind === 'replay') {
      // A replay plays every market of its session; the view catches up with the state sent at the next seek or
      // event. Until then it says what it is.
      if (view.statusReason === 'connecting') {
        view.status = 'live';
        view.statusReason = undefined;
      }
      return;
    }
    if (active.client.subscriptions().some((s) => s.market === market.id)) return;
    active.candles.watch(market);
    try {
      active.client.subscribe(market.id);
    } catch (err) {
      active.candles.unwatch(market.id);
      throw new ApiError('FEED_UNAVAILABLE', `cannot subscribe ${market.id}: ${(err as Error).message}`);
    }
    const status = active.client.status(market.id);
    if (status) view.status = status;
  }

  /** Keeps a market subscribed without a view, while the paper account has live orders on it. */
  private keepSubscribed(marketId: string): void {
    if (this.source.source === 'replay') return;
    let market: FeedMarket;
    try {
      market = this.resolve(marketId);
    } catch {
      return; // an order of the other exchange's market: it waits until that source is chosen again
    }
    try {
      this.subscribe(market, this.view(market.id));
    } catch (err) {
      this.onError(err);
    }
  }

  /** The last view of a market closed: unsubscribe unless live orders still need its trades or a holding its price. */
  private release(marketId: string): void {
    const active = this.active;
    if (active?.kind !== 'exchange') return;
    for (const trader of this.portfolioTraders.values())
      if (trader.openOrders(PAPER_USER, marketId).length > 0 || heldMarkets(trader).includes(marketId)) return;
    active.candles.unwatch(marketId);
    active.client.unsubscribe(marketId);
    this.views.get(marketId)?.dispose();
    this.views.delete(marketId);
  }

  // ------------------------------------------------------------------ events in

  private onFeedEvent(e: FeedEvent, replayed = false): void {
    const active = this.active;
    if (!active) return;
    const traders = active.kind === 'replay' ? [this.replayTrader] : [...this.portfolioTraders.values()];
    // Each consumer is isolated: one failing must not starve the others, nor reach the feed.
    // A past window's fills go through its own model (the replay feed drives it), not the live rules.
    if (!(active.kind === 'replay' && active.replay.fills)) {
      for (const trader of traders) {
        try {
          trader?.onFeedEvent(e);
        } catch (err) {
          this.onError(err);
        }
      }
    }
    if (active.kind === 'exchange') {
      for (const tap of this.taps) {
        try {
          tap.event(e, active.exchange);
        } catch (err) {
          this.onError(err);
        }
      }
      try {
        active.candles.handle(e);
        if (e.type === 'trade') this.o.onPrice?.(e.market, e.price);
        else if (e.type === 'ticker') this.o.onPrice?.(e.market, e.last);
      } catch (err) {
        this.onError(err);
      }
    }
    // A replay plays every market of its session whether viewed or not: keep their state for a view opened later.
    const view = this.views.get(e.market) ?? (active.kind === 'replay' ? this.view(e.market) : undefined);
    if (!view) return;
    if (view.apply(e)) {
      const reason = view.statusReason;
      this.emit('feed.status', {
        market: view.market,
        source: this.source.source,
        status: view.status,
        ...(reason ? { reason } : {}),
      });
    }
    if (view.refs > 0 && !(replayed && e.type === 'status'))
      view.schedule(this.publishEveryMs, (c) => this.publish(view, c));
  }

  private onPaperEvents(journal: PaperTrader | undefined, events: readonly PaperEvent[]): void {
    if (journal) this.histories.get(journal)?.apply(events);
    if (journal !== undefined && journal === this.replayTrader && this.runs?.running)
      this.runs.onFills(tradeFills(events, PAPER_USER, () => true));
    const trader = this.currentTrader();
    // Another portfolio's fills (its orders rest while this one is on screen) show when it is chosen again.
    if (!trader || trader !== journal) return;
    try {
      const history = this.historyOf(trader);
      this.o.onMyEvents?.(
        events,
        (id) => {
          const c = trader.engine.marketConfig(id);
          return c && alertMarket(c);
        },
        (market, orderId) => history.sideOf(market, orderId),
      );
    } catch (err) {
      this.onError(err);
    }
    let all = false;
    for (const e of events) {
      if (e.market === LEDGER_STREAM) all = true;
      else this.views.get(e.market)?.markMine();
    }
    for (const view of this.views.values()) {
      if (all) view.markMine();
      if (view.refs > 0) view.schedule(this.publishEveryMs, (c) => this.publish(view, c));
      else this.release(view.market);
    }
  }

  // ------------------------------------------------------------------ events out

  private publish(view: MarketView, changes: ViewChanges): void {
    const active = this.active;
    const trader = this.currentTrader();
    if (!active || !trader || this.views.get(view.market) !== view) return;
    const position = trader.positions(PAPER_USER).find((p) => p.market === view.market);
    const price = lastPrice(trader, view, view.market);
    const candles =
      changes.trades.length === 0
        ? []
        : active.kind === 'replay'
          ? active.replay.currentCandles(view.market)
          : active.candles.current(view.market);
    this.emit('paper.update', {
      market: view.market,
      source: this.source.source,
      status: view.status,
      trades: [...changes.trades].reverse(),
      ...(changes.book ? { bids: view.bids, asks: view.asks } : {}),
      ...(changes.ticker && view.ticker ? { ticker: view.ticker } : {}),
      ...(price !== undefined ? { lastPrice: price } : {}),
      ...(candles.length ? { candles } : {}),
      ...(position ? { position: positionView(position) } : {}),
      ...(changes.mine ? { account: accountView(trader), fills: this.fillsOf(trader, view.market) } : {}),
      marks: this.marks(trader),
    });
  }

  /** The mark of each market whose coin the account holds: its last price, from its own trades or ticker. */
  private marks(trader: PaperTrader): PaperMark[] {
    return heldMarkets(trader).map((id) => {
      const c = trader.engine.marketConfig(id)!;
      // A view is of the current source's market: another journal's same-named market is not priced by it.
      const price = lastPrice(trader, trader === this.currentTrader() ? this.views.get(id) : undefined, id);
      return {
        market: id,
        base: c.base,
        quote: c.quote,
        priceDecimals: c.priceDecimals,
        sizeDecimals: c.sizeDecimals,
        quoteDecimals: c.quoteDecimals,
        ...(price ? { price } : {}),
      };
    });
  }

  /** Events go out validated by the host; a payload it refuses is a bug reported here, never a feed crash. */
  private emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    try {
      this.o.emit(name, payload);
    } catch (err) {
      this.onError(err);
    }
  }

  // ------------------------------------------------------------------ stores

  private currentTrader(): PaperTrader | undefined {
    return this.source.source === 'replay' ? this.replayTrader : this.liveTrader;
  }

  /** A journal's order history, folded from everything in it the first time it is asked for. */
  private historyOf(trader: PaperTrader): OrderHistory {
    let h = this.histories.get(trader);
    if (!h) {
      h = new OrderHistory('paper', PAPER_USER);
      for (const id of trader.engine.marketIds)
        h.apply(readAll((after, limit) => trader.eventsSince(id, after, limit)));
      this.histories.set(trader, h);
    }
    return h;
  }

  /** My latest fills on one market, as its view lists them. */
  private fillsOf(trader: PaperTrader, market: string) {
    return this.historyOf(trader).latestFills(FILLS_SHOWN, market).map(marketFill);
  }

  /**
   * An exchange market of the current source (not a replay's), with the exchange it comes from; UNKNOWN_MARKET
   * or NOT_EXCHANGE saying why not.
   */
  exchangeMarket(marketId: string): { exchange: ExchangeId; market: FeedMarket } {
    this.checkOpen();
    const source = this.source.source;
    if (source === 'replay') throw new ApiError('NOT_EXCHANGE', 'a replay is playing: choose Upbit or Binance first');
    return { exchange: source, market: this.resolve(marketId) };
  }

  /** Follows the exchange feed's events until the source stops (then `ended` is called once). */
  tapExchange(tap: ExchangeTap): () => void {
    this.taps.add(tap);
    return () => this.taps.delete(tap);
  }

  /**
   * A replay run starts (when none is going) from the replay account's starting balances: an account a run
   * left holding coins or orders is reset first — a journaled reset, so a restart finds it too — so every run
   * of a session starts from the same equity and runs compare by their returns as well as by their fills.
   * Called as the replay starts playing, and before an order of a paused replay (whose fills are the run's).
   */
  private beginRun(): void {
    const runs = this.runs;
    const trader = this.replayTrader;
    const active = this.active;
    if (!runs || runs.running || !trader || active?.kind !== 'replay') return;
    if (!atStart(trader)) {
      // The reset is applied as it is submitted (its commit follows): the snapshot below already reads it.
      trader.reset(PAPER_USER).catch((err: unknown) => this.onError(err));
    }
    runs.start(active.replay.info(), () => this.replaySnapshot());
  }

  /** Keeps the result of the replay run going, if one is (before the replay or its journal closes). */
  private stopRun(): ResultSummary | undefined {
    if (!this.runs?.running) return undefined;
    this.flushReplay();
    return this.runs.stop(this.replaySnapshot());
  }

  /**
   * Commits the replay journal's waiting fills now: they reach the run (which hears fills as committed) before
   * it ends — at max speed a replay can reach its end in the turn its last fills were made.
   */
  private flushReplay(): void {
    try {
      this.replayTrader?.flush();
    } catch (err) {
      this.onError(err);
    }
  }

  /** The replay account now, as a run starts and ends from it; undefined while no replay plays into it. */
  private replaySnapshot(): ReplaySnapshot | undefined {
    const trader = this.replayTrader;
    const active = this.active;
    if (!trader || active?.kind !== 'replay') return undefined;
    const markets = active.replay.markets.map((m) => resultMarket(paperMarket(m)));
    return {
      balances: totals(trader),
      markets,
      prices: pricesOf(trader, markets, (id) => this.views.get(id)?.lastPrice),
      sessionTs: active.replay.sessionTime(),
    };
  }

  /**
   * A paper portfolio's account (by its id) or the replay account ('replay'): its starting grant and last reset,
   * its fills and its markets, for its running result and its reports. UNKNOWN_PORTFOLIO for an id with no
   * portfolio. Connects nothing.
   */
  async accountFills(account: number | 'replay'): Promise<AccountFills> {
    this.checkOpen();
    const trader = account === 'replay' ? await this.trader(true) : await this.portfolioTrader(account);
    let since = 0;
    for (const e of readAll((after, limit) => trader.eventsSince(LEDGER_STREAM, after, limit)))
      if (e.type === 'reset' && e.account === PAPER_USER) since = e.ts;
    const markets = trader.engine.marketIds.map((id) => resultMarket(trader.engine.marketConfig(id)!));
    const fills: ResultFill[] = [];
    for (const m of markets) {
      const events = readAll((after, limit) => trader.eventsSince(m.id, after, limit));
      fills.push(...tradeFills(events, PAPER_USER, () => true));
    }
    fills.sort((a, b) => a.ts - b.ts || (a.tradeId ?? 0) - (b.tradeId ?? 0));
    // An open view prices its market on the current source: another journal's same-named market is not its.
    const viewed = trader === this.currentTrader() || (this.source.source !== 'replay' && account !== 'replay');
    return {
      start: trader.engine.startingGrants(),
      since,
      fills,
      markets,
      prices: pricesOf(trader, markets, (id) => (viewed ? this.views.get(id)?.lastPrice : undefined)),
    };
  }

  /**
   * My paper fills on real-coin prices, every portfolio's, each named in the venue column (`paper-<exchange>:
   * <portfolio name>`); replays of generated sessions are not history.
   */
  async exportFills(): Promise<FillRow[]> {
    const rows: FillRow[] = [];
    for (const p of this.portfolios.list().portfolios) {
      const trader = await this.portfolioTrader(p.id);
      for (const id of trader.engine.marketIds) {
        const config = trader.engine.marketConfig(id)!;
        const events = readAll((after, limit) => trader.eventsSince(id, after, limit));
        rows.push(...userFills(events, PAPER_USER, `paper-${config.exchange}:${p.name}`, () => config));
      }
    }
    return rows;
  }

  /**
   * The paper journal of a source (default: the current one; an exchange's is the active portfolio's), opened
   * on first use, with the local user's account.
   */
  private async trader(replay = this.source.source === 'replay'): Promise<PaperTrader> {
    if (!replay) return this.portfolioTrader(this.portfolios.active.id);
    let trader = this.replayTrader;
    if (!trader) {
      const dir = join(this.o.dataDir, 'replay-practice');
      mkdirSync(dir, { recursive: true });
      const opened: PaperTrader = PaperTrader.open({
        dir,
        markets: [],
        nativeBinding: this.o.nativeBinding,
        // A replay's books and orders live on the session's clock, so a paused replay's book does not go stale.
        now: () => (this.active?.kind === 'replay' ? this.active.replay.sessionTime() : Date.now()),
        onEvents: (events) => this.onPaperEvents(opened, events),
        onError: (err) => this.onError(err),
      });
      this.replayTrader = trader = opened;
    }
    if (!trader.engine.hasAccount(PAPER_USER)) await trader.openAccount(PAPER_USER);
    return trader;
  }

  /** A portfolio's journal, opened on first use with its settings applied, with the local user's account. */
  private async portfolioTrader(id: number): Promise<PaperTrader> {
    const p = this.portfolios.get(id);
    let trader = this.portfolioTraders.get(id);
    if (!trader) {
      const dir = this.portfolios.dirOf(id);
      mkdirSync(dir, { recursive: true });
      const opened: PaperTrader = PaperTrader.open({
        dir,
        markets: [],
        grants: p.startingBalances,
        latencyMs: p.latencyMs,
        nativeBinding: this.o.nativeBinding,
        onEvents: (events) => this.onPaperEvents(opened, events),
        onError: (err) => this.onError(err),
      });
      this.portfolioTraders.set(id, (trader = opened));
      // A register saved but not yet applied to the journal (a crash between the two) is applied now.
      await this.applyPortfolio(trader, p).catch((err: unknown) => this.onError(err));
    }
    if (!trader.engine.hasAccount(PAPER_USER)) await trader.openAccount(PAPER_USER);
    return trader;
  }

  /**
   * Brings a portfolio's journal to its settings: starting balances and fill model, latency, and the fees of
   * its exchange's markets. Refused with FEES_LOCKED when a fee would rise over a live buy order (it holds
   * for the fee it was placed under).
   */
  private async applyPortfolio(trader: PaperTrader, p: PaperPortfolio): Promise<void> {
    const engine = trader.engine;
    const grants = { ...p.startingBalances } as Record<string, number>;
    const changes: PaperEvent[][] = [];
    for (const id of engine.marketIds) {
      const c = engine.marketConfig(id)!;
      if (c.exchange !== p.exchange || (c.makerFeeBps === p.makerFeeBps && c.takerFeeBps === p.takerFeeBps)) continue;
      const next = { ...c, makerFeeBps: p.makerFeeBps, takerFeeBps: p.takerFeeBps };
      const problem = engine.marketProblem(next);
      if (problem) throw new ApiError('FEES_LOCKED', `fees of ${id} cannot change now: ${problem}`);
      await trader.addMarket(next);
    }
    if (JSON.stringify(engine.startingGrants()) !== JSON.stringify(grants) || engine.fills !== p.fillModel)
      changes.push(await trader.setTerms({ grants, fillModel: p.fillModel }));
    const refused = changes.flat().find((e) => e.type === 'rejected');
    if (refused)
      throw new ApiError('INVALID_SETTINGS', `the portfolio's settings were refused: ${JSON.stringify(refused)}`);
    trader.setLatency(p.latencyMs);
  }

  /** A feed market as a journal trades it: with the portfolio's fees on the portfolio's exchange. */
  private paperConfig(trader: PaperTrader, market: FeedMarket) {
    const portfolio = [...this.portfolioTraders].find(([, t]) => t === trader)?.[0];
    const p = portfolio !== undefined ? this.portfolios.get(portfolio) : undefined;
    const fees = p && p.exchange === market.exchange ? p : EXCHANGE_FEES[market.exchange];
    return paperMarket(market, { makerFeeBps: fees.makerFeeBps, takerFeeBps: fees.takerFeeBps });
  }

  /**
   * A journal takes the books of markets it did not trade yet from the others on the same feed (each as
   * received, its age intact): a portfolio switched to while the feed runs can trade before the next book.
   */
  private shareMarketData(trader: PaperTrader): void {
    for (const other of this.portfolioTraders.values()) if (other !== trader) trader.adoptMarketData(other);
  }

  private async ensurePaperMarket(trader: PaperTrader, market: FeedMarket) {
    const existing = trader.engine.marketConfig(market.id);
    if (existing) return existing;
    try {
      await trader.addMarket(this.paperConfig(trader, market));
      if (trader !== this.replayTrader) this.shareMarketData(trader);
    } catch (err) {
      if (err instanceof PaperMarketConfigError) throw new ApiError('MARKET_UNAVAILABLE', err.message);
      throw err;
    }
    return trader.engine.marketConfig(market.id)!;
  }

  private store(): CandleStore {
    this.candleStore ??= CandleStore.open(join(this.o.dataDir, 'candles.db'), { nativeBinding: this.o.nativeBinding });
    return this.candleStore;
  }
}

function resultMarket(c: ResultMarket): ResultMarket {
  const { id, base, quote, priceDecimals, sizeDecimals, quoteDecimals } = c;
  return { id, base, quote, priceDecimals, sizeDecimals, quoteDecimals };
}

/** Each balance of the local user, available and held together. */
function totals(trader: PaperTrader): Record<string, number> {
  return Object.fromEntries(Object.entries(trader.balances(PAPER_USER)).map(([a, b]) => [a, b.available + b.held]));
}

function pricesOf(
  trader: PaperTrader,
  markets: readonly ResultMarket[],
  viewPrice: (id: string) => number | undefined,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of markets) {
    const p = trader.lastPrice(m.id) ?? viewPrice(m.id);
    if (p) out[m.id] = p;
  }
  return out;
}

function lastPrice(trader: PaperTrader, view: MarketView | undefined, marketId: string): number | undefined {
  return trader.lastPrice(marketId) ?? view?.lastPrice;
}

/** The account holds its starting grant and nothing else, with no order live: where a run starts from. */
function atStart(trader: PaperTrader): boolean {
  if (trader.openOrders(PAPER_USER).length > 0) return false;
  const grants = trader.engine.startingGrants();
  const now = totals(trader);
  const assets = new Set([...Object.keys(grants), ...Object.keys(now)]);
  return [...assets].every((a) => (grants[a] ?? 0) === (now[a] ?? 0));
}

/** The paper markets whose base the account holds (available or in orders). */
function heldMarkets(trader: PaperTrader): string[] {
  const balances = trader.balances(PAPER_USER);
  return trader.engine.marketIds.filter((id) => {
    const b = balances[trader.engine.marketConfig(id)!.base];
    return b !== undefined && b.available + b.held > 0;
  });
}

/**
 * A paper market's identity and units as alerts, notices and the history name it (the paper engine takes any
 * price and size in the feed's units).
 */
function alertMarket(c: {
  id: string;
  base: string;
  quote: string;
  priceDecimals: number;
  sizeDecimals: number;
  quoteDecimals: number;
}): AlertMarket {
  return {
    venue: 'paper',
    id: c.id,
    base: c.base,
    quote: c.quote,
    priceDecimals: c.priceDecimals,
    sizeDecimals: c.sizeDecimals,
    quoteDecimals: c.quoteDecimals,
    tickSize: 1,
    lotSize: 1,
  };
}

/** The player's speed of an API speed ('max': as fast as possible). */
function playerSpeed(speed: ReplaySpeed): number {
  return speed === 'max' ? Infinity : speed;
}
