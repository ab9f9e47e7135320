/**
 * The bare paper engine as a HistoryFills sink, for tests and the bench: what the app's paper trader does with
 * history points (keep the book, send a trade only when the engine says it changes something), without the
 * journal. Its clock is set by the caller, normally to the replayed event's time.
 */
import { PaperEngine } from '../paper/paper-engine';
import type { PaperBook, PaperEvent, PaperMarketConfig, PaperOrderRequest } from '../paper/types';
import { FillDigest } from './fill-digest';
import { pointBook, type HistoryFillSink, type HistoryPoint } from './history-fills';

export class EngineSink implements HistoryFillSink {
  readonly engine: PaperEngine;
  readonly events: PaperEvent[] = [];
  readonly digest = new FillDigest();
  now = 0;
  book: PaperBook | undefined;
  /** The point in force. */
  last: HistoryPoint | undefined;
  /** Trades the engine was given (the rest changed nothing and were skipped). */
  applied = 0;

  constructor(market: PaperMarketConfig, grants: Record<string, number>) {
    this.engine = new PaperEngine({ markets: [market], grants });
  }

  onPoint(p: HistoryPoint): void {
    const effect = this.engine.tradeEffect(p.market, p.price);
    this.last = p;
    if (effect === 'none') return;
    this.applied++;
    if (effect === 'stops') this.onRefresh(p);
    this.record(
      this.engine.apply({
        type: 'trade',
        ts: this.now,
        market: p.market,
        price: p.price,
        size: 1,
        ...(effect === 'stops' && this.book ? { book: this.book } : {}),
        throughOnly: true,
      }),
    );
  }

  onRefresh(p: HistoryPoint): void {
    const { bids, asks } = pointBook(p);
    this.book = { receivedAt: this.now, live: true, bids, asks };
  }

  open(account: number): PaperEvent[] {
    return this.record(this.engine.apply({ type: 'open_account', ts: this.now, account }));
  }

  /** Places against the point in force, its book received now (as the app refreshes it before an order). */
  place(account: number, order: PaperOrderRequest): PaperEvent[] {
    if (this.last) this.onRefresh(this.last);
    return this.record(
      this.engine.apply({
        type: 'place',
        ts: this.now,
        account,
        ...order,
        ...(this.book ? { book: this.book } : {}),
        ...(this.last ? { last: this.last.price } : {}),
      }),
    );
  }

  private record(events: PaperEvent[]): PaperEvent[] {
    for (const e of events) this.events.push(e);
    this.digest.add(events);
    return events;
  }
}
