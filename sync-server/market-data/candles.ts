/**
 * Candles of the LPJ markets (1m … 1M), built on the server from committed trades only — the same trades every
 * client sees on the tape, so a chart never shows a price a crash could undo.
 *
 * Closed minutes go to `<dataDir>/candles.db` (the engine's CandleStore) together with a cursor: the journal seq
 * up to which every trade is in a stored minute. A restart replays the journal's trades after the cursor, so
 * minutes that were still open (or a deleted candles.db) come back exactly; the journal is the source of truth
 * and candles.db is a cache of it.
 */
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import {
  LiveCandles,
  MINUTE_MS,
  aggregateMinutes,
  fromColumns,
  intervalStart,
  longestCandleStart,
  nextIntervalStart,
  storeClosedMinutes,
  type ClosedMinutes,
} from '../../engine/core/candles';
import { CandleStore, type MarketKey } from '../../engine/node/candles';
import type { CandleEvent, ExchangeId } from '../../engine/core/market-data/types';
import type { EngineEvent } from '../../engine/core/matching/types';
import type { Candle, CandleInterval, ServerMessage } from '../../engine/protocol/sync';
import type { Exchange } from '../trading/exchange';
import { MarketData, type ChannelExtension, type FirstReader } from './market-data';

/** How often quiet minutes are closed (and stored) when no trade arrives to close them. */
const ADVANCE_EVERY_MS = 1_000;
const REPLAY_PAGE = 10_000;

/**
 * The store keys markets by (exchange, id) with `exchange` typed as the external feeds' ExchangeId. LPJ is not
 * one of them, and widening ExchangeId would add LPJ to every per-exchange table of the feed code; the store
 * only writes the value into a text column, so the server's markets use their own name there.
 */
const LPJ_EXCHANGE = 'lpj' as ExchangeId;

