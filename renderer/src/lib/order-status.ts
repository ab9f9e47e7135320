/**
 * What an order's Status column says: one vocabulary for the open orders of a market and the order history of
 * every venue. `triggered` is a stop whose trigger traded and that rests as a limit order with nothing filled.
 */
import type { HistoryOrderStatus } from '@protocol/api';
import type { ViewOrder } from './market-view';

export type OrderStatusName = HistoryOrderStatus | 'triggered';

/** Every status, for filters. */
export const ORDER_STATUSES: readonly OrderStatusName[] = [
  'open',
  'partial',
  'waiting',
  'triggered',
  'filled',
  'cancelled',
  'expired',
  'rejected',
];

/** An order of a type that waits for a trigger price (a trailing stop's follows the last price). */
export function hasTrigger(type: ViewOrder['type']): boolean {
  return type === 'stop_limit' || type === 'stop_market' || type === 'trailing_stop';
}

/** A working order's status: a stop not yet triggered waits; otherwise partly filled, triggered or open. */
export function openOrderStatus(o: Pick<ViewOrder, 'type' | 'triggered' | 'quantity' | 'remaining'>): OrderStatusName {
  const stop = hasTrigger(o.type);
  if (stop && !o.triggered) return 'waiting';
  if (o.remaining < o.quantity) return 'partial';
  return stop ? 'triggered' : 'open';
}
