/**
 * The offline LPJ practice market inside the app: the matching engine journaled in `practice.db`, the
 * liquidity simulator's agents trading on it at a steady pace, and the local user's account (funded with the
 * practice grant on first run). Everything here works with no network.
 *
 * The UI sees it through read methods (book, tape, candles, balances, orders) and a throttled stream of
 * updates: committed events are collected and flushed at most every `publishEveryMs`, so a busy simulated
 * market costs the renderer one message per frame budget rather than one per order.
 *
 * A market that has never traded is given a past first: before the user's first look, the simulated traders
 * run through the last `history.spanMs` of simulated time (see ../core/simulator/run-ahead), journaled like any
 * trading, so the chart, its indicators and the day's figures have something to say from the first second.
 * It runs in slices between which the process serves the window, and reports its progress (`preparing`);
 * the user's orders wait for it to end, and no update is published until then.
 */
import { lpjUnits } from '../protocol/valuation';
import { join } from 'node:path';
import { aggregateCandles } from '../core/candles/aggregate';
import { candlePage } from '../core/candles/page';
import type { Candle, CandleInterval } from '../core/market-data/types';
import { openMatchingJournal, type MatchingJournal } from '../node/matching-journal/journal';
import type { EngineEvent, MarketConfig, PlaceCommand } from '../core/matching/types';
import { SimulatorDriver } from '../core/simulator/driver';
import { readAll, userFills, type FillRow } from './trade-export';
import { OrderHistory } from './order-history';
import { FillMinutes } from './fill-minutes';
import type { ResultFill } from '../core/results';
import { tradeFills } from './result-fills';
import { LiquiditySimulator } from '../core/simulator/liquidity-simulator';
import { liveReader } from '../core/simulator/agents/agent';
import { runAhead, runAheadTicks } from '../core/simulator/run-ahead';

export const OFFLINE_PRACTICE_MARKET: MarketConfig = {
  id: 'LPJ-KRW',
  base: 'LPJ',
  quote: 'KRW',
  baseDecimals: 8,
  tickSize: 1,
  lotSize: 1_000_000,
  minNotional: 1_000,
  makerFeeBps: 5,
  takerFeeBps: 10,
  priceBandBps: 1_000,
};

/** The local user's account in the practice ledger (the simulator's agents use ids from 1,000,000). */
export const PRACTICE_USER = 1;
export const PRACTICE_GRANT = { KRW: 10_000_000 };

/** The deposits that give the practice account its starting funds (on its first start, and at each reset). */
const grantDeposits = (ts: number) =>
  Object.entries(PRACTICE_GRANT).map(([asset, amount]) => ({
    type: 'deposit' as const,
    account: PRACTICE_USER,
    asset,
    amount,
    ts,
  }));
const START_PRICE = 10_000;
const MINUTE = 60_000;
const TAPE_LENGTH = 200;
/** Minutes of 1m candles kept in memory for charts (a week). */
const MINUTES_KEPT = 7 * 1_440;

/**
 * The past a new practice market is given: a day, one simulator tick every 5 s of it (the present ticks every
 * 0.5 s; a past at that pace would take ten times as long to run, and ten times the journal): about 100,000
 * commands and 12,000 trades, 2-6 s of work on a busy two-core machine.
 */
export const PRACTICE_HISTORY: PracticeHistory = { spanMs: 24 * 3_600_000, stepMs: 5_000 };

export interface PracticeHistory {
  /** How far back the simulated past reaches (ms). */
  spanMs: number;
  /** Simulated time between two of its ticks (ms). */
  stepMs: number;
}

/** How far the simulated past has been run: ticks done of all. */
export interface PracticePreparing {
  done: number;
  total: number;
}

export interface TapeTrade {
  tradeId: number;
  price: number;
  quantity: number;
  takerSide: 'buy' | 'sell';
  ts: number;
}

export interface PracticeUpdate {
  seq: number;
  trades: TapeTrade[];
  bids: [number, number][];
  asks: [number, number][];
  lastPrice: number;
  /** True when the user's orders or balances changed. */
  mine: boolean;
}

/** Book levels per side in updates: what an order book panel shows. */
export const BOOK_LEVELS = 50;