export class ServerCandles implements ChannelExtension {
  private readonly store: CandleStore;
  private readonly live: LiveCandles;
  private readonly keys = new Map<string, MarketKey>();
  /** Per market: the last event seq fed to `live`. */
  private readonly fedSeq = new Map<string, number>();
  /** While a trade is being fed: every event before it is done, so this is the cursor if its minute closes others. */
  private cursorDuringTrade: number | undefined;
  /** Latest candle per market and interval changed by the batch being handled (one message each). */
  private changed: Map<string, CandleEvent> | undefined;
  private readonly readCursor: Statement<[string], { seq: number; minute_end: number }>;
  private readonly writeCursor: Statement<[string, number, number]>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    dataDir: string,
    private readonly exchange: Exchange,
    private readonly now: () => number,
  ) {
    this.store = CandleStore.open(join(dataDir, 'candles.db'));
    this.store.db.exec(
      'CREATE TABLE IF NOT EXISTS server_candle_cursor (market TEXT PRIMARY KEY, seq INTEGER NOT NULL, minute_end INTEGER NOT NULL)',
    );
    this.readCursor = this.store.db.prepare('SELECT seq, minute_end FROM server_candle_cursor WHERE market = ?');
    this.writeCursor = this.store.db.prepare(
      'INSERT INTO server_candle_cursor (market, seq, minute_end) VALUES (?, ?, ?) ON CONFLICT (market) DO UPDATE SET seq = excluded.seq, minute_end = excluded.minute_end',
    );
    this.live = new LiveCandles({
      onCandle: (e) => this.changed?.set(`${e.market}\u0000${e.interval}`, e),
      onMinutesClosed: (closed) => this.minutesClosed(closed),
    });
    for (const m of exchange.markets) {
      this.keys.set(m.id, { exchange: LPJ_EXCHANGE, id: m.id });
      this.rebuild(m.id);
    }
    this.live.advance(now());
    this.timer = setInterval(() => this.live.advance(this.now()), ADVANCE_EVERY_MS);
    this.timer.unref();
  }

  subscribed(reader: FirstReader, market: string, interval?: string): void {
    const i = interval as CandleInterval;
    const candle = this.live.current(market, i);
    // Only the candle of the period now running: an older one is history, which the HTTP route serves.
    if (candle && candle.openTime === intervalStart(this.now(), i))
      reader.send({ type: 'candle', market, interval: i, candle });
  }

  committed(events: EngineEvent[], publish: (key: string, msg: ServerMessage) => void): void {
    this.changed = new Map();
    try {
      for (const e of events) this.feed(e);
      for (const { market, interval, candle } of this.changed.values()) {
        publish(MarketData.key('candles', market, interval), { type: 'candle', market, interval, candle });
      }
    } finally {
      this.changed = undefined;
    }
  }

  /** Start of the oldest UTC day with a stored candle (undefined: none yet): nothing older is worth reading. */
  firstStoredDay(market: string): number | undefined {
    const key = this.keys.get(market);
    return key && this.store.firstStoredDay(key);
  }

  /**
   * Candles of `interval` opening in [from, to), oldest first: stored minutes aggregated, with the candle still
   * open taken from the live state. Periods without a trade have no candle.
   */
  history(market: string, interval: CandleInterval, from: number, to: number): Candle[] {
    const key = this.keys.get(market);
    if (!key || to <= from) return [];
    const start = intervalStart(from, interval);
    const end = nextIntervalStart(intervalStart(to - 1, interval), interval);
    const candles = fromColumns(
      aggregateMinutes(this.store.readMinutes(key, { from: start, to: end }), interval),
    ).filter((c) => c.openTime < to);
    const current = this.live.current(market, interval);
    if (current && current.openTime >= start && current.openTime < to) {
      const last = candles.at(-1);
      // The live candle holds every trade of its period (stored minutes included), so it replaces the stored part.
      if (last && last.openTime === current.openTime) candles[candles.length - 1] = current;
      else if (!last || last.openTime < current.openTime) candles.push(current);
    }
    return candles;
  }

  close(): void {
    clearInterval(this.timer);
    this.store.close();
  }

  private feed(e: EngineEvent): void {
    if (!this.keys.has(e.market)) return; // the ledger stream
    if (e.type === 'trade') {
      this.cursorDuringTrade = e.seq - 1;
      try {
        this.live.trade({
          type: 'trade',
          market: e.market,
          ts: e.ts,
          price: e.price,
          size: e.quantity,
          side: e.takerSide,
          tradeId: String(e.tradeId),
        });
      } finally {
        this.cursorDuringTrade = undefined;
      }
    }
    this.fedSeq.set(e.market, e.seq);
  }

  /** Stores closed minutes and moves the cursor past their trades, in one transaction. */
  private minutesClosed(closed: ClosedMinutes): void {
    const { market, candle, known } = closed;
    const seq = this.cursorDuringTrade ?? this.fedSeq.get(market) ?? 0;
    const minuteEnd = known?.to ?? candle!.openTime + MINUTE_MS;
    this.store.db.transaction(() => {
      storeClosedMinutes(this.store, this.keys.get(market)!, closed);
      this.writeCursor.run(market, seq, minuteEnd);
    })();
  }

  /**
   * Picks up where the stored minutes end: seeds the longer intervals with the stored minutes of their forming
   * candles (this week's or this month's, whichever began first), then feeds
   * the journal's events after the cursor (closing and storing the minutes they complete).
   */
  private rebuild(market: string): void {
    const cursor = this.readCursor.get(market);
    let after = cursor?.seq ?? 0;
    let page = this.exchange.journal.eventsSince(market, after, REPLAY_PAGE);
    // A market without a cursor has stored nothing yet: it starts at its first event (or now, if it has none).
    const firstTs = page.find((e) => e.ts > 0)?.ts;
    const start = cursor?.minute_end ?? intervalStart(firstTs ?? this.now(), '1m');
    const key = this.keys.get(market)!;
    const seed = fromColumns(this.store.readMinutes(key, { from: longestCandleStart(start), to: start }));
    this.live.watch(market, start, seed);
    this.fedSeq.set(market, after);
    while (page.length > 0) {
      for (const e of page) this.feed(e);
      after = page[page.length - 1].seq;
      page = this.exchange.journal.eventsSince(market, after, REPLAY_PAGE);
    }
  }
}
