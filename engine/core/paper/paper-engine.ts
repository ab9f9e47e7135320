/**
 * The paper matcher: paper orders of every local user against the live books and trades of real markets.
 *
 * A deterministic state machine, like the LPJ engine: `apply(command)` returns the events it produced, and the
 * only inputs are the commands — which carry the clock and the market data the engine reacts to (see
 * PlaceCommand, TradeCommand). The durable journal (../../node/store/durable-engine) makes it persistent by logging
 * commands, and a replay yields the same events.
 *
 * Money lives in the LPJ engine's double-entry ledger: every fill is settled against VENUE_ACCOUNT and fees go
 * to FEE_ACCOUNT (./settlement). Funds are held per order when it is accepted and released when it closes.
 * A refused command produces one `rejected` event and changes nothing.
 *
 * Every number stays a safe integer whatever arrives — prices and sizes up to 2^53 − 1 typed by the user, sent
 * by the feed or read from a replayed file:
 * - what an order implies (its value, value plus the fee, a band price) is computed with the saturating
 *   helpers of ../matching/money, and a place beyond the range is refused AMOUNT_OUT_OF_RANGE;
 * - fills are checked before they are booked (fillsFit): the user's balances and position, the venue's balances
 *   and the fee account all stay in range, or the order is refused on entry (AMOUNT_OUT_OF_RANGE, judged as if
 *   the whole order filled now) or, when the market reaches it later, expires 'amount_out_of_range';
 * - the venue and the fee account stand outside the users' world, so when one of them would pass the range
 *   (or a grant needs room in an asset's supply), what it holds leaves the ledger, or what the venue is short
 *   enters it, as an explicit withdrawal or deposit: conservation stays exact and nothing a user owns moves.
 *
 * A user has a handful of live orders, so orders are kept in plain arrays per market and scanned.
 */
import type { Level } from '../market-data/types';
import {
  FEE_ACCOUNT,
  LEDGER_STREAM,
  type Balance,
  type CancelReason,
  type OrderType,
  type PlaceOrderType,
} from '../matching/types';
import { Ledger } from '../matching/ledger';
import { isPosInt } from '../matching/validation';
import { checkExits, exitHold, exitsFit, ExitTerms, opposite, type ExitPricing } from '../matching/brackets';
import { followTrigger, trailedTrigger, trailProblem, trailTrigger, triggerProblem } from '../matching/trailing';
import { BPS, fee, inRange, MAX_AMOUNT, mulDiv, notional } from '../matching/money';
import { depth, oppositeLevels, walkBudget, walkQuantity, type Fill, type Walk } from './book-walk';
import { marketConfigProblem, notionalDivisor } from './market-config';
import { applyFill, emptyPosition, positionInRange, positionView, type Position } from './position';
import { FILL_MODELS, fillsFromTrade, type FillModel, type RestingOrder } from './resting-fills';
import { settleFill } from './settlement';
import {
  VENUE_ACCOUNT,
  type AccountId,
  type AmendCommand,
  type OrderId,
  type PaperBook,
  type PaperCommand,
  type PaperEvent,
  type PaperExpireReason,
  type PaperMarketConfig,
  type PaperOrderView,
  type PaperRejectReason,
  type PlaceCommand,
  type PositionView,
  type Side,
  type TradeCommand,
} from './types';

/** Closed orders remembered so a late cancel says ORDER_CLOSED rather than UNKNOWN_ORDER. */
const CLOSED_MEMORY = 65_536;
const MAX_CLIENT_ORDER_ID = 64;
const PLACE_TYPES: readonly PlaceOrderType[] = ['market', 'limit', 'stop_market', 'stop_limit', 'trailing_stop', 'oco'];
/** Paper prices are the feed's price units: every unit is on the grid. */
const TICK = 1;
export const DEFAULT_MAX_BOOK_AGE_MS = 10_000;

/** Levels as a command may carry them: [positive price, size] pairs of safe integers (sizes ≤ 0 are skipped). */
const usableLevels = (side: unknown): side is readonly Level[] =>
  Array.isArray(side) && side.every((l) => Array.isArray(l) && isPosInt(l[0]) && Number.isSafeInteger(l[1]));
const NO_WALK: Walk = Object.freeze({
  fills: Object.freeze([]) as unknown as Fill[],
  quantity: 0,
  amount: 0,
  fee: 0,
  exhausted: false,
});

/** Why a set of starting balances is unusable (each an asset code and a positive safe integer), or null. */
function grantsProblem(grants: Readonly<Record<string, number>>): string | null {
  for (const [asset, amount] of Object.entries(grants)) {
    if (!/^[A-Z0-9]{1,16}$/.test(asset) || !isPosInt(amount))
      return `grant of ${String(amount)} ${asset}: expected an asset code and a positive integer`;
  }
  return null;
}

/** Σ quantity, value and fee of some fills; a sum past the range reads past it (rounding is monotonic). */
function totals(fills: readonly Fill[]): { quantity: number; amount: number; fee: number } {
  const t = { quantity: 0, amount: 0, fee: 0 };
  for (const f of fills) {
    t.quantity += f.quantity;
    t.amount += f.amount;
    t.fee += f.fee;
  }
  return t;
}

interface Order extends RestingOrder {
  account: AccountId;
  market: string;
  type: OrderType;
  stopPrice: number;
  /** 0 for a market buy by quote amount. */
  quantity: number;
  quoteAmount: number;
  /** Quote (buys) or base (sells) still held for this order. */
  held: number;
  triggered: boolean;
  clientOrderId?: string;
  ts: number;
  /** A trailing stop's distance, one of the two (0 otherwise); its stopPrice is its trigger now. */
  trailAmount: number;
  trailBps: number;
  /** An entry's exits, placed when it ends having filled (../matching/brackets.ts); null once placed, or none. */
  exits: { takeProfit: number; stopLoss: number; stopLossLimit: number } | null;
  /** An exit: the entry it was placed for (0: none, or an OCO placed on its own). */
  parent: OrderId;
  /** The other order of its OCO pair (0: none). The take-profit holds for both; the stop-loss holds nothing. */
  oco: OrderId;
}

/** The fields of trailing stops and brackets on an order that has none (and in snapshots from before them). */
const NO_LINKS = { trailAmount: 0, trailBps: 0, exits: null, parent: 0, oco: 0 } as const;

/** Exits of an entry that ended in the current command, waiting to be placed once its fills are booked. */
interface PendingExits {
  account: AccountId;
  side: Side;
  quantity: number;
  takeProfit: number;
  stopLoss: number;
  stopLossLimit: number;
  parent: OrderId;
}

class Market implements ExitPricing {
  readonly tick = TICK;
  divisor: number;
  /** Highest fee either role pays: what a resting buy must hold for, not knowing yet which role it fills in. */
  maxFeeBps: number;
  seq = 0;
  /** Live orders (resting limits, waiting stops), oldest first. */
  readonly live: Order[] = [];
  /** What tradeEffect needs of `live`, as of the engine's command count `boundsAt` (-1: never worked out). */
  bounds: EffectBounds = NO_BOUNDS;
  boundsAt = -1;
  constructor(public config: PaperMarketConfig) {
    this.divisor = notionalDivisor(config);
    this.maxFeeBps = Math.max(config.makerFeeBps, config.takerFeeBps);
  }

  get unit(): number {
    return this.divisor;
  }

  /** What a buy of `quantity` at `price` can cost at most: its value plus the higher of the two fees. */
  buyHold(price: number, quantity: number): number {
    const amount = notional(price, quantity, this.divisor);
    return amount + fee(amount, this.maxFeeBps);
  }

  /** The worst price a triggered stop-market may fill at: `stopBandBps` beyond its stop price. */
  bandPrice(side: Side, stopPrice: number): number {
    const band = this.config.stopBandBps;
    return side === 'buy' ? mulDiv(stopPrice, BPS + band, BPS) : Math.max(1, mulDiv(stopPrice, BPS - band, BPS));
  }

  buyStopWorst(stop: number): number {
    return this.bandPrice('buy', stop);
  }
}

/**
 * The prices at which a trade starts to matter to a market's live orders, so that tradeEffect — asked for
 * every trade of the feed — answers from four comparisons instead of a scan. A waiting trailing stop moves with
 * every price, so while one waits the scan is kept.
 */
interface EffectBounds {
  trailing: boolean;
  /** A trade at or above: a buy stop triggers. */
  buyStop: number;
  /** A trade at or below: a sell stop triggers. */
  sellStop: number;
  /** A trade at or below: a resting buy is reached (with exits, and without). */
  buyExits: number;
  buyPlain: number;
  /** A trade at or above: a resting sell is reached. */
  sellExits: number;
  sellPlain: number;
}
const NO_BOUNDS: EffectBounds = {
  trailing: false,
  buyStop: Infinity,
  sellStop: -Infinity,
  buyExits: -Infinity,
  buyPlain: -Infinity,
  sellExits: Infinity,
  sellPlain: Infinity,
};

