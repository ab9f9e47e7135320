/**
 * The engine's whole state as a JSON- and MessagePack-safe value, and back: `restore(snapshot(e))` behaves
 * exactly like `e` from then on. Journals store these, so the format is versioned and every version ever
 * written stays readable; version 1 is the current one.
 *
 * Rules:
 * - Orders are listed in book order (best level first, oldest first within a level), so restoring them by
 *   appending keeps every queue position; stops in their trigger order.
 * - An account row carries its self-trade prevention mode beside its balances (the engine keeps the mode on
 *   the account's trading record, the ledger only balances); the fee account's mode is fixed and not read. An
 *   account that belongs to another (open_account's owner) has the owner's id as a fourth element; rows
 *   written before owners existed have none, and read as accounts of their own.
 * - Balances are restored in place and their order within an account kept, so a restored engine's snapshot
 *   equals the one it was made from.
 * - Trailing stops are listed apart (trailingBuy, trailingSell) in their trigger order, with their current
 *   trigger as stop price. An order with trailing, bracket or OCO terms has a 14th element, its `links`:
 *   [trailAmount, trailBps, ocoOrderId, parentOrderId, takeProfit, stopLoss, stopLossLimit] (0 = none). Both are
 *   written only when there is something in them, so snapshots without them read as before.
 * - Reading throws on a snapshot that does not describe a valid state (unknown version, market or account).
 */
import type { Market } from './market';
import type { Order } from './order';
import type { EngineState } from './state';
import { FEE_ACCOUNT, type MarketConfig, type OrderType, type Side, type StpMode, type TimeInForce } from './types';

type OrderRow = [
  id: number,
  account: number,
  side: Side,
  type: OrderType,
  timeInForce: TimeInForce,
  postOnly: boolean,
  price: number,
  stopPrice: number,
  quantity: number,
  remaining: number,
  held: number,
  clientOrderId: string | null,
  ts: number,
  links?: OrderLinks,
];

type OrderLinks = [
  trailAmount: number,
  trailBps: number,
  ocoOrderId: number,
  parentOrderId: number,
  takeProfit: number,
  stopLoss: number,
  stopLossLimit: number,
];

export interface EngineSnapshot {
  version: 1;
  markets: MarketConfig[];
  nextOrderId: number;
  nextTradeId: number;
  ledgerSeq: number;
  accounts: [id: number, stp: StpMode, balances: [asset: string, available: number, held: number][], owner?: number][];
  books: {
    market: string;
    seq: number;
    lastPrice: number;
    orders: OrderRow[];
    buyStops: OrderRow[];
    sellStops: OrderRow[];
    trailingBuy?: OrderRow[];
    trailingSell?: OrderRow[];
  }[];
  closed: [orderId: number, account: number][];
}

const row = (o: Order): OrderRow => {
  const r: OrderRow = [
    o.id,
    o.account,
    o.side,
    o.type,
    o.timeInForce,
    o.postOnly,
    o.price,
    o.stopPrice,
    o.quantity,
    o.remaining,
    o.held,
    o.clientOrderId ?? null,
    o.ts,
  ];
  if (o.type === 'trailing_stop' || o.oco !== null || o.exits !== null || o.parent !== 0) {
    const x = o.exits;
    r.push([
      o.trailAmount,
      o.trailBps,
      o.oco?.id ?? 0,
      o.parent,
      x?.takeProfit ?? 0,
      x?.stopLoss ?? 0,
      x?.stopLossLimit ?? 0,
    ]);
  }
  return r;
};

export function writeSnapshot(s: EngineState): EngineSnapshot {
  const markets = [...s.markets.values()];
  const trailing = (m: Market) =>
    m.trailing.buy.length + m.trailing.sell.length === 0
      ? {}
      : { trailingBuy: m.trailing.buy.map(row), trailingSell: m.trailing.sell.map(row) };
  return {
    version: 1,
    markets: markets.map((m) => ({ ...m.config })),
    nextOrderId: s.orders.nextOrderId,
    nextTradeId: s.matcher.nextTradeId,
    ledgerSeq: s.log.ledgerSeq,
    accounts: [...s.risk.ledger.accounts.values()].map((a) => {
      const t = s.traders.get(a.id)!;
      const balances = [...a.balances].map(([asset, b]): [string, number, number] => [asset, b.available, b.held]);
      return t.stpGroup === a.id ? [a.id, t.stp, balances] : [a.id, t.stp, balances, t.stpGroup];
    }),
    books: markets.map((m) => ({
      market: m.id,
      seq: m.seq,
      lastPrice: m.lastPrice,
      orders: [...m.bids.orders(), ...m.asks.orders()].map(row),
      buyStops: m.stops.buy.map(row),
      sellStops: m.stops.sell.map(row),
      ...trailing(m),
    })),
    closed: s.orders.closed(),
  };
}