export interface PracticeMarketOptions {
  dataDir: string;
  nativeBinding?: string;
  /** Simulator ticks per second (0: no simulated traders). */
  ticksPerSecond?: number;
  seed?: number;
  publishEveryMs?: number;
  now?: () => number;
  /** The past a market that never traded is given (default PRACTICE_HISTORY; null: none). */
  history?: PracticeHistory | null;
}

export class PracticeMarket {
  readonly journal: MatchingJournal;
  private readonly driver: SimulatorDriver | undefined;
  private readonly tape: TapeTrade[] = [];
  private readonly minutes: Candle[] = [];
  /** My orders and fills, folded from the journal's events. */
  readonly history = new OrderHistory('practice', PRACTICE_USER);
  /** Every fill of mine over the minutes the charts are given, counted per minute (the chart's fill marks). */
  readonly fillMinutes = new FillMinutes(MINUTES_KEPT * MINUTE);
  private readonly listeners = new Set<(u: PracticeUpdate) => void>();
  private readonly eventListeners = new Set<(events: readonly EngineEvent[]) => void>();
  private pendingTrades: TapeTrade[] = [];
  private pendingMine = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly preparingListeners = new Set<(p: PracticePreparing) => void>();
  /** Set while the simulated past is being run. */
  private preparingState: PracticePreparing | null = null;
  private closed = false;
  /** Resolves once the market is open to the user's orders (at once, unless a past is being run). */
  readonly ready: Promise<void>;

  constructor(private readonly options: PracticeMarketOptions) {
    this.now = options.now ?? Date.now;
    this.journal = openMatchingJournal({
      path: join(options.dataDir, 'practice.db'),
      markets: [OFFLINE_PRACTICE_MARKET],
      nativeBinding: options.nativeBinding,
      onCommit: (events) => this.committed(events),
    });
    this.loadHistory();
    const engine = this.journal.machine;
    if (!engine.hasAccount(PRACTICE_USER)) {
      const ts = this.now();
      this.journal.submitBatch([{ type: 'open_account', account: PRACTICE_USER, ts }, ...grantDeposits(ts)]);
    }
    const pace = options.ticksPerSecond ?? 2;
    const history = options.history === undefined ? PRACTICE_HISTORY : options.history;
    // Never traded: a first start (the past is run before the agents trade in the present).
    const fresh = engine.lastPrice(OFFLINE_PRACTICE_MARKET.id) === undefined;
    let ready = Promise.resolve();
    if (pace > 0) {
      const sim = new LiquiditySimulator(
        {
          reader: liveReader(() => this.journal.machine),
          // The past keeps the times the simulator stamps; the present is stamped with the clock.
          submit: (cmd) => this.journal.submit(this.preparingState ? cmd : ({ ...cmd, ts: this.now() } as typeof cmd)),
          onError: () => this.driver?.stop(),
        },
        {
          market: OFFLINE_PRACTICE_MARKET.id,
          seed: options.seed ?? 777,
          startPrice: START_PRICE,
          maxCommandsPerTick: 32,
        },
      );
      this.driver = new SimulatorDriver(sim, { ticksPerSecond: pace });
      if (fresh && history) ready = this.runPast(sim, history);
      else this.driver.start();
    }
    this.ready = ready;
  }

  /** Runs the simulated past, then the present. */
  private async runPast(sim: LiquiditySimulator, history: PracticeHistory): Promise<void> {
    const to = this.now();
    const from = to - history.spanMs;
    const total = runAheadTicks(from, to, history.stepMs);
    this.preparingState = { done: 0, total };
    try {
      await runAhead(sim, {
        from,
        to,
        stepMs: history.stepMs,
        sliceTicks: 100,
        // The journal commits on the next turn, and the window's requests are answered between slices.
        pause: () => new Promise((resolve) => setImmediate(resolve)),
        stopped: () => this.closed,
        onProgress: (done) => {
          this.preparingState = { done, total };
          if (done < total) this.announcePreparing({ done, total });
        },
      });
      // The next start begins from here rather than replaying the past's commands.
      if (!this.closed) this.journal.snapshotNow();
    } catch {
      // A journal that failed under the past fails the present's commands too, each with its error.
    } finally {
      this.preparingState = null;
    }
    if (this.closed) return;
    this.announcePreparing({ done: total, total });
    this.driver!.start();
    this.flushTimer ??= setTimeout(() => this.flush(), 0);
  }

