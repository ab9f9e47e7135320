/**
 * Turns copy-trading notices into notifications: a kind of the contract (engine/protocol/notification-kinds.ts)
 * and its data — nicknames, codes and integers in minimal units with the asset or market they are in. The app
 * writes the words, in the user's language.
 */
import type { CopyNotice } from '../../engine/core/copy';
import type { CopyNotificationKind, NotificationData } from '../../engine/protocol/notification-kinds';

/** One notification to add: a kind and its data. */
export type NoticeOf = { [K in CopyNotificationKind]: { kind: K; data: NotificationData<K> } }[CopyNotificationKind];

/**
 * `name` resolves an account id to its nickname; `quote` is the asset copies are funded in (the copy
 * markets' quote).
 */
export function noticeOf(
  n: CopyNotice,
  subscriptionId: number | undefined,
  name: (id: number) => string,
  quote: string,
): NoticeOf | null {
  const sub = subscriptionId === undefined ? {} : { subscriptionId };
  switch (n.kind) {
    case 'subscribed':
      return {
        kind: 'subscription_changed',
        data: { ...sub, change: 'subscribed', leader: name(n.leader), amount: n.amount, asset: quote },
      };
    case 'follower_joined':
      return { kind: 'new_follower', data: { ...sub, subscriber: name(n.subscriber), amount: n.amount, asset: quote } };
    // A placed copy is told when its result is known (copy_filled, or a skip when nothing filled).
    case 'copy_placed':
      return null;
    case 'copy_filled':
      return {
        kind: 'copy_executed',
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
        data: { ...sub, leader: name(n.leader), market: n.market, side: n.side, wanted: n.wanted, reason: n.reason },
      };
    case 'fill_mirrored':
      return {
        kind: 'fill_mirrored',
        data: { market: n.market, side: n.side, placed: n.placed, skipped: n.skipped },
      };
    case 'paused':
    case 'resumed':
      return { kind: 'subscription_changed', data: { ...sub, change: n.kind, leader: name(n.leader) } };
    case 'stop_loss_set':
      return {
        kind: 'subscription_changed',
        data: { ...sub, change: 'stop_loss', leader: name(n.leader), stopLossBps: n.stopLossBps },
      };
    case 'funds_added':
    case 'funds_reduced':
      return {
        kind: 'subscription_changed',
        data: {
          ...sub,
          change: n.kind,
          leader: name(n.leader),
          amount: n.amount,
          allocation: n.allocation,
          asset: quote,
        },
      };
    case 'copy_stopping':
      if (n.reason === 'stop_loss') return { kind: 'stop_loss_hit', data: { ...sub, leader: name(n.leader) } };
      return {
        kind: 'subscription_changed',
        data: { ...sub, change: 'closing', reason: n.reason, leader: name(n.leader) },
      };
    case 'copy_ended':
      return {
        kind: 'copy_ended',
        data: {
          ...sub,
          leader: name(n.leader),
          reason: n.reason,
          returnedQuote: n.returnedQuote,
          returnedCoins: n.returnedCoins,
          asset: quote,
        },
      };
    case 'follower_left':
      return { kind: 'follower_left', data: { ...sub, subscriber: name(n.subscriber), reason: n.reason } };
    case 'settled':
      return {
        kind: n.role === 'subscriber' ? 'settlement_paid' : 'settlement_received',
        data: {
          ...sub,
          period: n.period,
          profit: n.profit,
          fee: n.fee,
          paid: n.paid,
          owed: n.owed,
          counterparty: name(n.counterparty),
          asset: quote,
        },
      };
    case 'settlement_skipped':
      return {
        kind: 'subscription_changed',
        data: { ...sub, change: 'settlement_skipped', reason: n.reason, period: n.period, leader: name(n.leader) },
      };
    case 'profit_share_changed':
      return {
        kind: 'subscription_changed',
        data: {
          ...sub,
          change: 'profit_share_changed',
          leader: name(n.leader),
          profitShareBps: n.profitShareBps,
          fromPeriod: n.fromPeriod,
        },
      };
    case 'strategy_closed':
      return { kind: 'subscription_changed', data: { ...sub, change: 'strategy_closed', leader: name(n.leader) } };
  }
}
