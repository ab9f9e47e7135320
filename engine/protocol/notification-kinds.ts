/**
 * What a notification says, as data: its kind and the figures of that kind, never finished text. The server
 * stores and sends `{kind, data}`; the app writes the words in the user's language and the numbers in the
 * market's format (prices to the tick, amounts to the lot, grouped), so the same notice reads in English or
 * Korean, whichever the user picks, even after the fact.
 *
 * Rules:
 * - Money and sizes are integers in minimal units; a figure's unit is named by `market` (a market id: prices
 *   in its quote, quantities in its base) or by `asset` (an asset name such as KRW).
 * - Reasons are codes (the enums below), names are the traders' nicknames.
 * - Notifications stored before this contract carry a finished English `title` and `body` beside their data;
 *   the app shows those when the data does not read as its kind.
 */
import { z } from 'zod';
import { EndReason, RankingPeriod, Side } from './sync';

const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const signed = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const positive = amount.min(1);
const market = z.string().min(1).max(40);
const asset = z.string().min(1).max(16);
const nickname = z.string().min(1).max(40);
const bps = z.number().int().min(0).max(1_000_000);
/** Which copy the notice is about (absent on notices of no single copy). */
const subscriptionId = positive.optional();
/** The asset of a copy's money; notices stored before it was sent are in the copy markets' quote. */
const copyAsset = asset.optional();

/**
 * Why a copy of a leader's fill was not made (or, NOT_FILLED, made but nothing filled within the limit;
 * SELF_TRADE_PREVENTED, made but the subscriber's own order was next in the book).
 */
export const CopySkipReason = z.enum([
  'PAUSED',
  'BELOW_LOT_SIZE',
  'BELOW_MIN_NOTIONAL',
  'ALLOCATION_EXHAUSTED',
  'NO_POSITION',
  'AWAY_FROM_MARKET',
  'NO_MARKET_PRICE',
  'AMOUNT_OUT_OF_RANGE',
  'NOT_FILLED',
  'SELF_TRADE_PREVENTED',
]);

const copyChange = z.discriminatedUnion('change', [
  z.object({ change: z.literal('subscribed'), leader: nickname, amount, asset: copyAsset }),
  z.object({ change: z.enum(['paused', 'resumed', 'strategy_closed']), leader: nickname }),
  z.object({ change: z.literal('stop_loss'), leader: nickname, stopLossBps: bps.nullable() }),
  z.object({
    change: z.enum(['funds_added', 'funds_reduced']),
    leader: nickname,
    amount,
    allocation: amount,
    asset: copyAsset,
  }),
  z.object({ change: z.literal('closing'), leader: nickname, reason: EndReason }),
  z.object({
    change: z.literal('settlement_skipped'),
    leader: nickname,
    reason: z.enum(['leader_deleted', 'amount_out_of_range']),
    period: z.number().int(),
  }),
  z.object({
    change: z.literal('profit_share_changed'),
    leader: nickname,
    profitShareBps: bps,
    fromPeriod: z.number().int(),
  }),
]);

/**
 * The market an app notice is about, with its units (the app's own notices name markets of every venue, so they
 * carry what the UI needs to write their figures instead of relying on the sync server's market list).
 */
const appMarket = {
  venue: z.enum(['practice', 'paper', 'live']),
  market,
  base: asset,
  quote: asset,
  priceDecimals: z.number().int().min(0).max(18),
  sizeDecimals: z.number().int().min(0).max(18),
  quoteDecimals: z.number().int().min(0).max(18),
  tickSize: positive,
  lotSize: positive,
};

const settlement = z.object({
  subscriptionId,
  period: z.number().int(),
  profit: signed,
  fee: amount,
  paid: amount,
  owed: amount,
  counterparty: nickname,
  asset: copyAsset,
});

