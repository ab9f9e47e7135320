/**
 * The matching engine's public contract: market settings, commands in, events out.
 *
 * Every amount is an integer in minimal units:
 * - price: quote minimal units per ONE WHOLE base coin (LPJ/KRW: won per LPJ), a multiple of tickSize;
 * - quantity: base minimal units (10^-baseDecimals of a coin), a multiple of lotSize;
 * - quote amounts (notional, fees, balances): quote minimal units.
 * notional = floor(price × quantity / 10^baseDecimals); price × quantity may exceed 2^53, so that
 * product is computed exactly (see `notional` in ./money.ts) before the division. Every amount a command
 * implies (notional, notional + fee, a band price, an asset's supply after a deposit) must stay a safe
 * integer: a command that would take one past it is refused AMOUNT_OUT_OF_RANGE, so no input makes the engine
 * throw.
 */

export type AccountId = number;
export type OrderId = number;
export type Side = 'buy' | 'sell';
/**
 * The type of a live order. A trailing stop is a stop-market whose trigger follows the last trade price (see
 * ./trailing.ts).
 */
export type OrderType = 'limit' | 'market' | 'stop_market' | 'stop_limit' | 'trailing_stop';
/**
 * What a place command may ask for: an order of one of the types above, or an OCO pair on its own ('oco': a
 * take-profit limit and a stop-loss, linked, for a position the account already holds; see ./brackets.ts).
 */
export type PlaceOrderType = OrderType | 'oco';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK';
/** Self-trade prevention: which side of a would-be self trade is cancelled. */
export type StpMode = 'cancel_resting' | 'cancel_incoming' | 'cancel_both';

export interface MarketConfig {
  id: string; // e.g. "LPJ-KRW"
  base: string; // asset code, e.g. "LPJ"
  quote: string; // asset code, e.g. "KRW"
  baseDecimals: number; // quantity unit is 10^-baseDecimals coin
  tickSize: number; // price step, quote units
  lotSize: number; // quantity step, base units
  minNotional: number; // quote units
  makerFeeBps: number; // may be zero or negative (rebate)
  takerFeeBps: number; // >= 0 and >= -makerFeeBps, so the fee account never pays out more than it takes
  /**
   * The price band, in basis points: no order can print a trade far from the market.
   * - A market order fills no further than this from the reference below (the last trade price, else the best
   *   opposite price when it arrives); a stop-market,
   *   no further than this from its stop price (known when placed, so its hold is too). What is left beyond
   *   the band expires with reason 'price_band'.
   * - A limit order (placed, or amended to a new price) is refused PRICE_OUT_OF_BAND when its price is beyond
   *   the band on its aggressive side: a buy above reference × (1 + band), a sell below reference × (1 − band)
   *   (on the tick grid, as the market orders' band). A stop-limit is held to the same rule when it triggers,
   *   and expires with reason 'price_band' if its price is then outside.
   * - The reference is the market's last trade price; before the first trade, the best opposite price; with
   *   neither there is no band.
   * The passive side is not limited: a sell resting at five times the market is allowed, since it can print
   * only if a buyer crosses the band to reach it, and that buyer is refused.
   */
  priceBandBps: number;
}

/**
 * Commands carry the caller's clock (`ts`, ms since epoch) so that replaying a command log is deterministic:
 * the engine never reads the clock itself. Events carry the ts of the command that produced them.
 */
