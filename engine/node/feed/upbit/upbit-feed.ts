/**
 * Upbit feed client: one WebSocket for every subscribed KRW market. Each subscription change resends the whole
 * subscription array with a new ticket (the new message replaces the old). Order books arrive whole and are
 * replaced whole.
 */
import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { FeedClient, type FeedClientOptions } from '../feed-client-base';
import { malformed } from '../frame-error';
import type { FeedChannel, FeedMarket } from '../../../core/market-data/types';
import { UpbitCandleSource } from './upbit-candles';
import { UpbitTrades } from './upbit-trades';
import {
  parseUpbitFrame,
  parseUpbitFrameFast,
  upbitBookDepth,
  upbitSubscribeMessage,
  type UpbitControl,
  type UpbitEvent,
  type UpbitTypeRequest,
} from './upbit-protocol';

export const UPBIT_WS_URL = 'wss://api.upbit.com/websocket/v1';
export const UPBIT_REST_URL = 'https://api.upbit.com';

const CHANNEL_OF = { ticker: 'ticker', trade: 'trade', book: 'book' } as const;

export class UpbitFeedClient extends FeedClient {
  readonly candles: UpbitCandleSource;
  /** The past's trades (its last days only), for replays. */
  readonly trades: UpbitTrades;
  private readonly format: 'DEFAULT' | 'SIMPLE';
  private readonly lookup = (code: string): FeedMarket | undefined => this.bySymbol.get(code)?.market;
  private readonly emitEvent = (event: UpbitEvent): void => {
    const sub = this.subs.get(event.market);
    if (!sub || !sub.channels.has(CHANNEL_OF[event.type])) return;
    this.markData(sub);
    this.emit(event);
  };
  private readonly onControl = (c: UpbitControl): void => {
    if (c.error) {
      this.counters.exchangeErrors++;
      this.logger.warn('Upbit error reply', { name: c.error.name, message: c.error.message });
    }
    // {"status":"UP"} answers our PING; the connection already counted it as a sign of life.
  };

  constructor(options: Omit<FeedClientOptions, 'exchange'> = {}) {
    super({
      ...options,
      exchange: 'upbit',
      heartbeat: 'text-ping',
      defaultWsUrl: UPBIT_WS_URL,
      defaultRestUrl: UPBIT_REST_URL,
    });
    this.format = options.upbitFormat ?? 'DEFAULT';
    this.candles = new UpbitCandleSource(this.rest);
    this.trades = new UpbitTrades(this.rest);
  }

  protected override checkChannels(channels: readonly FeedChannel[]): void {
    if (channels.includes('candle'))
      throw new Error('Upbit feed: no candle stream here; build candles from trades or load them over REST');
  }

  protected connectionUrl(base: string): string {
    return base;
  }

  protected onOpen(): void {
    this.sendSubscriptions();
  }

  protected onDown(): void {}

  protected onSubscriptionsChanged(): void {
    if (this.connection.isOpen) this.sendSubscriptions();
  }

  /** The subscribe message for the current table (undefined when there is nothing to subscribe). */
  subscribeMessage(ticket: string = randomUUID()): string | undefined {
    const ticker: string[] = [];
    const trade: string[] = [];
    const orderbook: string[] = [];
    const depth = upbitBookDepth(this.bookDepth);
    for (const s of this.subs.values()) {
      if (s.rejected) continue;
      if (s.channels.has('ticker')) ticker.push(s.market.symbol);
      if (s.channels.has('trade')) trade.push(s.market.symbol);
      if (s.channels.has('book')) orderbook.push(`${s.market.symbol}.${depth}`);
    }
    const requests: UpbitTypeRequest[] = [
      { type: 'ticker', codes: ticker },
      { type: 'trade', codes: trade },
      { type: 'orderbook', codes: orderbook },
    ];
    if (!requests.some((r) => r.codes.length)) return undefined;
    return upbitSubscribeMessage(ticket, requests, this.format);
  }

  private sendSubscriptions(): void {
    const msg = this.subscribeMessage();
    if (msg) this.connection.send(msg);
  }

  protected handleFrame(data: Buffer, isBinary: boolean): void {
    // Orderbooks and trades, nearly every frame, are read straight from the bytes; the fast parser takes only
    // frames that validate and leaves everything else (replies, tickers, anything odd) to the full parser.
    if (parseUpbitFrameFast(data, this.lookup, this.emitEvent) !== undefined) {
      this.counters.parsed++;
      return;
    }
    let text = '';
    try {
      // ws checks UTF-8 in text frames only; Upbit's data comes in binary frames.
      if (isBinary && !isUtf8(data)) malformed('binary frame is not UTF-8');
      text = data.toString('utf8');
      const kind = parseUpbitFrame(text, this.lookup, this.emitEvent, this.onControl);
      if (kind === 'ignored') this.counters.ignored++;
      else this.counters.parsed++;
    } catch (err) {
      this.badFrame(err, text || data);
    }
  }
}