/** Each kind's data, and to whom it goes. */
export const NOTIFICATION_DATA = {
  /** One of my fills on a live market. */
  fill: z.object({
    market,
    orderId: positive,
    tradeId: positive,
    side: Side,
    price: positive,
    quantity: positive,
    /** Absent on fills told before fees were sent. */
    fee: signed.optional(),
  }),
  /** A copy of my leader's fill filled (to the subscriber). */
  copy_executed: z.object({
    subscriptionId,
    leader: nickname,
    market,
    side: Side,
    quantity: amount,
    quoteAmount: amount,
    fee: signed,
  }),
  /** A copy was not made, or nothing of it filled (to the subscriber). */
  copy_skipped: z.object({
    subscriptionId,
    leader: nickname,
    market,
    side: Side,
    wanted: amount,
    reason: CopySkipReason,
    /** The copy order that found nothing to fill (NOT_FILLED). */
    clientOrderId: z.string().max(64).optional(),
  }),
  /** My fill was copied by my followers (to the leader). */
  fill_mirrored: z.object({ market, side: Side, placed: amount, skipped: amount }),
  /** A copy reached its stop-loss and is being closed (to the subscriber). */
  stop_loss_hit: z.object({ subscriptionId, leader: nickname }),
  /** A copy ended and its money came back (to the subscriber); coins by asset, in their minimal units. */
  copy_ended: z.object({
    subscriptionId,
    leader: nickname,
    reason: EndReason,
    returnedQuote: amount,
    returnedCoins: z.record(asset, amount).optional(),
    asset: copyAsset,
  }),
  /** Someone started copying me (to the leader). */
  new_follower: z.object({ subscriptionId, subscriber: nickname, amount, asset: copyAsset }),
  /** A follower's copy ended (to the leader). */
  follower_left: z.object({ subscriptionId, subscriber: nickname, reason: EndReason }),
  /** Profit share settled: paid by the subscriber, received by the leader. */
  settlement_paid: settlement,
  settlement_received: settlement,
  /** A copy of mine changed (to the subscriber): `change` says how. */
  subscription_changed: z.intersection(z.object({ subscriptionId }), copyChange),
  /** I entered a board's top 10. */
  rank_top10: z.object({ period: RankingPeriod, rank: positive }),
  /** One of my orders filled on the offline practice market or in paper trading (told by this app). */
  order_filled: z.object({ ...appMarket, side: Side, price: positive, quantity: positive, fee: signed }),
  /** One of my stop orders was triggered by the last price (told by this app). */
  stop_triggered: z.object({ ...appMarket, orderId: positive, side: Side.optional(), lastPrice: positive }),
  /** One of my price alerts fired (told by this app); `target` for above/below, `bps` and `basePrice` for a move. */
  price_alert: z.object({
    ...appMarket,
    condition: z.enum(['above', 'below', 'move']),
    target: positive.optional(),
    bps: positive.optional(),
    basePrice: amount.optional(),
    price: positive,
  }),
} as const;

export type NotificationKind = keyof typeof NOTIFICATION_DATA;
/** The data a kind is created with (what the server stores). */
export type NotificationData<K extends NotificationKind> = z.input<(typeof NOTIFICATION_DATA)[K]>;
/** A notification's kind and data, read and checked: one case per kind. */
export type Notice = {
  [K in NotificationKind]: { kind: K; data: z.output<(typeof NOTIFICATION_DATA)[K]> };
}[NotificationKind];

/** Notification kinds copy trading and ranking add (every kind but fills). */
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
] as const satisfies readonly NotificationKind[];
export const CopyNotificationKind = z.enum(COPY_NOTIFICATION_KINDS);
export type CopyNotificationKind = z.output<typeof CopyNotificationKind>;

/** The switch in Settings that lets each kind through (kinds of no switch always pass). */
export const NOTIFY_SWITCH_OF: Partial<Record<NotificationKind, 'fills' | 'stops' | 'alerts' | 'copy'>> = {
  fill: 'fills',
  order_filled: 'fills',
  stop_triggered: 'stops',
  price_alert: 'alerts',
  ...Object.fromEntries(COPY_NOTIFICATION_KINDS.map((k) => [k, 'copy' as const])),
};

function isKind(kind: string): kind is NotificationKind {
  return Object.hasOwn(NOTIFICATION_DATA, kind);
}

/** A notification's data read as its kind, or null when the kind is unknown or the data is not that kind's. */
export function readNotice(kind: string, data: unknown): Notice | null {
  if (!isKind(kind)) return null;
  const parsed = NOTIFICATION_DATA[kind].safeParse(data);
  return parsed.success ? ({ kind, data: parsed.data } as Notice) : null;
}
