/**
 * What the app tells the user of its own accord, wired to the venues: my price alerts checked on every price
 * the host receives (the practice market's updates, exchange feeds, the live market's updates), my fills and
 * triggered stops on the practice market and in paper trading, and the sync server's notifications, all through
 * one notification centre that applies the user's switches. The app host makes one and passes its hooks to
 * the venues; the venues know nothing of alerts or notices.
 */
import type { Db } from '../node/db/database';
import type { EngineEvent } from '../core/matching/types';
import type { AppNotification, EventName, EventPayload } from '../protocol/api';
import { lpjMarket, type AlertMarket, type AlertVenue, type NewPriceAlert } from '../protocol/alerts';
import { ApiError } from '../protocol/errors';
import { LIVE_MARKET, type LiveMarket } from './live-market';
import { alertNotice, myNotices, NotificationCentre } from './notification-centre';
import { PAPER_USER } from './paper-views';
import { PRACTICE_USER, type PracticeMarket } from './practice-market';
import { PriceAlerts } from './price-alerts';
import type { RealMarkets, RealMarketsOptions } from './real-markets';
import type { SettingsStore } from './settings-store';

type Emit = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface DeskNoticesOptions {
  db: Db;
  settings: SettingsStore;
  practice: PracticeMarket;
  /** Made after this, so asked for when needed. */
  realMarkets: () => RealMarkets;
  live: () => LiveMarket;
  emit: Emit;
}

export class DeskNotices {
  readonly centre: NotificationCentre;
  readonly alerts: PriceAlerts;

  constructor(private readonly o: DeskNoticesOptions) {
    this.centre = new NotificationCentre({
      db: o.db,
      settings: o.settings,
      live: () => o.live().notifications,
      emit: (n) => o.emit('notification', n),
    });
    this.alerts = new PriceAlerts({
      db: o.db,
      resolve: (venue, market) => this.resolve(venue, market),
      onFired: (a) => this.centre.add('price_alert', alertNotice(a)),
      onChanged: (items) => o.emit('alerts.changed', { items }),
    });
    const practiceMarket = lpjMarket('practice', o.practice.market);
    o.practice.onEvents((events: readonly EngineEvent[]) => {
      const notices = myNotices(
        events,
        PRACTICE_USER,
        (id) => (id === practiceMarket.id ? practiceMarket : undefined),
        (market, orderId) => o.practice.history.sideOf(market, orderId),
      );
      for (const n of notices) this.centre.add(n.kind, n.data);
    });
    o.practice.onUpdate((u) => {
      if (u.trades.length > 0) this.alerts.observe('practice', practiceMarket.id, u.lastPrice);
    });
  }

  /** The hooks paper trading calls: its exchange prices and my paper events. */
  readonly paperHooks: Pick<RealMarketsOptions, 'onPrice' | 'onMyEvents'> = {
    onPrice: (market, price) => this.alerts.observe('paper', market, price),
    onMyEvents: (events, marketOf, sideOf) => {
      for (const n of myNotices(events, PAPER_USER, marketOf, sideOf)) this.centre.add(n.kind, n.data);
    },
  };

  /**
   * The live market's events on their way to the UI: its prices checked against alerts, and the server's
   * notifications held back when their kind is switched off.
   */
  liveEmit(emit: Emit): Emit {
    return (name, payload) => {
      if (name === 'live.update') {
        const u = payload as EventPayload<'live.update'>;
        if (u.trades.length > 0 || u.ticker) this.alerts.observe('live', LIVE_MARKET, u.lastPrice);
      } else if (name === 'notification' && !this.centre.allows((payload as AppNotification).kind)) return;
      emit(name, payload);
    };
  }

  handlers() {
    return {
      'notifications.list': () => this.centre.list(),
      'notifications.markRead': (change: { ids?: number[]; appIds?: number[]; all?: boolean }) =>
        this.centre.markRead(change),
      'alerts.list': () => ({ items: this.alerts.list() }),
      'alerts.create': (req: NewPriceAlert) => this.alerts.create(req),
      'alerts.delete': ({ id }: { id: number }) => ({ deleted: this.alerts.delete(id) }),
    };
  }

  private async resolve(venue: AlertVenue, market: string): Promise<{ market: AlertMarket; lastPrice?: number }> {
    const unknown = () => new ApiError('UNKNOWN_MARKET', `no ${venue} market "${market}"`);
    switch (venue) {
      case 'practice': {
        const m = this.o.practice.market;
        if (market !== m.id) throw unknown();
        return { market: lpjMarket('practice', m), lastPrice: this.o.practice.engine.lastPrice(m.id) ?? undefined };
      }
      case 'live': {
        if (market !== LIVE_MARKET) throw unknown();
        // The live market's units once read from the server; LPJ's own (the practice market's) before that.
        const { market: settings, lastPrice } = this.o.live().quote();
        return { market: lpjMarket('live', settings ?? this.o.practice.market), lastPrice };
      }
      case 'paper':
        return { market: this.o.realMarkets().alertMarket(market) };
    }
  }
}