const isStop = (o: Order) => o.type === 'stop_market' || o.type === 'stop_limit' || o.type === 'trailing_stop';
const isResting = (o: Order) => o.type === 'limit' || (o.type === 'stop_limit' && o.triggered);
/** Whether a last price of `price` triggers a waiting stop (buy stops at or above, sell stops at or below). */
const reaches = (o: Order, price: number) => (o.side === 'buy' ? price >= o.stopPrice : price <= o.stopPrice);

/** tradeEffect's bounds over some live orders: the same classification as its scan, reduced to extremes. */
function effectBounds(live: readonly Order[]): EffectBounds {
  const b = { ...NO_BOUNDS };
  for (const o of live) {
    if (isStop(o) && !o.triggered) {
      if (o.type === 'trailing_stop') b.trailing = true;
      if (o.side === 'buy') b.buyStop = Math.min(b.buyStop, o.stopPrice);
      else b.sellStop = Math.max(b.sellStop, o.stopPrice);
    } else if (o.side === 'buy') {
      if (o.exits !== null) b.buyExits = Math.max(b.buyExits, o.price);
      else b.buyPlain = Math.max(b.buyPlain, o.price);
    } else if (o.exits !== null) b.sellExits = Math.min(b.sellExits, o.price);
    else b.sellPlain = Math.min(b.sellPlain, o.price);
  }
  return b;
}

export interface PaperEngineOptions {
  markets?: readonly PaperMarketConfig[];
  /** What a new or reset account is granted, per asset, in balance units. */
  grants: Readonly<Record<string, number>>;
  /** A book older than this (command ts − receivedAt) is stale. */
  maxBookAgeMs?: number;
  /** How resting limit orders fill at their price (see ./resting-fills). Default 'queue'. */
  fillModel?: FillModel;
}

/** The whole state, JSON- and MessagePack-safe; `PaperEngine.restore(snapshot())` is an identical engine. */
export interface PaperSnapshot {
  version: 1;
  grants: [asset: string, amount: number][];
  maxBookAgeMs: number;
  /** Absent in snapshots from before fill models: those engines filled behind the queue. */
  fillModel?: FillModel;
  markets: { config: PaperMarketConfig; seq: number }[];
  nextOrderId: number;
  nextTradeId: number;
  ledgerSeq: number;
  accounts: [id: number, balances: [asset: string, available: number, held: number][]][];
  orders: Order[];
  positions: [
    account: number,
    market: string,
    quantity: number,
    costBasis: number,
    realisedPnl: number,
    feesPaid: number,
  ][];
  closed: [orderId: number, account: number][];
}

/** What a trade means to the engine: nothing, fills or queue progress, or also stops to trigger (which need the book). */
export type TradeEffect = 'none' | 'resting' | 'stops';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type EventBody = DistributiveOmit<PaperEvent, 'seq' | 'market' | 'ts'>;

export class PaperEngine {
  readonly ledger = new Ledger();
  private readonly markets = new Map<string, Market>();
  private readonly orders = new Map<OrderId, Order>();
  private readonly closed = new Map<OrderId, AccountId>();
  private readonly positions = new Map<AccountId, Map<string, Position>>();
  private grants: Map<string, number>;
  private fillModel: FillModel;
  private readonly maxBookAgeMs: number;
  private nextOrderId = 1;
  private nextTradeId = 1;
  private ledgerSeq = 0;
  private out: PaperEvent[] = [];
  private ts = 0;
  /** Commands applied since this engine was made (see Market.boundsAt). */
  private commands = 0;
  private readonly exitTerms = new ExitTerms();
  /** Exits of entries that ended in the current command, oldest first (see settleLinked). */
  private readonly pending: PendingExits[] = [];

  constructor(options: PaperEngineOptions) {
    this.grants = new Map(Object.entries(options.grants));
    const bad = grantsProblem(options.grants);
    if (bad) throw new Error(bad);
    this.fillModel = options.fillModel ?? 'queue';
    if (!FILL_MODELS.includes(this.fillModel)) throw new Error(`unknown fill model ${String(this.fillModel)}`);
    this.maxBookAgeMs = options.maxBookAgeMs ?? DEFAULT_MAX_BOOK_AGE_MS;
    if (!isPosInt(this.maxBookAgeMs))
      throw new Error(`maxBookAgeMs must be a positive integer, got ${this.maxBookAgeMs}`);
    this.ledger.open(VENUE_ACCOUNT);
    for (const config of options.markets ?? []) {
      const problem = this.marketProblem(config);
      if (problem) throw new Error(`paper market ${String(config?.id)}: ${problem}`);
      this.markets.set(config.id, new Market({ ...config }));
    }
  }

  // ---------------------------------------------------------------- reads

  get marketIds(): string[] {
    return [...this.markets.keys()];
  }

  marketConfig(id: string): PaperMarketConfig | undefined {
    const m = this.markets.get(id);
    return m ? { ...m.config } : undefined;
  }

  /** Why `config` cannot be set now (bad settings, or units that clash with existing markets), or null. */
  marketProblem(config: PaperMarketConfig): string | null {
    const bad = marketConfigProblem(config);
    if (bad) return bad;
    const existing = this.markets.get(config.id);
    if (existing) {
      const e = existing.config;
      if (
        e.exchange !== config.exchange ||
        e.priceDecimals !== config.priceDecimals ||
        e.sizeDecimals !== config.sizeDecimals ||
        e.quoteDecimals !== config.quoteDecimals
      ) {
        return 'a market keeps its exchange and units';
      }
      // Resting buys hold for the highest fee known when they were placed; a higher one could outrun the hold.
      const maxFee = Math.max(config.makerFeeBps, config.takerFeeBps);
      if (maxFee > existing.maxFeeBps && existing.live.some((o) => o.side === 'buy'))
        return 'fees cannot rise while buy orders are live';
    }
    for (const m of this.markets.values()) {
      const c = m.config;
      if (c.id === config.id) continue;
      if (c.quote === config.quote && c.quoteDecimals !== config.quoteDecimals)
        return `${c.quote} has ${c.quoteDecimals} decimals in ${c.id}`;
      if (c.base === config.base && c.sizeDecimals !== config.sizeDecimals)
        return `${c.base} has ${c.sizeDecimals} decimals in ${c.id}`;
      if (c.quote === config.base && c.quoteDecimals !== config.sizeDecimals)
        return `${c.quote} has ${c.quoteDecimals} decimals in ${c.id}`;
      if (c.base === config.quote && c.sizeDecimals !== config.quoteDecimals)
        return `${c.base} has ${c.sizeDecimals} decimals in ${c.id}`;
    }
    return null;
  }

  hasAccount(account: AccountId): boolean {
    return account > 0 && this.ledger.get(account) !== undefined;
  }

  balance(account: AccountId, asset: string): Balance {
    const b = this.ledger.get(account)?.balances.get(asset);
    return b ? { available: b.available, held: b.held } : { available: 0, held: 0 };
  }

  balances(account: AccountId): Record<string, Balance> {
    const out: Record<string, Balance> = {};
    for (const [asset, b] of this.ledger.get(account)?.balances ?? [])
      out[asset] = { available: b.available, held: b.held };
    return out;
  }

  /** The starting balances of a new or reset account. */
  startingGrants(): Record<string, number> {
    return Object.fromEntries(this.grants);
  }

  /** How resting limit orders fill at their price now. */
  get fills(): FillModel {
    return this.fillModel;
  }

  openOrders(account: AccountId, market?: string): PaperOrderView[] {
    const out: PaperOrderView[] = [];
    for (const o of this.orders.values()) {
      if (o.account !== account || (market !== undefined && o.market !== market)) continue;
      out.push({
        id: o.id,
        market: o.market,
        side: o.side,
        type: o.type,
        price: o.price,
        stopPrice: o.stopPrice,
        quantity: o.quantity,
        remaining: o.remaining,
        held: o.held,
        queueAhead: o.queueAhead,
        triggered: o.triggered,
        clientOrderId: o.clientOrderId,
        ts: o.ts,
        ...(o.trailAmount !== 0 && { trailAmount: o.trailAmount }),
        ...(o.trailBps !== 0 && { trailBps: o.trailBps }),
        ...(o.exits !== null && o.exits.takeProfit !== 0 && { takeProfitPrice: o.exits.takeProfit }),
        ...(o.exits !== null && o.exits.stopLoss !== 0 && { stopLossPrice: o.exits.stopLoss }),
        ...(o.exits !== null && o.exits.stopLossLimit !== 0 && { stopLossLimitPrice: o.exits.stopLossLimit }),
        ...(o.parent !== 0 && { parentOrderId: o.parent }),
        ...(o.oco !== 0 && { ocoOrderId: o.oco }),
      });
    }
    return out;
  }

