/**
 * Turns copy-trading notices into entries of the notification centre (kinds from the sync contract), with a
 * short English title and body; `data` carries the figures so the app can render its own language.
 */
import type { CopyNotice } from '../../engine/core/copy';
import type { CopyNotificationKind } from '../../engine/protocol/sync';

export interface NoticeText {
  kind: CopyNotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/** `name` resolves an account id to its nickname for the text. */
export function noticeText(
  n: CopyNotice,
  subscriptionId: number | undefined,
  name: (id: number) => string,
): NoticeText | null {
  const sub = subscriptionId === undefined ? {} : { subscriptionId };
  switch (n.kind) {
    case 'subscribed':
      return {
        kind: 'subscription_changed',
        title: `Copying ${name(n.leader)}`,
        body: `${n.amount} allocated`,
        data: { ...sub, change: 'subscribed', leader: name(n.leader), amount: n.amount },
      };
    case 'follower_joined':
      return {
        kind: 'new_follower',
        title: 'New follower',
        body: `${name(n.subscriber)} copies you with ${n.amount}`,
        data: { ...sub, subscriber: name(n.subscriber), amount: n.amount },
      };
    // A placed copy is told when its result is known (copy_filled, or a skip when nothing filled).
    case 'copy_placed':
      return null;
    case 'copy_filled':
      return {
        kind: 'copy_executed',
        title: `Copied ${name(n.leader)}: ${n.side} ${n.market}`,
        body: `${n.quantity} for ${n.quoteAmount} (fee ${n.fee})`,
        data: {
          ...sub,
          leader: name(n.leader),
          market: n.market,
          side: n.side,
          quantity: n.quantity,
          quoteAmount: n.quoteAmount,
          fee: n.fee,
        },
      };
    case 'copy_skipped':
      return {
        kind: 'copy_skipped',
        title: `Copy of ${name(n.leader)} skipped`,
        body: `${n.side} ${n.market}: ${n.reason}`,
        data: { ...sub, leader: name(n.leader), market: n.market, side: n.side, wanted: n.wanted, reason: n.reason },
      };
    case 'fill_mirrored':
      return {
        kind: 'fill_mirrored',
        title: `Your ${n.side} on ${n.market} was copied`,
        body: `${n.placed} copies placed, ${n.skipped} skipped`,
        data: { market: n.market, side: n.side, placed: n.placed, skipped: n.skipped },
      };
    case 'paused':
    case 'resumed':
      return {
        kind: 'subscription_changed',
        title: `Copy of ${name(n.leader)} ${n.kind}`,
        body: '',
        data: { ...sub, change: n.kind, leader: name(n.leader) },
      };
    case 'stop_loss_set':
      return {
        kind: 'subscription_changed',
        title: `Copy of ${name(n.leader)}: stop-loss ${n.stopLossBps === null ? 'removed' : 'set'}`,
        body: n.stopLossBps === null ? '' : `at a ${n.stopLossBps} bps loss`,
        data: { ...sub, change: 'stop_loss', leader: name(n.leader), stopLossBps: n.stopLossBps },
      };
    case 'funds_added':
    case 'funds_reduced':
      return {
        kind: 'subscription_changed',
        title: `Copy of ${name(n.leader)}: funds ${n.kind === 'funds_added' ? 'added' : 'reduced'}`,
        body: `${n.amount}; allocation now ${n.allocation}`,
        data: { ...sub, change: n.kind, leader: name(n.leader), amount: n.amount, allocation: n.allocation },
      };
    case 'copy_stopping':
      if (n.reason === 'stop_loss')
        return {
          kind: 'stop_loss_hit',
          title: `Stop-loss hit: copy of ${name(n.leader)}`,
          body: 'Copying stopped; positions are being closed',
          data: { ...sub, leader: name(n.leader) },
        };
      return {
        kind: 'subscription_changed',
        title: `Closing copy of ${name(n.leader)}`,
        body: n.reason,
        data: { ...sub, change: 'closing', reason: n.reason, leader: name(n.leader) },
      };
    case 'copy_ended':
      return {
        kind: 'copy_ended',
        title: `Copy of ${name(n.leader)} ended`,
        body: `${n.reason}: ${n.returnedQuote} returned`,
        data: {
          ...sub,
          leader: name(n.leader),
          reason: n.reason,
          returnedQuote: n.returnedQuote,
          returnedCoins: n.returnedCoins,
        },
      };
    case 'follower_left':
      return {
        kind: 'follower_left',
        title: 'A follower left',
        body: `${name(n.subscriber)} (${n.reason})`,
        data: { ...sub, subscriber: name(n.subscriber), reason: n.reason },
      };
    case 'settled': {
      const paying = n.role === 'subscriber';
      return {
        kind: paying ? 'settlement_paid' : 'settlement_received',
        title: paying ? `Profit share paid to ${name(n.counterparty)}` : `Profit share from ${name(n.counterparty)}`,
        body: `${n.paid} ${paying ? 'paid' : 'received'} (profit ${n.profit}, fee ${n.fee}, owed ${n.owed})`,
        data: {
          ...sub,
          period: n.period,
          profit: n.profit,
          fee: n.fee,
          paid: n.paid,
          owed: n.owed,
          counterparty: name(n.counterparty),
        },
      };
    }
    case 'settlement_skipped':
      return {
        kind: 'subscription_changed',
        title: `No profit share for ${name(n.leader)}`,
        body:
          n.reason === 'leader_deleted'
            ? 'the leader deleted their account'
            : 'the copy is valued beyond the largest amount the ledger holds',
        data: { ...sub, change: 'settlement_skipped', reason: n.reason, period: n.period, leader: name(n.leader) },
      };
    case 'profit_share_changed':
      return {
        kind: 'subscription_changed',
        title: `${name(n.leader)} changed the profit share`,
        body: `${n.profitShareBps} bps from period ${n.fromPeriod}`,
        data: {
          ...sub,
          change: 'profit_share_changed',
          leader: name(n.leader),
          profitShareBps: n.profitShareBps,
          fromPeriod: n.fromPeriod,
        },
      };
    case 'strategy_closed':
      return {
        kind: 'subscription_changed',
        title: `${name(n.leader)} closed their strategy`,
        body: 'your copy carries on',
        data: { ...sub, change: 'strategy_closed', leader: name(n.leader) },
      };
  }
}
