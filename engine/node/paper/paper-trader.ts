/**
 * The paper matcher as the app host uses it: the paper engine made durable in its own SQLite file, fed by
 * the market feed (live or replayed).
 *
 * Persistence is the journal of ../store/durable-engine: commands are logged in group commits and start-up
 * restores the latest snapshot and replays the rest, checking every replayed event. That works because each
 * command carries the market data the engine reacted to (the book an order met, the trade that filled it),
 * so the journal alone reproduces the state. Snapshot-only persistence would need its own transaction and
 * event log per change; the journal already gives both, with acknowledgement after commit.
 *
 * Only market data that changes something is journaled: books are kept here in memory and copied into the
 * commands that use them; a trade is journaled only when it reaches a resting order or a stop (the engine
 * says so, see PaperEngine.tradeEffect — a trade it would ignore changes no state, so skipping it cannot make
 * a replay differ).
 *
 * Latency: an order (or an amend) reaches the book `latencyMs` after it was sent, as it would reach the
 * exchange's. The command is built when it arrives — with the book and last price known then, on the clock
 * then — so the journal holds what the order met, and a replay needs no timers.
 */
import { join } from 'node:path';
import type { BookEvent, FeedEvent, Level, StatusEvent, TradeEvent } from '../../core/market-data/types';
import type { Balance } from '../../core/matching/types';
import { isPosInt } from '../../core/matching/validation';
import { DurableEngine } from '../store/durable-engine';
import { MAX_LATENCY_MS } from '../../protocol/paper-portfolios';
import type { JournalStoreOptions } from '../store/journal-store';
import { DEFAULT_GRANTS, PaperMarketConfigError, validatePaperMarket } from '../../core/paper/market-config';
import { PaperEngine, type PaperSnapshot } from '../../core/paper/paper-engine';
import type {
  AccountId,
  OrderId,
  PaperBook,
  PaperCommand,
  PaperEvent,
  PaperMarketConfig,
  PaperOrderRequest,
  PaperOrderView,
  AmendCommand,
  FillModel,
  PlaceCommand,
  PositionView,
} from '../../core/paper/types';

export const PAPER_DB_FILE = 'paper.db';

/**
 * Levels per side kept from a book (and copied into the commands that use it). Deep enough for any paper
 * order; an order that would walk further is refused as too thin for the book as kept.
 */
export const MAX_BOOK_LEVELS = 100;

export type PaperJournal = DurableEngine<PaperCommand, PaperEvent, PaperSnapshot, PaperEngine>;

export interface PaperTraderOptions extends JournalStoreOptions {
  /** Folder of the data files; the journal is `paper.db` in it. */
  dir: string;
  /** Markets to trade; added to the journal when missing, their fees and limits updated when changed. */
  markets: readonly PaperMarketConfig[];
  /** Starting balances of a new journal (an existing one keeps its own). Default DEFAULT_GRANTS. */
  grants?: Readonly<Record<string, number>>;
  /** Of a new journal: books older than this are stale. */
  maxBookAgeMs?: number;
  /** The clock stamped on commands (ms). Replays pass the replay's clock so staleness follows its time. */
  now?: () => number;
  /** Events of each committed batch, in order (the point to publish them: they can no longer be lost). */
  onEvents?: (events: PaperEvent[]) => void;
  /** Failures nobody awaits: a feed-driven command that could not be committed, a market setting refused. */
  onError?: (err: Error) => void;
  /** How long an order or amend takes to reach the book (ms, default 0). See setLatency. */
  latencyMs?: number;
  /** Waits `ms`: the latency's timer (default setTimeout); tests pass one they control. */
  delay?: (ms: number) => Promise<void>;
  /** Snapshot every this many commands, and on close (see DurableEngine). */
  snapshotEvery?: number;
  snapshotOnClose?: boolean;
}

export class PaperTrader {
  private readonly books = new Map<string, PaperBook>();
  private readonly lastPrices = new Map<string, number>();
  private readonly now: () => number;
  private readonly onError: (err: Error) => void;
  private readonly delay: (ms: number) => Promise<void>;
  private latencyMs = 0;

  private constructor(
    private readonly journal: PaperJournal,
    options: PaperTraderOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? ((err) => console.error(err));
    this.delay = options.delay ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.setLatency(options.latencyMs ?? 0);
  }