  /** The account's positions (every market it traded since its last reset), marked where `mark` knows a price. */
  positionsOf(account: AccountId, mark: (market: string) => number | undefined = () => undefined): PositionView[] {
    const out: PositionView[] = [];
    for (const [market, p] of this.positions.get(account) ?? [])
      out.push(positionView(market, p, this.markets.get(market)!.divisor, mark(market)));
    return out;
  }

  /** The sequence number of the last event on a stream (a market id or LEDGER_STREAM). */
  lastSeq(stream: string): number {
    if (stream === LEDGER_STREAM) return this.ledgerSeq;
    return this.markets.get(stream)?.seq ?? 0;
  }

  /**
   * What a trade at `price` would do. A trade that does nothing changes no state either, so a caller may
   * skip it (and need not journal it); one that triggers stops, or may end an entry whose exits then meet the
   * book, needs the current book in its command ('stops'). Moving a trailing stop's trigger is a change of
   * state ('resting' at least): a replay must see that trade too.
   */
  tradeEffect(market: string, price: number): TradeEffect {
    const m = this.markets.get(market);
    if (!m) return 'none';
    if (m.boundsAt !== this.commands) {
      m.bounds = effectBounds(m.live);
      m.boundsAt = this.commands;
    }
    const b = m.bounds;
    if (!b.trailing) {
      if (price >= b.buyStop || price <= b.sellStop || price <= b.buyExits || price >= b.sellExits) return 'stops';
      return price <= b.buyPlain || price >= b.sellPlain ? 'resting' : 'none';
    }
    let effect: TradeEffect = 'none';
    for (const o of m.live) {
      if (isStop(o) && !o.triggered) {
        if (reaches(o, price)) return 'stops';
        if (o.type === 'trailing_stop' && trailedTrigger(o, price, TICK) !== o.stopPrice) effect = 'resting';
      } else if (o.side === 'buy' ? price <= o.price : price >= o.price) {
        if (o.exits !== null) return 'stops';
        effect = 'resting';
      }
    }
    return effect;
  }

  /**
   * The engine's invariants, as a list of what is wrong (empty when all hold): every order's hold accounted in
   * its owner's held balance, no user or fee balance negative, orders indexed consistently, OCO pairs whole.
   */
  audit(): string[] {
    const problems: string[] = [];
    const held = new Map<string, number>();
    for (const o of this.orders.values()) {
      const m = this.markets.get(o.market)!;
      const key = `${o.account}/${o.side === 'buy' ? m.config.quote : m.config.base}`;
      held.set(key, (held.get(key) ?? 0) + o.held);
      if (!m.live.includes(o)) problems.push(`order ${o.id} is not live in ${o.market}`);
      if (o.held < 0 || o.remaining < 0) problems.push(`order ${o.id}: held ${o.held}, remaining ${o.remaining}`);
      // An OCO pair: both live, linked both ways, on one side and market; the stop-loss holds nothing.
      const partner = o.oco !== 0 ? this.orders.get(o.oco) : undefined;
      if (o.oco !== 0 && (partner?.oco !== o.id || partner.side !== o.side || partner.market !== o.market))
        problems.push(`order ${o.id}: OCO partner ${o.oco} is not live or not linked back`);
      if (o.oco !== 0 && isStop(o) && o.held !== 0) problems.push(`order ${o.id}: an OCO stop-loss holds ${o.held}`);
    }
    for (const m of this.markets.values()) {
      for (const o of m.live)
        if (this.orders.get(o.id) !== o) problems.push(`${m.config.id}: live order ${o.id} is not in the order map`);
    }
    for (const account of this.ledger.accounts.values()) {
      for (const [asset, b] of account.balances) {
        if (account.id !== VENUE_ACCOUNT && (b.available < 0 || b.held < 0))
          problems.push(`account ${account.id} ${asset}: negative balance ${b.available}/${b.held}`);
        const expected = held.get(`${account.id}/${asset}`) ?? 0;
        if (b.held !== expected)
          problems.push(`account ${account.id} ${asset}: held ${b.held} but its orders hold ${expected}`);
      }
    }
    return problems;
  }

  // ---------------------------------------------------------------- snapshot

  snapshot(): PaperSnapshot {
    return {
      version: 1,
      grants: [...this.grants],
      maxBookAgeMs: this.maxBookAgeMs,
      fillModel: this.fillModel,
      markets: [...this.markets.values()].map((m) => ({ config: { ...m.config }, seq: m.seq })),
      nextOrderId: this.nextOrderId,
      nextTradeId: this.nextTradeId,
      ledgerSeq: this.ledgerSeq,
      accounts: [...this.ledger.accounts.values()].map((a) => [
        a.id,
        [...a.balances].map(([asset, b]) => [asset, b.available, b.held]),
      ]),
      orders: [...this.orders.values()].map((o) => ({ ...o, exits: o.exits && { ...o.exits } })),
      positions: [...this.positions].flatMap(([account, byMarket]) =>
        [...byMarket].map(
          ([market, p]) =>
            [account, market, p.quantity, p.costBasis, p.realisedPnl, p.feesPaid] as PaperSnapshot['positions'][number],
        ),
      ),
      closed: [...this.closed],
    };
  }

  static restore(s: PaperSnapshot): PaperEngine {
    if (!s || s.version !== 1) throw new Error(`unsupported paper engine snapshot version ${String(s?.version)}`);
    const e = new PaperEngine({
      grants: Object.fromEntries(s.grants),
      maxBookAgeMs: s.maxBookAgeMs,
      fillModel: s.fillModel ?? 'queue',
      markets: s.markets.map((m) => m.config),
    });
    for (const { config, seq } of s.markets) e.markets.get(config.id)!.seq = seq;
    e.nextOrderId = s.nextOrderId;
    e.nextTradeId = s.nextTradeId;
    e.ledgerSeq = s.ledgerSeq;
    for (const [id, balances] of s.accounts) {
      const account = e.ledger.get(id) ?? e.ledger.open(id);
      for (const [asset, available, held] of balances) account.balances.set(asset, { available, held });
    }
    e.ledger.recountSupplies();
    for (const row of s.orders) {
      const m = e.markets.get(row.market);
      if (!m || !e.hasAccount(row.account)) throw new Error(`snapshot order ${row.id} of unknown market or account`);
      // Snapshots from before trailing stops and brackets carry none of their fields.
      const o = { ...NO_LINKS, ...row } as Order;
      if (o.exits !== null) o.exits = { ...o.exits };
      e.orders.set(o.id, o);
      // The snapshot lists orders in the order map's order, which each market's live list follows (an
      // amended order moves to the back of both): the older order at a price keeps taking its share first.
      m.live.push(o);
    }
    for (const [account, market, quantity, costBasis, realisedPnl, feesPaid] of s.positions) {
      e.positionMap(account).set(market, { quantity, costBasis, realisedPnl, feesPaid });
    }
    for (const [id, account] of s.closed) e.closed.set(id, account);
    return e;
  }

  // ---------------------------------------------------------------- commands

  /** Applies one command and returns the events it produced, in order. Never throws on bad input. */
  apply(cmd: PaperCommand): PaperEvent[] {
    // Any command may change the live orders: what tradeEffect worked out before it is void.
    this.commands++;
    const out: PaperEvent[] = [];
    this.out = out;
    const raw = cmd as unknown as Record<string, unknown> | null;
    if (raw === null || typeof raw !== 'object') {
      this.ts = 0;
      this.rejectLedger(0, 'INVALID_COMMAND', 'unknown');
      return out;
    }
    this.ts = Number.isSafeInteger(raw.ts) ? (raw.ts as number) : 0;
    switch (cmd.type) {
      case 'place':
        this.place(cmd);
        break;
      case 'trade':
        this.trade(cmd);
        break;
      case 'cancel':
        this.cancel(cmd.account, cmd.market, cmd.orderId);
        break;
      case 'amend':
        this.amend(cmd);
        break;
      case 'open_account':
        this.openAccount(cmd.account);
        break;
      case 'reset':
        this.reset(cmd.account);
        break;
      case 'set_market':
        this.setMarket(cmd.config);
        break;
      case 'set_terms':
        this.setTerms(cmd);
        break;
      default:
        this.rejectLedger(typeof raw.account === 'number' ? raw.account : 0, 'INVALID_COMMAND', String(raw.type));
    }
    return out;
  }

