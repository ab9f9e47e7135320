/**
 * The API methods of the offline LPJ practice market (see ../protocol/api: practice.*). Engine refusals are
 * answers, not errors: an order outcome says `rejected` with the engine's reason code.
 */
import type { EngineEvent } from '../core/matching/types';
import type { OrderOutcome, OrderRequest, PracticeState } from '../protocol/api';
import { marketFill } from './order-history';
import { ApiError } from '../protocol/errors';
import { orderLinks } from '../protocol/order-links';
import type { CandleInterval } from '../core/market-data/types';
import { BOOK_LEVELS, PRACTICE_USER, type PracticeMarket } from './practice-market';

function outcome(events: EngineEvent[]): OrderOutcome {
  const fills = events.filter((e) => e.type === 'trade').length;
  // Exits of a bracket refused after its entry was accepted (command 'bracket') do not refuse the order itself.
  const rejected = events.find((e) => e.type === 'rejected' && e.command !== 'bracket');
  if (rejected && rejected.type === 'rejected')
    return { status: 'rejected', reason: rejected.reason, orderId: rejected.orderId, fills };
  const accepted = events.find((e) => e.type === 'accepted' || e.type === 'cancelled');
  return { status: 'accepted', orderId: accepted && 'orderId' in accepted ? accepted.orderId : undefined, fills };
}

export function practiceHandlers(practice: PracticeMarket) {
  return {
    'practice.state': (): PracticeState => {
      const engine = practice.engine;
      const depth = engine.depth(practice.market.id, BOOK_LEVELS)!;
      const preparing = practice.preparing();
      return {
        market: practice.market,
        ...(preparing ? { preparing } : {}),
        seq: depth.seq,
        lastPrice: engine.lastPrice(practice.market.id) ?? 0,
        bids: depth.bids,
        asks: depth.asks,
        trades: practice.recentTrades(100),
        balances: Object.entries(engine.balances(PRACTICE_USER)).map(([asset, b]) => ({ asset, ...b })),
        openOrders: engine.openOrders(PRACTICE_USER).map((o) => ({
          id: o.id,
          side: o.side,
          type: o.type,
          price: o.price,
          stopPrice: o.stopPrice,
          quantity: o.quantity,
          remaining: o.remaining,
          triggered: o.triggered,
          ts: o.ts,
          ...orderLinks(o),
        })),
        fills: practice.history.latestFills(100).map(marketFill),
      };
    },
    'practice.place': async (order: OrderRequest) => outcome(await practice.place(order)),
    'practice.cancel': async ({ orderId }: { orderId: number }) => outcome(await practice.cancel(orderId)),
    'practice.cancelAll': async () => ({
      cancelled: (await practice.cancelAll()).filter((e) => e.type === 'cancelled').length,
    }),
    'practice.reset': async () => {
      const refused = (await practice.reset()).find((e) => e.type === 'rejected');
      if (refused && refused.type === 'rejected')
        throw new ApiError(refused.reason, `practice reset refused: ${refused.reason}`);
      const balances = practice.engine.balances(PRACTICE_USER);
      return { balances: Object.entries(balances).map(([asset, b]) => ({ asset, ...b })) };
    },
    'practice.candles': ({ interval, limit, before }: { interval: CandleInterval; limit: number; before?: number }) =>
      practice.candles(interval, limit, before),
    'practice.fillMarks': ({ interval, from, before }: { interval: CandleInterval; from: number; before?: number }) =>
      practice.fillMinutes.marks(interval, from, before),
  };
}
