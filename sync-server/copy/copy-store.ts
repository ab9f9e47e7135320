/**
 * What copy trading keeps in server.db: the accepted operations of the state machine (replayed in order at
 * start-up to rebuild it), one row per subscription (who, which sub-account, when it started and ended) and the
 * settlement ledger, unique by period key so a period can never be recorded — or paid — twice.
 */
import type { Db } from '../../engine/db/database';
import type { SettlementView } from '../../engine/protocol/sync';

export interface SubscriptionRow {
  id: number;
  subscriber_id: number;
  leader_id: number;
  sub_account: number;
  created_at: number;
  ended_at: number | null;
  end_reason: string | null;
}

export interface SettlementRow {
  id: number;
  subscription_id: number;
  period: number;
  period_key: string;
  subscriber_id: number;
  leader_id: number;
  profit: number;
  fee: number;
  paid: number;
  owed: number;
  high_water_mark: number;
  profit_share_bps: number;
  ts: number;
}

export type NewSettlement = Omit<SettlementRow, 'id'>;

export const periodKey = (subscriptionId: number, period: number) => `${subscriptionId}:${period}`;

export class CopyStore {
  constructor(private readonly db: Db) {}

  logOp(op: string, input: unknown): void {
    this.db.prepare('INSERT INTO copy_ops (op, input) VALUES (?, ?)').run(op, JSON.stringify(input));
  }

  *ops(): Generator<{ op: string; input: Record<string, unknown> }> {
    const page = this.db.prepare('SELECT id, op, input FROM copy_ops WHERE id > ? ORDER BY id LIMIT 5000');
    let after = 0;
    for (;;) {
      const rows = page.all(after) as { id: number; op: string; input: string }[];
      for (const r of rows) yield { op: r.op, input: JSON.parse(r.input) as Record<string, unknown> };
      if (rows.length < 5000) return;
      after = rows[rows.length - 1].id;
    }
  }

  addSubscription(row: Omit<SubscriptionRow, 'ended_at' | 'end_reason'>): void {
    this.db
      .prepare('INSERT OR IGNORE INTO copy_subscriptions (id, subscriber_id, leader_id, sub_account, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(row.id, row.subscriber_id, row.leader_id, row.sub_account, row.created_at);
  }

  endSubscription(id: number, ts: number, reason: string): void {
    this.db.prepare('UPDATE copy_subscriptions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL').run(ts, reason, id);
  }

  subscription(id: number): SubscriptionRow | undefined {
    return this.db.prepare('SELECT * FROM copy_subscriptions WHERE id = ?').get(id) as SubscriptionRow | undefined;
  }

  bySubscriber(accountId: number): SubscriptionRow[] {
    return this.db.prepare('SELECT * FROM copy_subscriptions WHERE subscriber_id = ? ORDER BY id DESC').all(accountId) as SubscriptionRow[];
  }

  byLeader(accountId: number, runningOnly: boolean): SubscriptionRow[] {
    const sql = `SELECT * FROM copy_subscriptions WHERE leader_id = ? ${runningOnly ? 'AND ended_at IS NULL' : ''} ORDER BY id`;
    return this.db.prepare(sql).all(accountId) as SubscriptionRow[];
  }

  bySubAccount(subAccount: number): SubscriptionRow | undefined {
    return this.db.prepare('SELECT * FROM copy_subscriptions WHERE sub_account = ?').get(subAccount) as SubscriptionRow | undefined;
  }

  /** The next unused sub-account id (ids are never reused, so an ended copy's history stays its own). */
  nextSubAccount(base: number): number {
    const r = this.db.prepare('SELECT max(sub_account) AS m FROM copy_subscriptions').get() as { m: number | null };
    return Math.max(base, (r.m ?? base - 1) + 1);
  }

  running(): SubscriptionRow[] {
    return this.db.prepare('SELECT * FROM copy_subscriptions WHERE ended_at IS NULL ORDER BY id').all() as SubscriptionRow[];
  }

  /** Records a settlement; false when its period key is already there (a rerun), which changes nothing. */
  addSettlement(s: NewSettlement): boolean {
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO copy_settlements (subscription_id, period, period_key, subscriber_id, leader_id, profit, fee, paid, owed,
           high_water_mark, profit_share_bps, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.subscription_id, s.period, s.period_key, s.subscriber_id, s.leader_id, s.profit, s.fee, s.paid, s.owed, s.high_water_mark, s.profit_share_bps, s.ts);
    return r.changes === 1;
  }

  settlementsOf(subscriptionId: number): SettlementRow[] {
    return this.db.prepare('SELECT * FROM copy_settlements WHERE subscription_id = ? ORDER BY id DESC').all(subscriptionId) as SettlementRow[];
  }

  settlementsFor(accountId: number, role: 'leader' | 'subscriber' | undefined, before: number | undefined, limit: number): SettlementRow[] {
    const who = role === 'leader' ? 'leader_id = ?' : role === 'subscriber' ? 'subscriber_id = ?' : '(leader_id = ? OR subscriber_id = ?)';
    const args: number[] = role ? [accountId] : [accountId, accountId];
    const sql = `SELECT * FROM copy_settlements WHERE ${who} AND id < ? ORDER BY id DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args, before ?? Number.MAX_SAFE_INTEGER, limit) as SettlementRow[];
  }

  isDeleted(accountId: number): boolean {
    return this.db.prepare('SELECT 1 FROM deleted_accounts WHERE account_id = ?').get(accountId) !== undefined;
  }
}

/** A settlement row as one side sees it. */
export function settlementView(r: SettlementRow, viewer: number, nicknameOf: (id: number) => string): SettlementView {
  const role = r.leader_id === viewer ? 'leader' : 'subscriber';
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    period: r.period,
    periodKey: r.period_key,
    role,
    counterparty: nicknameOf(role === 'leader' ? r.subscriber_id : r.leader_id),
    profit: r.profit,
    fee: r.fee,
    paid: r.paid,
    owed: r.owed,
    highWaterMark: r.high_water_mark,
    profitShareBps: r.profit_share_bps,
    ts: r.ts,
  };
}