  /**
   * Checks a place by the LPJ engine's rules and in its order (../matching/validation checkPlace), where they
   * apply to paper orders: the same input is refused with the same reason. The type's own checks follow; then
   * the entry's exits are placed and stops triggered as the command's last price says (settleLinked).
   */
  private place(cmd: PlaceCommand): void {
    const m = this.markets.get(cmd.market);
    const cid = cmd.clientOrderId;
    if (!m) return this.rejectLedger(cmd.account, 'UNKNOWN_MARKET', 'place', cid);
    const reject = (reason: PaperRejectReason) => this.reject(m, cmd.account, reason, 'place', cid);
    if (!this.hasAccount(cmd.account)) return reject('UNKNOWN_ACCOUNT');
    const { side, orderType } = cmd;
    if (side !== 'buy' && side !== 'sell') return reject('INVALID_ORDER');
    if (!PLACE_TYPES.includes(orderType)) return reject('INVALID_ORDER');
    if (cid !== undefined && (typeof cid !== 'string' || cid.length === 0 || cid.length > MAX_CLIENT_ORDER_ID))
      return reject('INVALID_ORDER');
    const hasLimit = orderType === 'limit' || orderType === 'stop_limit';
    const stop = orderType === 'stop_market' || orderType === 'stop_limit';
    // Fields that belong to another order type are refused rather than ignored: they show a confused client.
    if (hasLimit ? !isPosInt(cmd.price) : cmd.price !== undefined)
      return reject(hasLimit ? 'INVALID_PRICE' : 'INVALID_ORDER');
    if (stop ? !isPosInt(cmd.stopPrice) : cmd.stopPrice !== undefined)
      return reject(stop ? 'INVALID_PRICE' : 'INVALID_ORDER');
    const badTrail = trailProblem(orderType === 'trailing_stop', cmd.trailAmount, cmd.trailBps);
    if (badTrail !== null) return reject(badTrail);
    const byQuote = cmd.quoteAmount !== undefined;
    if (byQuote) {
      if (orderType !== 'market' || side !== 'buy' || cmd.quantity !== undefined) return reject('INVALID_ORDER');
      if (!isPosInt(cmd.quoteAmount)) return reject('INVALID_QUANTITY');
    } else if (!isPosInt(cmd.quantity)) return reject('INVALID_QUANTITY');
    if (cid !== undefined && m.live.some((o) => o.account === cmd.account && o.clientOrderId === cid))
      return reject('DUPLICATE_CLIENT_ORDER_ID');
    if (orderType === 'market') this.placeMarket(m, cmd, reject);
    else if (orderType === 'limit') this.placeLimit(m, cmd, reject);
    else if (orderType === 'oco') this.placeOco(m, cmd, reject);
    else this.placeStop(m, cmd, reject);
    this.settleLinked(m, isPosInt(cmd.last) ? cmd.last : 0, cmd.book);
  }

  /**
   * Checks the exits a place command carries (../matching/brackets checkExits) against its entry's price
   * `entryPrice` (0: none known), into this.exitTerms; returns why not, or null (also when it carries none).
   */
  private exitsProblem(m: Market, cmd: PlaceCommand, entryPrice: number): PaperRejectReason | null {
    const isOco = cmd.orderType === 'oco';
    const { takeProfitPrice: tp, stopLossPrice: sl, stopLossLimitPrice: slLimit } = cmd;
    const hasExits = isOco || tp !== undefined || sl !== undefined || slLimit !== undefined;
    // A budget has no quantity to size the exits by.
    if (hasExits && cmd.quoteAmount !== undefined) return 'INVALID_ORDER';
    const entrySide = isOco ? opposite(cmd.side) : cmd.side;
    return checkExits(m, entrySide, entryPrice, cmd.quantity ?? 0, tp, sl, slLimit, isOco, this.exitTerms);
  }

  private placeMarket(m: Market, cmd: PlaceCommand, reject: (r: PaperRejectReason) => void): void {
    const problem = this.bookProblem(cmd.book);
    if (problem) return reject(problem);
    const book = cmd.book!;
    const c = m.config;
    const levels = oppositeLevels(book, cmd.side);
    if (depth(levels) === 0) return reject('NO_LIQUIDITY');
    // A market order's exits are judged against the market's reference: the last trade, else the best price.
    const reference = isPosInt(cmd.last) ? cmd.last : (levels.find(([, size]) => size > 0)?.[0] ?? 0);
    const badExits = this.exitsProblem(m, cmd, reference);
    if (badExits) return reject(badExits);
    const budget = cmd.quoteAmount;
    const walk =
      budget !== undefined
        ? walkBudget(book.asks, budget, m.divisor, c.takerFeeBps)
        : walkQuantity(levels, cmd.side, cmd.quantity!, undefined, m.divisor, c.takerFeeBps);
    if (walk.exhausted) return reject('BOOK_TOO_THIN');
    if (walk.quantity === 0) return reject('BELOW_LOT_SIZE'); // a budget too small to buy one size unit
    const hold = cmd.side === 'sell' ? cmd.quantity! : (budget ?? walk.amount + walk.fee);
    if (!inRange(hold) || !this.fillsFit(m, cmd.account, cmd.side, walk.fills)) return reject('AMOUNT_OUT_OF_RANGE');
    if ((budget ?? walk.amount) < c.minNotional) return reject('BELOW_MIN_NOTIONAL');
    if (!this.canHold(m, cmd.account, cmd.side, hold)) return reject('INSUFFICIENT_FUNDS');
    const order = this.accept(m, cmd, hold);
    this.book(m, order, walk.fills, false);
    this.fill(m, order);
  }

  private placeLimit(m: Market, cmd: PlaceCommand, reject: (r: PaperRejectReason) => void): void {
    // The book decides whether the order takes liquidity on entry and how long the queue ahead of it is.
    const problem = this.bookProblem(cmd.book);
    if (problem) return reject(problem);
    const price = cmd.price!;
    const quantity = cmd.quantity!;
    const badExits = this.exitsProblem(m, cmd, price);
    if (badExits) return reject(badExits);
    const value = notional(price, quantity, m.divisor);
    const hold = cmd.side === 'sell' ? quantity : m.buyHold(price, quantity);
    if (!inRange(value) || !inRange(hold)) return reject('AMOUNT_OUT_OF_RANGE');
    if (value < m.config.minNotional) return reject('BELOW_MIN_NOTIONAL');
    if (!this.canHold(m, cmd.account, cmd.side, hold)) return reject('INSUFFICIENT_FUNDS');
    const walk = this.entryWalk(m, cmd.side, quantity, price, cmd.book);
    if (!this.limitFits(m, cmd.account, cmd.side, price, quantity, walk)) return reject('AMOUNT_OUT_OF_RANGE');
    this.enterLimit(m, this.accept(m, cmd, hold), cmd.book, walk);
  }

  /** Stop-market, stop-limit and trailing stop: they wait for the last price (see trigger). */
  private placeStop(m: Market, cmd: PlaceCommand, reject: (r: PaperRejectReason) => void): void {
    const quantity = cmd.quantity!;
    let stopPrice = cmd.stopPrice ?? 0;
    if (cmd.orderType === 'trailing_stop') {
      // The first trigger trails the last trade price, else the best opposite price (../matching/trailing.ts).
      let from = isPosInt(cmd.last) ? cmd.last : 0;
      if (from === 0) {
        const problem = this.bookProblem(cmd.book);
        if (problem) return reject(problem);
        from = oppositeLevels(cmd.book!, cmd.side).find(([, size]) => size > 0)?.[0] ?? 0;
        if (from === 0) return reject('NO_LIQUIDITY');
      }
      stopPrice = trailTrigger(cmd.side, from, cmd.trailAmount ?? 0, cmd.trailBps ?? 0, TICK);
      const badTrigger = triggerProblem(stopPrice);
      if (badTrigger) return reject(badTrigger);
    }
    const reference = cmd.orderType === 'stop_limit' ? cmd.price! : stopPrice;
    // A stop-market buy fills somewhere up to the band above its stop price; it holds for the worst of it. A
    // trailing buy's trigger only falls, so the band above its first trigger covers it whenever it triggers.
    const worst = cmd.orderType === 'stop_limit' ? cmd.price! : m.bandPrice(cmd.side, stopPrice);
    if (!inRange(worst)) return reject('AMOUNT_OUT_OF_RANGE');
    const badExits = this.exitsProblem(m, cmd, reference);
    if (badExits) return reject(badExits);
    const value = notional(reference, quantity, m.divisor);
    const hold = cmd.side === 'sell' ? quantity : m.buyHold(worst, quantity);
    if (!inRange(value) || !inRange(hold)) return reject('AMOUNT_OUT_OF_RANGE');
    // Judged, like a limit, as if the whole order filled now, at its worst price for a buy, its reference for a sell.
    if (
      !this.fillsFit(m, cmd.account, cmd.side, [this.makerFillOf(m, cmd.side === 'buy' ? worst : reference, quantity)])
    )
      return reject('AMOUNT_OUT_OF_RANGE');
    if (value < m.config.minNotional) return reject('BELOW_MIN_NOTIONAL');
    if (!this.canHold(m, cmd.account, cmd.side, hold)) return reject('INSUFFICIENT_FUNDS');
    // A stop whose condition already holds triggers at once (settleLinked), like one waiting when the price moved.
    this.accept(m, cmd, hold, stopPrice);
  }

