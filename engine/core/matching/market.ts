/**
 * One market's state: its settings, its book (two sides sharing one list of changed levels), its waiting stops
 * and trailing stops, its event sequence number and last trade price. Plain data; the engine's stages act on it.
 */
import { LevelChanges, BookSide } from './order-book';
import type { Order } from './order';
import { StopOrders } from './stops';
import { TrailingStops } from './trailing';
import type { MarketConfig } from './types';

export class Market {
  readonly id: string;
  /** 10^baseDecimals: base units per whole coin. */
  readonly unit: number;
  /** Highest fee rate either side can pay: what a buy order's hold must cover. */
  readonly maxFeeBps: number;
  readonly changes = new LevelChanges<Order>();
  readonly bids: BookSide<Order>;
  readonly asks: BookSide<Order>;
  readonly stops = new StopOrders();
  readonly trailing = new TrailingStops();
  /** Sequence number of the market's last event. */
  seq = 0;
  /** Price of the last trade, 0 before the first. */
  lastPrice = 0;
  /** Already listed among the markets the current command changed. */
  touched = false;

  constructor(
    readonly config: MarketConfig,
    /** Position among the engine's markets, for per-market slots in other records. */
    readonly index: number,
  ) {
    this.id = config.id;
    this.unit = 10 ** config.baseDecimals;
    this.maxFeeBps = Math.max(0, config.makerFeeBps, config.takerFeeBps);
    this.bids = new BookSide<Order>('buy', this.changes);
    this.asks = new BookSide<Order>('sell', this.changes);
  }
}
