/**
 * The one contract between the UI and the app host, whichever transport carries it (Electron IPC or the web
 * mode WebSocket). Every method names its params and result schema; every pushed event names its payload.
 * The host validates every incoming request against these schemas before any handler sees it.
 */
import { z } from 'zod';

export const Language = z.enum(['en', 'ko']);
export const Theme = z.enum(['dark', 'light']);

export const Settings = z.object({
  language: Language,
  theme: Theme,
});

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  engineVersion: z.string(),
  /** Which transport serves this UI: the desktop shell or a browser over the web bridge. */
  mode: z.enum(['desktop', 'web']),
  platform: z.string(),
  dataDir: z.string(),
  dbPath: z.string(),
});

export const EngineStatus = z.enum(['starting', 'ready', 'error']);

export const Health = z.object({
  status: EngineStatus,
  schemaVersion: z.number().int(),
  uptimeMs: z.number().int().nonnegative(),
  message: z.string().optional(),
});

const NoParams = z.object({}).strict();

const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const positive = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const Level = z.tuple([amount, amount]);

export const MarketSettings = z.object({
  id: z.string(),
  base: z.string(),
  quote: z.string(),
  baseDecimals: amount,
  tickSize: positive,
  lotSize: positive,
  minNotional: amount,
  makerFeeBps: z.number().int(),
  takerFeeBps: z.number().int(),
  priceBandBps: positive,
});

export const PracticeOrder = z
  .object({
    side: z.enum(['buy', 'sell']),
    orderType: z.enum(['limit', 'market', 'stop_market', 'stop_limit']),
    price: positive.optional(),
    stopPrice: positive.optional(),
    quantity: positive.optional(),
    quoteAmount: positive.optional(),
    timeInForce: z.enum(['GTC', 'IOC', 'FOK']).optional(),
    postOnly: z.boolean().optional(),
  })
  .strict();

export const TapeTrade = z.object({ tradeId: positive, price: positive, quantity: positive, takerSide: z.enum(['buy', 'sell']), ts: amount });

export const OpenOrder = z.object({
  id: positive,
  side: z.enum(['buy', 'sell']),
  type: z.enum(['limit', 'market', 'stop_market', 'stop_limit']),
  price: amount,
  stopPrice: amount,
  quantity: amount,
  remaining: amount,
  triggered: z.boolean(),
  ts: amount,
});

export const BalanceRow = z.object({ asset: z.string(), available: amount, held: amount });

export const PracticeFill = z.object({ tradeId: positive, orderId: positive, side: z.enum(['buy', 'sell']), price: positive, quantity: positive, quoteAmount: amount, fee: z.number().int(), ts: amount });

export const PracticeState = z.object({
  market: MarketSettings,
  seq: amount,
  lastPrice: amount,
  bids: z.array(Level),
  asks: z.array(Level),
  trades: z.array(TapeTrade),
  balances: z.array(BalanceRow),
  openOrders: z.array(OpenOrder),
  fills: z.array(PracticeFill),
});

export const OrderOutcome = z.object({
  status: z.enum(['accepted', 'rejected']),
  orderId: positive.optional(),
  reason: z.string().optional(),
  /** Trades this order made right away. */
  fills: amount,
});

export const CandleBar = z.object({ openTime: amount, open: amount, high: amount, low: amount, close: amount, volume: amount });

export const methods = {
  'app.info': { params: NoParams, result: AppInfo },
  'app.health': { params: NoParams, result: Health },
  'settings.get': { params: NoParams, result: Settings },
  'settings.update': { params: Settings.partial().strict(), result: Settings },
  'practice.state': { params: NoParams, result: PracticeState },
  'practice.place': { params: PracticeOrder, result: OrderOutcome },
  'practice.cancel': { params: z.object({ orderId: positive }).strict(), result: OrderOutcome },
  'practice.cancelAll': { params: NoParams, result: z.object({ cancelled: amount }) },
  'practice.candles': {
    params: z.object({ interval: z.enum(['1m', '5m', '15m', '1h', '4h', '1d']), limit: z.number().int().min(1).max(5_000).default(500) }).strict(),
    result: z.array(CandleBar),
  },
} as const;

export const events = {
  'engine.status': Health,
  'settings.changed': Settings,
  /** The practice market moved: new trades, the book's top levels, and whether my orders or balances changed. */
  'practice.update': z.object({ seq: amount, trades: z.array(TapeTrade), bids: z.array(Level), asks: z.array(Level), lastPrice: amount, mine: z.boolean() }),
} as const;

export type Methods = typeof methods;
export type Method = keyof Methods;
export type Params<M extends Method> = z.input<Methods[M]['params']>;
export type Result<M extends Method> = z.output<Methods[M]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
/** A pushed event as it crosses a boundary: the name tells the payload's type. */
export type EventFrame = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export type Settings = z.output<typeof Settings>;
export type Language = z.output<typeof Language>;
export type Theme = z.output<typeof Theme>;
export type AppInfo = z.output<typeof AppInfo>;
export type Health = z.output<typeof Health>;
export type PracticeState = z.output<typeof PracticeState>;
export type PracticeOrder = z.output<typeof PracticeOrder>;
export type OrderOutcome = z.output<typeof OrderOutcome>;
export type TapeTrade = z.output<typeof TapeTrade>;
export type CandleBar = z.output<typeof CandleBar>;
export type OpenOrder = z.output<typeof OpenOrder>;
export type MarketSettings = z.output<typeof MarketSettings>;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