  /**
   * An OCO pair on its own (../matching/brackets.ts): a take-profit limit and a stop-loss for a position the
   * account holds, judged against the last price, holding once for both.
   */
  private placeOco(m: Market, cmd: PlaceCommand, reject: (r: PaperRejectReason) => void): void {
    const quantity = cmd.quantity!;
    const badExits = this.exitsProblem(m, cmd, isPosInt(cmd.last) ? cmd.last : 0);
    if (badExits) return reject(badExits);
    const { takeProfit, stopLoss, stopLossLimit, hold } = this.exitTerms;
    // The take-profit meets the book as a limit order does.
    const problem = this.bookProblem(cmd.book);
    if (problem) return reject(problem);
    const value = notional(Math.min(takeProfit, stopLoss), quantity, m.divisor);
    if (!inRange(value)) return reject('AMOUNT_OUT_OF_RANGE');
    if (value < m.config.minNotional) return reject('BELOW_MIN_NOTIONAL');
    if (!this.exitsFitFills(m, cmd.account, cmd.side, quantity, takeProfit, stopLoss, stopLossLimit))
      return reject('AMOUNT_OUT_OF_RANGE');
    if (!this.canHold(m, cmd.account, cmd.side, hold)) return reject('INSUFFICIENT_FUNDS');
    this.openExits(
      m,
      cmd.account,
      cmd.side,
      quantity,
      takeProfit,
      stopLoss,
      stopLossLimit,
      hold,
      0,
      cmd.clientOrderId,
      cmd.book,
    );
  }

  /** Whether either exit filling whole, at its price (a stop-market at its band), keeps every number in range. */
  private exitsFitFills(
    m: Market,
    account: AccountId,
    side: Side,
    quantity: number,
    takeProfit: number,
    stopLoss: number,
    stopLossLimit: number,
  ): boolean {
    const stopWorst = stopLossLimit !== 0 ? stopLossLimit : m.bandPrice(side, stopLoss);
    for (const price of [takeProfit, stopLoss === 0 ? 0 : side === 'buy' ? stopWorst : stopLoss]) {
      if (price !== 0 && !this.fillsFit(m, account, side, [this.makerFillOf(m, price, quantity)])) return false;
    }
    return true;
  }

  /**
   * Opens exits on `side` for `quantity` (an OCO pair when both are given) holding `hold` between them, as a
   * bracket's (`parent`: its entry) or on their own: the stop-loss waits, the take-profit meets `book`.
   */
  private openExits(
    m: Market,
    account: AccountId,
    side: Side,
    quantity: number,
    takeProfit: number,
    stopLoss: number,
    stopLossLimit: number,
    hold: number,
    parent: OrderId,
    clientOrderId: string | undefined,
    book: PaperBook | undefined,
  ): void {
    const tp =
      takeProfit === 0 ? null : this.newOrder(m, account, side, 'limit', takeProfit, 0, quantity, clientOrderId);
    const sl =
      stopLoss === 0
        ? null
        : this.newOrder(
            m,
            account,
            side,
            stopLossLimit === 0 ? 'stop_market' : 'stop_limit',
            stopLossLimit,
            stopLoss,
            quantity,
            tp === null ? clientOrderId : undefined,
          );
    if (tp !== null && sl !== null) {
      tp.oco = sl.id;
      sl.oco = tp.id;
    }
    // The take-profit holds for the pair; a stop-loss on its own holds for itself.
    if (tp !== null) {
      tp.parent = parent;
      this.open(m, tp, hold);
    }
    if (sl !== null) {
      sl.parent = parent;
      this.open(m, sl, tp === null ? hold : 0);
    }
    if (tp === null) return;
    const walk = this.entryWalk(m, side, quantity, takeProfit, book);
    if (!this.limitFits(m, account, side, takeProfit, quantity, walk)) return this.expire(m, tp, 'amount_out_of_range');
    this.enterLimit(m, tp, book, walk);
  }

  /** Places the exits of an entry that ended, if its owner can fund them; else refuses them as a whole. */
  private placeExits(m: Market, p: PendingExits, book: PaperBook | undefined): void {
    const { account, side, quantity, takeProfit, stopLoss, stopLossLimit, parent } = p;
    const hold = exitHold(m, side, quantity, takeProfit, stopLoss, stopLossLimit);
    if (!inRange(hold) || !this.exitsFitFills(m, account, side, quantity, takeProfit, stopLoss, stopLossLimit))
      return this.reject(m, account, 'AMOUNT_OUT_OF_RANGE', 'bracket', undefined, parent);
    if (!this.canHold(m, account, side, hold))
      return this.reject(m, account, 'INSUFFICIENT_FUNDS', 'bracket', undefined, parent);
    this.openExits(m, account, side, quantity, takeProfit, stopLoss, stopLossLimit, hold, parent, undefined, book);
  }

  /**
   * What follows the orders' own fills in a command, as in the LPJ engine's order flow: the exits of entries
   * that ended are placed (they may trade, and end other orders), trailing triggers follow the last price
   * `last` (0: unknown; each move published as `trigger_moved`, at most once per order since `last` is the
   * command's one price), and every stop it reaches triggers, oldest first, until nothing more happens.
   */
  private settleLinked(m: Market, last: number, book: PaperBook | undefined): void {
    for (;;) {
      const next = this.pending.shift();
      if (next !== undefined) {
        this.placeExits(m, next, book);
        continue;
      }
      if (last === 0) return;
      for (const o of m.live) {
        if (o.type === 'trailing_stop' && !o.triggered && followTrigger(o, last, TICK))
          this.emit(m, { type: 'trigger_moved', orderId: o.id, account: o.account, stopPrice: o.stopPrice });
      }
      const due = m.live.find((o) => isStop(o) && !o.triggered && reaches(o, last));
      if (due === undefined) return;
      this.trigger(m, due, last, book);
    }
  }

  /** What a limit order takes from the book on entry: the opposite levels up to its price; nothing without a usable book. */
  private entryWalk(m: Market, side: Side, quantity: number, price: number, book: PaperBook | undefined): Walk {
    if (this.bookProblem(book) !== null) return NO_WALK;
    return walkQuantity(oppositeLevels(book!, side), side, quantity, price, m.divisor, m.config.takerFeeBps);
  }

  /** Whether a limit order fits as if it filled whole now: its entry walk, and the rest at its own price. */
  private limitFits(m: Market, account: AccountId, side: Side, price: number, quantity: number, walk: Walk): boolean {
    const rest = quantity - walk.quantity;
    return this.fillsFit(m, account, side, rest > 0 ? [...walk.fills, this.makerFillOf(m, price, rest)] : walk.fills);
  }

  /** A limit order meets the book with its entry walk: it takes that, and the rest rests behind the queue. */
  private enterLimit(m: Market, order: Order, book: PaperBook | undefined, walk: Walk): void {
    if (this.bookProblem(book) === null) {
      this.book(m, order, walk.fills, false);
      if (order.remaining === 0) return this.fill(m, order);
      this.rebalanceHold(m, order);
      // On touch nothing queues ahead of it (a queue it would ignore would only mislead the order's view).
      const own = order.side === 'buy' ? book!.bids : book!.asks;
      order.queueAhead = this.fillModel === 'touch' ? 0 : (own.find(([price]) => price === order.price)?.[1] ?? 0);
    }
    // Without a usable book (only a stop-limit triggered while the feed was stale gets here) the order rests
    // with no queue ahead: it still fills only when trades reach its price.
  }

