/**
 * Notification kinds (Notification.kind) copy trading and ranking add; `data` carries the figures named.
 * copy_executed {subscriptionId, leader, market, side, quantity, quoteAmount, fee} — to the subscriber
 * copy_skipped {subscriptionId, leader, market, side, wanted, reason: PAUSED|BELOW_LOT_SIZE|BELOW_MIN_NOTIONAL|
 *   ALLOCATION_EXHAUSTED|NO_POSITION|AWAY_FROM_MARKET|NO_MARKET_PRICE|AMOUNT_OUT_OF_RANGE|NOT_FILLED|
 *   SELF_TRADE_PREVENTED (the subscriber's own order was next in the book)} — to the subscriber
 * fill_mirrored {market, side, placed, skipped} — to the leader
 * stop_loss_hit {subscriptionId, leader} — to the subscriber; copy_ended {subscriptionId, leader, reason,
 *   returnedQuote, returnedCoins} — to the subscriber
 * new_follower / follower_left {subscriptionId, subscriber} — to the leader
 * settlement_paid / settlement_received {subscriptionId, period, profit, fee, paid, owed, counterparty}
 * subscription_changed {subscriptionId, leader, change: paused|resumed|funds_added|funds_reduced|
 *   strategy_closed|profit_share_changed, ...} — to the subscriber
 * rank_top10 {period, rank} — to the trader who entered a top 10
 *
 * Plain data, without zod: the renderer reads it too (sync.ts builds the schema from it).
 */
export const COPY_NOTIFICATION_KINDS = [
  'copy_executed',
  'copy_skipped',
  'fill_mirrored',
  'stop_loss_hit',
  'copy_ended',
  'new_follower',
  'follower_left',
  'settlement_paid',
  'settlement_received',
  'subscription_changed',
  'rank_top10',
] as const;
