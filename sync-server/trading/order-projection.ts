/**
 * The order and fill history read model: engine events folded into the `orders` and `fills` tables of
 * server.db. A committed batch's changes (for the owners' live sessions) are worked out in memory at once; the
 * rows follow through the write-behind queue. The table remembers how far each market stream has been applied,
 * so after a crash it catches up from the journal exactly, and it can be dropped and rebuilt from the journal.
 */
import type { Db } from '../../engine/node/db/database';
import type { EngineEvent } from '../../engine/core/matching/types';
import type { Fill, OrderView } from '../../engine/protocol/sync';
import type { WriteBehind } from '../db/write-behind';
import { orderLinks, type OrderLinkFields } from '../../engine/protocol/order-links';
import { ClientIdFilter } from './client-id-filter';

interface OrderRow {
  id: number;
  account_id: number;
  market: string;
  client_order_id: string | null;
  side: 'buy' | 'sell';
  type: OrderView['type'];
  time_in_force: OrderView['timeInForce'];
  price: number;
  stop_price: number;
  quantity: number;
  quote_amount: number;
  filled: number;
  status: OrderView['status'];
  reason: string | null;
  created_at: number;
  updated_at: number;
  /** JSON of OrderLinks, or null. */
  links: string | null;
}

function linksJson(view: OrderView): string | null {
  const links = orderLinks(view);
  return links === undefined ? null : JSON.stringify(links);
}

export function orderView(r: OrderRow): OrderView {
  return {
    orderId: r.id,
    market: r.market,
    clientOrderId: r.client_order_id ?? undefined,
    side: r.side,
    type: r.type,
    timeInForce: r.time_in_force,
    price: r.price,
    stopPrice: r.stop_price,
    quantity: r.quantity,
    quoteAmount: r.quote_amount,
    filled: r.filled,
    status: r.status,
    reason: r.reason ?? undefined,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.links !== null && (JSON.parse(r.links) as OrderLinkFields)),
  };
}

/** The two fills of a trade, the maker's and the taker's, each with its account. */
export function fillsOf(e: Extract<EngineEvent, { type: 'trade' }>): { account: number; fill: Fill }[] {
  const makerSide = e.takerSide === 'buy' ? 'sell' : 'buy';
  const legs: [number, number, 'buy' | 'sell', number, 'maker' | 'taker'][] = [
    [e.makerAccount, e.makerOrderId, makerSide, e.makerFee, 'maker'],
    [e.takerAccount, e.takerOrderId, e.takerSide, e.takerFee, 'taker'],
  ];
  return legs.map(([account, orderId, side, fee, liquidity]) => ({
    account,
    fill: {
      tradeId: e.tradeId,
      orderId,
      market: e.market,
      side,
      price: e.price,
      quantity: e.quantity,
      quoteAmount: e.quoteAmount,
      fee,
      liquidity,
      ts: e.ts,
    },
  }));
}

export interface ProjectedChanges {
  /** Orders that changed, in their final state after the batch. */
  orders: { account: number; order: OrderView }[];
  fills: { account: number; fill: Fill }[];
  /** Accounts whose balances may have changed. */
  accounts: Set<number>;
}

/** An order of the live map and the account it belongs to. */
interface LiveOrder {
  account: number;
  view: OrderView;
}

const CLOSED: ReadonlySet<OrderView['status']> = new Set(['filled', 'cancelled', 'expired']);

export class OrderProjection {
  private readonly upsertOrder: number;
  private readonly insertFill: number;
  private readonly selectOrder;
  private readonly setCursor: number;
  private readonly selectByClientId;
  private readonly selectIdByClientId;
  /** Last applied sequence number per stream (the table follows at the next flush). */
  private readonly cursorCache: Map<string, number>;
  /**
   * Orders that are still open (or waiting for their stop), as the history will show them: a batch's changes
   * are worked out here, without reading back what was just written. Closed orders leave the map.
   */
  private readonly live = new Map<number, LiveOrder>();
  /** Every (account, client order id) the history holds or will hold once flushed: most new orders skip the table. */
  private readonly clientIds = new ClientIdFilter();
  /** account:clientOrderId of orders accepted since the last flush (not yet findable in the table). */
  private readonly unflushedClientIds = new Map<string, { orderId: number; batch: number }>();

