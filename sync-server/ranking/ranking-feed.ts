/**
 * Feeds the live ranking on the server. Records come from three places, all through `apply` so that each is
 * applied and appended to the ranking log in one order:
 * - committed engine events: trades (`rankingRecordOf`), account openings (with the user's nickname), grants
 *   (deposits) as flows; ledger transfers are skipped here because copy trading hands over the flows of every
 *   transfer it books, with their kind (allocation or profit share). A coin granted before its market has
 *   traded is valued at the market's listing price (a `price` record ahead of the first such grant), so it
 *   enters equity at once and the first trade moves its value as any later trade does;
 * - copy trading's own records (sub-accounts, their flows, follower counts, closed sub-accounts), logged in
 *   the same transaction as the copy operation that made them (`applyWithin`);
 * - the clock: `mark()` carries the ranking to now, so boards move on at every interval even without trades.
 *
 * Start-up replays the ranking log into a fresh service (progress logged), then turns whatever the journal
 * committed after the log's cursors into records, so a crash between a journal commit and the log loses nothing.
 */
import type { Logger } from 'pino';
import type { Db } from '../../engine/node/db/database';
import type { EngineEvent } from '../../engine/core/matching/types';
import { LEDGER_STREAM } from '../../engine/core/matching/types';
import {
  PERIODS,
  RankingService,
  rankingRecordOf,
  type Period,
  type RankingConfig,
  type RankingRecord,
} from '../../engine/core/ranking';
import type { Exchange } from '../trading/exchange';
import { RankingLog } from './ranking-log';
import type { WriteBehind } from '../db/write-behind';
import type { ListedMarket } from '../config';

export interface RankingFeedOptions {
  db: Db;
  /** The read models' write-behind queue: the log is appended through it, in commit order with the rest. */
  writes: WriteBehind;
  exchange: Exchange;
  markets: readonly ListedMarket[];
  /** The user's nickname, or undefined for ledger accounts that are not users (fee account, copy sub-accounts). */
  nicknameOf: (accountId: number) => string | undefined;
  /** True for accounts with a nickname that must never rank on a board (the liquidity provider's). */
  unranked?: (accountId: number) => boolean;
  now: () => number;
  log: Pick<Logger, 'info' | 'error'>;
  settings?: Pick<RankingConfig, 'markIntervalMs' | 'minTrades' | 'minAccountAgeMs' | 'dayStartOffsetMs'>;
  /** Told when an account enters a board's top 10 at a mark. */
  onTop10?: (accountId: number, period: Period, rank: number) => void;
}

const TOP = 10;

export class RankingFeed {
  private readonly rankingLog: RankingLog;
  private lastTs = 0;
  /** Markets that have had a trade or price, so coin flows in their base can be valued. */
  private readonly priced = new Set<string>();
  private top10 = new Map<Period, Set<number>>();

  private constructor(
    private readonly o: RankingFeedOptions,
    readonly config: RankingConfig,
    readonly service: RankingService,
  ) {
    this.rankingLog = new RankingLog(o.db, o.writes);
  }

  static configOf(o: Pick<RankingFeedOptions, 'markets' | 'settings'>): RankingConfig {
    return {
      markets: o.markets.map((m) => ({ id: m.id, base: m.base, quote: m.quote, baseDecimals: m.baseDecimals })),
      ...o.settings,
    };
  }

  static async start(o: RankingFeedOptions): Promise<RankingFeed> {
    const config = RankingFeed.configOf(o);
    const rankingLog = new RankingLog(o.db, o.writes);
    const total = rankingLog.count();
    const priced = new Set<string>();
    let lastTs = 0;
    const seen = function* (): Generator<RankingRecord> {
      for (const r of rankingLog.records()) {
        if (r.type === 'trade' || r.type === 'price') priced.add(r.market);
        lastTs = r.ts;
        yield r;
      }
    };
    const started = Date.now();
    const service = await RankingService.replay(config, seen(), {
      totalRecords: total,
      progressEvery: 100_000,
      onProgress: (p) =>
        o.log.info({ records: p.records, of: total, done: p.done }, 'ranking: replaying the ranking log'),
    });
    const feed = new RankingFeed(o, config, service);
    feed.lastTs = lastTs;
    for (const m of priced) feed.priced.add(m);
    feed.releasePending(rankingLog.pending());
    feed.catchUp();
    feed.mark(false);
    o.log.info({ records: rankingLog.count(), ms: Date.now() - started }, 'ranking: up to date');
    return feed;
  }

  /** Committed engine events, in commit order (the exchange's commit listener). */
  ingest(events: readonly EngineEvent[]): void {
    const cursors = new Map<string, number>();
    const records: RankingRecord[] = [];
    for (const e of events) {
      cursors.set(e.market, e.seq);
      this.recordsOf(e, records);
    }
    this.rankingLog.append(this.applyAll(records), cursors);
  }

  /** Records from outside the journal, applied now and logged behind the queued read-model writes. */
  apply(records: readonly RankingRecord[]): void {
    if (records.length === 0) return;
    this.rankingLog.append(this.applyAll(records));
  }

