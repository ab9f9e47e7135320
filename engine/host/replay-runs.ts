/**
 * Replay runs and the results they leave: a run starts when a replay starts playing and ends when it reaches
 * the session's end, or is stopped (the Stop control, a switch to another feed source, the app closing). Its
 * result (../core/results) — from the replay account's balances when it started and the fills it made — is kept
 * in results.db under the 'replay' account and the session played, a hash of the session file's bytes, so runs
 * of the same session sit side by side whatever the file is called.
 *
 * A run folds its result as its fills arrive and keeps only its latest 2,000 fills to list, so however long it
 * runs its memory stays bounded. The session's clock is the run's clock: fills are stamped in session time, so two runs that trade the same get
 * the same digest at any speed. Nothing here throws into the replay: a result that cannot be kept is reported.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ResultFold, type ResultFill, type ResultMarket } from '../core/results';
import type { ReplayInfo } from '../protocol/api';
import type { ResultAccount, ResultSession, ResultSummary } from '../protocol/results';
import type { ResultsStore } from './results-store';

/** The replay account as a run sees it at one moment. */
export interface ReplaySnapshot {
  /** Available and held, minimal units per asset. */
  balances: Record<string, number>;
  /** Every market of the session, the first's quote being the currency the result is counted in. */
  markets: ResultMarket[];
  /** Last prices known, price units per market. */
  prices: Record<string, number>;
  /** The session's clock. */
  sessionTs: number;
}

interface Run {
  session: ResultSession;
  startedAt: number;
  start: ReplaySnapshot;
  /** The result so far, folded fill by fill: a long run holds no more than its latest fills. */
  fold: ResultFold;
  /** The latest fills, at most KEEP_FILLS (what a kept run lists). */
  fills: ResultFill[];
}

/** Fills a run keeps to list (its figures count every one). */
const KEEP_FILLS = 2_000;

export interface ReplayRunsOptions {
  store: ResultsStore;
  account?: ResultAccount;
  now?: () => number;
  onError: (err: unknown) => void;
}

export class ReplayRuns {
  private run: Run | undefined;
  private readonly keys = new Map<string, { stamp: string; key: string }>();
  private readonly now: () => number;

  constructor(private readonly o: ReplayRunsOptions) {
    this.now = o.now ?? Date.now;
  }

  get running(): boolean {
    return this.run !== undefined;
  }

  /** The replay's state changed: playing starts a run (when none is going), reaching the end keeps it. */
  onState(info: ReplayInfo, snapshot: () => ReplaySnapshot | undefined): void {
    try {
      if (info.state === 'playing' && !this.run) {
        const start = snapshot();
        if (start) {
          const fold = new ResultFold({
            quote: start.markets[0]?.quote ?? 'KRW',
            start: start.balances,
            startTs: start.sessionTs,
            markets: start.markets,
            openMarks: start.prices,
          });
          this.run = { session: this.sessionOf(info), startedAt: this.now(), start, fold, fills: [] };
        }
      } else if (info.state === 'ended' && this.run) {
        this.end('ended', snapshot());
      }
    } catch (err) {
      this.o.onError(err);
    }
  }

  /** Fills of the replay account, as committed. */
  onFills(fills: readonly ResultFill[]): void {
    const run = this.run;
    if (!run || fills.length === 0) return;
    for (const f of fills) run.fold.add(f);
    run.fills.push(...fills);
    if (run.fills.length > 2 * KEEP_FILLS) run.fills.splice(0, run.fills.length - KEEP_FILLS);
  }

  /** Stops the run going (if one is) and keeps its result. */
  stop(snapshot: ReplaySnapshot | undefined): ResultSummary | undefined {
    if (!this.run) return undefined;
    try {
      return this.end('stopped', snapshot);
    } catch (err) {
      this.o.onError(err);
      return undefined;
    }
  }

  private end(state: 'ended' | 'stopped', last: ReplaySnapshot | undefined): ResultSummary {
    const run = this.run!;
    this.run = undefined;
    const { start } = run;
    const markets = start.markets;
    const toTs = Math.max(last?.sessionTs ?? start.sessionTs, start.sessionTs);
    const result = run.fold.finish(last?.prices ?? {}, toTs);
    return this.o.store.keep({
      account: this.o.account ?? 'replay',
      session: run.session,
      state,
      startedAt: run.startedAt,
      endedAt: this.now(),
      fromTs: start.sessionTs,
      toTs,
      quoteDecimals: markets[0]?.quoteDecimals ?? 0,
      result,
      fills: run.fills.slice(-KEEP_FILLS),
      fillCount: result.trades,
      markets,
    });
  }

  /** The session played: a SHA-256 of the file's bytes (read again only when the file changed) and its name. */
  private sessionOf(info: ReplayInfo): ResultSession {
    const st = statSync(info.path);
    const stamp = `${st.size}:${st.mtimeMs}`;
    let known = this.keys.get(info.path);
    if (known?.stamp !== stamp) {
      known = { stamp, key: createHash('sha256').update(readFileSync(info.path)).digest('hex') };
      this.keys.set(info.path, known);
    }
    return { key: known.key, name: (info.note ?? basename(info.path)).slice(0, 255) };
  }
}
