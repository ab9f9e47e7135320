/**
 * An account as the engine trades it, beside its ledger account (./ledger.ts, balances only): its self-trade
 * prevention mode, its live orders and their client order ids, and the risk stage's handles on its balances in
 * each market. Every ledger account has one; the engine finds it with one lookup per command.
 *
 * Live orders form an intrusive doubly-linked list through the orders themselves (no hashing on the hot path);
 * the list is in no particular order, and readers sort by order id.
 */
import type { Account } from './ledger';
import type { Order } from './order';
import type { MarketFunds } from './risk';
import type { AccountId, StpMode } from './types';

export const STP_MODES: readonly StpMode[] = ['cancel_resting', 'cancel_incoming', 'cancel_both'];
/** The mode of an account opened without one (and of the fee account, which never trades). */
export const DEFAULT_STP: StpMode = 'cancel_resting';

export class Trader {
  private head: Order | null = null;
  readonly byClientId = new Map<string, Order>();
  /** By market index: this account's balances in the market's quote and base, once an order has used them. */
  readonly funds: (MarketFunds | undefined)[] = [];

  constructor(
    readonly id: AccountId,
    /** Self-trade prevention: which side of a would-be trade with itself is cancelled. */
    public stp: StpMode,
    readonly account: Account,
  ) {}

  add(o: Order): void {
    o.ownerPrev = null;
    o.ownerNext = this.head;
    if (this.head !== null) this.head.ownerPrev = o;
    this.head = o;
    if (o.clientOrderId !== undefined) this.byClientId.set(o.clientOrderId, o);
  }

  delete(o: Order): void {
    if (o.ownerPrev !== null) o.ownerPrev.ownerNext = o.ownerNext;
    else this.head = o.ownerNext;
    if (o.ownerNext !== null) o.ownerNext.ownerPrev = o.ownerPrev;
    o.ownerPrev = o.ownerNext = null;
    if (o.clientOrderId !== undefined) this.byClientId.delete(o.clientOrderId);
  }

  /** The live orders (resting or waiting stops), oldest first. */
  list(): Order[] {
    const out: Order[] = [];
    for (let o = this.head; o !== null; o = o.ownerNext) out.push(o);
    return out.sort((a, b) => a.id - b.id);
  }
}
