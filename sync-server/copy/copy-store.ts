/**
 * What copy trading keeps in server.db: the accepted operations of the state machine (replayed in order at
 * start-up to rebuild it), one row per subscription (who, which sub-account, when it started and ended) and the
 * settlement ledger, unique by period key so a period can never be recorded — or paid — twice.
 *
 * An operation and every row it makes are written in one transaction (`record`), so after a crash either all of
 * it is here or none of it is; the rows are never rebuilt from the operations.
 */
import type { Db } from '../../engine/node/db/database';
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

/** The rows one operation makes, written with it. */
export interface OpRows {
  subscription?: Omit<SubscriptionRow, 'ended_at' | 'end_reason'>;
  settlements: NewSettlement[];
  ended: { id: number; ts: number; reason: string }[];
}

/** An accepted operation as logged. */
export interface LoggedOp {
  id: number;
  op: string;
  input: Record<string, unknown>;
  /**
   * For an operation that books ledger commands: the ledger stream's last committed seq when it was recorded.
   * Its commands were submitted right after, so their events are the next ones on that stream.
   */
  ledgerAfter: number | null;
}

const PAGE = 5000;

export class CopyStore {
  /** Sub-account ids up to this one are taken in the ledger even if no subscription row names them. */
  private subAccountsTaken = 0;

  constructor(private readonly db: Db) {}

  /**
   * Logs an accepted operation with its rows in one IMMEDIATE transaction (the read models' writer shares the
   * file; see WriteBehind); `also` runs inside it (the operation's ranking records). Returns the operation's id.
   */
  record(
    op: string,
    input: unknown,
    ledgerAfter: number | null,
    rows: OpRows,
    also: () => void = () => undefined,
  ): number {
    return this.db
      .transaction(() => {
        const { lastInsertRowid } = this.db
          .prepare('INSERT INTO copy_ops (op, input, ledger_after) VALUES (?, ?, ?)')
          .run(op, JSON.stringify(input), ledgerAfter);
        const sub = rows.subscription;
        if (sub) {
          this.db
            .prepare(
              'INSERT INTO copy_subscriptions (id, subscriber_id, leader_id, sub_account, created_at) VALUES (?, ?, ?, ?, ?)',
            )
            .run(sub.id, sub.subscriber_id, sub.leader_id, sub.sub_account, sub.created_at);
        }
        for (const s of rows.settlements) this.addSettlement(s);
        for (const e of rows.ended) {
          this.db
            .prepare('UPDATE copy_subscriptions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL')
            .run(e.ts, e.reason, e.id);
        }
        also();
        return Number(lastInsertRowid);
      })
      .immediate();
  }

  /** Every logged operation in order, read in pages. */
  *ops(): Generator<LoggedOp> {
    const page = this.db.prepare('SELECT id, op, input, ledger_after FROM copy_ops WHERE id > ? ORDER BY id LIMIT ?');
    let after = 0;
    for (;;) {
      const rows = page.all(after, PAGE) as { id: number; op: string; input: string; ledger_after: number | null }[];
      for (const r of rows)
        yield {
          id: r.id,
          op: r.op,
          input: JSON.parse(r.input) as Record<string, unknown>,
          ledgerAfter: r.ledger_after,
        };
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }

  /** The id of the last operation that booked ledger commands (0 when none has). */
  lastLedgerOp(): number {
    const r = this.db.prepare('SELECT max(id) AS id FROM copy_ops WHERE ledger_after IS NOT NULL').get() as {
      id: number | null;
    };
    return r.id ?? 0;
  }

  subscription(id: number): SubscriptionRow | undefined {
    return this.db.prepare('SELECT * FROM copy_subscriptions WHERE id = ?').get(id) as SubscriptionRow | undefined;
  }

  bySubscriber(accountId: number): SubscriptionRow[] {
    return this.db
      .prepare('SELECT * FROM copy_subscriptions WHERE subscriber_id = ? ORDER BY id DESC')
      .all(accountId) as SubscriptionRow[];
  }

  byLeader(accountId: number, runningOnly: boolean): SubscriptionRow[] {
    const sql = `SELECT * FROM copy_subscriptions WHERE leader_id = ? ${runningOnly ? 'AND ended_at IS NULL' : ''} ORDER BY id`;
    return this.db.prepare(sql).all(accountId) as SubscriptionRow[];
  }

  bySubAccount(subAccount: number): SubscriptionRow | undefined {
    return this.db.prepare('SELECT * FROM copy_subscriptions WHERE sub_account = ?').get(subAccount) as
      SubscriptionRow | undefined;
  }

  /**
   * The next unused sub-account id (ids are never reused, so an ended copy's history stays its own): above every
   * subscription's and every one the ledger already has (`takeSubAccountsUpTo`).
   */
  nextSubAccount(base: number): number {
    const r = this.db.prepare('SELECT max(sub_account) AS m FROM copy_subscriptions').get() as { m: number | null };
    return Math.max(base, (r.m ?? base - 1) + 1, this.subAccountsTaken + 1);
  }

  /** Ledger accounts up to `id` exist: no new subscription may trade through one of them. */
  takeSubAccountsUpTo(id: number): void {
    this.subAccountsTaken = Math.max(this.subAccountsTaken, id);
  }

  running(): SubscriptionRow[] {
    return this.db
      .prepare('SELECT * FROM copy_subscriptions WHERE ended_at IS NULL ORDER BY id')
      .all() as SubscriptionRow[];
  }

  /** Records a settlement; false when its period key is already there (a rerun), which changes nothing. */
  addSettlement(s: NewSettlement): boolean {
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO copy_settlements (subscription_id, period, period_key, subscriber_id, leader_id, profit, fee, paid, owed,
           high_water_mark, profit_share_bps, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        s.subscription_id,
        s.period,
        s.period_key,
        s.subscriber_id,
        s.leader_id,
        s.profit,
        s.fee,
        s.paid,
        s.owed,
        s.high_water_mark,
        s.profit_share_bps,
        s.ts,
      );
    return r.changes === 1;
  }

  settlementsOf(subscriptionId: number): SettlementRow[] {
    return this.db
      .prepare('SELECT * FROM copy_settlements WHERE subscription_id = ? ORDER BY id DESC')
      .all(subscriptionId) as SettlementRow[];
  }

  settlementsFor(
    accountId: number,
    role: 'leader' | 'subscriber' | undefined,
    before: number | undefined,
    limit: number,
  ): SettlementRow[] {
    const who =
      role === 'leader'
        ? 'leader_id = ?'
        : role === 'subscriber'
          ? 'subscriber_id = ?'
          : '(leader_id = ? OR subscriber_id = ?)';
    const args: number[] = role ? [accountId] : [accountId, accountId];
    const sql = `SELECT * FROM copy_settlements WHERE ${who} AND id < ? ORDER BY id DESC LIMIT ?`;
    return this.db.prepare(sql).all(...args, before ?? Number.MAX_SAFE_INTEGER, limit) as SettlementRow[];
  }

  isDeleted(accountId: number): boolean {
    return this.db.prepare('SELECT 1 FROM deleted_accounts WHERE account_id = ?').get(accountId) !== undefined;
  }

  /** Every deleted account, oldest deletion first. */
  deletedAccounts(): number[] {
    return (
      this.db.prepare('SELECT account_id FROM deleted_accounts ORDER BY deleted_at, account_id').all() as {
        account_id: number;
      }[]
    ).map((r) => r.account_id);
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
