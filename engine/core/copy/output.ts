/** Building a CopyOutput: transfers always travel with their ranking flows, notices with their time. */
import type { AccountId, Command } from '../matching/types';
import type { RankingRecord } from '../ranking/records';
import type { CopyNotice, CopyOutput, Transfer, TransferReason } from './types';

export const emptyOutput = (): CopyOutput => ({
  orders: [],
  skipped: [],
  transfers: [],
  ranking: [],
  notifications: [],
});

/** A transfer, and the matching ranking flows so the move is never counted as profit or loss. */
export function transfer(
  out: CopyOutput,
  subId: number,
  from: AccountId,
  to: AccountId,
  asset: string,
  amount: number,
  reason: TransferReason,
  ts: number,
): void {
  out.transfers.push({ subscriptionId: subId, from, to, asset, amount, reason });
  const kind = reason === 'profit_share' ? 'profit_share' : 'allocation';
  const flows: RankingRecord[] = [
    { type: 'flow', ts, account: from, asset, amount: -amount, kind },
    { type: 'flow', ts, account: to, asset, amount, kind },
  ];
  out.ranking.push(...flows);
}

export function notify(out: CopyOutput, to: AccountId, ts: number, notice: CopyNotice, subscriptionId?: number): void {
  out.notifications.push(subscriptionId === undefined ? { to, ts, notice } : { to, ts, notice, subscriptionId });
}

/** The ledger command that books a transfer; the reference names the subscription and why, for the audit trail. */
export function transferCommand(t: Transfer, ts: number): Extract<Command, { type: 'transfer' }> {
  return {
    type: 'transfer',
    from: t.from,
    to: t.to,
    asset: t.asset,
    amount: t.amount,
    reference: `copy:${t.subscriptionId}:${t.reason}`,
    ts,
  };
}
