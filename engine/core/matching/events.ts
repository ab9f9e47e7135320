/**
 * The events of the command being applied: every event the engine publishes is built here, stamped with its
 * stream's next sequence number and the command's clock, and appended to the command's list.
 *
 * Rules:
 * - A market's events carry that market's sequence number, gap-free; account and money commands (and commands
 *   naming no known market) go on LEDGER_STREAM with its own.
 * - `book` events come last in a command: one per price level whose total changed, with its total at the end of
 *   the command, market by market in the order the command first touched them. A level that changed and came
 *   back to where it was publishes nothing.
 * - The events of the order lifecycle are built as literals, header first, with their keys always in the same
 *   order: every order makes several, a literal of a fixed shape is cheaper to build and to encode than a
 *   spread, and a journal compares the events a replay produces with the stored ones byte for byte.
 * - A command's events are gathered in one reused buffer and handed out as an array of exactly their number:
 *   an array grown by pushes would reserve room for sixteen, and those arrays were a third of what the engine
 *   allocated (so of its minor garbage collections).
 */
import { objectSlots } from './arrays';
import type { Market } from './market';
import type { Order } from './order';
import {
  LEDGER_STREAM,
  type AccountId,
  type CancelReason,
  type EngineEvent,
  type ExpireReason,
  type OrderId,
  type RejectReason,
  type Side,
} from './types';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event without its stream header (seq, market, ts), which the log fills in. */
export type EventBody = DistributiveOmit<EngineEvent, 'seq' | 'market' | 'ts'>;

/** Slots of the event buffer (more events in a command grow it). */
const BUFFER_SIZE = 64;
/** A power of two. */
const FRESH_BUFFER_EVERY = 1024;

export class EventLog {
  /**
   * Events of the command being applied, in buf[0 .. n). The buffer is replaced by a new one every
   * FRESH_BUFFER_EVERY commands, so that it is nearly always as young as the events put in it: V8 records every
   * store of a young object into an old one for its next minor collection (the write barrier's slow path),
   * and that was two calls into the collector's bookkeeping per command.
   */
  private buf = objectSlots<EngineEvent>(BUFFER_SIZE);
  private n = 0;
  private commands = 0;
  /** The command's clock. */
  ts = 0;
  /** Sequence number of the last event on LEDGER_STREAM. */
  ledgerSeq = 0;
  private readonly touched = objectSlots<Market>(8);
  private touchedCount = 0;

  /** Starts a command (dropping what a command that threw half way had gathered). */
  begin(ts: number): void {
    this.ts = ts;
    this.n = 0;
  }

  /** Ends a command: its events, in order. */
  end(): EngineEvent[] {
    const n = this.n;
    const buf = this.buf;
    // Copied by hand into an array of exactly n: `slice` is a call into a builtin that cost more than the copy.
    const out = new Array<EngineEvent>(n);
    for (let i = 0; i < n; i++) {
      out[i] = buf[i] as EngineEvent;
      buf[i] = undefined;
    }
    this.n = 0;
    if ((++this.commands & (FRESH_BUFFER_EVERY - 1)) === 0) this.buf = objectSlots<EngineEvent>(BUFFER_SIZE);
    return out;
  }

  /** Lists the market among those the command changed (their book events are published at the end). */
  touch(m: Market): void {
    if (m.touched) return;
    m.touched = true;
    this.touched[this.touchedCount++] = m;
  }

  emitLedger(body: EventBody): void {
    this.buf[this.n++] = { seq: ++this.ledgerSeq, market: LEDGER_STREAM, ts: this.ts, ...body } as EngineEvent;
  }

  reject(
    m: Market,
    account: AccountId,
    reason: RejectReason,
    command: string,
    clientOrderId?: string,
    orderId?: OrderId,
  ): void {
    this.touch(m);
    this.buf[this.n++] = {
      seq: ++m.seq,
      market: m.id,
      ts: this.ts,
      type: 'rejected',
      account,
      clientOrderId,
      orderId,
      reason,
      command,
    };
  }

  rejectLedger(
    account: AccountId,
    reason: RejectReason,
    command: string,
    clientOrderId?: string,
    orderId?: OrderId,
  ): void {
    this.buf[this.n++] = {
      seq: ++this.ledgerSeq,
      market: LEDGER_STREAM,
      ts: this.ts,
      type: 'rejected',
      account,
      clientOrderId,
      orderId,
      reason,
      command,
    };
  }

  accepted(m: Market, o: Order, hasLimit: boolean, isStop: boolean, quoteAmount: number | undefined): void {
    this.touch(m);
    this.buf[this.n++] = {
      seq: ++m.seq,
      market: m.id,
      ts: this.ts,
      type: 'accepted',
      orderId: o.id,
      account: o.account,
      clientOrderId: o.clientOrderId,
      side: o.side,
      orderType: o.type,
      timeInForce: o.timeInForce,
      price: hasLimit ? o.price : undefined,
      stopPrice: isStop ? o.stopPrice : undefined,
      quantity: quoteAmount === undefined ? o.quantity : undefined,
      quoteAmount,
      held: o.held,
    };
  }

