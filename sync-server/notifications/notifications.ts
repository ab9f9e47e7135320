/**
 * Notifications per account: stored (so a client that reconnects with Last-Event-ID misses nothing) and pushed
 * live to the account's open Server-Sent-Events streams. Fills notify both sides; copy trading and ranking
 * add their own kinds through `add`.
 */
import type { Db } from '../../engine/db/database';
import type { Notification } from '../../engine/protocol/sync';
import type { Exchange } from '../trading/exchange';

type Listener = (n: Notification) => void;

interface Row {
  id: number;
  ts: number;
  kind: string;
  title: string;
  body: string;
  data: string | null;
}

const toNotification = (r: Row): Notification => ({ id: r.id, ts: r.ts, kind: r.kind, title: r.title, body: r.body, data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : undefined });

export class Notifications {
  private readonly listeners = new Map<number, Set<Listener>>();
  private readonly insert;
  private readonly selectSince;

  constructor(
    private readonly db: Db,
    exchange: Exchange,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare('INSERT INTO notifications (account_id, ts, kind, title, body, data) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectSince = db.prepare('SELECT id, ts, kind, title, body, data FROM notifications WHERE account_id = ? AND id > ? ORDER BY id LIMIT ?');
    exchange.onCommit((_events, changes) => {
      if (changes.fills.length === 0) return;
      const decimals = new Map(exchange.markets.map((m) => [m.id, m]));
      db.transaction(() => {
        for (const { account, fill } of changes.fills) {
          const m = decimals.get(fill.market);
          const qty = m ? formatUnits(fill.quantity, m.baseDecimals) : String(fill.quantity);
          this.add(account, 'fill', `${fill.side === 'buy' ? 'Bought' : 'Sold'} ${qty} ${m?.base ?? ''}`.trim(), `${fill.market} at ${fill.price} ${m?.quote ?? ''}`.trim(), {
            market: fill.market, orderId: fill.orderId, tradeId: fill.tradeId, side: fill.side, price: fill.price, quantity: fill.quantity,
          });
        }
      })();
    });
  }

  add(accountId: number, kind: string, title: string, body: string, data?: Record<string, unknown>): Notification {
    const ts = this.now();
    const { lastInsertRowid } = this.insert.run(accountId, ts, kind, title, body, data ? JSON.stringify(data) : null);
    const n: Notification = { id: Number(lastInsertRowid), ts, kind, title, body, data };
    for (const l of this.listeners.get(accountId) ?? []) l(n);
    return n;
  }

  since(accountId: number, afterId: number, limit = 500): Notification[] {
    return (this.selectSince.all(accountId, afterId, limit) as Row[]).map(toNotification);
  }

  listen(accountId: number, listener: Listener): () => void {
    let set = this.listeners.get(accountId);
    if (!set) this.listeners.set(accountId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
}

/** Minimal units as a decimal string (for notification text only; never parsed back). */
function formatUnits(units: number, decimals: number): string {
  if (decimals === 0) return String(units);
  const s = String(units).padStart(decimals + 1, '0');
  const whole = s.slice(0, -decimals);
  const frac = s.slice(-decimals).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}
