/**
 * The one API method that amends an open order (see ../protocol/api: order.amend), on whichever market holds
 * it: the offline practice market, a paper market or the live market. Each engine applies the same rules and
 * answers a refusal with its reason code (`rejected`), which is an answer, not an error; not being signed in
 * or connected to the live market is an error, as for its other orders.
 */
import type { EngineEvent } from '../core/matching/types';
import type { OrderAmend, OrderOutcome } from '../protocol/api';
import type { LiveMarket } from './live-market';
import type { PracticeMarket } from './practice-market';
import type { RealMarkets } from './real-markets';

/** What the practice engine's events say of an amend: refused with a reason, or done (with any trades it made). */
function practiceOutcome(orderId: number, events: readonly EngineEvent[]): OrderOutcome {
  const fills = events.filter((e) => e.type === 'trade').length;
  const rejected = events.find((e) => e.type === 'rejected');
  if (rejected?.type === 'rejected') return { status: 'rejected', orderId, reason: rejected.reason, fills };
  return { status: 'accepted', orderId, fills };
}

export function amendHandlers(practice: PracticeMarket, real: RealMarkets, live: LiveMarket) {
  return {
    'order.amend': async ({ venue, market, orderId, price, quantity }: OrderAmend): Promise<OrderOutcome> => {
      const change = { ...(price !== undefined && { price }), ...(quantity !== undefined && { quantity }) };
      if (venue === 'practice') return practiceOutcome(orderId, await practice.amend(orderId, change));
      if (venue === 'live') return live.amend(orderId, change);
      // The schema has made sure a paper amend names its market.
      return real.amend(market!, orderId, change);
    },
  };
}
