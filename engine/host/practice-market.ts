/**
 * The offline LPJ practice market inside the app: the matching engine journaled in `practice.db`, the
 * liquidity simulator's agents trading on it at a steady pace, and the local user's account (funded with the
 * practice grant on first run). Everything here works with no network.
 *
 * The UI sees it through read methods (book, tape, candles, balances, orders) and a throttled stream of
 * updates: committed events are collected and flushed at most every `publishEveryMs`, so a busy simulated
 * market costs the renderer one message per frame budget rather than one per order.
 */
import { join } from 'node:path';
import { aggregateCandles } from '../candles/aggregate';
import type { Candle, CandleInterval } from '../feed/types';
import { openMatchingJournal, type MatchingJournal } from '../matching/journal';
import type { EngineEvent, MarketConfig, PlaceCommand } from '../matching/types';
import { SimulatorDriver } from '../simulator/driver';
import { readAll, userFills, type FillRow } from './trade-export';
import { OrderHistory } from './order-history';
import { LiquiditySimulator } from '../simulator/liquidity-simulator';
import { liveReader } from '../simulator/agents/agent';

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
const START_PRICE = 10_000;
const MINUTE = 60_000;
const TAPE_LENGTH = 200;
/** Minutes of 1m candles kept in memory for charts (a week). */
const MINUTES_KEPT = 7 * 1_440;

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
}

export class PracticeMarket {
  readonly journal: MatchingJournal;
  private readonly driver: SimulatorDriver | undefined;
  private readonly tape: TapeTrade[] = [];
  private readonly minutes: Candle[] = [];
  /** My orders and fills, folded from the journal's events. */
  readonly history = new OrderHistory('practice', PRACTICE_USER);
  private readonly listeners = new Set<(u: PracticeUpdate) => void>();
  private pendingTrades: TapeTrade[] = [];
  private pendingMine = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

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
      this.journal.submitBatch([
        { type: 'open_account', account: PRACTICE_USER, ts },
        ...Object.entries(PRACTICE_GRANT).map(([asset, amount]) => ({
          type: 'deposit' as const,
          account: PRACTICE_USER,
          asset,
          amount,
          ts,
        })),
      ]);
    }
    const pace = options.ticksPerSecond ?? 2;
    if (pace > 0) {
      const sim = new LiquiditySimulator(
        {
          reader: liveReader(() => this.journal.machine),
          submit: (cmd) => this.journal.submit({ ...cmd, ts: this.now() } as typeof cmd),
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
      this.driver.start();
    }
  }

  get market(): MarketConfig {
    return OFFLINE_PRACTICE_MARKET;
  }

  get engine() {
    return this.journal.machine;
  }

  onUpdate(listener: (u: PracticeUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async place(order: Omit<PlaceCommand, 'type' | 'account' | 'market' | 'ts'>): Promise<EngineEvent[]> {
    return this.journal.submit({
      ...order,
      type: 'place',
      market: OFFLINE_PRACTICE_MARKET.id,
      account: PRACTICE_USER,
      ts: this.now(),
    });
  }

  async cancel(orderId: number): Promise<EngineEvent[]> {
    return this.journal.submit({
      type: 'cancel',
      market: OFFLINE_PRACTICE_MARKET.id,
      account: PRACTICE_USER,
      orderId,
      ts: this.now(),
    });
  }

  async cancelAll(): Promise<EngineEvent[]> {
    return this.journal.submit({
      type: 'cancel_all',
      market: OFFLINE_PRACTICE_MARKET.id,
      account: PRACTICE_USER,
      ts: this.now(),
    });
  }

  /** Every fill of mine, from the journal (for the trade history export). */
  exportFills(): FillRow[] {
    const events = readAll((after, limit) => this.journal.eventsSince(OFFLINE_PRACTICE_MARKET.id, after, limit));
    // LPJ prices are whole won, quantities 10^-8 LPJ, amounts whole won.
    const units = { priceDecimals: 0, sizeDecimals: OFFLINE_PRACTICE_MARKET.baseDecimals, quoteDecimals: 0 };
    return userFills(events, PRACTICE_USER, 'lpj-practice', () => units);
  }

  recentTrades(limit = TAPE_LENGTH): TapeTrade[] {
    return this.tape.slice(-limit).reverse();
  }

  /** Candles of `interval` from the kept minutes (gaps stay gaps), oldest first, the current one included. */
  candles(interval: CandleInterval, limit: number): Candle[] {
    const all = interval === '1m' ? this.minutes : aggregateCandles(this.minutes, interval);
    return all.slice(-limit);
  }

  close(): void {
    this.driver?.stop();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.listeners.clear();
    this.journal.close();
  }

  private committed(events: EngineEvent[]): void {
    this.history.apply(events);
    for (const e of events) {
      if (e.type === 'trade') {
        const t = { tradeId: e.tradeId, price: e.price, quantity: e.quantity, takerSide: e.takerSide, ts: e.ts };
        this.record(t);
        this.pendingTrades.push(t);
        if (e.makerAccount === PRACTICE_USER || e.takerAccount === PRACTICE_USER) this.pendingMine = true;
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
        if (e.ts >= since)
          this.record({ tradeId: e.tradeId, price: e.price, quantity: e.quantity, takerSide: e.takerSide, ts: e.ts });
      }
      after = events[events.length - 1].seq;
    }
  }
}