  /**
   * `accepted` of an order with trailing, bracket or OCO terms: the fields of `accepted` above, then those (a
   * shape of its own, so that plain orders keep theirs).
   */
  acceptedWith(m: Market, o: Order, hasLimit: boolean, isStop: boolean): void {
    this.touch(m);
    const exits = o.exits;
    this.buf[this.n++] = {
      seq: ++m.seq,
      market: m.id,
      ts: this.ts,
      type: 'accepted',
      orderId: o.id,
      account: o.account,
      clientOrderId: o.clientOrderId,
      side: o.side,
      orderType: o.type,
      timeInForce: o.timeInForce,
      price: hasLimit ? o.price : undefined,
      stopPrice: isStop ? o.stopPrice : undefined,
      quantity: o.quantity,
      quoteAmount: undefined,
      held: o.held,
      trailAmount: o.trailAmount !== 0 ? o.trailAmount : undefined,
      trailBps: o.trailBps !== 0 ? o.trailBps : undefined,
      takeProfitPrice: exits !== null && exits.takeProfit !== 0 ? exits.takeProfit : undefined,
      stopLossPrice: exits !== null && exits.stopLoss !== 0 ? exits.stopLoss : undefined,
      stopLossLimitPrice: exits !== null && exits.stopLossLimit !== 0 ? exits.stopLossLimit : undefined,
      parentOrderId: o.parent !== 0 ? o.parent : undefined,
      ocoOrderId: o.oco !== null ? o.oco.id : undefined,
    };
  }

  trade(
    m: Market,
    tradeId: number,
    price: number,
    quantity: number,
    amount: number,
    takerSide: Side,
    maker: Order,
    taker: Order,
    makerFee: number,
    takerFee: number,
  ): void {
    this.touch(m);
    this.buf[this.n++] = {
      seq: ++m.seq,
      market: m.id,
      ts: this.ts,
      type: 'trade',
      tradeId,
      price,
      quantity,
      quoteAmount: amount,
      takerSide,
      makerOrderId: maker.id,
      takerOrderId: taker.id,
      makerAccount: maker.account,
      takerAccount: taker.account,
      makerFee,
      takerFee,
    };
  }

  filled(m: Market, o: Order): void {
    this.touch(m);
    this.buf[this.n++] = { seq: ++m.seq, market: m.id, ts: this.ts, type: 'filled', orderId: o.id, account: o.account };
  }

  expired(m: Market, o: Order, reason: ExpireReason): void {
    this.touch(m);
    this.buf[this.n++] = {
      seq: ++m.seq,
      market: m.id,
      ts: this.ts,
      type: 'expired',
      orderId: o.id,
      account: o.account,
      remaining: o.remaining,
      reason,
    };
  }

  amended(m: Market, o: Order, keptPriority: boolean): void {
    this.touch(m);
    this.buf[this.n++] = {
      seq: ++m.seq,
      market: m.id,
      ts: this.ts,
      type: 'amended',
      orderId: o.id,
      account: o.account,
      price: o.price,
      quantity: o.quantity,
      remaining: o.remaining,
      keptPriority,
    };
  }

  triggered(m: Market, o: Order, lastPrice: number): void {
    this.touch(m);
    this.buf[this.n++] = {
      seq: ++m.seq,
      market: m.id,
      ts: this.ts,
      type: 'triggered',
      orderId: o.id,
      account: o.account,
      lastPrice,
    };
  }

  triggerMoved(m: Market, o: Order): void {
    this.touch(m);
    this.buf[this.n++] = {
      seq: ++m.seq,
      market: m.id,
      ts: this.ts,
      type: 'trigger_moved',
      orderId: o.id,
      account: o.account,
      stopPrice: o.stopPrice,
    };
  }

  cancelled(m: Market, o: Order, reason: CancelReason): void {
    this.touch(m);
    this.buf[this.n++] = {
      seq: ++m.seq,
      market: m.id,
      ts: this.ts,
      type: 'cancelled',
      orderId: o.id,
      account: o.account,
      remaining: o.remaining,
      reason,
    };
  }

  /** Ends the command: one `book` event per level whose total changed in it. */
  flushBooks(): void {
    const touched = this.touched;
    for (let t = 0; t < this.touchedCount; t++) {
      const m = touched[t] as Market;
      touched[t] = undefined;
      m.touched = false;
      const changes = m.changes;
      const levels = changes.levels;
      for (let i = 0; i < changes.count; i++) {
        // Listed levels are in levels[0 .. count).
        const level = levels[i]!;
        if (level.total !== level.totalBefore) {
          this.buf[this.n++] = {
            seq: ++m.seq,
            market: m.id,
            ts: this.ts,
            type: 'book',
            side: level.side,
            price: level.price,
            quantity: level.total,
          };
        }
      }
      changes.clear();
    }
    this.touchedCount = 0;
  }
}