  private trade(cmd: TradeCommand): void {
    const m = this.markets.get(cmd.market);
    // Trades of markets without paper orders are none of the engine's business (and carry no reply).
    if (!m || !isPosInt(cmd.price) || !isPosInt(cmd.size)) return;
    const resting = m.live.filter(isResting);
    const throughOnly = cmd.throughOnly === true;
    for (const { order, quantity } of fillsFromTrade(resting, cmd.price, cmd.size, this.fillModel, throughOnly)) {
      const fill = this.makerFillOf(m, order.price, quantity);
      // The market reached the order, but booking it would leave the range: it ends here instead, unfilled.
      if (!this.fillsFit(m, order.account, order.side, [fill])) {
        this.expire(m, order, 'amount_out_of_range');
        continue;
      }
      // An OCO partner the fill cancelled is no longer live; a fill has nothing to reach it.
      if (!this.orders.has(order.id)) continue;
      this.book(m, order, [fill], true);
      if (order.remaining === 0) this.fill(m, order);
      else this.rebalanceHold(m, order);
    }
    this.settleLinked(m, cmd.price, cmd.book);
  }

  private trigger(m: Market, order: Order, last: number, book: PaperBook | undefined): void {
    order.triggered = true;
    this.emit(m, { type: 'triggered', orderId: order.id, account: order.account, lastPrice: last });
    if (order.oco !== 0) {
      // The pair's hold moves from the take-profit (cancelled now) to the stop-loss, which needs no more.
      const worst = order.type === 'stop_limit' ? order.price : m.bandPrice(order.side, order.stopPrice);
      const need = order.side === 'sell' ? order.remaining : m.buyHold(worst, order.remaining);
      this.endOco(m, order);
      this.ledger.hold(this.ledger.get(order.account)!.balance(this.heldAsset(m, order.side)), need - order.held);
      order.held = need;
    }
    if (order.type === 'stop_limit') {
      const entry = this.entryWalk(m, order.side, order.remaining, order.price, book);
      if (!this.limitFits(m, order.account, order.side, order.price, order.remaining, entry))
        return this.expire(m, order, 'amount_out_of_range');
      return this.enterLimit(m, order, book, entry);
    }
    // A stop-market fills whole within its band or not at all, like a market order refused on a thin book.
    const problem = this.bookProblem(book);
    if (problem) return this.expire(m, order, problem === 'NO_BOOK' ? 'no_book' : 'stale_book');
    const levels = oppositeLevels(book!, order.side);
    const limit = m.bandPrice(order.side, order.stopPrice);
    const walk = walkQuantity(levels, order.side, order.remaining, limit, m.divisor, m.config.takerFeeBps);
    if (walk.exhausted) return this.expire(m, order, depth(levels) >= order.remaining ? 'price_band' : 'book_too_thin');
    if (!this.fillsFit(m, order.account, order.side, walk.fills)) return this.expire(m, order, 'amount_out_of_range');
    this.book(m, order, walk.fills, false);
    this.fill(m, order);
  }

  private cancel(account: AccountId, market: string, orderId: OrderId): void {
    const m = this.markets.get(market);
    if (!m) return this.rejectLedger(account, 'UNKNOWN_MARKET', 'cancel', undefined, orderId);
    const order = this.orders.get(orderId);
    if (order && order.account === account && order.market === market) return this.cancelOrder(m, order, 'user');
    const reason = !order && this.closed.get(orderId) === account ? 'ORDER_CLOSED' : 'UNKNOWN_ORDER';
    this.reject(m, account, reason, 'cancel', undefined, orderId);
  }

  /**
   * Amends a resting limit order to a new total quantity and/or price, by the LPJ engine's rules
   * (../matching/validation checkAmend, ../matching/order-flow): only a resting limit has a place to keep or
   * lose (a waiting stop is refused ORDER_NOT_AMENDABLE, as is no change or a quantity not above what filled).
   * A smaller quantity at the same price keeps its place in the queue; a new price or a larger quantity is a
   * new promise and goes to the back — behind the book's size at its price and behind older paper orders — and
   * meets the book like a new order, so it needs a usable book. The hold follows the order: more is held
   * (refused INSUFFICIENT_FUNDS when it is not there) or the difference is released.
   */
  private amend(cmd: AmendCommand): void {
    const { account, orderId } = cmd;
    const m = this.markets.get(cmd.market);
    if (!m) return this.rejectLedger(account, 'UNKNOWN_MARKET', 'amend', undefined, orderId);
    const order = this.orders.get(orderId);
    if (!order || order.account !== account || order.market !== cmd.market) {
      const reason = !order && this.closed.get(orderId) === account ? 'ORDER_CLOSED' : 'UNKNOWN_ORDER';
      return this.reject(m, account, reason, 'amend', undefined, orderId);
    }
    const reject = (reason: PaperRejectReason) =>
      this.reject(m, account, reason, 'amend', order.clientOrderId, orderId);
    if (cmd.quantity !== undefined && !isPosInt(cmd.quantity)) return reject('INVALID_QUANTITY');
    if (cmd.price !== undefined && !isPosInt(cmd.price)) return reject('INVALID_PRICE');
    // An OCO order's hold is its pair's (../matching/brackets.ts).
    if (!isResting(order) || order.oco !== 0) return reject('ORDER_NOT_AMENDABLE');
    const quantity = cmd.quantity ?? order.quantity;
    const price = cmd.price ?? order.price;
    const filled = order.quantity - order.remaining;
    if (quantity <= filled || (quantity === order.quantity && price === order.price))
      return reject('ORDER_NOT_AMENDABLE');
    const exits = order.exits;
    if (exits !== null && !exitsFit(opposite(order.side), price, exits.takeProfit, exits.stopLoss))
      return reject('INVALID_BRACKET');
    const remaining = quantity - filled;
    const keptPriority = price === order.price && quantity < order.quantity;
    const value = notional(price, quantity, m.divisor);
    const need = order.side === 'sell' ? remaining : m.buyHold(price, remaining);
    if (!inRange(value) || !inRange(need)) return reject('AMOUNT_OUT_OF_RANGE');
    if (value < m.config.minNotional) return reject('BELOW_MIN_NOTIONAL');
    let walk = NO_WALK;
    if (!keptPriority) {
      const problem = this.bookProblem(cmd.book);
      if (problem) return reject(problem);
      walk = this.entryWalk(m, order.side, remaining, price, cmd.book);
      if (!this.limitFits(m, account, order.side, price, remaining, walk)) return reject('AMOUNT_OUT_OF_RANGE');
    }
    if (need > order.held && !this.canHold(m, account, order.side, need - order.held))
      return reject('INSUFFICIENT_FUNDS');

    const balance = this.ledger.get(account)!.balance(order.side === 'buy' ? m.config.quote : m.config.base);
    if (need > order.held) this.ledger.hold(balance, need - order.held);
    else if (need < order.held) this.ledger.release(balance, order.held - need);
    order.held = need;
    order.quantity = quantity;
    order.remaining = remaining;
    order.price = price;
    this.emit(m, { type: 'amended', orderId, account, price, quantity, remaining, keptPriority });
    if (keptPriority) return;
    // To the back: of this market's paper orders (the order map keeps the same order, see snapshot) and of
    // the book's queue at its price, which enterLimit measures once it has taken what it crosses.
    m.live.splice(m.live.indexOf(order), 1);
    m.live.push(order);
    this.orders.delete(orderId);
    this.orders.set(orderId, order);
    order.queueAhead = 0;
    this.enterLimit(m, order, cmd.book, walk);
    // An entry the move filled places its exits; the command carries no last price to trigger stops with.
    this.settleLinked(m, 0, cmd.book);
  }

  private openAccount(account: AccountId): void {
    if (!isPosInt(account)) return this.rejectLedger(0, 'UNKNOWN_ACCOUNT', 'open_account');
    if (this.ledger.get(account)) return this.rejectLedger(account, 'ACCOUNT_EXISTS', 'open_account');
    if (!this.grantRoom(new Map(), false)) return this.rejectLedger(account, 'AMOUNT_OUT_OF_RANGE', 'open_account');
    this.ledger.open(account);
    this.emitLedger({ type: 'account_opened', account });
    this.grant(account);
  }

  /**
   * Back to the start: the account's orders are cancelled, everything it owns leaves the ledger (withdrawn)
   * and the starting grant enters it (deposited) — explicit flows, so conservation holds across a reset. Its
   * positions start over. The venue and fee accounts keep their history.
   */
  private reset(account: AccountId): void {
    if (!this.hasAccount(account))
      return this.rejectLedger(isPosInt(account) ? account : 0, 'UNKNOWN_ACCOUNT', 'reset');
    // What the account owns (held included: its orders are cancelled first) leaves before the grant enters.
    const freed = new Map<string, number>();
    for (const [asset, b] of this.ledger.get(account)!.balances) freed.set(asset, b.available + b.held);
    if (!this.grantRoom(freed, false)) return this.rejectLedger(account, 'AMOUNT_OUT_OF_RANGE', 'reset');
    this.emitLedger({ type: 'reset', account });
    for (const order of [...this.orders.values()]) {
      // An OCO partner cancelled on the way is no longer live.
      if (order.account === account && this.orders.has(order.id))
        this.cancelOrder(this.markets.get(order.market)!, order, 'cancel_all');
    }
    const a = this.ledger.get(account)!;
    for (const [asset, b] of [...a.balances].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
      if (b.available === 0) continue;
      const amount = b.available;
      this.ledger.withdraw(a, asset, amount);
      this.emitLedger({ type: 'withdrawn', account, asset, amount });
    }
    this.positions.delete(account);
    this.grant(account);
  }

