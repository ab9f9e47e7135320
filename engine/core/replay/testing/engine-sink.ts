/**
 * The bare paper engine as a HistoryFills sink, for tests and the bench: what the app's paper trader does with
 * history points (keep the book, send a trade only when the engine says it changes something), without the
 * journal. Its clock is set by the caller, normally to the replayed event's time.
 */
import { PaperEngine } from '../../paper/paper-engine';
import type { BookEvent, TradeEvent } from '../../market-data/types';
import type { PaperBook, PaperEvent, PaperMarketConfig, PaperOrderRequest } from '../../paper/types';
import { FillDigest } from '../fill-digest';
import type { HistoryFillSink } from '../history-fills';

export class EngineSink implements HistoryFillSink {
  readonly engine: PaperEngine;
  readonly events: PaperEvent[] = [];
  readonly digest = new FillDigest();
  now = 0;
  book: PaperBook | undefined;
  /** Trades the engine was given (the rest changed nothing and were skipped). */
  applied = 0;

  constructor(market: PaperMarketConfig, grants: Record<string, number>) {
    this.engine = new PaperEngine({ markets: [market], grants });
  }

  onBook(e: BookEvent): void {
    this.book = { receivedAt: this.now, live: true, bids: e.bids, asks: e.asks };
  }

  onTrade(e: TradeEvent, throughOnly: boolean): void {
    const effect = this.engine.tradeEffect(e.market, e.price);
    if (effect === 'none') return;
    this.applied++;
    this.record(
      this.engine.apply({
        type: 'trade',
        ts: this.now,
        market: e.market,
        price: e.price,
        size: e.size,
        ...(effect === 'stops' && this.book ? { book: this.book } : {}),
        ...(throughOnly ? { throughOnly } : {}),
      }),
    );
  }

  open(account: number): PaperEvent[] {
    return this.record(this.engine.apply({ type: 'open_account', ts: this.now, account }));
  }

  place(account: number, order: PaperOrderRequest, last?: number): PaperEvent[] {
    return this.record(
      this.engine.apply({
        type: 'place',
        ts: this.now,
        account,
        ...order,
        ...(this.book ? { book: this.book } : {}),
        ...(last !== undefined ? { last } : {}),
      }),
    );
  }

  private record(events: PaperEvent[]): PaperEvent[] {
    for (const e of events) this.events.push(e);
    this.digest.add(events);
    return events;
  }
}
