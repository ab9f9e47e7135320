/**
 * The portfolio's total over time, in app.db: one record per time taken, at the decimals it was valued in, so a
 * later change of decimals reads every record in the same units. Bounded: the latest `keep` records stay (a
 * month at one every five minutes by default), older ones are deleted as new ones arrive.
 */
import type { Db } from '../node/db/database';

export interface EquityPoint {
  ts: number;
  /** Quote minimal units at the decimals asked for. */
  value: bigint;
}

export class PortfolioEquity {
  private readonly insert;
  private readonly trim;
  private readonly selectAll;

  constructor(
    db: Db,
    private readonly keep = 8_640,
  ) {
    this.insert = db.prepare('INSERT OR REPLACE INTO portfolio_equity (ts, value, decimals) VALUES (?, ?, ?)');
    this.trim = db.prepare(
      'DELETE FROM portfolio_equity WHERE ts <= (SELECT ts FROM portfolio_equity ORDER BY ts DESC LIMIT 1 OFFSET ?)',
    );
    this.selectAll = db.prepare('SELECT ts, value, decimals FROM portfolio_equity ORDER BY ts');
  }

  record(ts: number, value: bigint, decimals: number): void {
    this.insert.run(ts, value.toString(), decimals);
    this.trim.run(this.keep);
  }

  /** Every record, oldest first, in quote units of `decimals` (finer records are cut down, never rounded up). */
  points(decimals: number): EquityPoint[] {
    const rows = this.selectAll.all() as { ts: number; value: string; decimals: number }[];
    return rows.flatMap((r) => {
      if (!/^-?\d{1,40}$/.test(r.value)) return [];
      const v = BigInt(r.value);
      const shift = decimals - r.decimals;
      return [{ ts: r.ts, value: shift >= 0 ? v * 10n ** BigInt(shift) : v / 10n ** BigInt(-shift) }];
    });
  }
}