export type Command =
  | PlaceCommand
  /**
   * Opens an account in the ledger (ids are the caller's; 0 is the fee account and always exists). `owner`: the
   * main account this one belongs to (a copy sub-account's subscriber), whose orders it must never trade with:
   * self-trade prevention treats the two as one trader (see Trader.stpGroup). The owner must be an open account
   * that belongs to no one else.
   */
  | { type: 'open_account'; account: AccountId; stp?: StpMode; owner?: AccountId; ts?: number }
  /** Sets the self-trade prevention mode; with `owner`, also joins the account to that owner as open_account does. */
  | { type: 'set_stp'; account: AccountId; stp: StpMode; owner?: AccountId; ts?: number }
  /** Money entering (deposit, practice grant) or leaving the ledger: the only commands that change an asset's total. */
  | { type: 'deposit'; account: AccountId; asset: string; amount: number; ts?: number }
  | { type: 'withdraw'; account: AccountId; asset: string; amount: number; ts?: number }
  /**
   * Moves available balance between two accounts inside the ledger (a copy allocation to a sub-account, a
   * profit-share payment): the asset's total does not change. `reference` is echoed in the event.
   */
  | { type: 'transfer'; from: AccountId; to: AccountId; asset: string; amount: number; reference?: string; ts?: number }
  | { type: 'cancel'; market: string; account: AccountId; orderId: OrderId; ts?: number }
  | { type: 'cancel_all'; market?: string; account: AccountId; ts?: number }
  | {
      type: 'amend';
      ts?: number;
      market: string;
      account: AccountId;
      orderId: OrderId;
      /** New total quantity (not remaining). Lower than before keeps priority. */
      quantity?: number;
      /** A new price loses time priority. */
      price?: number;
    };

export interface PlaceCommand {
  type: 'place';
  ts?: number;
  market: string;
  account: AccountId;
  clientOrderId?: string;
  side: Side;
  orderType: PlaceOrderType;
  timeInForce?: TimeInForce; // default GTC for limit/stop_limit
  postOnly?: boolean;
  price?: number; // limit and stop_limit
  stopPrice?: number; // stop_market and stop_limit: triggers when the last trade price reaches it
  quantity?: number; // base units
  /** Market buys only: spend this much quote ("spend 100,000 KRW"), fees included. */
  quoteAmount?: number;
  /** trailing_stop only, exactly one of: how far the trigger trails the last price, in quote units (on the tick) … */
  trailAmount?: number;
  /** … or in basis points of the last price (1 to MAX_TRAIL_BPS). */
  trailBps?: number;
  /**
   * Exits (see ./brackets.ts): on an entry order they are placed when it fills; on an 'oco' order they are the
   * pair itself. The take-profit is a limit order at this price …
   */
  takeProfitPrice?: number;
  /** … the stop-loss a stop-market triggered at this price … */
  stopLossPrice?: number;
  /** … or, with this limit price too, a stop-limit. */
  stopLossLimitPrice?: number;
}

/** The widest trailing distance in basis points (50%): wider is no longer a stop near the market. */
export const MAX_TRAIL_BPS = 5_000;

/** A distinct code for every way an input can be refused. */
export type RejectReason =
  | 'UNKNOWN_MARKET'
  | 'UNKNOWN_ACCOUNT'
  | 'INVALID_PRICE' // not a positive safe integer
  | 'INVALID_QUANTITY' // not a positive safe integer
  | 'INVALID_ORDER' // inconsistent fields, e.g. price on a market order, both quantity and quoteAmount
  | 'OFF_TICK'
  | 'BELOW_LOT_SIZE' // zero lots or not a multiple of the lot size
  | 'BELOW_MIN_NOTIONAL'
  | 'INSUFFICIENT_FUNDS'
  | 'DUPLICATE_CLIENT_ORDER_ID'
  | 'UNKNOWN_ORDER' // no such live order for this account (another account's order is unknown too)
  | 'ORDER_NOT_AMENDABLE' // filled, cancelled, or the amend would change nothing valid
  | 'POST_ONLY_WOULD_TAKE'
  | 'FOK_NOT_FILLABLE'
  | 'NO_LIQUIDITY' // market order with an empty opposite book
  | 'SELF_TRADE_PREVENTED'
  | 'ORDER_CLOSED' // the order was filled, cancelled or expired (cancel or amend came too late)
  | 'UNKNOWN_ASSET' // a deposit or withdrawal in an asset no market trades
  | 'INVALID_AMOUNT' // a deposit or withdrawal amount that is not a positive safe integer
  | 'AMOUNT_OUT_OF_RANGE' // an amount the command implies (notional, hold, band price, a supply) passes 2^53 − 1
  | 'PRICE_OUT_OF_BAND' // a limit price beyond the price band on its aggressive side (see MarketConfig.priceBandBps)
  | 'INVALID_TRAIL' // a trailing distance that is not a positive amount on the tick, or bps outside 1..MAX_TRAIL_BPS, or one that would put the trigger at or below zero
  | 'INVALID_BRACKET' // exits on the wrong side of the entry (a long's take-profit at or below it, its stop-loss at or above it)
  | 'ACCOUNT_EXISTS'
  | 'INVALID_COMMAND'; // not a command object, or an unknown command type

