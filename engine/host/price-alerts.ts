/**
 * My price alerts, kept in app.db and checked against the prices the host already receives (the practice
 * market's trades, the feeds of subscribed real-coin markets, the live LPJ market's updates).
 *
 * Rules:
 * - An alert fires once: the first price that reaches it (see ../core/alerts/price-alert) marks it fired, with
 *   that price and time, in the same write that tells anyone; a fired alert is never checked again and stays
 *   listed, as fired, across restarts (the newest ALERTS_FIRED_KEPT of them).
 * - The market is resolved by the host when the alert is set (an unknown one is refused with UNKNOWN_MARKET)
 *   and its units are stored with the alert; a move is measured from the market's last price then (NO_PRICE
 *   when none is known yet).
 * - At most ALERTS_ACTIVE_MAX wait at once (ALERT_LIMIT): each price is checked against the waiting alerts of
 *   its market only, held in memory by market, so a price costs nothing when no alert waits on its market.
 * - A stored row that no longer reads as an alert is skipped, never thrown on.
 * - Each alert has an id across devices (uid). Setting, firing and deleting one is told to cloud sync
 *   (`syncTo`) in the same transaction as the write; an alert another device set, fired or deleted arrives
 *   through `applyRemote`. Each device checks prices itself, so an alert may fire on either.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../node/db/database';
import { alertReached } from '../core/alerts/price-alert';
import {
  ALERTS_ACTIVE_MAX,
  ALERTS_FIRED_KEPT,
  AlertCondition,
  AlertMarket,
  type AlertVenue,
  type NewPriceAlert,
  type PriceAlert,
} from '../protocol/alerts';
import { ApiError } from '../protocol/errors';
import type { CloudAlert } from '../protocol/cloud';

export interface PriceAlertsOptions {
  db: Db;
  /** The market as the venue knows it, with its last price if one is known; throws ApiError UNKNOWN_MARKET. */
  resolve: (venue: AlertVenue, market: string) => Promise<{ market: AlertMarket; lastPrice?: number }>;
  /** An alert fired (already stored as fired). */
  onFired: (alert: PriceAlert) => void;
  /** The list changed: set, fired or deleted. */
  onChanged: (items: PriceAlert[]) => void;
  now?: () => number;
}

interface Row {
  id: number;
  uid: string | null;
  market: string;
  condition: string;
  base_price: number;
  created_at: number;
  fired_at: number | null;
  fired_price: number | null;
}

const key = (venue: string, market: string) => `${venue}:${market}`;

export class PriceAlerts {
  /** Waiting alerts by venue:market. */
  private readonly waiting = new Map<string, PriceAlert[]>();
  /** The last price seen of each market, for a move set before the venue is asked. */
  private readonly lastSeen = new Map<string, number>();
  private readonly now: () => number;
  private recorder: ((uid: string, value: CloudAlert | null) => void) | undefined;

  constructor(private readonly o: PriceAlertsOptions) {
    this.now = o.now ?? Date.now;
    for (const a of this.read('WHERE fired_at IS NULL')) this.wait(a);
  }

  /** Waiting alerts first, then fired ones, newest first in each. */
  list(): PriceAlert[] {
    return [
      ...this.read('WHERE fired_at IS NULL ORDER BY id DESC'),
      ...this.read(`WHERE fired_at IS NOT NULL ORDER BY fired_at DESC, id DESC LIMIT ${ALERTS_FIRED_KEPT}`),
    ];
  }

