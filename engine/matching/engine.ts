/**
 * The matching engine: price-time priority books for every market, stop orders, and the ledger that funds
 * them. A deterministic state machine — `apply(command)` returns the events it produced and nothing else
 * changes state — so the journal (../store/durable-engine) can make it durable by logging commands, and a
 * replay of the same commands yields the same events.
 *
 * Every input is checked before anything changes: a refused command produces exactly one `rejected` event
 * and leaves books and balances as they were. That includes the arithmetic: every amount a command implies
 * (notional, notional + fee, a band price, an asset's supply) is computed with the saturating helpers of
 * ./money and checked with `inRange` before it is used, and a command that would leave the safe-integer range
 * is refused AMOUNT_OUT_OF_RANGE. Once every hold is in range, so is every fill (a fill never costs more than
 * the buy side holds) and every balance (none exceeds its asset's supply, which the ledger bounds).
 */
import { Account, Ledger } from './ledger';
import { ceilToTick, affordableQuantity, fee, floorToTick, inRange, mulDiv, notional, BPS } from './money';
import { BookSide, Level, Order } from './order-book';
import { OrderIndex } from './order-index';
import { validateMarketConfig } from './market-config';
import {
  FEE_ACCOUNT,
  LEDGER_STREAM,
  type AccountId,
  type Balance,
  type CancelReason,
  type Command,
  type EngineEvent,
  type ExpireReason,
  type MarketConfig,
  type OrderId,
  type OrderType,
  type PlaceCommand,
  type RejectReason,
  type Side,
  type StpMode,
  type TimeInForce,
} from './types';

/** Closed orders remembered so a late cancel or amend says ORDER_CLOSED rather than UNKNOWN_ORDER. */
const CLOSED_MEMORY = 65_536;
const MAX_CLIENT_ORDER_ID = 64;
const STP_MODES: readonly StpMode[] = ['cancel_resting', 'cancel_incoming', 'cancel_both'];

class Market {
  readonly unit: number;
  /** Highest fee rate either side can pay: what a buy order's hold must cover. */
  readonly maxFeeBps: number;
  readonly changed: Level[] = [];
  readonly bids: BookSide;
  readonly asks: BookSide;
  /** Buy stops sorted by trigger price descending (ties: newest first): the next to trigger is last. */
  readonly buyStops: Order[] = [];
  /** Sell stops sorted by trigger price ascending (ties: newest first): the next to trigger is last. */
  readonly sellStops: Order[] = [];
  seq = 0;
  lastPrice = 0;
  /** Already listed among the markets the current command changed. */
  touched = false;
  constructor(
    readonly config: MarketConfig,
    /** The fee account's balance in this market's quote asset. */
    readonly feeQuote: Balance,
  ) {
    this.unit = 10 ** config.baseDecimals;
    this.maxFeeBps = Math.max(0, config.makerFeeBps, config.takerFeeBps);
    this.bids = new BookSide('buy', this.changed);
    this.asks = new BookSide('sell', this.changed);
  }
}

/** What ended a taker's walk through the book. */
const enum Stop {
  Filled,
  Empty, // the opposite side ran out
  Limit, // the next level is beyond the limit (or the price band)
  Budget, // a buy by quote amount cannot afford another lot
  SelfTrade, // self-trade prevention cancelled the incoming order
}

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
];

/** The whole state, JSON- and MessagePack-safe; `MatchingEngine.restore(snapshot())` is an identical engine. */
export interface EngineSnapshot {
  version: 1;
  markets: MarketConfig[];
  nextOrderId: number;
  nextTradeId: number;
  ledgerSeq: number;
  accounts: [id: number, stp: StpMode, balances: [asset: string, available: number, held: number][]][];
  books: { market: string; seq: number; lastPrice: number; orders: OrderRow[]; buyStops: OrderRow[]; sellStops: OrderRow[] }[];
  closed: [orderId: number, account: number][];
}

/**
 * An account's live orders as an intrusive doubly-linked list through the orders themselves (no hashing on
 * the hot path), and its client order ids.
 */
class AccountOrders {
  head: Order | null = null;
  readonly byClientId = new Map<string, Order>();

  add(o: Order): void {
    o.ownerPrev = null;
    o.ownerNext = this.head;
    if (this.head) this.head.ownerPrev = o;
    this.head = o;
  }

  delete(o: Order): void {
    if (o.ownerPrev) o.ownerPrev.ownerNext = o.ownerNext;
    else this.head = o.ownerNext;
    if (o.ownerNext) o.ownerNext.ownerPrev = o.ownerPrev;
    o.ownerPrev = o.ownerNext = null;
  }

  list(): Order[] {
    const out: Order[] = [];
    for (let o = this.head; o; o = o.ownerNext) out.push(o);
    return out;
  }
}

export interface DepthView {
  market: string;
  seq: number;
  bids: [price: number, quantity: number][];
  asks: [price: number, quantity: number][];
}

export interface OpenOrderView {
  id: OrderId;
  market: string;
  side: Side;
  type: OrderType;
  timeInForce: TimeInForce;
  price: number;
  stopPrice: number;
  quantity: number;
  remaining: number;
  held: number;
  clientOrderId?: string;
  ts: number;
  triggered: boolean;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

export class MatchingEngine {
  readonly ledger = new Ledger();
  private readonly markets = new Map<string, Market>();
  private readonly assets = new Set<string>();
  private readonly orders = new OrderIndex();
  private readonly accountOrders = new Map<AccountId, AccountOrders>();
  /**
   * Recently closed orders, so a late cancel or amend can say ORDER_CLOSED: slot id % CLOSED_MEMORY holds the
   * id and its account. A ring indexed by id needs no hashing and no eviction scan (order ids only grow).
   */
  private readonly closedIds = new Float64Array(CLOSED_MEMORY);
  private readonly closedAccounts = new Float64Array(CLOSED_MEMORY);
  private nextOrderId = 1;
  private nextTradeId = 1;
  private ledgerSeq = 0;
  /** Events of the command being applied, and its clock. */
  private out: EngineEvent[] = [];
  private ts = 0;
  private readonly touched: Market[] = [];

