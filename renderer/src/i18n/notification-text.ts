/**
 * A notification in words: its kind and data (the contract in @protocol/notification-kinds) written in the
 * user's language, with every figure in its market's or asset's format — prices to the tick and quantities to
 * the lot of the market named, money in its asset's units, all grouped ("1.78 LPJ", "10,200 KRW").
 *
 * Rules:
 * - Words come only from the message dictionaries (notice-en.ts, notice-ko.ts), never from the server.
 * - A notification stored as finished text (before the server sent data alone) shows that text when its data
 *   does not read as its kind, or names a market or asset this app does not know: its figures are not guessed.
 * - Pure: the caller passes the translate function and the server's markets, so it is tested without a page.
 */
import type { AppNotification, MarketSettings } from '@protocol/api';
import { readNotice, type Notice } from '@protocol/notification-kinds';
import { formatBps } from '../lib/figures';
import { formatInt } from '../lib/units';
import { formatPrice, formatQuote, formatSize } from '../lib/market-format';
import type { ViewMarket } from '../lib/market-view';
import { lpjMarket } from '../stores/view-merge';
import type { MessageKey } from './en';

export interface NotificationText {
  title: string;
  body: string;
}

type T = (key: MessageKey) => string;

/** A message with `values` put into its {name} placeholders. */
function say(t: T, key: MessageKey, values: Record<string, string | number> = {}): string {
  return t(key).replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A figure the app cannot put into units (an unknown market or asset): the notice falls back to its text. */
class Unreadable extends Error {}

/** Figures in the units of the server's markets. */
class Units {
  private readonly markets: ViewMarket[];
  constructor(markets: readonly MarketSettings[]) {
    this.markets = markets.map(lpjMarket);
  }

  market(id: string): ViewMarket {
    const m = this.markets.find((x) => x.id === id);
    if (!m) throw new Unreadable(id);
    return m;
  }

  pair(id: string): string {
    const m = this.market(id);
    return `${m.base}/${m.quote}`;
  }

  price(id: string, price: number): string {
    const m = this.market(id);
    return `${formatPrice(m, price)} ${m.quote}`;
  }

  quantity(id: string, quantity: number): string {
    const m = this.market(id);
    return `${formatSize(m, quantity)} ${m.base}`;
  }

  quote(id: string, units: number): string {
    const m = this.market(id);
    return `${formatQuote(m, units)} ${m.quote}`;
  }

  /** An amount of `asset` (a market's quote or base); a copy's money when no asset was sent (its markets' quote). */
  asset(asset: string | undefined, units: number): string {
    const name = asset ?? this.markets[0]?.quote;
    const quoted = this.markets.find((m) => m.quote === name);
    if (quoted) return `${formatQuote(quoted, units)} ${name}`;
    const based = this.markets.find((m) => m.base === name);
    if (based) return `${formatSize(based, units)} ${name}`;
    throw new Unreadable(String(name));
  }
}

type AppNoticeData = Extract<Notice, { kind: 'order_filled' | 'stop_triggered' | 'price_alert' }>['data'];

/** The market an app notice names, from the units it carries (any venue's, not only the server's). */
function noticeMarket(d: AppNoticeData): ViewMarket {
  return {
    id: d.market,
    base: d.base,
    quote: d.quote,
    priceDecimals: d.priceDecimals,
    sizeDecimals: d.sizeDecimals,
    quoteDecimals: d.quoteDecimals,
    tickSize: d.tickSize,
    lotSize: d.lotSize,
    minNotional: 0,
    makerFeeBps: 0,
    takerFeeBps: 0,
  };
}

/** My practice or paper fills, triggered stops and fired alerts, in words. */
function appWords(notice: Extract<Notice, { kind: 'order_filled' | 'stop_triggered' | 'price_alert' }>, t: T) {
  const d = notice.data;
  const m = noticeMarket(d);
  const price = (p: number) => `${formatPrice(m, p)} ${m.quote}`;
  const where = { venue: t(`history.venue.${d.venue}`), pair: `${m.base}/${m.quote}` };
  switch (notice.kind) {
    case 'order_filled': {
      const f = notice.data;
      return {
        title: say(t, f.side === 'buy' ? 'notice.fill.buy' : 'notice.fill.sell', {
          qty: `${formatSize(m, f.quantity)} ${m.base}`,
        }),
        body: say(t, 'notice.venueFill.body', {
          ...where,
          price: price(f.price),
          fee: `${formatQuote(m, f.fee)} ${m.quote}`,
        }),
      };
    }
    case 'stop_triggered': {
      const s = notice.data;
      return {
        title: say(t, 'notice.stopTriggered', { ...where, side: s.side ? t(`notice.side.${s.side}`) : '' }).trim(),
        body: say(t, 'notice.stopTriggered.body', { ...where, id: formatInt(s.orderId), price: price(s.lastPrice) }),
      };
    }
    case 'price_alert': {
      const a = notice.data;
      const condition =
        a.condition === 'move'
          ? say(t, 'alerts.condition.move', { pct: formatBps(a.bps ?? 0), from: price(a.basePrice ?? 0) })
          : say(t, `alerts.condition.${a.condition}`, { price: price(a.target ?? 0) });
      return {
        title: say(t, 'notice.priceAlert', { ...where, price: price(a.price) }),
        body: say(t, 'notice.priceAlert.body', { ...where, condition }),
      };
    }
  }
}

function words(notice: Notice, u: Units, t: T): NotificationText {
  switch (notice.kind) {
    case 'order_filled':
    case 'stop_triggered':
    case 'price_alert':
      return appWords(notice, t);
    case 'fill': {
      const d = notice.data;
      const values = {
        qty: u.quantity(d.market, d.quantity),
        pair: u.pair(d.market),
        price: u.price(d.market, d.price),
        fee: d.fee === undefined ? '' : u.quote(d.market, d.fee),
      };
      return {
        title: say(t, d.side === 'buy' ? 'notice.fill.buy' : 'notice.fill.sell', values),
        body: say(t, d.fee === undefined ? 'notice.fill.body' : 'notice.fill.bodyFee', values),
      };
    }
    case 'copy_executed': {
      const d = notice.data;
      const values = {
        leader: d.leader,
        qty: u.quantity(d.market, d.quantity),
        amount: u.quote(d.market, d.quoteAmount),
        fee: u.quote(d.market, d.fee),
      };
      return {
        title: say(t, d.side === 'buy' ? 'notice.copy.buy' : 'notice.copy.sell', values),
        body: say(t, 'notice.copy.body', values),
      };
    }
    case 'copy_skipped': {
      const d = notice.data;
      return {
        title: say(t, 'notice.skipped', { leader: d.leader }),
        body: say(t, 'notice.skipped.body', {
          side: t(`notice.side.${d.side}`),
          pair: u.pair(d.market),
          reason: t(`notice.skip.${d.reason}`),
        }),
      };
    }
    case 'fill_mirrored': {
      const d = notice.data;
      return {
        title: say(t, d.side === 'buy' ? 'notice.mirrored.buy' : 'notice.mirrored.sell', { pair: u.pair(d.market) }),
        body: say(t, 'notice.mirrored.body', { placed: d.placed, skipped: d.skipped }),
      };
    }
    case 'stop_loss_hit':
      return {
        title: say(t, 'notice.stopLossHit', { leader: notice.data.leader }),
        body: t('notice.stopLossHit.body'),
      };
    case 'copy_ended': {
      const d = notice.data;
      const coins = Object.entries(d.returnedCoins ?? {})
        .filter(([, units]) => units > 0)
        .map(([coin, units]) => u.asset(coin, units));
      return {
        title: say(t, 'notice.ended', { leader: d.leader }),
        body: say(t, 'notice.ended.body', {
          reason: t(`notice.end.${d.reason}`),
          amount: [u.asset(d.asset, d.returnedQuote), ...coins].join(', '),
        }),
      };
    }
    case 'new_follower':
      return {
        title: t('notice.newFollower'),
        body: say(t, 'notice.newFollower.body', {
          name: notice.data.subscriber,
          amount: u.asset(notice.data.asset, notice.data.amount),
        }),
      };
    case 'follower_left':
      return {
        title: t('notice.followerLeft'),
        body: say(t, `notice.left.${notice.data.reason}`, { name: notice.data.subscriber }),
      };
    case 'settlement_paid':
    case 'settlement_received': {
      const d = notice.data;
      const paying = notice.kind === 'settlement_paid';
      const money = (units: number) => (units < 0 ? `-${u.asset(d.asset, -units)}` : u.asset(d.asset, units));
      return {
        title: say(t, paying ? 'notice.settlementPaid' : 'notice.settlementReceived', { name: d.counterparty }),
        body: say(t, paying ? 'notice.settlementPaid.body' : 'notice.settlementReceived.body', {
          paid: money(d.paid),
          profit: money(d.profit),
          fee: money(d.fee),
          owed: money(d.owed),
        }),
      };
    }
    case 'subscription_changed':
      return changeWords(notice.data, u, t);
    case 'rank_top10':
      return {
        title: say(t, 'notice.top10', { period: t(`ranking.period.${notice.data.period}`) }),
        body: say(t, 'notice.top10.body', { rank: notice.data.rank }),
      };
  }
}

/** A change to one of my copies, in words. */
function changeWords(d: Extract<Notice, { kind: 'subscription_changed' }>['data'], u: Units, t: T): NotificationText {
  const leader = { leader: d.leader };
  switch (d.change) {
    case 'subscribed':
      return {
        title: say(t, 'notice.subscribed', leader),
        body: say(t, 'notice.subscribed.body', { amount: u.asset(d.asset, d.amount) }),
      };
    case 'paused':
    case 'resumed':
      return { title: say(t, d.change === 'paused' ? 'notice.paused' : 'notice.resumed', leader), body: '' };
    case 'strategy_closed':
      return { title: say(t, 'notice.strategyClosed', leader), body: t('notice.strategyClosed.body') };
    case 'stop_loss':
      return d.stopLossBps === null
        ? { title: say(t, 'notice.stopLossRemoved', leader), body: '' }
        : {
            title: say(t, 'notice.stopLossSet', leader),
            body: say(t, 'notice.stopLossSet.body', { pct: formatBps(d.stopLossBps) }),
          };
    case 'funds_added':
    case 'funds_reduced':
      return {
        title: say(t, d.change === 'funds_added' ? 'notice.fundsAdded' : 'notice.fundsReduced', leader),
        body: say(t, 'notice.funds.body', {
          amount: u.asset(d.asset, d.amount),
          allocation: u.asset(d.asset, d.allocation),
        }),
      };
    case 'closing':
      return { title: say(t, 'notice.closing', leader), body: t(`notice.end.${d.reason}`) };
    case 'settlement_skipped':
      return {
        title: say(t, 'notice.settlementSkipped', leader),
        body: t(`notice.settlementSkipped.${d.reason}`),
      };
    case 'profit_share_changed':
      return {
        title: say(t, 'notice.profitShareChanged', { leader: d.leader, pct: formatBps(d.profitShareBps) }),
        body: t('notice.profitShareChanged.body'),
      };
  }
}

/** The notification in the user's words (`t`), its figures in the units of `markets` (the server's). */
export function notificationText(
  n: Pick<AppNotification, 'kind' | 'data' | 'title' | 'body'>,
  markets: readonly MarketSettings[],
  t: T,
): NotificationText {
  const notice = readNotice(n.kind, n.data);
  if (notice) {
    try {
      return words(notice, new Units(markets), t);
    } catch (err) {
      if (!(err instanceof Unreadable)) throw err;
    }
  }
  if (n.title) return { title: n.title, body: n.body ?? '' };
  return { title: t('notice.other'), body: '' };
}
