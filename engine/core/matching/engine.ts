/**
 * The matching engine: price-time priority books for every market, stop orders, and the ledger that funds
 * them. A deterministic state machine — `apply(command)` returns the events it produced and nothing else
 * changes state — so the journal (../../node/store/durable-engine) can make it durable by logging commands, and a
 * replay of the same commands yields the same events.
 *
 * This file is the engine's public face: commands in, events out, and the reads. The work is done by stages,
 * each in its own file: validation (./validation), the risk stage that holds and settles funds and alone
 * touches balances (./risk), the book (./order-book) and the matcher that walks it (./matcher), stops
 * (./stops) and trailing stops (./trailing), brackets and OCO pairs (./brackets), the order lifecycle
 * (./orders), the path of an order command through them (./order-flow), accounts' trading settings and live orders (./accounts; self-trade prevention is set there, not in the
 * ledger), account and money commands (./ledger-commands), events (./events) and snapshots (./snapshot).
 *
 * Every input is checked before anything changes: a refused command produces exactly one `rejected` event
 * and leaves books and balances as they were. That includes the arithmetic: every amount a command implies
 * (notional, notional + fee, a band price, an asset's supply) is computed with the saturating helpers of
 * ./money and checked with `inRange` before it is used, and a command that would leave the safe-integer range
 * is refused AMOUNT_OUT_OF_RANGE. Once every hold is in range, so is every fill (a fill never costs more than
 * the buy side holds) and every balance (none exceeds its asset's supply, which the ledger bounds).
 */
import { audit } from './audit';
import type { Ledger } from './ledger';
import { depositOrWithdraw, openAccount, setStp, transfer } from './ledger-commands';
import { OrderFlow } from './order-flow';
import { readSnapshot, snapshotMarkets, writeSnapshot, type EngineSnapshot } from './snapshot';
import { EngineState } from './state';
import {
  LEDGER_STREAM,
  type AccountId,
  type Balance,
  type Command,
  type EngineEvent,
  type MarketConfig,
  type OrderId,
  type OrderType,
  type PlaceCommand,
  type Side,
  type TimeInForce,
} from './types';

export type { EngineSnapshot } from './snapshot';

/** A command's clock: its `ts` when that is a safe integer, else 0. */
const clock = (ts: unknown): number => (Number.isSafeInteger(ts) ? (ts as number) : 0);

type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;

// Each kind of command has its fields read in a function of its own. V8 gives every read of one property name
// from one variable in a function the same feedback slot: read in the branches of one switch, `cmd.ts` or
// `cmd.account` would meet every kind's shape there and become a slow megamorphic lookup on every command.

function runPlace(s: EngineState, flow: OrderFlow, cmd: PlaceCommand): void {
  s.log.begin(clock(cmd.ts));
  flow.place(cmd);
}

function runCancel(s: EngineState, flow: OrderFlow, cmd: CommandOf<'cancel'>): void {
  s.log.begin(clock(cmd.ts));
  flow.cancel(cmd.market, cmd.account, cmd.orderId);
}

function runAmend(s: EngineState, flow: OrderFlow, cmd: CommandOf<'amend'>): void {
  s.log.begin(clock(cmd.ts));
  flow.amend(cmd.market, cmd.account, cmd.orderId, cmd.quantity, cmd.price);
}

function runCancelAll(s: EngineState, flow: OrderFlow, cmd: CommandOf<'cancel_all'>): void {
  s.log.begin(clock(cmd.ts));
  flow.cancelAll(cmd.account, cmd.market);
}

function runOpenAccount(s: EngineState, cmd: CommandOf<'open_account'>): void {
  s.log.begin(clock(cmd.ts));
  openAccount(s, cmd.account, cmd.stp, cmd.owner);
}

function runSetStp(s: EngineState, cmd: CommandOf<'set_stp'>): void {
  s.log.begin(clock(cmd.ts));
  setStp(s, cmd.account, cmd.stp, cmd.owner);
}

function runTransfer(s: EngineState, cmd: CommandOf<'transfer'>): void {
  s.log.begin(clock(cmd.ts));
  transfer(s, cmd.from, cmd.to, cmd.asset, cmd.amount, cmd.reference);
}

function runDepositOrWithdraw(s: EngineState, cmd: CommandOf<'deposit' | 'withdraw'>): void {
  s.log.begin(clock(cmd.ts));
  depositOrWithdraw(s, cmd.type, cmd.account, cmd.asset, cmd.amount);
}

function runUnknown(s: EngineState, cmd: Command): void {
  const raw = cmd as unknown as Record<string, unknown>;
  s.log.begin(clock(raw.ts));
  s.log.rejectLedger(typeof raw.account === 'number' ? raw.account : 0, 'INVALID_COMMAND', String(raw.type));
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
  /** A trailing stop's distance (stopPrice is its trigger now). */
  trailAmount?: number;
  trailBps?: number;
  /** The other order of its OCO pair. */
  ocoOrderId?: OrderId;
  /** An exit: the entry it was placed for. */
  parentOrderId?: OrderId;
  /** The exits an entry carries, placed when it fills. */
  takeProfitPrice?: number;
  stopLossPrice?: number;
  stopLossLimitPrice?: number;
}

