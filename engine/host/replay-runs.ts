/**
 * Replay runs and the results they leave: a run starts when a replay starts playing and ends when it reaches
 * the session's end, or is stopped (the Stop control, a switch to another feed source, the app closing). Its
 * result (../core/results) — from the replay account's balances when it started and the fills it made — is kept
 * in results.db under the 'replay' account and the session played, a hash of the session file's bytes, so runs
 * of the same session sit side by side whatever the file is called.
 *
 * The session's clock is the run's clock: fills are stamped in session time, so two runs that trade the same get
 * the same digest at any speed. Nothing here throws into the replay: a result that cannot be kept is reported.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { accountResult, type ResultFill, type ResultMarket } from '../core/results';
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
  fills: ResultFill[];
}

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
        if (start) this.run = { session: this.sessionOf(info), startedAt: this.now(), start, fills: [] };
      } else if (info.state === 'ended' && this.run) {
        this.end('ended', snapshot());
      }
    } catch (err) {
      this.o.onError(err);
    }
  }

  /** Fills of the replay account, as committed. */
  onFills(fills: readonly ResultFill[]): void {
    if (this.run && fills.length) this.run.fills.push(...fills);
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
    const quote = markets[0]?.quote ?? 'KRW';
    const toTs = Math.max(last?.sessionTs ?? start.sessionTs, start.sessionTs);
    const result = accountResult({
      quote,
      start: start.balances,
      startTs: start.sessionTs,
      fills: run.fills,
      markets,
      openMarks: start.prices,
      endMarks: last?.prices ?? {},
      endTs: toTs,
    });
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
      fills: run.fills,
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
