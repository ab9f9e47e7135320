/**
 * The batch recompute: every figure rebuilt from the record stream (the event log) from scratch. It shares the
 * per-account accounting and the snapshots with the live service — that is the definition of the figures — but
 * derives the windowed drawdowns by scanning the snapshots directly and sorts the boards only where a result
 * depends on them: at each day's last mark (the reference for rank changes) and at the end.
 *
 * The live service and this recompute must agree exactly; a property test checks it on random histories.
 */
import type { RankingConfig } from './config';
import { PERIODS, type Period } from './core';
import { scanDrawdown } from './drawdown';
import { fillFigures, periodFrame } from './figures';
import { RankingReadModel } from './read-model';
import type { RankingRecord } from './records';

export interface BatchProgress {
  records: number;
  /** ts of the last record applied. */
  ts: number;
  /** records / totalRecords when a total was given, else null. */
  fraction: number | null;
  done: boolean;
}

export interface BatchOptions {
  /** Called every `progressEvery` records and once at the end. */
  onProgress?: (p: BatchProgress) => void;
  progressEvery?: number;
  /** Expected record count, for a fraction in the progress reports. */
  totalRecords?: number;
  /** Carry the clock to this time after the last record (e.g. now), marking the intervals in between. */
  until?: number;
}

export class BatchRanking extends RankingReadModel {
  protected override afterMark(ms: number, dayStart: boolean): void {
    if (dayStart && !Number.isNaN(this.builtAt)) this.closeDay();
    if (this.isDayStart(ms + this.cfg.markIntervalMs)) this.compute();
  }

  protected override drawdown(s: number, period: Period): number {
    return scanDrawdown(this, s, period);
  }

  /** Figures of every account at the current mark, and the boards sorted from them. */
  compute(): void {
    if (this.marksDone === 0) return;
    const n = this.accounts.count;
    const f = periodFrame(this);
    for (const p of PERIODS) {
      const cols = this.cols[p];
      for (let s = 0; s < n; s++) {
        if (this.accounts.closed[s]) {
          cols.ok[s] = 0;
          continue;
        }
        fillFigures(this, f, s, p, cols, this.rankable(s));
      }
    }
    this.buildBoards();
  }
}

function report(records: number, ts: number, opts: BatchOptions, done: boolean): void {
  opts.onProgress?.({
    records,
    ts,
    fraction: opts.totalRecords ? Math.min(1, records / opts.totalRecords) : null,
    done,
  });
}

function checkOptions(opts: BatchOptions): number {
  const every = opts.progressEvery ?? 1_000_000;
  if (!Number.isSafeInteger(every) || every < 1) throw new RangeError('progressEvery must be a positive integer');
  return every;
}

/** Recomputes every board from a synchronous record stream. */
export function recomputeRanking(
  config: RankingConfig,
  records: Iterable<RankingRecord>,
  opts: BatchOptions = {},
): BatchRanking {
  const every = checkOptions(opts);
  const b = new BatchRanking(config);
  let n = 0;
  let ts = 0;
  for (const r of records) {
    b.apply(r);
    ts = r.ts;
    if (++n % every === 0) report(n, ts, opts, false);
  }
  return finish(b, n, ts, opts);
}

/** The same from an asynchronous stream (a log read in pages), yielding to the event loop between pages. */
export async function recomputeRankingAsync(
  config: RankingConfig,
  records: AsyncIterable<RankingRecord> | Iterable<RankingRecord>,
  opts: BatchOptions = {},
): Promise<BatchRanking> {
  const every = checkOptions(opts);
  const b = new BatchRanking(config);
  let n = 0;
  let ts = 0;
  for await (const r of records) {
    b.apply(r);
    ts = r.ts;
    if (++n % every === 0) report(n, ts, opts, false);
  }
  return finish(b, n, ts, opts);
}

function finish(b: BatchRanking, n: number, ts: number, opts: BatchOptions): BatchRanking {
  if (opts.until !== undefined) b.advanceTo(opts.until);
  b.compute();
  report(n, ts, opts, true);
  return b;
}