  constructor(markets: readonly MarketConfig[]) {
    for (const config of markets) {
      validateMarketConfig(config);
      if (this.markets.has(config.id)) throw new Error(`market ${config.id} is configured twice`);
      this.markets.set(config.id, new Market({ ...config }, this.ledger.get(FEE_ACCOUNT)!.balance(config.quote)));
      this.assets.add(config.base).add(config.quote);
    }
    this.accountOrders.set(FEE_ACCOUNT, new AccountOrders());
  }

  // ---------------------------------------------------------------- reads

  get marketIds(): string[] {
    return [...this.markets.keys()];
  }

  marketConfig(id: string): MarketConfig | undefined {
    const m = this.markets.get(id);
    return m ? { ...m.config } : undefined;
  }

  /** The best `levels` price levels per side and the sequence number they are consistent with. */
  depth(market: string, levels = 50): DepthView | undefined {
    const m = this.markets.get(market);
    if (!m) return undefined;
    return { market, seq: m.seq, bids: m.bids.depth(levels), asks: m.asks.depth(levels) };
  }

  lastPrice(market: string): number | undefined {
    const m = this.markets.get(market);
    return m && m.lastPrice > 0 ? m.lastPrice : undefined;
  }

  /** The sequence number of the last event on a stream (a market id or LEDGER_STREAM). */
  lastSeq(stream: string): number {
    if (stream === LEDGER_STREAM) return this.ledgerSeq;
    return this.markets.get(stream)?.seq ?? 0;
  }

  balance(account: AccountId, asset: string): Balance {
    const b = this.ledger.get(account)?.balances.get(asset);
    return b ? { available: b.available, held: b.held } : { available: 0, held: 0 };
  }

  balances(account: AccountId): Record<string, Balance> {
    const out: Record<string, Balance> = {};
    for (const [asset, b] of this.ledger.get(account)?.balances ?? []) out[asset] = { available: b.available, held: b.held };
    return out;
  }

  hasAccount(account: AccountId): boolean {
    return this.ledger.get(account) !== undefined;
  }

  /** The account's live orders (resting or waiting stops), oldest first. */
  openOrders(account: AccountId, market?: string): OpenOrderView[] {
    return (this.accountOrders.get(account)?.list() ?? [])
      .filter((o) => market === undefined || o.market === market)
      .sort((a, b) => a.id - b.id)
      .map((o) => ({
        id: o.id,
        market: o.market,
        side: o.side,
        type: o.type,
        timeInForce: o.timeInForce,
        price: o.price,
        stopPrice: o.stopPrice,
        quantity: o.quantity,
        remaining: o.remaining,
        held: o.held,
        clientOrderId: o.clientOrderId,
        ts: o.ts,
        triggered: o.level !== null,
      }));
  }

  /** The live order with this client order id, if any (how a resend after a reconnect finds its order). */
  orderByClientId(account: AccountId, clientOrderId: string): OpenOrderView | undefined {
    const o = this.accountOrders.get(account)?.byClientId.get(clientOrderId);
    return o ? this.openOrders(account, o.market).find((v) => v.id === o.id) : undefined;
  }

