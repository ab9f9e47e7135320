/**
 * Public market data for the LPJ markets: book snapshots and deltas, the trade tape and the 24 h ticker,
 * published to subscribed sessions from committed events only (never from state a crash could undo).
 *
 * Each message is serialised and framed once and the same bytes are sent to every subscriber.
 */
import type { EngineEvent } from '../../engine/core/matching/types';
import type { Channel, Level, ServerMessage } from '../../engine/protocol/sync';
import type { Exchange } from '../trading/exchange';
import type { Session } from '../ws/session';
import { Subscribers } from './subscribers';
import { RollingTicker } from './ticker';

/** Levels per side in a snapshot: the whole book of any realistic market. */
const SNAPSHOT_LEVELS = 5_000;

/** Whoever is sent what a new subscriber needs first: a session, or a core answering a gateway that asked. */
export interface FirstReader {
  send(msg: ServerMessage): void;
}

export interface ChannelExtension {
  /** Sends what a new subscriber needs first (e.g. the current candle); called after it is subscribed. */
  subscribed(reader: FirstReader, market: string, interval?: string): void;
  committed(events: EngineEvent[], publish: (key: string, msg: ServerMessage) => void): void;
}

export class MarketData {
  private readonly subscribers = new Subscribers();
  private readonly lastDeltaSeq = new Map<string, number>();
  private readonly tickers = new Map<string, RollingTicker>();
  private readonly extensions = new Map<Channel, ChannelExtension>();
  private readonly taps = new Set<(key: string, msg: ServerMessage) => void>();

  constructor(
    private readonly exchange: Exchange,
    private readonly now: () => number,
  ) {
    for (const m of exchange.markets) {
      this.tickers.set(m.id, new RollingTicker(m.id));
      this.lastDeltaSeq.set(m.id, exchange.engine.lastSeq(m.id));
    }
    this.warmTickers();
    exchange.onCommit((events) => this.committed(events));
  }

  /** Lets another module serve a channel (candles) through the same subscriptions. */
  extend(channel: Channel, extension: ChannelExtension): void {
    this.extensions.set(channel, extension);
  }

  static key(channel: Channel, market: string, interval?: string): string {
    return interval ? `${channel}:${market}:${interval}` : `${channel}:${market}`;
  }

  subscribe(session: Session, channel: Channel, market: string, interval?: string): void {
    const key = MarketData.key(channel, market, interval);
    // Commit (and publish) what is pending before the new subscriber joins, so its first book message is the
    // snapshot, never a delta.
    if (channel === 'book') this.exchange.journal.flush();
    this.subscribers.add(session, key);
    this.sendFirst(session, channel, market, interval);
  }

  /** What a new subscriber to a channel is sent first: the book's snapshot, the ticker now, the running candle. */
  sendFirst(reader: FirstReader, channel: Channel, market: string, interval?: string): void {
    if (channel === 'book') this.sendSnapshot(reader, market);
    else if (channel === 'ticker') reader.send({ type: 'ticker', ...this.tickers.get(market)!.read(this.now()) });
    else this.extensions.get(channel)?.subscribed(reader, market, interval);
  }

  /**
   * Hears every public message as it is published, whether or not anyone here subscribed (a core hands them to
   * the cluster's gateways). Called in the commit's turn, in publishing order.
   */
  tap(listener: (key: string, msg: ServerMessage) => void): void {
    this.taps.add(listener);
  }

  unsubscribe(session: Session, channel: Channel, market: string, interval?: string): void {
    this.subscribers.remove(session, MarketData.key(channel, market, interval));
  }

  drop(session: Session): void {
    this.subscribers.drop(session);
  }

  /** A snapshot consistent with the deltas: pending commands are committed (and their deltas sent) first. */
  sendSnapshot(reader: FirstReader, market: string): void {
    this.exchange.journal.flush();
    const depth = this.exchange.engine.depth(market, SNAPSHOT_LEVELS)!;
    reader.send({ type: 'book.snapshot', market, seq: depth.seq, bids: depth.bids, asks: depth.asks });
  }

  ticker(market: string) {
    return this.tickers.get(market)?.read(this.now());
  }

  subscriberCount(): number {
    return this.subscribers.count();
  }

  private publish(key: string, msg: ServerMessage): void {
    for (const tap of this.taps) tap(key, msg);
    this.subscribers.publish(key, msg);
  }

  private committed(events: EngineEvent[]): void {
    const traded = bookAndTrades(
      events,
      this.lastDeltaSeq,
      (key, msg) => this.publish(key, msg),
      (e) => this.tickers.get(e.market)!.trade(e.price, e.quantity, e.quoteAmount, e.ts),
    );
    for (const market of traded)
      this.publish(MarketData.key('ticker', market), { type: 'ticker', ...this.tickers.get(market)!.read(this.now()) });
    for (const ext of this.extensions.values()) ext.committed(events, (key, msg) => this.publish(key, msg));
  }

  /** Rebuilds the 24 h tickers from the journal's trades after a restart. */
  private warmTickers(): void {
    const since = this.now() - 24 * 3_600_000;
    for (const [market, ticker] of this.tickers) {
      let after = 0;
      for (;;) {
        const events = this.exchange.journal.eventsSince(market, after, 10_000);
        if (events.length === 0) break;
        for (const e of events)
          if (e.type === 'trade' && e.ts >= since) ticker.trade(e.price, e.quantity, e.quoteAmount, e.ts);
        after = events[events.length - 1].seq;
      }
    }
  }
}

type TradeEvent = Extract<EngineEvent, { type: 'trade' }>;

/**
 * The book deltas and trades of committed events as subscribers are sent them: a message per trade, and per
 * market whose levels changed one delta from the market's last delta (`lastDeltaSeq`, which it moves on) to the
 * market's last event. Markets are the streams `lastDeltaSeq` knows (the ledger's events are skipped). Returns the
 * markets that traded. The live fan-out and a core republishing what its stream missed both build them here.
 */
export function bookAndTrades(
  events: EngineEvent[],
  lastDeltaSeq: Map<string, number>,
  publish: (key: string, msg: ServerMessage) => void,
  onTrade?: (e: TradeEvent) => void,
): Set<string> {
  const perMarket = new Map<string, { seq: number; bids: Map<number, number>; asks: Map<number, number> }>();
  const traded = new Set<string>();
  for (const e of events) {
    if (!lastDeltaSeq.has(e.market)) continue; // the ledger stream
    let m = perMarket.get(e.market);
    if (!m) perMarket.set(e.market, (m = { seq: e.seq, bids: new Map(), asks: new Map() }));
    m.seq = e.seq;
    if (e.type === 'book') (e.side === 'buy' ? m.bids : m.asks).set(e.price, e.quantity);
    else if (e.type === 'trade') {
      onTrade?.(e);
      traded.add(e.market);
      publish(MarketData.key('trades', e.market), {
        type: 'trade',
        market: e.market,
        seq: e.seq,
        tradeId: e.tradeId,
        price: e.price,
        quantity: e.quantity,
        takerSide: e.takerSide,
        ts: e.ts,
      });
    }
  }
  for (const [market, m] of perMarket) {
    if (m.bids.size === 0 && m.asks.size === 0) continue;
    const prevSeq = lastDeltaSeq.get(market)!;
    lastDeltaSeq.set(market, m.seq);
    const levels = (side: Map<number, number>): Level[] => [...side];
    publish(MarketData.key('book', market), {
      type: 'book.delta',
      market,
      prevSeq,
      seq: m.seq,
      bids: levels(m.bids),
      asks: levels(m.asks),
    });
  }
  return traded;
}