  /**
   * Records that must be logged exactly when the operation that made them is (copy trading's): applied now,
   * then `write` runs — it opens the operation's transaction — with a function that logs them inside it. What
   * is queued is committed first, so the log keeps the order the ranking applied records in.
   */
  applyWithin(records: readonly RankingRecord[], write: (logRecords: () => void) => void): void {
    const applied = this.applyAll(records);
    if (applied.length > 0) this.rankingLog.flushQueued();
    write(() => this.rankingLog.insertNow(applied));
  }

  /**
   * Carries the ranking to now: every interval boundary passed is marked and the boards re-sorted. Accounts that
   * entered a top 10 are announced (not at start-up, when the previous boards are not known to anyone).
   */
  mark(announce = true): void {
    const now = this.o.now();
    if (now > this.lastTs) {
      this.service.advanceTo(now);
      this.lastTs = now;
    }
    const before = this.top10;
    const after = new Map<Period, Set<number>>();
    for (const p of PERIODS) {
      const rows = this.service.boardSize(p) > 0 ? this.service.top(p, TOP) : [];
      after.set(p, new Set(rows.map((r) => r.account)));
      const was = before.get(p);
      if (!announce || !was) continue;
      for (const r of rows) if (!was.has(r.account)) this.o.onTop10?.(r.account, p, r.rank);
    }
    this.top10 = after;
  }

  /** The ranking log as it stands (for the batch recompute). */
  records(): Iterable<RankingRecord> {
    return this.rankingLog.records();
  }

  /** Time the ranking has been carried to (its last record or mark). */
  get time(): number {
    return this.lastTs;
  }

  private applyAll(records: readonly RankingRecord[]): RankingRecord[] {
    const applied: RankingRecord[] = [];
    for (const raw of records) {
      // The ranking takes records in time order; a commit that lands after a later record (or a mark) is placed
      // at that later time, and logged so, which keeps the live service and the batch on one stream.
      const r = raw.ts < this.lastTs ? { ...raw, ts: this.lastTs } : raw;
      try {
        this.service.apply(r);
      } catch (err) {
        this.o.log.error({ err, record: r }, 'ranking: record refused');
        continue;
      }
      this.lastTs = r.ts;
      applied.push(r);
    }
    return applied;
  }

  private recordsOf(e: EngineEvent, records: RankingRecord[]): void {
    switch (e.type) {
      case 'account_opened': {
        const nickname = this.o.nicknameOf(e.account);
        if (nickname !== undefined)
          records.push({
            type: 'account',
            ts: e.ts,
            account: e.account,
            nickname,
            ...(this.o.unranked?.(e.account) && { ranked: false }),
          });
        return;
      }
      case 'deposited':
      case 'withdrawn': {
        if (this.o.nicknameOf(e.account) === undefined) return;
        this.listed(e.asset, e.ts, records);
        records.push({
          type: 'flow',
          ts: e.ts,
          account: e.account,
          asset: e.asset,
          amount: e.type === 'deposited' ? e.amount : -e.amount,
          kind: e.type === 'deposited' ? 'grant' : 'withdrawal',
        });
        return;
      }
      case 'trade':
        this.priced.add(e.market);
        records.push(rankingRecordOf(e)!);
        return;
      default:
        return;
    }
  }

  /** Before a flow in `asset`: its market's listing price, if the market has no price yet. */
  private listed(asset: string, ts: number, records: RankingRecord[]): void {
    const m = this.o.markets.find((x) => x.base === asset);
    if (!m || this.priced.has(m.id)) return;
    this.priced.add(m.id);
    records.push({ type: 'price', ts, market: m.id, price: m.listingPrice });
  }

  /**
   * Coin grants that a data folder of an earlier version kept waiting for their market's first trade: valued now,
   * at the listing price (or the price the market has since), and the wait list emptied in the same commit.
   */
  private releasePending(pending: readonly RankingRecord[]): void {
    if (pending.length === 0) return;
    const records: RankingRecord[] = [];
    for (const r of pending) {
      if (r.type !== 'flow') continue;
      this.listed(r.asset, this.lastTs, records);
      records.push({ ...r, ts: Math.max(r.ts, this.lastTs) });
    }
    this.rankingLog.append(this.applyAll(records), new Map(), { clearPending: true });
  }

  /** Journal events committed after the log's cursors, merged across streams by time (ledger first on ties). */
  private catchUp(): void {
    const cursors = this.rankingLog.cursors();
    const streams = [LEDGER_STREAM, ...this.o.markets.map((m) => m.id)];
    const events: EngineEvent[] = [];
    for (const s of streams) {
      let after = cursors.get(s) ?? 0;
      for (;;) {
        const page = this.o.exchange.journal.eventsSince(s, after, 10_000);
        if (page.length === 0) break;
        events.push(...page);
        after = page[page.length - 1].seq;
      }
    }
    if (events.length === 0) return;
    const order = (m: string) => (m === LEDGER_STREAM ? 0 : 1);
    events.sort((a, b) => a.ts - b.ts || order(a.market) - order(b.market));
    this.o.log.info({ events: events.length }, 'ranking: catching up from the journal');
    this.ingest(events);
  }
}
