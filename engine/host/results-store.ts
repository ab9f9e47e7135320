/**
 * Kept results (results.db): each replay run when it ends or is stopped, and each account's running result, as
 * the Results view lists them. A row holds the result's figures, its equity curve and its latest fills as JSON
 * checked against the contract when read back: a row that no longer reads (written by a newer app, or damaged)
 * is left out of the list, never shown half-read.
 *
 * Bounded: the newest `keepRuns` finished runs stay (older ones are deleted as new ones arrive), each with its
 * latest `keepFills` fills (the figures are from all of them; `fillsLeftOut` says how many are not listed).
 * A running result is one row per account, rewritten in place, so its id stays while it runs.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { AccountResult, ResultFill, ResultMarket } from '../core/results';
import { openDatabase, type Db, type Migration } from '../node/db/database';
import { ResultDetail, type ResultAccount, type ResultSession, type ResultSummary } from '../protocol/results';

const migrations: Migration[] = [
  {
    version: 1,
    name: 'results',
    up: (db) => {
      db.exec(`CREATE TABLE results (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        session_key TEXT,
        state TEXT NOT NULL,
        ended_at INTEGER NOT NULL,
        detail TEXT NOT NULL
      )`);
      db.exec('CREATE INDEX results_by_account ON results (account, state)');
    },
  },
];

export interface KeptRun {
  account: ResultAccount;
  session?: ResultSession;
  state: 'ended' | 'stopped' | 'running';
  startedAt: number;
  endedAt: number;
  fromTs: number;
  toTs: number;
  quoteDecimals: number;
  result: AccountResult;
  /** The fills to list (the latest ones are kept); `fillCount` of them when only the latest were handed over. */
  fills: readonly ResultFill[];
  fillCount?: number;
  markets: readonly ResultMarket[];
}

type Stored = Omit<z.output<typeof ResultDetail>, 'id'>;

export class ResultsStore {
  private readonly db: Db;

  constructor(
    dataDir: string,
    nativeBinding?: string,
    private readonly keepRuns = 500,
    private readonly keepFills = 2_000,
  ) {
    this.db = openDatabase(join(dataDir, 'results.db'), migrations, { nativeBinding });
  }

  /** Keeps a result; a running one replaces the account's running row. Returns its summary with its id. */
  keep(run: KeptRun): ResultSummary {
    const detail = this.detailOf(run);
    const json = JSON.stringify(detail);
    let id: number;
    if (run.state === 'running') {
      const row = this.db.prepare("SELECT id FROM results WHERE account = ? AND state = 'running'").get(run.account) as
        { id: number } | undefined;
      if (row) {
        this.db.prepare('UPDATE results SET detail = ?, ended_at = ? WHERE id = ?').run(json, run.endedAt, row.id);
        id = row.id;
      } else id = this.insert(run, json);
    } else {
      id = this.db.transaction(() => {
        const inserted = this.insert(run, json);
        this.db
          .prepare(
            `DELETE FROM results WHERE state != 'running' AND id <= (SELECT id FROM results WHERE state != 'running'
             ORDER BY id DESC LIMIT 1 OFFSET ?)`,
          )
          .run(this.keepRuns);
        return inserted;
      })();
    }
    return summaryOf({ id, ...detail });
  }

  /** Summaries, newest first; of one account when given. */
  list(account?: ResultAccount): ResultSummary[] {
    const rows = (
      account === undefined
        ? this.db.prepare('SELECT id, detail FROM results ORDER BY id DESC').all()
        : this.db.prepare('SELECT id, detail FROM results WHERE account = ? ORDER BY id DESC').all(account)
    ) as { id: number; detail: string }[];
    return rows.flatMap((r) => {
      const d = read(r.id, r.detail);
      return d ? [summaryOf(d)] : [];
    });
  }

  get(id: number): z.output<typeof ResultDetail> | undefined {
    const row = this.db.prepare('SELECT id, detail FROM results WHERE id = ?').get(id) as
      { id: number; detail: string } | undefined;
    return row ? read(row.id, row.detail) : undefined;
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM results WHERE id = ?').run(id).changes > 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private insert(run: KeptRun, json: string): number {
    const r = this.db
      .prepare('INSERT INTO results (account, session_key, state, ended_at, detail) VALUES (?, ?, ?, ?, ?)')
      .run(run.account, run.session?.key ?? null, run.state, run.endedAt, json);
    return Number(r.lastInsertRowid);
  }

  private detailOf(run: KeptRun): Stored {
    const r = run.result;
    const byId = new Map(run.markets.map((m) => [m.id, m]));
    const kept = run.fills.slice(-this.keepFills);
    return {
      account: run.account,
      ...(run.session ? { session: run.session } : {}),
      state: run.state,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      fromTs: run.fromTs,
      toTs: run.toTs,
      quote: r.quote,
      quoteDecimals: run.quoteDecimals,
      startEquity: r.startEquity.toString(),
      endEquity: r.endEquity.toString(),
      returnBps: r.returnBps,
      maxDrawdownBps: r.maxDrawdownBps,
      trades: r.trades,
      roundTrips: r.roundTrips,
      wins: r.wins,
      winRateBps: r.winRateBps,
      fees: r.fees.map((f) => ({ asset: f.asset, amount: f.amount.toString() })),
      unvalued: r.unvalued,
      digest: r.digest,
      equity: r.equity.map((p) => ({ ts: p.ts, value: p.value.toString() })),
      fills: kept.flatMap((f) => {
        const m = byId.get(f.market);
        if (!m) return [];
        return [
          {
            ts: f.ts,
            market: f.market,
            side: f.side,
            price: f.price,
            quantity: f.quantity,
            quoteAmount: f.quoteAmount,
            fee: f.fee,
            liquidity: f.liquidity,
            priceDecimals: m.priceDecimals,
            sizeDecimals: m.sizeDecimals,
            quoteDecimals: m.quoteDecimals,
          },
        ];
      }),
      fillsLeftOut: Math.max(0, (run.fillCount ?? run.fills.length) - kept.length),
    };
  }
}

function read(id: number, json: string): z.output<typeof ResultDetail> | undefined {
  let value: unknown;
  try {
    value = { ...(JSON.parse(json) as object), id };
  } catch {
    return undefined;
  }
  const parsed = ResultDetail.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function summaryOf(d: z.output<typeof ResultDetail>): ResultSummary {
  const { equity: _equity, fills: _fills, fillsLeftOut: _left, ...summary } = d;
  return summary;
}