export class MatchingEngine {
  private readonly state: EngineState;
  private readonly flow: OrderFlow;

  /** Throws on a market setting that would break the money rules (see ./market-config). */
  constructor(markets: readonly MarketConfig[]) {
    this.state = new EngineState(markets);
    this.flow = new OrderFlow(this.state);
  }

  /** Balances of every account; its totals per asset change only by deposits and withdrawals. */
  get ledger(): Ledger {
    return this.state.risk.ledger;
  }

  // ---------------------------------------------------------------- commands

  /** Applies one command and returns the events it produced, in order. Never throws on bad input. */
  apply(cmd: Command): EngineEvent[] {
    const s = this.state;
    const log = s.log;
    if (cmd === null || typeof cmd !== 'object') {
      log.begin(0);
      log.rejectLedger(0, 'INVALID_COMMAND', 'unknown');
      return log.end();
    }
    switch (cmd.type) {
      case 'place':
        runPlace(s, this.flow, cmd);
        break;
      case 'cancel':
        runCancel(s, this.flow, cmd);
        break;
      case 'amend':
        runAmend(s, this.flow, cmd);
        break;
      case 'cancel_all':
        runCancelAll(s, this.flow, cmd);
        break;
      case 'open_account':
        runOpenAccount(s, cmd);
        break;
      case 'set_stp':
        runSetStp(s, cmd);
        break;
      case 'transfer':
        runTransfer(s, cmd);
        break;
      case 'deposit':
      case 'withdraw':
        runDepositOrWithdraw(s, cmd);
        break;
      default:
        runUnknown(s, cmd);
    }
    log.flushBooks();
    return log.end();
  }

  // ---------------------------------------------------------------- snapshot

  snapshot(): EngineSnapshot {
    return writeSnapshot(this.state);
  }

  /** Rebuilds an engine from `snapshot()` output; throws on a snapshot that does not describe a valid state. */
  static restore(s: EngineSnapshot): MatchingEngine {
    const e = new MatchingEngine(snapshotMarkets(s));
    readSnapshot(e.state, s);
    return e;
  }

  // ---------------------------------------------------------------- reads

  get marketIds(): string[] {
    return [...this.state.markets.keys()];
  }

  marketConfig(id: string): MarketConfig | undefined {
    const m = this.state.markets.get(id);
    return m ? { ...m.config } : undefined;
  }

  /** The best `levels` price levels per side and the sequence number they are consistent with. */
  depth(market: string, levels = 50): DepthView | undefined {
    const m = this.state.markets.get(market);
    if (!m) return undefined;
    return { market, seq: m.seq, bids: m.bids.depth(levels), asks: m.asks.depth(levels) };
  }

  lastPrice(market: string): number | undefined {
    const m = this.state.markets.get(market);
    return m && m.lastPrice > 0 ? m.lastPrice : undefined;
  }

  /** The sequence number of the last event on a stream (a market id or LEDGER_STREAM). */
  lastSeq(stream: string): number {
    if (stream === LEDGER_STREAM) return this.state.log.ledgerSeq;
    return this.state.markets.get(stream)?.seq ?? 0;
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

  /** The main account `account` belongs to for self-trade prevention (see open_account's owner), if any. */
  ownerOf(account: AccountId): AccountId | undefined {
    const t = this.state.traders.get(account);
    return t !== undefined && t.stpGroup !== account ? t.stpGroup : undefined;
  }

  hasAccount(account: AccountId): boolean {
    return this.ledger.get(account) !== undefined;
  }

  /** The account's live orders (resting or waiting stops), oldest first. */
  openOrders(account: AccountId, market?: string): OpenOrderView[] {
    return (this.state.traders.get(account)?.list() ?? [])
      .filter((o) => market === undefined || o.market === market)
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
        ...(o.trailAmount !== 0 && { trailAmount: o.trailAmount }),
        ...(o.trailBps !== 0 && { trailBps: o.trailBps }),
        ...(o.oco !== null && { ocoOrderId: o.oco.id }),
        ...(o.parent !== 0 && { parentOrderId: o.parent }),
        ...(o.exits !== null && o.exits.takeProfit !== 0 && { takeProfitPrice: o.exits.takeProfit }),
        ...(o.exits !== null && o.exits.stopLoss !== 0 && { stopLossPrice: o.exits.stopLoss }),
        ...(o.exits !== null && o.exits.stopLossLimit !== 0 && { stopLossLimitPrice: o.exits.stopLossLimit }),
      }));
  }

  /** The live order with this client order id, if any (how a resend after a reconnect finds its order). */
  orderByClientId(account: AccountId, clientOrderId: string): OpenOrderView | undefined {
    const o = this.state.traders.get(account)?.byClientId.get(clientOrderId);
    return o ? this.openOrders(account, o.market).find((v) => v.id === o.id) : undefined;
  }

  /** The engine's invariants; what is wrong, or nothing (see ./audit). */
  audit(): string[] {
    return audit(this.state);
  }
}