  /** How far the simulated past has been run, or null when the market is open. */
  preparing(): PracticePreparing | null {
    return this.preparingState && { ...this.preparingState };
  }

  /** Progress of the simulated past; the last call says it is done (done = total). */
  onPreparing(listener: (p: PracticePreparing) => void): () => void {
    this.preparingListeners.add(listener);
    return () => this.preparingListeners.delete(listener);
  }

  private announcePreparing(p: PracticePreparing): void {
    for (const l of this.preparingListeners) l({ ...p });
  }

  get market(): MarketConfig {
    return OFFLINE_PRACTICE_MARKET;
  }

  get engine() {
    return this.journal.machine;
  }

  /** Committed events as they happen (after the simulated past, and after my order history has them). */
  onEvents(listener: (events: readonly EngineEvent[]) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onUpdate(listener: (u: PracticeUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // The user's commands wait for the simulated past: stamped now, they would land in the middle of it.

  async place(order: Omit<PlaceCommand, 'type' | 'account' | 'market' | 'ts'>): Promise<EngineEvent[]> {
    await this.ready;
    return this.journal.submit({
      ...order,
      type: 'place',
      market: OFFLINE_PRACTICE_MARKET.id,
      account: PRACTICE_USER,
      ts: this.now(),
    });
  }

  async cancel(orderId: number): Promise<EngineEvent[]> {
    await this.ready;
    return this.journal.submit({
      type: 'cancel',
      market: OFFLINE_PRACTICE_MARKET.id,
      account: PRACTICE_USER,
      orderId,
      ts: this.now(),
    });
  }

  /** A new total quantity and/or price for one of my resting orders (the engine's amend). */
  async amend(orderId: number, change: { quantity?: number; price?: number }): Promise<EngineEvent[]> {
    await this.ready;
    return this.journal.submit({
      type: 'amend',
      market: OFFLINE_PRACTICE_MARKET.id,
      account: PRACTICE_USER,
      orderId,
      ...change,
      ts: this.now(),
    });
  }

  async cancelAll(): Promise<EngineEvent[]> {
    await this.ready;
    return this.journal.submit({
      type: 'cancel_all',
      market: OFFLINE_PRACTICE_MARKET.id,
      account: PRACTICE_USER,
      ts: this.now(),
    });
  }

  /**
   * Back to the starting funds: my orders cancelled, everything I hold withdrawn and the practice grant
   * deposited — explicit flows, so the ledger stays conserved — in one synchronous step the simulated traders
   * cannot interleave with. The market, its price and my past fills stay.
   */
  async reset(): Promise<EngineEvent[]> {
    await this.ready;
    const ts = this.now();
    const market = OFFLINE_PRACTICE_MARKET.id;
    const [cancelled] = this.journal.submitBatch([{ type: 'cancel_all', market, account: PRACTICE_USER, ts }]);
    const balances = this.journal.machine.balances(PRACTICE_USER);
    const moves = this.journal.submitBatch([
      ...Object.entries(balances)
        .filter(([, b]) => b.available > 0)
        .map(([asset, b]) => ({ type: 'withdraw' as const, account: PRACTICE_USER, asset, amount: b.available, ts })),
      ...grantDeposits(ts),
    ]);
    return [...cancelled, ...moves.flat()];
  }

  /** Every fill of mine, from the journal (for the trade history export). */
  exportFills(): FillRow[] {
    const events = readAll((after, limit) => this.journal.eventsSince(OFFLINE_PRACTICE_MARKET.id, after, limit));
    const units = lpjUnits(OFFLINE_PRACTICE_MARKET);
    return userFills(events, PRACTICE_USER, 'lpj-practice', () => units);
  }

  /** My fills on the practice market in its own units, oldest first, for results and reports. */
  myFills(): ResultFill[] {
    const events = readAll((after, limit) => this.journal.eventsSince(OFFLINE_PRACTICE_MARKET.id, after, limit));
    return tradeFills(events, PRACTICE_USER, () => true);
  }

  recentTrades(limit = TAPE_LENGTH): TapeTrade[] {
    return this.tape.slice(-limit).reverse();
  }

  /**
   * Candles of `interval` from the kept minutes (gaps stay gaps) that open before `before`, oldest first, the
   * current one included.
   */
  candles(interval: CandleInterval, limit: number, before?: number): Candle[] {
    const all = interval === '1m' ? this.minutes : aggregateCandles(this.minutes, interval);
    return candlePage(all, limit, before);
  }

  close(): void {
    this.closed = true;
    this.driver?.stop();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.listeners.clear();
    this.eventListeners.clear();
    this.journal.close();
  }

  private committed(events: EngineEvent[]): void {
    if (this.preparingState) {
      // The simulated past goes into the tape and candles; the window hears of it once it is over.
      for (const e of events)
        if (e.type === 'trade')
          this.record({ tradeId: e.tradeId, price: e.price, quantity: e.quantity, takerSide: e.takerSide, ts: e.ts });
      return;
    }
    this.history.apply(events);
    for (const l of this.eventListeners) l(events);
    for (const e of events) {
      if (e.type === 'trade') {
        const t = { tradeId: e.tradeId, price: e.price, quantity: e.quantity, takerSide: e.takerSide, ts: e.ts };
        this.record(t);
        this.pendingTrades.push(t);
        if (e.makerAccount === PRACTICE_USER || e.takerAccount === PRACTICE_USER) this.pendingMine = true;
        this.countMine(e);
      } else if ('account' in e && e.account === PRACTICE_USER) this.pendingMine = true;
    }
    this.flushTimer ??= setTimeout(() => this.flush(), this.options.publishEveryMs ?? 100);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const depth = this.engine.depth(OFFLINE_PRACTICE_MARKET.id, BOOK_LEVELS)!;
    const update: PracticeUpdate = {
      seq: depth.seq,
      trades: this.pendingTrades,
      bids: depth.bids,
      asks: depth.asks,
      lastPrice: this.engine.lastPrice(OFFLINE_PRACTICE_MARKET.id) ?? 0,
      mine: this.pendingMine,
    };
    this.pendingTrades = [];
    this.pendingMine = false;
    for (const l of this.listeners) l(update);
  }

  private record(t: TapeTrade): void {
    this.tape.push(t);
    if (this.tape.length > TAPE_LENGTH * 2) this.tape.splice(0, this.tape.length - TAPE_LENGTH);
    const openTime = Math.floor(t.ts / MINUTE) * MINUTE;
    const last = this.minutes[this.minutes.length - 1];
    if (last && last.openTime === openTime) {
      if (t.price > last.high) last.high = t.price;
      if (t.price < last.low) last.low = t.price;
      last.close = t.price;
      last.volume += t.quantity;
    } else if (!last || openTime > last.openTime) {
      this.minutes.push({ openTime, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.quantity });
      if (this.minutes.length > MINUTES_KEPT) this.minutes.splice(0, this.minutes.length - MINUTES_KEPT);
    }
  }

  /** A trade with a leg of mine (both, when I traded with myself) is a fill of mine on its candle. */
  private countMine(e: Extract<EngineEvent, { type: 'trade' }>): void {
    if (e.makerAccount === PRACTICE_USER)
      this.fillMinutes.add(e.ts, e.takerSide === 'buy' ? 'sell' : 'buy', this.now());
    if (e.takerAccount === PRACTICE_USER) this.fillMinutes.add(e.ts, e.takerSide, this.now());
  }

  /** Rebuilds the tape, my orders and fills and the recent candles from the journal. */
  private loadHistory(): void {
    let after = 0;
    const since = this.now() - MINUTES_KEPT * MINUTE;
    for (;;) {
      const events = this.journal.eventsSince(OFFLINE_PRACTICE_MARKET.id, after, 50_000);
      if (events.length === 0) break;
      this.history.apply(events);
      for (const e of events) {
        if (e.type !== 'trade') continue;
        if (e.ts < since) continue;
        this.record({ tradeId: e.tradeId, price: e.price, quantity: e.quantity, takerSide: e.takerSide, ts: e.ts });
        this.countMine(e);
      }
      after = events[events.length - 1].seq;
    }
  }
}