/** 'oco': the other order of an OCO pair filled, triggered or ended first. */
export type CancelReason = 'user' | 'cancel_all' | 'self_trade' | 'amend' | 'oco';
export type ExpireReason = 'ioc' | 'market_remainder' | 'price_band' | 'fok';

/** The event stream of the ledger's own commands (accounts, deposits, withdrawals), beside one per market. */
export const LEDGER_STREAM = '$ledger';

/** Account 0 collects fees (and pays maker rebates). */
export const FEE_ACCOUNT: AccountId = 0;

interface EventBase {
  seq: number; // per stream (a market, or LEDGER_STREAM), gap-free, starts at 1
  market: string;
  ts: number; // from the command (0 when it had none)
}

export type EngineEvent = EventBase &
  (
    | {
        type: 'accepted';
        orderId: OrderId;
        account: AccountId;
        clientOrderId?: string;
        side: Side;
        orderType: OrderType;
        timeInForce: TimeInForce;
        price?: number;
        stopPrice?: number;
        quantity?: number;
        quoteAmount?: number;
        /** Quote (buy) or base (sell) held for this order. */
        held: number;
        /** A trailing stop's distance (its stopPrice is the first trigger). */
        trailAmount?: number;
        trailBps?: number;
        /** The exits an entry carries, placed when it fills. */
        takeProfitPrice?: number;
        stopLossPrice?: number;
        stopLossLimitPrice?: number;
        /** An exit: the entry it was placed for (absent for an OCO placed on its own). */
        parentOrderId?: OrderId;
        /** The other order of its OCO pair. */
        ocoOrderId?: OrderId;
      }
    | {
        type: 'rejected';
        account: AccountId;
        clientOrderId?: string;
        orderId?: OrderId;
        reason: RejectReason;
        command: string;
      }
    | {
        type: 'trade';
        tradeId: number;
        price: number;
        quantity: number;
        quoteAmount: number;
        takerSide: Side;
        makerOrderId: OrderId;
        takerOrderId: OrderId;
        makerAccount: AccountId;
        takerAccount: AccountId;
        makerFee: number; // quote units; negative = rebate
        takerFee: number;
      }
    | { type: 'cancelled'; orderId: OrderId; account: AccountId; remaining: number; reason: CancelReason }
    | { type: 'expired'; orderId: OrderId; account: AccountId; remaining: number; reason: ExpireReason }
    | { type: 'triggered'; orderId: OrderId; account: AccountId; lastPrice: number }
    /**
     * A waiting trailing stop's trigger moved after the last price (./trailing.ts): its trigger now. At most one
     * per order and command, with where the command left it; a sell's only rises, a buy's only falls.
     */
    | { type: 'trigger_moved'; orderId: OrderId; account: AccountId; stopPrice: number }
    | {
        type: 'amended';
        orderId: OrderId;
        account: AccountId;
        price: number;
        quantity: number;
        remaining: number;
        keptPriority: boolean;
      }
    | { type: 'filled'; orderId: OrderId; account: AccountId }
    /** Aggregate quantity now resting at one price level (0 = level removed). */
    | { type: 'book'; side: Side; price: number; quantity: number }
    | { type: 'account_opened'; account: AccountId; stp: StpMode; owner?: AccountId }
    | { type: 'stp_set'; account: AccountId; stp: StpMode; owner?: AccountId }
    | { type: 'deposited'; account: AccountId; asset: string; amount: number }
    | { type: 'withdrawn'; account: AccountId; asset: string; amount: number }
    | { type: 'transferred'; account: AccountId; to: AccountId; asset: string; amount: number; reference?: string }
  );

export type EngineEventType = EngineEvent['type'];

/** Ledger balances per account and asset, in minimal units. */
export interface Balance {
  available: number;
  held: number;
}
