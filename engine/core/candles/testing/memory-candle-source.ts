import type { Candle, CandlePage, CandleSource, FeedMarket } from '../../market-data/types';

export interface SourceCall {
  market: string;
  endBefore: number;
  limit: number;
}

/**
 * An in-memory exchange history for tests: behaves like a REST candle endpoint that pages backwards, with hooks
 * to fail a given call or hold a call until the test releases it.
 */
export class MemoryCandleSource implements CandleSource {
  readonly calls: SourceCall[] = [];
  /** Throws this from the n-th call (1-based), or from every call when `failFrom` is set. */
  failOnCall?: { call: number; error: Error };
  failAlways?: Error;
  /** Edits a page before it is returned (to make a malformed one). */
  tamper?: (page: CandlePage, call: number) => CandlePage;
  /** When set, each call waits for this before answering (and rejects if the signal aborts meanwhile). */
  gate?: () => Promise<void>;

  constructor(private readonly candles: readonly Candle[]) {}

  async fetchMinuteCandles(
    market: FeedMarket,
    endBefore: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<CandlePage> {
    this.calls.push({ market: market.id, endBefore, limit });
    const call = this.calls.length;
    if (this.gate) {
      await Promise.race([
        this.gate(),
        new Promise<never>((_, reject) => {
          if (signal?.aborted) reject(signal.reason);
          signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
      ]);
    }
    signal?.throwIfAborted();
    if (this.failAlways) throw this.failAlways;
    if (this.failOnCall?.call === call) throw this.failOnCall.error;
    let end = this.candles.findIndex((c) => c.openTime >= endBefore);
    if (end < 0) end = this.candles.length;
    const start = Math.max(0, end - limit);
    const candles = this.candles.slice(start, end).map((c) => ({ ...c }));
    const page: CandlePage = { candles, nextEndBefore: start > 0 ? candles[0].openTime : undefined };
    return this.tamper ? this.tamper(page, call) : page;
  }
}