  /**
   * Checks the engine's invariants and returns what is wrong (empty when all hold): no crossed book at rest,
   * level totals equal to their orders, every order's hold accounted in its owner's held balance, no negative
   * balance. Cheap enough to run after a restore; tests run it after every scenario.
   */
  audit(): string[] {
    const problems: string[] = [];
    const held = new Map<string, number>();
    const addHeld = (account: number, asset: string, amount: number) => held.set(`${account}/${asset}`, (held.get(`${account}/${asset}`) ?? 0) + amount);
    for (const m of this.markets.values()) {
      const bid = m.bids.best();
      const ask = m.asks.best();
      if (bid && ask && bid.price >= ask.price) problems.push(`${m.config.id}: crossed book at rest (bid ${bid.price} >= ask ${ask.price})`);
      for (const side of [m.bids, m.asks]) {
        const sums = new Map<number, number>();
        for (const o of side.orders()) {
          if (o.remaining <= 0) problems.push(`${m.config.id}: order ${o.id} rests with remaining ${o.remaining}`);
          sums.set(o.price, (sums.get(o.price) ?? 0) + o.remaining);
          if (this.orders.get(o.id) !== o) problems.push(`${m.config.id}: resting order ${o.id} is not in the order map`);
        }
        for (const [price, sum] of sums) {
          const level = side.level(price);
          if (!level || level.total !== sum) problems.push(`${m.config.id}: ${side.side} level ${price} total ${level?.total} != ${sum}`);
        }
      }
    }
    for (const o of this.orders.values()) {
      const c = this.markets.get(o.market)!.config;
      addHeld(o.account, o.side === 'buy' ? c.quote : c.base, o.held);
    }
    for (const account of this.ledger.accounts.values()) {
      for (const [asset, b] of account.balances) {
        if (b.available < 0 || b.held < 0) problems.push(`account ${account.id} ${asset}: negative balance ${b.available}/${b.held}`);
        const expected = held.get(`${account.id}/${asset}`) ?? 0;
        if (b.held !== expected) problems.push(`account ${account.id} ${asset}: held ${b.held} but its orders hold ${expected}`);
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------- snapshot

  snapshot(): EngineSnapshot {
    const row = (o: Order): OrderRow => [o.id, o.account, o.side, o.type, o.timeInForce, o.postOnly, o.price, o.stopPrice, o.quantity, o.remaining, o.held, o.clientOrderId ?? null, o.ts];
    return {
      version: 1,
      markets: [...this.markets.values()].map((m) => ({ ...m.config })),
      nextOrderId: this.nextOrderId,
      nextTradeId: this.nextTradeId,
      ledgerSeq: this.ledgerSeq,
      accounts: [...this.ledger.accounts.values()].map((a) => [a.id, a.stp, [...a.balances].map(([asset, b]) => [asset, b.available, b.held])]),
      books: [...this.markets.values()].map((m) => ({
        market: m.config.id,
        seq: m.seq,
        lastPrice: m.lastPrice,
        orders: [...m.bids.orders(), ...m.asks.orders()].map(row),
        buyStops: m.buyStops.map(row),
        sellStops: m.sellStops.map(row),
      })),
      closed: this.closedOrders(),
    };
  }

  /** Rebuilds an engine from `snapshot()` output; throws on a snapshot that does not describe a valid state. */
  static restore(s: EngineSnapshot): MatchingEngine {
    if (!s || s.version !== 1) throw new Error(`unsupported engine snapshot version ${String(s?.version)}`);
    const e = new MatchingEngine(s.markets);
    e.nextOrderId = s.nextOrderId;
    e.nextTradeId = s.nextTradeId;
    e.ledgerSeq = s.ledgerSeq;
    for (const [id, stp, balances] of s.accounts) {
      const account = id === FEE_ACCOUNT ? e.ledger.get(FEE_ACCOUNT)! : e.ledger.open(id, stp);
      if (id !== FEE_ACCOUNT) e.accountOrders.set(id, new AccountOrders());
      // Filled in place: markets and orders hold references to these balance objects.
      for (const [asset, available, held] of balances) Object.assign(account.balance(asset), { available, held });
    }
    for (const b of s.books) {
      const m = e.markets.get(b.market);
      if (!m) throw new Error(`snapshot book for unknown market ${b.market}`);
      m.seq = b.seq;
      m.lastPrice = b.lastPrice;
      const order = (r: OrderRow) => {
        const [id, account, side, type, tif, postOnly, price, stopPrice, quantity, remaining, held, cid, ts] = r;
        if (!e.accountOrders.has(account)) throw new Error(`snapshot order ${id} of unknown account ${account}`);
        const o = new Order(id, account, b.market, side, type, tif, postOnly, price, stopPrice, quantity, remaining, held, cid ?? undefined, ts);
        e.register(o, e.ledger.get(account)!, m.config);
        return o;
      };
      for (const r of b.orders) {
        const o = order(r);
        (o.side === 'buy' ? m.bids : m.asks).append(o);
      }
      for (const r of b.buyStops) m.buyStops.push(order(r));
      for (const r of b.sellStops) m.sellStops.push(order(r));
      // Restoring is not a change: nothing to publish.
      for (const level of m.changed) level.totalBefore = -1;
      m.changed.length = 0;
    }
    for (const [id, account] of s.closed) e.rememberClosed(id, account);
    e.ledger.recountSupplies();
    return e;
  }

  // ---------------------------------------------------------------- commands

  /** Applies one command and returns the events it produced, in order. Never throws on bad input. */
  apply(cmd: Command): EngineEvent[] {
    const out: EngineEvent[] = [];
    this.out = out;
    const raw = cmd as unknown as Record<string, unknown> | null;
    this.ts = raw !== null && typeof raw === 'object' && Number.isSafeInteger(raw.ts) ? (raw.ts as number) : 0;
    if (raw === null || typeof raw !== 'object') {
      this.rejectLedger(0, 'INVALID_COMMAND', 'unknown');
      return out;
    }
    switch (cmd.type) {
      case 'place':
        this.place(cmd);
        break;
      case 'cancel':
        this.cancel(cmd.market, cmd.account, cmd.orderId);
        break;
      case 'cancel_all':
        this.cancelAll(cmd.account, cmd.market);
        break;
      case 'amend':
        this.amend(cmd.market, cmd.account, cmd.orderId, cmd.quantity, cmd.price);
        break;
      case 'open_account':
        this.openAccount(cmd.account, cmd.stp);
        break;
      case 'set_stp':
        this.setStp(cmd.account, cmd.stp);
        break;
      case 'transfer':
        this.move(cmd.from, cmd.to, cmd.asset, cmd.amount, cmd.reference);
        break;
      case 'deposit':
      case 'withdraw':
        this.transfer(cmd.type, cmd.account, cmd.asset, cmd.amount);
        break;
      default:
        this.rejectLedger(typeof raw.account === 'number' ? raw.account : 0, 'INVALID_COMMAND', String(raw.type));
    }
    this.flushBooks();
    return out;
  }

  private place(cmd: PlaceCommand): void {
    const m = this.markets.get(cmd.market);
    if (!m) return this.rejectLedger(cmd.account, 'UNKNOWN_MARKET', 'place', cmd.clientOrderId);
    const refused = this.placeIn(m, cmd);
    if (refused !== null) this.reject(m, cmd.account, refused, 'place', cmd.clientOrderId);
  }

  /** Checks and places the order; returns why it was refused (and then nothing has changed), or null. */
  private placeIn(m: Market, cmd: PlaceCommand): RejectReason | null {
    const cid = cmd.clientOrderId;
    const account = this.ledger.get(cmd.account);
    if (!account || cmd.account === FEE_ACCOUNT) return 'UNKNOWN_ACCOUNT';
    const { side, orderType } = cmd;
    if (side !== 'buy' && side !== 'sell') return 'INVALID_ORDER';
    if (cid !== undefined && (typeof cid !== 'string' || cid.length === 0 || cid.length > MAX_CLIENT_ORDER_ID)) return 'INVALID_ORDER';
    const c = m.config;
    const isStop = orderType === 'stop_market' || orderType === 'stop_limit';
    const hasLimit = orderType === 'limit' || orderType === 'stop_limit';
    if (!hasLimit && orderType !== 'market' && !isStop) return 'INVALID_ORDER';
    // Fields that belong to another order type are refused rather than ignored: they show a confused client.
    if (hasLimit ? !isPosInt(cmd.price) : cmd.price !== undefined) return hasLimit ? 'INVALID_PRICE' : 'INVALID_ORDER';
    if (isStop ? !isPosInt(cmd.stopPrice) : cmd.stopPrice !== undefined) return isStop ? 'INVALID_PRICE' : 'INVALID_ORDER';
    const byQuote = cmd.quoteAmount !== undefined;
    if (byQuote) {
      if (orderType !== 'market' || side !== 'buy' || cmd.quantity !== undefined) return 'INVALID_ORDER';
      if (!isPosInt(cmd.quoteAmount)) return 'INVALID_QUANTITY';
    } else if (!isPosInt(cmd.quantity)) return 'INVALID_QUANTITY';
    let tif: TimeInForce = cmd.timeInForce ?? (orderType === 'market' || orderType === 'stop_market' ? 'IOC' : 'GTC');
    if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'FOK') return 'INVALID_ORDER';
    if (!hasLimit && tif !== 'IOC') return 'INVALID_ORDER';
    const postOnly = cmd.postOnly === true;
    if (cmd.postOnly !== undefined && typeof cmd.postOnly !== 'boolean') return 'INVALID_ORDER';
    if (postOnly && (orderType !== 'limit' || tif !== 'GTC')) return 'INVALID_ORDER';
    const price = cmd.price ?? 0;
    const stopPrice = cmd.stopPrice ?? 0;
    if (price % c.tickSize !== 0 || stopPrice % c.tickSize !== 0) return 'OFF_TICK';
    const quantity = cmd.quantity ?? 0;
    if (!byQuote && quantity % c.lotSize !== 0) return 'BELOW_LOT_SIZE';
    if (cid !== undefined && this.accountOrders.get(account.id)!.byClientId.has(cid)) return 'DUPLICATE_CLIENT_ORDER_ID';

    // The price this order may fill at, at worst: its limit, or for market orders the band around the same
    // reference a limit order is held to (the last trade, else the best opposite price), so a market order
    // cannot print far from the market either, e.g. by selling into a lone far bid. For stop-markets: around
    // the stop price, known now, so the hold is too. Min notional is judged at the order's own price, or for
    // market orders at the best opposite price. A limit order beyond the band is refused; a stop-limit meets
    // the band when it triggers.
    let worst = price;
    let reference = hasLimit ? price : stopPrice;
    if (orderType === 'market') {
      const best = (side === 'buy' ? m.asks : m.bids).best();
      if (!best) return 'NO_LIQUIDITY';
      reference = best.price;
      worst = this.bandPrice(m, side, m.lastPrice !== 0 ? m.lastPrice : best.price);
    } else if (orderType === 'stop_market') worst = this.bandPrice(m, side, stopPrice);
    else if (orderType === 'limit' && !this.inBand(m, side, price)) return 'PRICE_OUT_OF_BAND';
    if (!inRange(worst)) return 'AMOUNT_OUT_OF_RANGE';
    const valued = byQuote ? (cmd.quoteAmount as number) : notional(reference, quantity, m.unit);
    if (!inRange(valued)) return 'AMOUNT_OUT_OF_RANGE';
    if (valued < c.minNotional) return 'BELOW_MIN_NOTIONAL';

    if (postOnly) {
      const best = (side === 'buy' ? m.asks : m.bids).best();
      if (best && (side === 'buy' ? best.price <= price : best.price >= price)) return 'POST_ONLY_WOULD_TAKE';
    }
    const hold = side === 'sell' ? quantity : byQuote ? (cmd.quoteAmount as number) : this.buyHold(m, worst, quantity);
    if (!inRange(hold)) return 'AMOUNT_OUT_OF_RANGE';
    const balance = account.balance(side === 'buy' ? c.quote : c.base);
    if (hold > balance.available) return 'INSUFFICIENT_FUNDS';
    if (tif === 'FOK' && !isStop) {
      const why = this.fokCheck(m, account, side, price, quantity);
      if (why) return why;
    }

    const order = new Order(this.nextOrderId++, account.id, m.config.id, side, orderType, tif, postOnly, price, stopPrice, quantity, quantity, hold, cid, this.ts);
    this.ledger.hold(balance, hold);
    this.register(order, account, c);
    this.touch(m);
    this.out.push({
      seq: ++m.seq,
      market: m.config.id,
      ts: this.ts,
      type: 'accepted',
      orderId: order.id,
      account: order.account,
      clientOrderId: cid,
      side,
      orderType,
      timeInForce: tif,
      price: hasLimit ? price : undefined,
      stopPrice: isStop ? stopPrice : undefined,
      quantity: byQuote ? undefined : quantity,
      quoteAmount: byQuote ? cmd.quoteAmount : undefined,
      held: hold,
    });
    if (isStop) {
      this.addStop(m, order);
      // A stop whose condition already holds triggers at once, like one that was resting when the price moved.
    } else if (orderType === 'market') {
      this.execMarket(m, order, worst);
    } else {
      this.execLimit(m, order);
    }
    this.runStops(m);
    return null;
  }

  private cancel(marketId: string, accountId: AccountId, orderId: OrderId): void {
    const m = this.markets.get(marketId);
    if (!m) return this.rejectLedger(accountId, 'UNKNOWN_MARKET', 'cancel', undefined, orderId);
    const order = this.liveOrder(m, accountId, orderId, 'cancel');
    if (!order) return;
    this.cancelOrder(m, order, 'user');
  }

  private cancelAll(accountId: AccountId, marketId: string | undefined): void {
    const m = marketId === undefined ? undefined : this.markets.get(marketId);
    if (marketId !== undefined && !m) return this.rejectLedger(accountId, 'UNKNOWN_MARKET', 'cancel_all');
    const orders = this.accountOrders.get(accountId);
    if (!orders || accountId === FEE_ACCOUNT) {
      if (m) return this.reject(m, accountId, 'UNKNOWN_ACCOUNT', 'cancel_all');
      return this.rejectLedger(accountId, 'UNKNOWN_ACCOUNT', 'cancel_all');
    }
    // Oldest first, so the events read in the order the orders were placed.
    const victims = orders.list().filter((o) => !m || o.market === m.config.id).sort((a, b) => a.id - b.id);
    for (const order of victims) this.cancelOrder(this.markets.get(order.market)!, order, 'cancel_all');
  }

  private amend(marketId: string, accountId: AccountId, orderId: OrderId, newQuantity: number | undefined, newPrice: number | undefined): void {
    const m = this.markets.get(marketId);
    if (!m) return this.rejectLedger(accountId, 'UNKNOWN_MARKET', 'amend', undefined, orderId);
    const order = this.liveOrder(m, accountId, orderId, 'amend');
    if (!order) return;
    const refused = this.amendIn(m, order, newQuantity, newPrice);
    if (refused !== null) this.reject(m, accountId, refused, 'amend', order.clientOrderId, orderId);
  }

  /** Checks and applies the amend; returns why it was refused (and then nothing has changed), or null. */
  private amendIn(m: Market, order: Order, newQuantity: number | undefined, newPrice: number | undefined): RejectReason | null {
    const orderId = order.id;
    const accountId = order.account;
    const c = m.config;
    if (newQuantity !== undefined && !isPosInt(newQuantity)) return 'INVALID_QUANTITY';
    if (newPrice !== undefined && !isPosInt(newPrice)) return 'INVALID_PRICE';
    // Only resting limit orders can be amended: a waiting stop has no place in the queue to keep or lose.
    if (order.level === null) return 'ORDER_NOT_AMENDABLE';
    const quantity = newQuantity ?? order.quantity;
    const price = newPrice ?? order.price;
    if (price % c.tickSize !== 0) return 'OFF_TICK';
    if (quantity % c.lotSize !== 0) return 'BELOW_LOT_SIZE';
    const filled = order.quantity - order.remaining;
    if (quantity <= filled || (quantity === order.quantity && price === order.price)) return 'ORDER_NOT_AMENDABLE';
    // A new price is a new promise to the book, held to the band like a new order.
    if (price !== order.price && !this.inBand(m, order.side, price)) return 'PRICE_OUT_OF_BAND';
    const value = notional(price, quantity, m.unit);
    if (!inRange(value)) return 'AMOUNT_OUT_OF_RANGE';
    if (value < c.minNotional) return 'BELOW_MIN_NOTIONAL';
    const remaining = quantity - filled;
    if (order.postOnly && price !== order.price) {
      const best = (order.side === 'buy' ? m.asks : m.bids).best();
      if (best && (order.side === 'buy' ? best.price <= price : best.price >= price)) return 'POST_ONLY_WOULD_TAKE';
    }
    const balance = (order.side === 'buy' ? order.quoteBalance : order.baseBalance) as Balance;
    const need = order.side === 'buy' ? this.buyHold(m, price, remaining) : remaining;
    if (!inRange(need)) return 'AMOUNT_OUT_OF_RANGE';
    if (need - order.held > balance.available) return 'INSUFFICIENT_FUNDS';

    // Reducing the quantity keeps the order's place in the queue; a new price or a larger quantity is a new
    // promise to the book and goes to the back, as on every exchange.
    const keptPriority = price === order.price && quantity < order.quantity;
    const book = order.side === 'buy' ? m.bids : m.asks;
    if (keptPriority) {
      book.reduce(order, order.remaining - remaining);
      order.quantity = quantity;
    } else {
      book.remove(order);
      order.quantity = quantity;
      order.remaining = remaining;
      order.price = price;
    }
    if (need > order.held) this.ledger.hold(balance, need - order.held);
    else if (need < order.held) this.ledger.release(balance, order.held - need);
    order.held = need;
    this.emit(m, { type: 'amended', orderId, account: accountId, price, quantity, remaining, keptPriority });
    if (!keptPriority) {
      this.execLimit(m, order);
      this.runStops(m);
    }
    return null;
  }

  private openAccount(id: AccountId, stp: StpMode | undefined): void {
    if (!isPosInt(id)) return this.rejectLedger(0, 'UNKNOWN_ACCOUNT', 'open_account');
    if (stp !== undefined && !STP_MODES.includes(stp)) return this.rejectLedger(id, 'INVALID_COMMAND', 'open_account');
    if (this.ledger.get(id)) return this.rejectLedger(id, 'ACCOUNT_EXISTS', 'open_account');
    const mode = stp ?? 'cancel_resting';
    this.ledger.open(id, mode);
    this.accountOrders.set(id, new AccountOrders());
    this.emitLedger({ type: 'account_opened', account: id, stp: mode });
  }

  private setStp(id: AccountId, stp: StpMode): void {
    const account = this.ledger.get(id);
    if (!account || id === FEE_ACCOUNT) return this.rejectLedger(id, 'UNKNOWN_ACCOUNT', 'set_stp');
    if (!STP_MODES.includes(stp)) return this.rejectLedger(id, 'INVALID_COMMAND', 'set_stp');
    account.stp = stp;
    this.emitLedger({ type: 'stp_set', account: id, stp });
  }

  private move(from: AccountId, to: AccountId, asset: string, amount: number, reference: string | undefined): void {
    const source = this.ledger.get(from);
    const target = this.ledger.get(to);
    if (!source || !target || from === FEE_ACCOUNT || to === FEE_ACCOUNT || from === to) return this.rejectLedger(from, 'UNKNOWN_ACCOUNT', 'transfer');
    if (!this.assets.has(asset)) return this.rejectLedger(from, 'UNKNOWN_ASSET', 'transfer');
    if (!isPosInt(amount)) return this.rejectLedger(from, 'INVALID_AMOUNT', 'transfer');
    if (reference !== undefined && (typeof reference !== 'string' || reference.length > 100)) return this.rejectLedger(from, 'INVALID_COMMAND', 'transfer');
    const a = source.balance(asset);
    if (a.available < amount) return this.rejectLedger(from, 'INSUFFICIENT_FUNDS', 'transfer');
    const b = target.balance(asset);
    // No balance exceeds its asset's supply, which deposits keep in range; a ledger restored from before that
    // bound may hold more in total, and there a credit could still overflow.
    if (!inRange(b.available + amount)) return this.rejectLedger(from, 'AMOUNT_OUT_OF_RANGE', 'transfer');
    this.ledger.transfer(a, b, amount);
    this.emitLedger({ type: 'transferred', account: from, to, asset, amount, reference });
  }

  private transfer(kind: 'deposit' | 'withdraw', id: AccountId, asset: string, amount: number): void {
    const account = this.ledger.get(id);
    if (!account || id === FEE_ACCOUNT) return this.rejectLedger(id, 'UNKNOWN_ACCOUNT', kind);
    if (!this.assets.has(asset)) return this.rejectLedger(id, 'UNKNOWN_ASSET', kind);
    if (!isPosInt(amount)) return this.rejectLedger(id, 'INVALID_AMOUNT', kind);
    if (kind === 'deposit') {
      if (!this.ledger.canDeposit(asset, amount)) return this.rejectLedger(id, 'AMOUNT_OUT_OF_RANGE', kind);
      this.ledger.deposit(account, asset, amount);
      this.emitLedger({ type: 'deposited', account: id, asset, amount });
    } else {
      if (account.balance(asset).available < amount) return this.rejectLedger(id, 'INSUFFICIENT_FUNDS', kind);
      this.ledger.withdraw(account, asset, amount);
      this.emitLedger({ type: 'withdrawn', account: id, asset, amount });
    }
  }

  // ---------------------------------------------------------------- matching

  private execLimit(m: Market, order: Order): void {
    if (order.timeInForce === 'FOK' && order.type === 'stop_limit') {
      // Checked when placed for plain FOK orders; a triggered stop-limit meets the book only now.
      if (this.fokCheck(m, this.ledger.get(order.account)!, order.side, order.price, order.remaining)) {
        return this.expire(m, order, 'fok');
      }
    }
    const before = order.remaining;
    const stop = this.match(m, order, order.price);
    if (stop === Stop.Filled) return this.fill(m, order);
    if (stop === Stop.SelfTrade) return this.cancelOrder(m, order, 'self_trade');
    if (order.timeInForce !== 'GTC') return this.expire(m, order, order.timeInForce === 'FOK' ? 'fok' : 'ioc');
    (order.side === 'buy' ? m.bids : m.asks).append(order);
    // A buy holds exactly what its remaining quantity can cost (placed or amended so); only fills on entry, at
    // better prices, can leave it holding more.
    if (order.remaining !== before) this.rebalanceHold(m, order);
  }

  private execMarket(m: Market, order: Order, worst: number): void {
    const stop = this.match(m, order, worst);
    if (stop === Stop.Filled || stop === Stop.Budget) return this.fill(m, order);
    if (stop === Stop.SelfTrade) return this.cancelOrder(m, order, 'self_trade');
    this.expire(m, order, stop === Stop.Limit ? 'price_band' : 'market_remainder');
  }

  /** Walks the opposite side from its best level while prices are within `limit`. */
  private match(m: Market, taker: Order, limit: number): Stop {
    const book = taker.side === 'buy' ? m.asks : m.bids;
    const buying = taker.side === 'buy';
    const byQuote = taker.quantity === 0;
    for (;;) {
      if (!byQuote && taker.remaining === 0) return Stop.Filled;
      const level = book.best();
      if (level === null) return Stop.Empty;
      if (buying ? level.price > limit : level.price < limit) return Stop.Limit;
      const maker = level.head as Order;
      if (maker.account === taker.account) {
        const mode = this.ledger.get(taker.account)!.stp;
        if (mode !== 'cancel_incoming') this.cancelOrder(m, maker, 'self_trade');
        if (mode !== 'cancel_resting') return Stop.SelfTrade;
        continue;
      }
      let quantity: number;
      if (byQuote) {
        quantity = Math.min(maker.remaining, affordableQuantity(taker.held, level.price, m.unit, m.config.takerFeeBps, m.config.lotSize));
        if (quantity === 0) return Stop.Budget;
      } else {
        quantity = taker.remaining < maker.remaining ? taker.remaining : maker.remaining;
      }
      this.trade(m, book, maker, taker, quantity);
    }
  }

  private trade(m: Market, book: BookSide, maker: Order, taker: Order, quantity: number): void {
    const c = m.config;
    const price = maker.price;
    const amount = notional(price, quantity, m.unit);
    const makerFee = fee(amount, c.makerFeeBps);
    const takerFee = fee(amount, c.takerFeeBps);
    const takerBuys = taker.side === 'buy';
    const buyer = takerBuys ? taker : maker;
    const seller = takerBuys ? maker : taker;
    const buyerFee = takerBuys ? takerFee : makerFee;
    const sellerFee = takerBuys ? makerFee : takerFee;
    const ledger = this.ledger;
    const buyerQuote = buyer.quoteBalance as Balance;
    const sellerQuote = seller.quoteBalance as Balance;
    const feeQuote = m.feeQuote;
    // Quote: the buyer pays the notional (and a positive fee) out of what the order holds. The taker's fee is
    // settled before the maker's, so a maker rebate is always covered by the same trade's taker fee.
    ledger.settleHeld(buyerQuote, sellerQuote, amount);
    if (takerBuys) {
      if (buyerFee > 0) ledger.settleHeld(buyerQuote, feeQuote, buyerFee);
      else if (buyerFee < 0) ledger.transfer(buyerQuote, feeQuote, buyerFee);
      if (sellerFee !== 0) ledger.transfer(sellerQuote, feeQuote, sellerFee);
    } else {
      if (sellerFee !== 0) ledger.transfer(sellerQuote, feeQuote, sellerFee);
      if (buyerFee > 0) ledger.settleHeld(buyerQuote, feeQuote, buyerFee);
      else if (buyerFee < 0) ledger.transfer(buyerQuote, feeQuote, buyerFee);
    }
    buyer.held -= buyerFee > 0 ? amount + buyerFee : amount;
    // Base: from the seller's hold to the buyer.
    ledger.settleHeld(seller.baseBalance as Balance, buyer.baseBalance as Balance, quantity);
    seller.held -= quantity;

    book.reduce(maker, quantity);
    if (taker.quantity > 0) taker.remaining -= quantity;
    m.lastPrice = price;
    this.touch(m);
    this.out.push({
      seq: ++m.seq,
      market: c.id,
      ts: this.ts,
      type: 'trade',
      tradeId: this.nextTradeId++,
      price,
      quantity,
      quoteAmount: amount,
      takerSide: taker.side,
      makerOrderId: maker.id,
      takerOrderId: taker.id,
      makerAccount: maker.account,
      takerAccount: taker.account,
      makerFee,
      takerFee,
    });
    if (maker.remaining === 0) {
      book.remove(maker);
      this.fill(m, maker);
    } else if (maker.side === 'buy') this.rebalanceHold(m, maker);
  }

  /** Releases what a buy order holds beyond what its remaining quantity can still cost. */
  private rebalanceHold(m: Market, order: Order): void {
    if (order.side !== 'buy') return;
    const need = this.buyHold(m, order.price, order.remaining);
    if (order.held > need) {
      this.ledger.release(order.quoteBalance as Balance, order.held - need);
      order.held = need;
    }
  }

  private buyHold(m: Market, price: number, quantity: number): number {
    const amount = notional(price, quantity, m.unit);
    return amount + fee(amount, m.maxFeeBps);
  }

  /**
   * The furthest price the band allows from `reference` on `side`'s aggressive side, on the tick grid: for a
   * buy the highest (+Infinity when that is beyond the safe range), for a sell the lowest.
   */
  private bandPrice(m: Market, side: Side, reference: number): number {
    const band = m.config.priceBandBps;
    if (side === 'buy') {
      const top = mulDiv(reference, BPS + band, BPS);
      return inRange(top) ? floorToTick(top, m.config.tickSize) : top;
    }
    return Math.max(m.config.tickSize, ceilToTick(mulDiv(reference, BPS - Math.min(band, BPS - 1), BPS), m.config.tickSize));
  }

  /**
   * True when a limit price is within the band on its aggressive side (see MarketConfig.priceBandBps). The
   * reference is the last trade price, else the best opposite price; with neither, every price is.
   */
  private inBand(m: Market, side: Side, price: number): boolean {
    const reference = m.lastPrice !== 0 ? m.lastPrice : (side === 'buy' ? m.asks : m.bids).bestPrice();
    if (reference === 0) return true;
    // Most orders are priced on the passive side of the reference, and are within the band without arithmetic.
    if (side === 'buy' ? price <= reference : price >= reference) return true;
    return side === 'buy' ? price <= this.bandPrice(m, side, reference) : price >= this.bandPrice(m, side, reference);
  }

  /** Why a fill-or-kill order could not fill whole right now, or null if it could. */
  private fokCheck(m: Market, account: Account, side: Side, limit: number, quantity: number): RejectReason | null {
    let available = 0;
    for (const level of (side === 'buy' ? m.asks : m.bids).levelsUpTo(limit)) {
      for (let o = level.head; o; o = o.next) {
        if (o.account === account.id) {
          if (account.stp !== 'cancel_resting') return 'SELF_TRADE_PREVENTED';
          continue;
        }
        available += o.remaining;
        if (available >= quantity) return null;
      }
    }
    return 'FOK_NOT_FILLABLE';
  }

  // ---------------------------------------------------------------- stops

  private addStop(m: Market, order: Order): void {
    const list = order.side === 'buy' ? m.buyStops : m.sellStops;
    // Position: after every stop that triggers later, before those that trigger sooner; among equal trigger
    // prices the older order sits nearer the end so it triggers first.
    const buy = order.side === 'buy';
    const stop = order.stopPrice;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = list[mid].stopPrice;
      const later = buy ? p > stop : p < stop;
      if (later || (p === stop && list[mid].id > order.id)) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, order);
  }

  private removeStop(m: Market, order: Order): void {
    const list = order.side === 'buy' ? m.buyStops : m.sellStops;
    const i = list.indexOf(order);
    if (i >= 0) list.splice(i, 1);
  }

  /** Triggers every stop the last trade price has reached, including those reached by triggered orders' trades. */
  private runStops(m: Market): void {
    if (m.lastPrice === 0) return;
    for (;;) {
      const last = m.lastPrice;
      let order: Order | undefined;
      const b = m.buyStops;
      const s = m.sellStops;
      if (b.length > 0 && b[b.length - 1].stopPrice <= last) order = b.pop();
      else if (s.length > 0 && s[s.length - 1].stopPrice >= last) order = s.pop();
      if (!order) return;
      this.emit(m, { type: 'triggered', orderId: order.id, account: order.account, lastPrice: last });
      if (order.type === 'stop_market') this.execMarket(m, order, this.bandPrice(m, order.side, order.stopPrice));
      else if (!this.inBand(m, order.side, order.price)) this.expire(m, order, 'price_band');
      else this.execLimit(m, order);
    }
  }

  // ---------------------------------------------------------------- order lifecycle

  private register(order: Order, account: Account, c: MarketConfig): void {
    this.orders.set(order);
    const mine = this.accountOrders.get(order.account)!;
    // Balances and the owner's order set are looked up once here, not on every fill.
    order.quoteBalance = account.balance(c.quote);
    order.baseBalance = account.balance(c.base);
    order.owner = mine;
    mine.add(order);
    if (order.clientOrderId !== undefined) mine.byClientId.set(order.clientOrderId, order);
  }

  private rememberClosed(id: OrderId, account: AccountId): void {
    const slot = id % CLOSED_MEMORY;
    this.closedIds[slot] = id;
    this.closedAccounts[slot] = account;
  }

  private closedOrders(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < CLOSED_MEMORY; i++) if (this.closedIds[i] !== 0) out.push([this.closedIds[i], this.closedAccounts[i]]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** Forgets a finished order and releases whatever it still holds. */
  private close(m: Market, order: Order): void {
    this.orders.delete(order.id);
    const mine = order.owner as AccountOrders;
    mine.delete(order);
    if (order.clientOrderId !== undefined) mine.byClientId.delete(order.clientOrderId);
    this.rememberClosed(order.id, order.account);
    if (order.held > 0) {
      this.ledger.release((order.side === 'buy' ? order.quoteBalance : order.baseBalance) as Balance, order.held);
      order.held = 0;
    }
  }

  // The events of the order lifecycle are built as literals, header first: every order makes several, and a
  // literal of a fixed shape is cheaper to build and to encode than a spread.

  private fill(m: Market, order: Order): void {
    this.close(m, order);
    this.touch(m);
    this.out.push({ seq: ++m.seq, market: m.config.id, ts: this.ts, type: 'filled', orderId: order.id, account: order.account });
  }

  private expire(m: Market, order: Order, reason: ExpireReason): void {
    this.close(m, order);
    this.touch(m);
    this.out.push({ seq: ++m.seq, market: m.config.id, ts: this.ts, type: 'expired', orderId: order.id, account: order.account, remaining: order.remaining, reason });
  }

  private cancelOrder(m: Market, order: Order, reason: CancelReason): void {
    if (order.level !== null) (order.side === 'buy' ? m.bids : m.asks).remove(order);
    else if (order.type === 'stop_market' || order.type === 'stop_limit') this.removeStop(m, order);
    this.close(m, order);
    this.touch(m);
    this.out.push({ seq: ++m.seq, market: m.config.id, ts: this.ts, type: 'cancelled', orderId: order.id, account: order.account, remaining: order.remaining, reason });
  }

  /** The live order `orderId` of `account` in market `m`, or a rejection saying why there is none. */
  private liveOrder(m: Market, account: AccountId, orderId: OrderId, command: 'cancel' | 'amend'): Order | undefined {
    const order = this.orders.get(orderId);
    if (order && order.account === account && order.market === m.config.id) return order;
    const closedHere = !order && isPosInt(orderId) && this.closedIds[orderId % CLOSED_MEMORY] === orderId && this.closedAccounts[orderId % CLOSED_MEMORY] === account;
    const reason: RejectReason = closedHere ? 'ORDER_CLOSED' : 'UNKNOWN_ORDER';
    this.reject(m, account, reason, command, undefined, orderId);
    return undefined;
  }

  // ---------------------------------------------------------------- events

  private touch(m: Market): void {
    if (m.touched) return;
    m.touched = true;
    this.touched.push(m);
  }

  /** Publishes an event on the market's stream (`body` without its stream header, which is filled in here). */
  private emit(m: Market, body: DistributiveOmit<EngineEvent, 'seq' | 'market' | 'ts'>): void {
    this.touch(m);
    this.out.push({ seq: ++m.seq, market: m.config.id, ts: this.ts, ...body } as EngineEvent);
  }

  private emitLedger(body: DistributiveOmit<EngineEvent, 'seq' | 'market' | 'ts'>): void {
    this.out.push({ seq: ++this.ledgerSeq, market: LEDGER_STREAM, ts: this.ts, ...body } as EngineEvent);
  }

  private reject(m: Market, account: AccountId, reason: RejectReason, command: string, clientOrderId?: string, orderId?: OrderId): void {
    this.emit(m, { type: 'rejected', account, clientOrderId, orderId, reason, command });
  }

  private rejectLedger(account: AccountId, reason: RejectReason, command: string, clientOrderId?: string, orderId?: OrderId): void {
    this.emitLedger({ type: 'rejected', account, clientOrderId, orderId, reason, command });
  }

  /** One `book` event per level whose total changed in this command. */
  private flushBooks(): void {
    for (const m of this.touched) {
      m.touched = false;
      const changed = m.changed;
      for (let i = 0; i < changed.length; i++) {
        const level = changed[i];
        if (level.total !== level.totalBefore) {
          this.out.push({ seq: ++m.seq, market: m.config.id, ts: this.ts, type: 'book', side: level.side, price: level.price, quantity: level.total });
        }
        level.totalBefore = -1;
      }
      if (changed.length > 0) changed.length = 0;
    }
    if (this.touched.length > 0) this.touched.length = 0;
  }
}