  /** The latency of orders sent from now on (a whole number of ms, 0 to MAX_LATENCY_MS). */
  setLatency(ms: number): void {
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_LATENCY_MS)
      throw new RangeError(`latency must be a whole number of ms from 0 to ${MAX_LATENCY_MS}, got ${ms}`);
    this.latencyMs = ms;
  }

  get latency(): number {
    return this.latencyMs;
  }

  /** Until the order sent now reaches the book. */
  private async arrive(): Promise<void> {
    if (this.latencyMs > 0) await this.delay(this.latencyMs);
  }

  /** Opens (or creates) `dir/paper.db`, recovers its state and brings the market settings up to date. */
  static open(options: PaperTraderOptions): PaperTrader {
    for (const config of options.markets) validatePaperMarket(config);
    const journal: PaperJournal = DurableEngine.open({
      path: join(options.dir, PAPER_DB_FILE),
      synchronous: options.synchronous,
      nativeBinding: options.nativeBinding,
      snapshotEvery: options.snapshotEvery,
      snapshotOnClose: options.snapshotOnClose,
      create: () => new PaperEngine({ grants: options.grants ?? DEFAULT_GRANTS, maxBookAgeMs: options.maxBookAgeMs }),
      restore: (s) => PaperEngine.restore(s),
      onCommit: options.onEvents,
    });
    const trader = new PaperTrader(journal, options);
    try {
      const engine = journal.machine;
      const changes: PaperCommand[] = [];
      for (const config of options.markets) {
        if (JSON.stringify(engine.marketConfig(config.id)) === JSON.stringify({ ...config })) continue;
        const problem = engine.marketProblem(config);
        // The journal's own setting stays (e.g. fees cannot rise under live buys); trading goes on with it.
        if (problem) trader.onError(new PaperMarketConfigError(config.id, problem));
        else changes.push({ type: 'set_market', ts: trader.now(), config: { ...config } });
      }
      if (changes.length > 0) journal.submitBatch(changes);
    } catch (err) {
      journal.close();
      throw err;
    }
    return trader;
  }

  /** The engine, for reads (balances, orders, positions, audit). Change it only through this trader. */
  get engine(): PaperEngine {
    return this.journal.machine;
  }

  // ---------------------------------------------------------------- user commands (resolve once committed)

  openAccount(account: AccountId): Promise<PaperEvent[]> {
    return this.journal.submit({ type: 'open_account', ts: this.now(), account });
  }

  reset(account: AccountId): Promise<PaperEvent[]> {
    return this.journal.submit({ type: 'reset', ts: this.now(), account });
  }

  /** Changes the starting balances (from the next reset) and/or the fill model of resting limit orders. */
  setTerms(terms: { grants?: Readonly<Record<string, number>>; fillModel?: FillModel }): Promise<PaperEvent[]> {
    return this.journal.submit({ type: 'set_terms', ts: this.now(), ...terms });
  }

  /**
   * Places an order against the market data known when it arrives (see latency); resolves with its events
   * (accepted or rejected, fills).
   */
  async place(account: AccountId, order: PaperOrderRequest): Promise<PaperEvent[]> {
    await this.arrive();
    // Only the request's own fields are copied: a caller cannot supply the market data.
    const cmd: PlaceCommand = {
      type: 'place',
      ts: this.now(),
      account,
      market: order.market,
      side: order.side,
      orderType: order.orderType,
      clientOrderId: order.clientOrderId,
      price: order.price,
      stopPrice: order.stopPrice,
      quantity: order.quantity,
      quoteAmount: order.quoteAmount,
      trailAmount: order.trailAmount,
      trailBps: order.trailBps,
      takeProfitPrice: order.takeProfitPrice,
      stopLossPrice: order.stopLossPrice,
      stopLossLimitPrice: order.stopLossLimitPrice,
      book: this.books.get(order.market),
      last: this.lastPrices.get(order.market),
    };
    for (const key of Object.keys(cmd) as (keyof PlaceCommand)[]) if (cmd[key] === undefined) delete cmd[key];
    return this.journal.submit(cmd);
  }

  /** Amends a resting order (a new total quantity and/or price) against the book known when it arrives. */
  async amend(
    account: AccountId,
    market: string,
    orderId: OrderId,
    change: { quantity?: number; price?: number },
  ): Promise<PaperEvent[]> {
    await this.arrive();
    const cmd: AmendCommand = { type: 'amend', ts: this.now(), account, market, orderId };
    if (change.quantity !== undefined) cmd.quantity = change.quantity;
    if (change.price !== undefined) cmd.price = change.price;
    const book = this.books.get(market);
    if (book) cmd.book = book;
    return this.journal.submit(cmd);
  }

  cancel(account: AccountId, market: string, orderId: OrderId): Promise<PaperEvent[]> {
    return this.journal.submit({ type: 'cancel', ts: this.now(), account, market, orderId });
  }

  /** Adds a market (or updates its fees and limits); rejects with PaperMarketConfigError when it cannot. */
  async addMarket(config: PaperMarketConfig): Promise<void> {
    validatePaperMarket(config);
    const problem = this.engine.marketProblem(config);
    if (problem) throw new PaperMarketConfigError(config.id, problem);
    await this.journal.submit({ type: 'set_market', ts: this.now(), config: { ...config } });
  }

  // ---------------------------------------------------------------- feed input

  /** Any feed event; the others (tickers, candles) carry nothing the matcher needs. */
  onFeedEvent(e: FeedEvent): void {
    if (e.type === 'book') this.onBook(e);
    else if (e.type === 'trade') void this.onTrade(e);
    else if (e.type === 'status') this.onStatus(e);
  }

  /** Keeps the market's latest book; a book with a malformed level is dropped whole (the previous one ages out). */
  onBook(e: BookEvent): void {
    if (!this.engine.marketConfig(e.market)) return;
    const bids = levels(e.bids);
    const asks = levels(e.asks);
    if (!bids || !asks) return this.onError(new Error(`paper: book of ${e.market} has a malformed level; ignored`));
    this.books.set(e.market, { receivedAt: this.now(), live: true, bids, asks });
  }

  /**
   * Fills resting orders and triggers stops the trade reaches. Returns the commit of the resulting command, or
   * undefined when the trade changes nothing; a failure is also reported to onError. `throughOnly`: a replayed
   * price with no known volume at it, which fills only the orders it trades through (see TradeCommand).
   */
  onTrade(e: TradeEvent, throughOnly = false): Promise<PaperEvent[]> | undefined {
    if (!this.engine.marketConfig(e.market) || !isPosInt(e.price) || !isPosInt(e.size)) return undefined;
    this.lastPrices.set(e.market, e.price);
    const effect = this.engine.tradeEffect(e.market, e.price);
    if (effect === 'none') return undefined;
    const book = effect === 'stops' ? this.books.get(e.market) : undefined;
    const committed = this.journal.submit({
      type: 'trade',
      ts: this.now(),
      market: e.market,
      price: e.price,
      size: e.size,
      ...(book ? { book } : {}),
      ...(throughOnly ? { throughOnly } : {}),
    });
    committed.catch((err: Error) => this.onError(err));
    return committed;
  }

  /**
   * Takes the books and last prices another trader on the same feed and clock holds (each as received then,
   * its age intact), so a journal opened while the feed runs can trade before the next book arrives.
   */
  adoptMarketData(from: PaperTrader): void {
    for (const [market, book] of from.books) {
      const own = this.books.get(market);
      if (!own || own.receivedAt < book.receivedAt) this.books.set(market, book);
    }
    for (const [market, price] of from.lastPrices) if (!this.lastPrices.has(market)) this.lastPrices.set(market, price);
  }

  /** A market the feed reports not live has no usable book until the next one arrives. */
  onStatus(e: StatusEvent): void {
    const book = this.books.get(e.market);
    if (book && e.status !== 'live') this.books.set(e.market, { ...book, live: false });
  }

  // ---------------------------------------------------------------- reads

  balances(account: AccountId): Record<string, Balance> {
    return this.engine.balances(account);
  }

  openOrders(account: AccountId, market?: string): PaperOrderView[] {
    return this.engine.openOrders(account, market);
  }

  /** Positions marked at the last trade price seen since start-up (unrealised PnL undefined until one arrives). */
  positions(account: AccountId): PositionView[] {
    return this.engine.positionsOf(account, (market) => this.lastPrices.get(market));
  }

  lastPrice(market: string): number | undefined {
    return this.lastPrices.get(market);
  }

  /** Committed events of a stream (a market id or LEDGER_STREAM) after `afterSeq`, for a client that resyncs. */
  eventsSince(stream: string, afterSeq: number, limit = 1000): PaperEvent[] {
    return this.journal.eventsSince(stream, afterSeq, limit);
  }

  /** Commits whatever is waiting now. */
  flush(): void {
    this.journal.flush();
  }

  close(): void {
    this.journal.close();
  }
}

/** The first MAX_BOOK_LEVELS levels, copied, or undefined if any of them is not [positive int, non-negative int]. */
function levels(side: readonly Level[]): Level[] | undefined {
  if (!Array.isArray(side)) return undefined;
  const out: Level[] = [];
  for (const level of side.slice(0, MAX_BOOK_LEVELS)) {
    if (!Array.isArray(level) || !isPosInt(level[0]) || !Number.isSafeInteger(level[1]) || level[1] < 0)
      return undefined;
    out.push([level[0], level[1]]);
  }
  return out;
}