  /**
   * @param onFill called for each leg of each fill as its rows are queued (the fill notification queued then
   * commits in the same batch as the fill).
   */
  constructor(
    private readonly db: Db,
    private readonly writes: WriteBehind,
    private readonly onFill?: (account: number, fill: Fill, ts: number) => void,
  ) {
    this.upsertOrder =
      writes.statement(`INSERT INTO orders (id, account_id, market, client_order_id, side, type, time_in_force, price, stop_price, quantity,
      quote_amount, filled, status, reason, created_at, updated_at, links) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET price = excluded.price, stop_price = excluded.stop_price, quantity = excluded.quantity,
      filled = excluded.filled, status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at`);
    this.insertFill =
      writes.statement(`INSERT OR IGNORE INTO fills (trade_id, account_id, order_id, market, side, price, quantity, quote_amount, fee, liquidity, ts)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.selectOrder = db.prepare('SELECT * FROM orders WHERE id = ?');
    this.setCursor = writes.statement(
      'INSERT INTO projection_cursor (stream, seq) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq',
    );
    this.selectByClientId = db.prepare('SELECT * FROM orders WHERE account_id = ? AND client_order_id = ?');
    // Asked for every new order (is it a resend?): the id alone, straight from the index.
    this.selectIdByClientId = db.prepare('SELECT id FROM orders WHERE account_id = ? AND client_order_id = ?').pluck();
    this.cursorCache = new Map(
      (db.prepare('SELECT stream, seq FROM projection_cursor').all() as { stream: string; seq: number }[]).map((r) => [
        r.stream,
        r.seq,
      ]),
    );
    for (const [account, clientOrderId] of db
      .prepare('SELECT account_id, client_order_id FROM orders WHERE client_order_id IS NOT NULL')
      .raw()
      .iterate() as Iterable<[number, string]>) {
      this.clientIds.add(account, clientOrderId);
    }
    writes.onFlushed((batch) => {
      for (const [key, entry] of this.unflushedClientIds) if (entry.batch <= batch) this.unflushedClientIds.delete(key);
    });
  }

  /** Writes the queued rows now (see WriteBehind). */
  flush(): void {
    this.writes.flush();
  }

  /** The last applied sequence number of each stream. */
  cursors(): Map<string, number> {
    return new Map(this.cursorCache);
  }

  /**
   * Applies a committed batch of events (events at or below a stream's cursor are skipped: already applied):
   * returns what changed at once and queues the rows for the next flush.
   */
  apply(events: EngineEvent[]): ProjectedChanges {
    const cursors = this.cursorCache;
    const changes: ProjectedChanges = { orders: [], fills: [], accounts: new Set() };
    const touched = new Set<LiveOrder>();
    const last = new Map<string, number>();
    for (const e of events) {
      if (e.seq <= (cursors.get(e.market) ?? 0)) continue;
      last.set(e.market, e.seq);
      switch (e.type) {
        case 'accepted': {
          const stop = e.orderType === 'stop_market' || e.orderType === 'stop_limit' || e.orderType === 'trailing_stop';
          const view: OrderView = {
            orderId: e.orderId,
            market: e.market,
            clientOrderId: e.clientOrderId,
            side: e.side,
            type: e.orderType,
            timeInForce: e.timeInForce,
            price: e.price ?? 0,
            stopPrice: e.stopPrice ?? 0,
            quantity: e.quantity ?? 0,
            quoteAmount: e.quoteAmount ?? 0,
            filled: 0,
            status: stop ? 'waiting' : 'open',
            reason: undefined,
            createdAt: e.ts,
            updatedAt: e.ts,
            ...orderLinks(e),
          };
          const order = { account: e.account, view };
          this.live.set(e.orderId, order);
          if (e.clientOrderId !== undefined) {
            this.clientIds.add(e.account, e.clientOrderId);
            this.unflushedClientIds.set(`${e.account}:${e.clientOrderId}`, {
              orderId: e.orderId,
              batch: this.writes.nextBatch,
            });
          }
          touched.add(order);
          changes.accounts.add(e.account);
          break;
        }
        case 'trade': {
          for (const { account, fill } of fillsOf(e)) {
            const order = this.liveOrder(fill.orderId);
            if (order) {
              order.view.filled += e.quantity;
              order.view.updatedAt = e.ts;
              touched.add(order);
            }
            changes.fills.push({ account, fill });
            changes.accounts.add(account);
          }
          break;
        }
        case 'filled':
          this.setStatus(e.orderId, 'filled', undefined, e.ts, touched);
          break;
        case 'cancelled':
        case 'expired':
          this.setStatus(e.orderId, e.type, e.reason, e.ts, touched);
          changes.accounts.add(e.account);
          break;
        case 'triggered':
          this.setStatus(e.orderId, 'open', undefined, e.ts, touched);
          break;
        case 'amended': {
          const order = this.liveOrder(e.orderId);
          if (order) {
            order.view.price = e.price;
            order.view.quantity = e.quantity;
            order.view.updatedAt = e.ts;
            touched.add(order);
          }
          changes.accounts.add(e.account);
          break;
        }
        case 'trigger_moved': {
          // A trailing stop's trigger follows the price: the history and the owner's sessions show it where it is.
          const order = this.liveOrder(e.orderId);
          if (order) {
            order.view.stopPrice = e.stopPrice;
            order.view.updatedAt = e.ts;
            touched.add(order);
          }
          break;
        }
        case 'deposited':
        case 'withdrawn':
          changes.accounts.add(e.account);
          break;
        case 'transferred':
          // A copy allocation, return or profit share: both sides' balances changed.
          changes.accounts.add(e.account);
          changes.accounts.add(e.to);
          break;
        default:
          break;
      }
    }
    for (const [stream, seq] of last) cursors.set(stream, seq);
    for (const { account, view } of touched) {
      changes.orders.push({ account, order: { ...view } });
      if (CLOSED.has(view.status)) this.live.delete(view.orderId);
    }
    if (last.size > 0) this.write(changes.orders, changes.fills, last);
    return changes;
  }

  /**
   * Queues the rows of what `apply` worked out. Each order changed in the batch is written once, in its final
   * state, however many events it had; and once per write-behind batch, which gathers many of these (a
   * resting order accepted and then filled before its row was posted is one insert, not an insert and an
   * update).
   */
  private write(orders: ProjectedChanges['orders'], fills: ProjectedChanges['fills'], last: Map<string, number>): void {
    for (const { account, order: o } of orders) {
      this.writes.runKeyed(this.upsertOrder, o.orderId, [
        o.orderId,
        account,
        o.market,
        o.clientOrderId ?? null,
        o.side,
        o.type,
        o.timeInForce,
        o.price,
        o.stopPrice,
        o.quantity,
        o.quoteAmount,
        o.filled,
        o.status,
        o.reason ?? null,
        o.createdAt,
        o.updatedAt,
        linksJson(o),
      ]);
    }
    for (const { account, fill: f } of fills) {
      this.writes.run(this.insertFill, [
        f.tradeId,
        account,
        f.orderId,
        f.market,
        f.side,
        f.price,
        f.quantity,
        f.quoteAmount,
        f.fee,
        f.liquidity,
        f.ts,
      ]);
      this.onFill?.(account, f, f.ts);
    }
    for (const [stream, seq] of last) this.writes.run(this.setCursor, [stream, seq]);
  }

  private setStatus(
    orderId: number,
    status: OrderView['status'],
    reason: string | undefined,
    ts: number,
    touched: Set<LiveOrder>,
  ): void {
    const order = this.liveOrder(orderId);
    if (!order) return;
    order.view.status = status;
    order.view.reason = reason;
    order.view.updatedAt = ts;
    touched.add(order);
  }

  /**
   * An open order's view; one accepted before this process started is read from the history once. Such a row
   * has nothing queued: every order this process applied events to is in the live map until it closes.
   */
  private liveOrder(orderId: number): LiveOrder | undefined {
    const known = this.live.get(orderId);
    if (known) return known;
    const row = this.selectOrder.get(orderId) as OrderRow | undefined;
    if (!row) return undefined;
    const order = { account: row.account_id, view: orderView(row) };
    this.live.set(orderId, order);
    return order;
  }

  order(accountId: number, orderId: number): OrderView | undefined {
    this.writes.flush();
    const row = this.selectOrder.get(orderId) as OrderRow | undefined;
    return row && row.account_id === accountId ? orderView(row) : undefined;
  }

  /** The id of my order with this client order id, if the history has one. */
  orderIdByClientId(accountId: number, clientOrderId: string): number | undefined {
    // Asked for every new order, which almost never is a resend: the filter (which holds the queued pairs too)
    // answers those first. What the queue holds is looked up in memory, so this never forces a flush.
    if (!this.clientIds.mightHave(accountId, clientOrderId)) return undefined;
    const queued = this.unflushedClientIds.get(`${accountId}:${clientOrderId}`);
    if (queued !== undefined) return queued.orderId;
    return this.selectIdByClientId.get(accountId, clientOrderId) as number | undefined;
  }

  byClientOrderId(accountId: number, clientOrderId: string): OrderView | undefined {
    this.writes.flush();
    const row = this.selectByClientId.get(accountId, clientOrderId) as OrderRow | undefined;
    return row ? orderView(row) : undefined;
  }

  /** Newest first; `before` is the order id to page back from. */
  orders(
    accountId: number,
    opts: { market?: string; status?: 'open' | 'closed'; before?: number; limit: number },
  ): OrderView[] {
    const where = ['account_id = ?'];
    const args: (string | number)[] = [accountId];
    if (opts.market) {
      where.push('market = ?');
      args.push(opts.market);
    }
    if (opts.status === 'open') where.push("status IN ('open', 'waiting')");
    if (opts.status === 'closed') where.push("status NOT IN ('open', 'waiting')");
    if (opts.before !== undefined) {
      where.push('id < ?');
      args.push(opts.before);
    }
    this.writes.flush();
    const rows = this.db
      .prepare(`SELECT * FROM orders WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`)
      .all(...args, opts.limit) as OrderRow[];
    return rows.map(orderView);
  }

  /** Newest first; `before` is the trade id to page back from. */
  fills(accountId: number, opts: { market?: string; before?: number; limit: number }): Fill[] {
    const where = ['account_id = ?'];
    const args: (string | number)[] = [accountId];
    if (opts.market) {
      where.push('market = ?');
      args.push(opts.market);
    }
    if (opts.before !== undefined) {
      where.push('trade_id < ?');
      args.push(opts.before);
    }
    this.writes.flush();
    const rows = this.db
      .prepare(`SELECT * FROM fills WHERE ${where.join(' AND ')} ORDER BY trade_id DESC LIMIT ?`)
      .all(...args, opts.limit) as {
      trade_id: number;
      order_id: number;
      market: string;
      side: 'buy' | 'sell';
      price: number;
      quantity: number;
      quote_amount: number;
      fee: number;
      liquidity: 'maker' | 'taker';
      ts: number;
    }[];
    return rows.map((r) => ({
      tradeId: r.trade_id,
      orderId: r.order_id,
      market: r.market,
      side: r.side,
      price: r.price,
      quantity: r.quantity,
      quoteAmount: r.quote_amount,
      fee: r.fee,
      liquidity: r.liquidity,
      ts: r.ts,
    }));
  }
}
