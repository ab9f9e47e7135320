/**
 * The notification centre behind the header's bell: the sync server's notifications (live fills, copy events,
 * ranking; see ./live-notifications) and the app's own — my fills and triggered stops on the offline practice
 * market and in paper trading, and my price alerts firing — listed as one, newest first.
 *
 * Rules:
 * - The user's switches in Settings (fills, stops, alerts, copy events) decide what gets through: an app notice
 *   of a kind switched off is not recorded at all, and the server's are left out of the list and its pushes.
 * - The app's notices are kept in app.db (the newest KEPT), read flags with them; their ids are a numbering of
 *   their own, so each carries origin 'app' and is marked read by `appIds`.
 * - A notice is data (kind + figures with their market's units, see @protocol/notification-kinds), worded by
 *   the UI in the user's language; data that does not read as its kind is dropped here, never stored.
 */
import type { Db } from '../node/db/database';
import type { EngineEvent } from '../core/matching/types';
import type { AppNotification, MarketSettings } from '../protocol/api';
import type { AlertMarket, PriceAlert } from '../protocol/alerts';
import {
  NOTIFICATION_DATA,
  NOTIFY_SWITCH_OF,
  type NotificationData,
  type NotificationKind,
} from '../protocol/notification-kinds';
import type { LiveNotifications } from './live-notifications';
import type { SettingsStore } from './settings-store';

/** App notices kept for the list (as many as the server's). */
const KEPT = 200;

export interface NotificationCentreOptions {
  db: Db;
  settings: SettingsStore;
  /** The sync server's notifications (made after the centre, so asked for when needed). */
  live: () => LiveNotifications;
  /** A new notice to push to the UI. */
  emit: (n: AppNotification) => void;
  now?: () => number;
}

interface Row {
  id: number;
  ts: number;
  kind: string;
  data: string;
  read: number;
}

/** A market's units as app notices carry them. */
function unitsOf(m: AlertMarket) {
  return {
    venue: m.venue,
    market: m.id,
    base: m.base,
    quote: m.quote,
    priceDecimals: m.priceDecimals,
    sizeDecimals: m.sizeDecimals,
    quoteDecimals: m.quoteDecimals,
    tickSize: m.tickSize,
    lotSize: m.lotSize,
  };
}

type TradeOrTrigger = Extract<EngineEvent, { type: 'trade' | 'triggered' }>;

/**
 * The notices my committed events make: one per fill of my order (a trade in which I was the maker or the
 * taker, from my side) and one per stop of mine triggered.
 */
export function myNotices(
  events: readonly { type: string; market: string }[],
  user: number,
  marketOf: (id: string) => AlertMarket | undefined,
  sideOf: (market: string, orderId: number) => 'buy' | 'sell' | undefined,
): { kind: 'order_filled' | 'stop_triggered'; data: Record<string, unknown> }[] {
  const out: { kind: 'order_filled' | 'stop_triggered'; data: Record<string, unknown> }[] = [];
  for (const raw of events) {
    if (raw.type !== 'trade' && raw.type !== 'triggered') continue;
    const e = raw as TradeOrTrigger;
    const m = marketOf(e.market);
    if (!m) continue;
    if (e.type === 'triggered') {
      if (e.account !== user) continue;
      const side = sideOf(e.market, e.orderId);
      out.push({
        kind: 'stop_triggered',
        data: { ...unitsOf(m), orderId: e.orderId, lastPrice: e.lastPrice, ...(side && { side }) },
      });
      continue;
    }
    const fill = (side: 'buy' | 'sell', fee: number) =>
      out.push({ kind: 'order_filled', data: { ...unitsOf(m), side, price: e.price, quantity: e.quantity, fee } });
    if (e.takerAccount === user) fill(e.takerSide, e.takerFee);
    if (e.makerAccount === user) fill(e.takerSide === 'buy' ? 'sell' : 'buy', e.makerFee);
  }
  return out;
}

/** The notice a fired alert makes. */
export function alertNotice(a: PriceAlert): NotificationData<'price_alert'> {
  const c = a.condition;
  return {
    ...unitsOf(a.market),
    condition: c.kind,
    ...(c.kind === 'move' ? { bps: c.bps, basePrice: a.basePrice } : { target: c.price }),
    price: a.firedPrice ?? 0,
  };
}

export class NotificationCentre {
  private readonly now: () => number;

  constructor(private readonly o: NotificationCentreOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Whether the user's switches let a kind through. */
  allows(kind: string): boolean {
    const which = NOTIFY_SWITCH_OF[kind as NotificationKind];
    return which === undefined || this.o.settings.get().notify[which];
  }

  /** Records and pushes one of the app's notices, if its kind is switched on and its data reads as that kind. */
  add(kind: NotificationKind, data: unknown): void {
    if (!this.allows(kind)) return;
    const parsed = NOTIFICATION_DATA[kind].safeParse(data);
    if (!parsed.success) return;
    const ts = this.now();
    const json = JSON.stringify(parsed.data);
    const { lastInsertRowid } = this.o.db
      .prepare('INSERT INTO app_notifications (ts, kind, data) VALUES (?, ?, ?)')
      .run(ts, kind, json);
    this.o.db
      .prepare('DELETE FROM app_notifications WHERE id <= (SELECT MAX(id) FROM app_notifications) - ?')
      .run(KEPT);
    this.o.emit(this.view({ id: Number(lastInsertRowid), ts, kind, data: json, read: 0 }));
  }

  /** Both lists as one, newest first, without the kinds switched off, with the server's markets. */
  list(): { items: AppNotification[]; unread: number; markets: MarketSettings[] } {
    const live = this.o.live().list();
    const app = (this.o.db.prepare('SELECT * FROM app_notifications ORDER BY id DESC LIMIT ?').all(KEPT) as Row[]).map(
      (r) => this.view(r),
    );
    const items = [...live.items, ...app]
      .filter((n) => this.allows(n.kind))
      .sort((a, b) => b.ts - a.ts)
      .slice(0, KEPT);
    return { items, unread: items.filter((n) => !n.read).length, markets: live.markets };
  }

  markRead(change: { ids?: number[]; appIds?: number[]; all?: boolean }): { unread: number } {
    if (change.all) {
      this.o.db.prepare('UPDATE app_notifications SET read = 1 WHERE read = 0').run();
      this.o.live().markRead({ all: true });
    } else {
      if (change.appIds?.length) {
        const mark = this.o.db.prepare('UPDATE app_notifications SET read = 1 WHERE id = ?');
        this.o.db.transaction(() => change.appIds!.forEach((id) => mark.run(id)))();
      }
      if (change.ids?.length) this.o.live().markRead({ ids: change.ids });
    }
    return { unread: this.list().unread };
  }

  private view(r: Row): AppNotification {
    let data: AppNotification['data'];
    try {
      data = JSON.parse(r.data) as AppNotification['data'];
    } catch {
      data = undefined;
    }
    return { id: r.id, origin: 'app', ts: r.ts, kind: r.kind, read: r.read === 1, ...(data && { data }) };
  }
}