  /**
   * Whether every asset's supply can take the starting grant once `freed` has left it, after taking out of the
   * ledger what the outside accounts hold if need be; with `apply`, takes that out.
   */
  private grantRoom(freed: ReadonlyMap<string, number>, apply: boolean): boolean {
    for (const [asset, amount] of this.grants) {
      let supply = this.ledger.supply(asset) - (freed.get(asset) ?? 0);
      for (const id of [VENUE_ACCOUNT, FEE_ACCOUNT]) {
        const held = this.ledger.get(id)!.balances.get(asset)?.available ?? 0;
        if (amount <= MAX_AMOUNT - supply || held <= 0) continue;
        supply -= held;
        if (apply) this.takeOut(id, asset, held);
      }
      if (amount > MAX_AMOUNT - supply) return false;
    }
    return true;
  }

  /** Grants the starting balances, with room made for them (see grantRoom, which the caller asked first). */
  private grant(account: AccountId): void {
    this.grantRoom(new Map(), true);
    const a = this.ledger.get(account)!;
    for (const [asset, amount] of this.grants) {
      this.ledger.deposit(a, asset, amount);
      this.emitLedger({ type: 'deposited', account, asset, amount });
    }
  }

  /** New starting balances (from the next open or reset) and/or fill model; refused whole if either is bad. */
  private setTerms(cmd: { grants?: unknown; fillModel?: unknown }): void {
    const grants = cmd.grants;
    if (grants !== undefined && (grants === null || typeof grants !== 'object' || grantsProblem(grants as never)))
      return this.rejectLedger(0, 'INVALID_COMMAND', 'set_terms');
    if (cmd.fillModel !== undefined && !FILL_MODELS.includes(cmd.fillModel as FillModel))
      return this.rejectLedger(0, 'INVALID_COMMAND', 'set_terms');
    if (grants !== undefined) this.grants = new Map(Object.entries(grants as Record<string, number>));
    if (cmd.fillModel !== undefined) this.fillModel = cmd.fillModel as FillModel;
  }

  private setMarket(config: PaperMarketConfig): void {
    if (this.marketProblem(config) !== null) return this.rejectLedger(0, 'INVALID_COMMAND', 'set_market');
    const existing = this.markets.get(config.id);
    if (!existing) {
      this.markets.set(config.id, new Market({ ...config }));
      return;
    }
    existing.config = { ...config };
    existing.maxFeeBps = Math.max(config.makerFeeBps, config.takerFeeBps);
  }

  // ---------------------------------------------------------------- fills and holds

  /**
   * Whether booking `fills` of an order of `account` on `side` keeps every number it touches a safe integer:
   * the user's total in the asset it receives, its position figures after each fill, and the outside accounts
   * once room is made in them (see outsideRoom). The user's other balances only shrink.
   */
  private fillsFit(m: Market, account: AccountId, side: Side, fills: readonly Fill[]): boolean {
    const t = totals(fills);
    if (!inRange(t.quantity) || !inRange(t.amount) || !inRange(t.fee)) return false;
    const received = this.ledger.get(account)!.balances.get(side === 'buy' ? m.config.base : m.config.quote);
    if (!inRange((received ? received.available + received.held : 0) + (side === 'buy' ? t.quantity : t.amount)))
      return false;
    if (!this.outsideRoom(m, side, t, false)) return false;
    const p = { ...(this.positions.get(account)?.get(m.config.id) ?? emptyPosition()) };
    for (const f of fills) {
      applyFill(p, side, f.quantity, f.amount, f.fee);
      if (!positionInRange(p)) return false;
    }
    return true;
  }

  /**
   * Room in the outside accounts for fills totalling `t` on `side`: the venue delivers what the user receives
   * and takes what the user gives, the fee account takes the fees. With `apply`, makes it, in the same order.
   */
  private outsideRoom(
    m: Market,
    side: Side,
    t: { quantity: number; amount: number; fee: number },
    apply: boolean,
  ): boolean {
    const buy = side === 'buy';
    return (
      this.outsideShift(VENUE_ACCOUNT, m.config.base, buy ? -t.quantity : t.quantity, apply) &&
      this.outsideShift(VENUE_ACCOUNT, m.config.quote, buy ? t.amount : -t.amount, apply) &&
      this.outsideShift(FEE_ACCOUNT, m.config.quote, t.fee, apply)
    );
  }

  /**
   * Whether an outside account's balance can move by `delta` (in range) and stay a safe integer. Past the top,
   * what it holds leaves the ledger first (it holds something positive there); past the bottom (only the venue
   * goes below zero), what it is short enters it, as far as the asset's supply allows. With `apply`, does that.
   */
  private outsideShift(account: AccountId, asset: string, delta: number, apply: boolean): boolean {
    const a = this.ledger.get(account)!;
    const b = a.balances.get(asset)?.available ?? 0;
    if (Number.isSafeInteger(b + delta)) return true;
    if (delta > 0) {
      if (apply) this.takeOut(account, asset, b);
      return true;
    }
    const put = Math.min(-b, MAX_AMOUNT - this.ledger.supply(asset));
    if (put <= 0 || !Number.isSafeInteger(b + put + delta)) return false;
    if (apply) {
      this.ledger.deposit(a, asset, put);
      this.emitLedger({ type: 'deposited', account, asset, amount: put });
    }
    return true;
  }

  /** An outside account's holding leaves the ledger, as a withdrawal anyone replaying the events sees. */
  private takeOut(account: AccountId, asset: string, amount: number): void {
    this.ledger.withdraw(this.ledger.get(account)!, asset, amount);
    this.emitLedger({ type: 'withdrawn', account, asset, amount });
  }

  /** Books fills that fillsFit accepted: room in the outside accounts first, then each fill, as taker or maker. */
  private book(m: Market, order: Order, fills: readonly Fill[], maker: boolean): void {
    this.outsideRoom(m, order.side, totals(fills), true);
    for (const fill of fills) {
      if (maker) this.makerFill(m, order, fill);
      else this.takerFill(m, order, fill);
      // One order of an OCO pair trading ends the other (../matching/brackets.ts).
      if (order.oco !== 0) this.endOco(m, order);
    }
  }

  /** A maker fill of `quantity` at `price`, with the maker fee. */
  private makerFillOf(m: Market, price: number, quantity: number): Fill {
    const amount = notional(price, quantity, m.divisor);
    return { price, quantity, amount, fee: fee(amount, m.config.makerFeeBps) };
  }

  /** A fill of an order taking from the book on entry: the venue is the maker. */
  private takerFill(m: Market, order: Order, fill: Fill): void {
    this.settle(m, order, fill.quantity, fill.amount, fill.fee);
    this.out.push({
      seq: ++m.seq,
      market: m.config.id,
      ts: this.ts,
      type: 'trade',
      tradeId: this.nextTradeId++,
      price: fill.price,
      quantity: fill.quantity,
      quoteAmount: fill.amount,
      takerSide: order.side,
      makerOrderId: 0,
      takerOrderId: order.id,
      makerAccount: VENUE_ACCOUNT,
      takerAccount: order.account,
      makerFee: 0,
      takerFee: fill.fee,
    });
  }

  /** A fill of a resting order reached by the market (see makerFillOf): the order is the maker, at its own price. */
  private makerFill(m: Market, order: Order, fill: Fill): void {
    const { quantity, amount, fee: makerFee } = fill;
    this.settle(m, order, quantity, amount, makerFee);
    this.out.push({
      seq: ++m.seq,
      market: m.config.id,
      ts: this.ts,
      type: 'trade',
      tradeId: this.nextTradeId++,
      price: order.price,
      quantity,
      quoteAmount: amount,
      takerSide: opposite(order.side),
      makerOrderId: order.id,
      takerOrderId: 0,
      makerAccount: order.account,
      takerAccount: VENUE_ACCOUNT,
      makerFee,
      takerFee: 0,
    });
  }

  private settle(m: Market, order: Order, quantity: number, amount: number, paid: number): void {
    settleFill(this.ledger, order.account, m.config.base, m.config.quote, {
      side: order.side,
      quantity,
      amount,
      fee: paid,
    });
    order.held -= order.side === 'buy' ? amount + paid : quantity;
    if (order.quantity > 0) order.remaining -= quantity;
    let p = this.positionMap(order.account).get(m.config.id);
    if (!p) this.positionMap(order.account).set(m.config.id, (p = emptyPosition()));
    applyFill(p, order.side, quantity, amount, paid);
  }

