/**
 * An account as the engine trades it, beside its ledger account (./ledger.ts, balances only): its self-trade
 * prevention mode and group, its live orders and their client order ids, and the risk stage's handles on its balances in
 * each market. Every ledger account has one; the engine finds it with one lookup per command.
 *
 * Live orders are kept in an array in no particular order, each order knowing its slot: removing one moves the
 * last into its place, which touches only the account's newest order rather than two neighbours anywhere in
 * memory. Readers sort by order id.
 */
import { objectList, objectSlots } from './arrays';
import type { Account } from './ledger';
import type { Order } from './order';
import type { MarketFunds } from './risk';
import type { AccountId, StpMode } from './types';

export const STP_MODES: readonly StpMode[] = ['cancel_resting', 'cancel_incoming', 'cancel_both'];
/** The mode of an account opened without one (and of the fee account, which never trades). */
export const DEFAULT_STP: StpMode = 'cancel_resting';

export class Trader {
  private readonly orders = objectList<Order>();
  readonly byClientId = new Map<string, Order>();
  /** By market index: this account's balances in the market's quote and base, once an order has used them. */
  readonly funds: (MarketFunds | undefined)[];
  /**
   * Self-trade prevention group: the account's own id, or that of the main account it belongs to (a copy
   * sub-account's subscriber). Orders of one group never trade with each other; the taker's mode decides.
   */
  stpGroup: AccountId;

  constructor(
    readonly id: AccountId,
    /** Self-trade prevention: which side of a would-be trade with itself is cancelled. */
    public stp: StpMode,
    readonly account: Account,
    /** How many markets the engine has (the slots of `funds`). */
    markets: number,
  ) {
    this.stpGroup = id;
    this.funds = objectSlots<MarketFunds>(markets);
  }

  add(o: Order): void {
    o.ownerSlot = this.orders.length;
    this.orders.push(o);
    if (o.clientOrderId !== undefined) this.byClientId.set(o.clientOrderId, o);
  }

  delete(o: Order): void {
    const orders = this.orders;
    const last = orders.pop() as Order;
    if (last !== o) {
      orders[o.ownerSlot] = last;
      last.ownerSlot = o.ownerSlot;
    }
    o.ownerSlot = -1;
    if (o.clientOrderId !== undefined) this.byClientId.delete(o.clientOrderId);
  }

  /** The live orders (resting or waiting stops), oldest first. */
  list(): Order[] {
    return this.orders.slice().sort((a, b) => a.id - b.id);
  }
}