/** The markets a snapshot was taken with; throws on a version this engine cannot read. */
export function snapshotMarkets(snap: EngineSnapshot): readonly MarketConfig[] {
  if (!snap || snap.version !== 1) throw new Error(`unsupported engine snapshot version ${String(snap?.version)}`);
  return snap.markets;
}

/** Fills a fresh state, made with `snapshotMarkets(snap)`, from the snapshot. */
export function readSnapshot(s: EngineState, snap: EngineSnapshot): void {
  s.orders.nextOrderId = snap.nextOrderId;
  s.matcher.nextTradeId = snap.nextTradeId;
  s.log.ledgerSeq = snap.ledgerSeq;
  const ledger = s.risk.ledger;
  for (const [id, stp, balances] of snap.accounts) {
    const account = id === FEE_ACCOUNT ? ledger.get(FEE_ACCOUNT)! : s.openAccount(id, stp).account;
    // Filled in place: the risk stage and orders hold references to these balance objects.
    for (const [asset, available, held] of balances) Object.assign(account.balance(asset), { available, held });
  }
  for (const [id, , , owner] of snap.accounts) {
    if (owner === undefined) continue;
    if (!s.traders.has(owner)) throw new Error(`snapshot account ${id} belongs to unknown account ${owner}`);
    s.traders.get(id)!.stpGroup = owner;
  }
  for (const b of snap.books) {
    const m = s.markets.get(b.market);
    if (!m) throw new Error(`snapshot book for unknown market ${b.market}`);
    m.seq = b.seq;
    m.lastPrice = b.lastPrice;
    for (const r of b.orders) {
      const o = readOrder(s, m, r);
      (o.side === 'buy' ? m.bids : m.asks).append(o);
    }
    for (const r of b.buyStops) m.stops.buy.push(readOrder(s, m, r));
    for (const r of b.sellStops) m.stops.sell.push(readOrder(s, m, r));
    for (const r of b.trailingBuy ?? []) m.trailing.buy.push(readOrder(s, m, r));
    for (const r of b.trailingSell ?? []) m.trailing.sell.push(readOrder(s, m, r));
    // Restoring is not a change: nothing to publish.
    m.changes.clear();
  }
  // OCO links, once every order exists.
  for (const b of snap.books)
    for (const r of [...b.orders, ...b.buyStops, ...b.sellStops]) {
      const partner = r[13]?.[2];
      if (partner === undefined || partner === 0) continue;
      const o = s.orders.index.get(r[0])!;
      const p = s.orders.index.get(partner);
      if (p === undefined) throw new Error(`snapshot order ${r[0]} is linked to unknown order ${partner}`);
      o.oco = p;
    }
  for (const [id, account] of snap.closed) s.orders.remember(id, account);
  ledger.recountSupplies();
}

function readOrder(s: EngineState, m: Market, r: OrderRow): Order {
  const [id, account, side, type, tif, postOnly, price, stopPrice, quantity, remaining, held, cid, ts, links] = r;
  const trader = s.traders.get(account);
  if (!trader) throw new Error(`snapshot order ${id} of unknown account ${account}`);
  if (s.orders.index.get(id) !== undefined) throw new Error(`snapshot order ${id} appears twice`);
  const o = s.orders.open(
    id,
    trader,
    m,
    side,
    type,
    tif,
    postOnly,
    price,
    stopPrice,
    quantity,
    remaining,
    0,
    cid ?? undefined,
    ts,
  );
  o.held = held;
  if (links !== undefined) {
    const [trailAmount, trailBps, , parent, takeProfit, stopLoss, stopLossLimit] = links;
    o.trailAmount = trailAmount;
    o.trailBps = trailBps;
    o.parent = parent;
    if (takeProfit !== 0 || stopLoss !== 0) o.exits = { takeProfit, stopLoss, stopLossLimit };
  }
  return o;
}