  /** Releases what a buy order holds beyond what its remaining quantity can still cost (after fills below its price). */
  private rebalanceHold(m: Market, order: Order): void {
    if (order.side !== 'buy') return;
    const need = m.buyHold(order.price, order.remaining);
    if (order.held > need) {
      this.ledger.release(this.ledger.get(order.account)!.balance(m.config.quote), order.held - need);
      order.held = need;
    }
  }

  /** The asset an order on `side` holds: quote for a buy, base for a sell. */
  private heldAsset(m: Market, side: Side): string {
    return side === 'buy' ? m.config.quote : m.config.base;
  }

  private canHold(m: Market, account: AccountId, side: Side, amount: number): boolean {
    const asset = this.heldAsset(m, side);
    // Read without creating the balance, so a refused order leaves no empty entry behind.
    return amount <= (this.ledger.get(account)!.balances.get(asset)?.available ?? 0);
  }

  /** A book that is missing or malformed is none; one the feed gave up on, or too old, is stale. */
  private bookProblem(book: PaperBook | undefined): 'NO_BOOK' | 'STALE_BOOK' | null {
    if (!book || !usableLevels(book.bids) || !usableLevels(book.asks)) return 'NO_BOOK';
    if (book.live !== true || !Number.isSafeInteger(book.receivedAt) || this.ts - book.receivedAt > this.maxBookAgeMs)
      return 'STALE_BOOK';
    return null;
  }

  // ---------------------------------------------------------------- order lifecycle

  /** A new order's record (not yet live, holding nothing). */
  private newOrder(
    m: Market,
    account: AccountId,
    side: Side,
    type: OrderType,
    price: number,
    stopPrice: number,
    quantity: number,
    clientOrderId: string | undefined,
  ): Order {
    const order: Order = {
      id: this.nextOrderId++,
      account,
      market: m.config.id,
      side,
      type,
      price,
      stopPrice,
      quantity,
      quoteAmount: 0,
      remaining: quantity,
      held: 0,
      queueAhead: 0,
      triggered: false,
      ts: this.ts,
      trailAmount: 0,
      trailBps: 0,
      exits: null,
      parent: 0,
      oco: 0,
    };
    if (clientOrderId !== undefined) order.clientOrderId = clientOrderId;
    return order;
  }

  /** Accepts a place command's order (`stopPrice`: a trailing stop's first trigger), holding `hold`. */
  private accept(m: Market, cmd: PlaceCommand, hold: number, stopPrice = cmd.stopPrice ?? 0): Order {
    const type = cmd.orderType as OrderType;
    const order = this.newOrder(
      m,
      cmd.account,
      cmd.side,
      type,
      cmd.price ?? 0,
      stopPrice,
      cmd.quantity ?? 0,
      cmd.clientOrderId,
    );
    order.quoteAmount = cmd.quoteAmount ?? 0;
    if (type === 'trailing_stop') {
      order.trailAmount = cmd.trailAmount ?? 0;
      order.trailBps = cmd.trailBps ?? 0;
    }
    const ex = this.exitTerms;
    if (ex.takeProfit !== 0 || ex.stopLoss !== 0)
      order.exits = { takeProfit: ex.takeProfit, stopLoss: ex.stopLoss, stopLossLimit: ex.stopLossLimit };
    return this.open(m, order, hold);
  }

  /** Makes `order` live holding `hold`, and publishes it. */
  private open(m: Market, order: Order, hold: number): Order {
    order.held = hold;
    this.ledger.hold(this.ledger.get(order.account)!.balance(this.heldAsset(m, order.side)), hold);
    this.orders.set(order.id, order);
    m.live.push(order);
    const hasLimit = order.type === 'limit' || order.type === 'stop_limit';
    const exits = order.exits;
    this.emit(m, {
      type: 'accepted',
      orderId: order.id,
      account: order.account,
      clientOrderId: order.clientOrderId,
      side: order.side,
      orderType: order.type,
      timeInForce: hasLimit ? 'GTC' : 'IOC',
      price: hasLimit ? order.price : undefined,
      stopPrice: isStop(order) ? order.stopPrice : undefined,
      quantity: order.quoteAmount !== 0 ? undefined : order.quantity,
      quoteAmount: order.quoteAmount !== 0 ? order.quoteAmount : undefined,
      held: hold,
      ...(order.trailAmount !== 0 && { trailAmount: order.trailAmount }),
      ...(order.trailBps !== 0 && { trailBps: order.trailBps }),
      ...(exits !== null && exits.takeProfit !== 0 && { takeProfitPrice: exits.takeProfit }),
      ...(exits !== null && exits.stopLoss !== 0 && { stopLossPrice: exits.stopLoss }),
      ...(exits !== null && exits.stopLossLimit !== 0 && { stopLossLimitPrice: exits.stopLossLimit }),
      ...(order.parent !== 0 && { parentOrderId: order.parent }),
      ...(order.oco !== 0 && { ocoOrderId: order.oco }),
    });
    return order;
  }

  /** Forgets a finished order and releases whatever it still holds. */
  private close(m: Market, order: Order): void {
    this.orders.delete(order.id);
    m.live.splice(m.live.indexOf(order), 1);
    this.closed.set(order.id, order.account);
    if (this.closed.size > CLOSED_MEMORY) this.closed.delete(this.closed.keys().next().value as number);
    if (order.held > 0) {
      const asset = order.side === 'buy' ? m.config.quote : m.config.base;
      this.ledger.release(this.ledger.get(order.account)!.balance(asset), order.held);
      order.held = 0;
    }
  }

  private fill(m: Market, order: Order): void {
    this.queueExits(order);
    this.close(m, order);
    this.emit(m, { type: 'filled', orderId: order.id, account: order.account });
    if (order.oco !== 0) this.endOco(m, order);
  }

  private expire(m: Market, order: Order, reason: PaperExpireReason): void {
    this.queueExits(order);
    this.close(m, order);
    this.emit(m, { type: 'expired', orderId: order.id, account: order.account, remaining: order.remaining, reason });
    if (order.oco !== 0) this.endOco(m, order);
  }

  private cancelOrder(m: Market, order: Order, reason: CancelReason): void {
    // Cancelled by its owner, an entry takes its bracket with it; ended otherwise, it protects what filled.
    if (reason !== 'user' && reason !== 'cancel_all') this.queueExits(order);
    this.close(m, order);
    this.emit(m, { type: 'cancelled', orderId: order.id, account: order.account, remaining: order.remaining, reason });
    if (order.oco !== 0) this.endOco(m, order);
  }

  /** Unlinks an OCO order from its partner and cancels the partner ('oco'). */
  private endOco(m: Market, order: Order): void {
    const partner = this.orders.get(order.oco);
    order.oco = 0;
    if (partner === undefined) return;
    partner.oco = 0;
    this.cancelOrder(m, partner, 'oco');
  }

  /** Queues the exits of an ending entry for what it filled (nothing if it filled nothing, or has none). */
  private queueExits(order: Order): void {
    const exits = order.exits;
    if (exits === null) return;
    order.exits = null;
    const filled = order.quantity - order.remaining;
    if (filled <= 0) return;
    this.pending.push({
      account: order.account,
      side: opposite(order.side),
      quantity: filled,
      parent: order.id,
      ...exits,
    });
  }

  private positionMap(account: AccountId): Map<string, Position> {
    let map = this.positions.get(account);
    if (!map) this.positions.set(account, (map = new Map()));
    return map;
  }

  // ---------------------------------------------------------------- events

  private emit(m: Market, body: EventBody): void {
    this.out.push({ seq: ++m.seq, market: m.config.id, ts: this.ts, ...body } as PaperEvent);
  }

  private emitLedger(body: EventBody): void {
    this.out.push({ seq: ++this.ledgerSeq, market: LEDGER_STREAM, ts: this.ts, ...body } as PaperEvent);
  }

  private reject(
    m: Market,
    account: AccountId,
    reason: PaperRejectReason,
    command: string,
    clientOrderId?: string,
    orderId?: OrderId,
  ): void {
    this.emit(m, { type: 'rejected', account, clientOrderId, orderId, reason, command });
  }

  private rejectLedger(
    account: AccountId,
    reason: PaperRejectReason,
    command: string,
    clientOrderId?: string,
    orderId?: OrderId,
  ): void {
    this.emitLedger({ type: 'rejected', account, clientOrderId, orderId, reason, command });
  }
}