  async create(req: NewPriceAlert): Promise<PriceAlert> {
    if (this.waitingCount() >= ALERTS_ACTIVE_MAX)
      throw new ApiError('ALERT_LIMIT', `at most ${ALERTS_ACTIVE_MAX} alerts can wait at once: delete one first`);
    const { market, lastPrice } = await this.o.resolve(req.venue, req.market);
    const seen = lastPrice && lastPrice > 0 ? lastPrice : this.lastSeen.get(key(req.venue, market.id));
    if (req.condition.kind === 'move' && !seen)
      throw new ApiError('NO_PRICE', `${market.id} has no price yet to measure a move from`);
    // Checked again after the wait for the venue: two requests must not both pass the bound.
    if (this.waitingCount() >= ALERTS_ACTIVE_MAX)
      throw new ApiError('ALERT_LIMIT', `at most ${ALERTS_ACTIVE_MAX} alerts can wait at once: delete one first`);
    const createdAt = this.now();
    const basePrice = seen ?? 0;
    const uid = randomUUID();
    const alert = this.o.db.transaction((): PriceAlert => {
      const { lastInsertRowid } = this.o.db
        .prepare('INSERT INTO price_alerts (uid, market, condition, base_price, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(uid, JSON.stringify(market), JSON.stringify(req.condition), basePrice, createdAt);
      const a: PriceAlert = {
        id: Number(lastInsertRowid),
        market,
        condition: req.condition,
        basePrice,
        createdAt,
        firedAt: null,
        firedPrice: null,
      };
      this.recorder?.(uid, synced(a));
      return a;
    })();
    this.wait(alert);
    this.o.onChanged(this.list());
    return alert;
  }

  delete(id: number): boolean {
    const changes = this.o.db.transaction(() => {
      const uid = this.o.db.prepare('SELECT uid FROM price_alerts WHERE id = ?').pluck().get(id) as
        string | null | undefined;
      const gone = this.o.db.prepare('DELETE FROM price_alerts WHERE id = ?').run(id).changes;
      if (gone > 0 && uid) this.recorder?.(uid, null);
      return gone;
    })();
    this.unwait(id);
    if (changes > 0) this.o.onChanged(this.list());
    return changes > 0;
  }

  /** Tells `recorder` of every alert set, fired or deleted here, inside the write's transaction. */
  syncTo(recorder: (uid: string, value: CloudAlert | null) => void): void {
    this.recorder = recorder;
  }

  /** An alert another device set, fired or deleted (null): stored here as it is there. */
  applyRemote(uid: string, value: CloudAlert | null): void {
    const id = this.o.db.prepare('SELECT id FROM price_alerts WHERE uid = ?').pluck().get(uid) as number | undefined;
    if (value === null) {
      if (id === undefined) return;
      this.o.db.prepare('DELETE FROM price_alerts WHERE id = ?').run(id);
      this.unwait(id);
    } else {
      const row = [
        JSON.stringify(value.market),
        JSON.stringify(value.condition),
        value.basePrice,
        value.createdAt,
        value.firedAt,
        value.firedPrice,
      ];
      let localId = id;
      if (id === undefined)
        localId = Number(
          this.o.db
            .prepare(
              'INSERT INTO price_alerts (uid, market, condition, base_price, created_at, fired_at, fired_price) VALUES (?, ?, ?, ?, ?, ?, ?)',
            )
            .run(uid, ...row).lastInsertRowid,
        );
      else
        this.o.db
          .prepare(
            'UPDATE price_alerts SET market = ?, condition = ?, base_price = ?, created_at = ?, fired_at = ?, fired_price = ? WHERE id = ?',
          )
          .run(...row, id);
      this.unwait(localId!);
      if (value.firedAt === null) this.wait({ id: localId!, ...value });
    }
    this.o.onChanged(this.list());
  }

  private unwait(id: number): void {
    for (const [k, list] of this.waiting) {
      const kept = list.filter((a) => a.id !== id);
      if (kept.length === 0) this.waiting.delete(k);
      else if (kept.length !== list.length) this.waiting.set(k, kept);
    }
  }

  /** A price of a market: fires every waiting alert of that market it reaches. */
  observe(venue: AlertVenue, market: string, price: number): void {
    if (!Number.isSafeInteger(price) || price <= 0) return;
    const k = key(venue, market);
    this.lastSeen.set(k, price);
    const list = this.waiting.get(k);
    if (!list) return;
    const reached = list.filter((a) => alertReached(a.condition, a.basePrice, price));
    if (reached.length === 0) return;
    const firedAt = this.now();
    const mark = this.o.db.prepare('UPDATE price_alerts SET fired_at = ?, fired_price = ? WHERE id = ?');
    const uidOf = this.o.db.prepare('SELECT uid FROM price_alerts WHERE id = ?').pluck();
    this.o.db.transaction(() => {
      for (const a of reached) {
        mark.run(firedAt, price, a.id);
        const uid = uidOf.get(a.id) as string | null | undefined;
        if (uid) this.recorder?.(uid, synced({ ...a, firedAt, firedPrice: price }));
      }
      // Only the newest fired alerts are kept: the list is what the user reads.
      this.o.db
        .prepare(
          `DELETE FROM price_alerts WHERE fired_at IS NOT NULL AND id NOT IN
             (SELECT id FROM price_alerts WHERE fired_at IS NOT NULL ORDER BY fired_at DESC, id DESC LIMIT ?)`,
        )
        .run(ALERTS_FIRED_KEPT);
    })();
    const left = list.filter((a) => !reached.includes(a));
    if (left.length === 0) this.waiting.delete(k);
    else this.waiting.set(k, left);
    for (const a of reached) this.o.onFired({ ...a, firedAt, firedPrice: price });
    this.o.onChanged(this.list());
  }

  private waitingCount(): number {
    let n = 0;
    for (const list of this.waiting.values()) n += list.length;
    return n;
  }

  private wait(a: PriceAlert): void {
    const k = key(a.market.venue, a.market.id);
    this.waiting.set(k, [...(this.waiting.get(k) ?? []), a]);
  }

  private read(clause: string): PriceAlert[] {
    const rows = this.o.db.prepare(`SELECT * FROM price_alerts ${clause}`).all() as Row[];
    return rows.flatMap((r) => {
      try {
        const market = AlertMarket.safeParse(JSON.parse(r.market));
        const condition = AlertCondition.safeParse(JSON.parse(r.condition));
        if (!market.success || !condition.success) return [];
        return [
          {
            id: r.id,
            market: market.data,
            condition: condition.data,
            basePrice: r.base_price,
            createdAt: r.created_at,
            firedAt: r.fired_at,
            firedPrice: r.fired_price,
          },
        ];
      } catch {
        return [];
      }
    });
  }
}

/** An alert as cloud sync carries it: everything but the local row id. */
function synced(a: PriceAlert): CloudAlert {
  return {
    market: a.market,
    condition: a.condition,
    basePrice: a.basePrice,
    createdAt: a.createdAt,
    firedAt: a.firedAt,
    firedPrice: a.firedPrice,
  };
}
