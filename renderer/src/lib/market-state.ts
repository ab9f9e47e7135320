/**
 * The one state of the market on screen, for every kind of market: connecting, live, reconnecting, stale,
 * offline or unavailable; whether what is shown is the last data received rather than current; and why orders
 * cannot be placed, when they cannot. Every panel, the notes above them, the order form and the status bar read
 * it from here, so the screen says a market's state once and never contradicts itself (a book "with no orders"
 * while it is merely out of date, a Buy button enabled while nothing can be bought).
 */
import type { LiveStatus } from '@protocol/api';
import type { ViewState } from './market-view';

export type MarketStateName = 'connecting' | 'live' | 'reconnecting' | 'stale' | 'offline' | 'unavailable';

/** Why orders cannot be placed: the market is not live, a new practice market is preparing, or nobody is signed in. */
export type OrderBlock = Exclude<MarketStateName, 'live'> | 'preparing' | 'signedOut';

export interface MarketState {
  name: MarketStateName;
  /** The market's data is on screen (at least its settings, so panels can show what they have). */
  hasData: boolean;
  /** What is shown is the last data received, not the present (hasData and not live). */
  stale: boolean;
  /** The host's own words for why, when it gave any. */
  reason?: string;
  /** A new practice market's simulated past being run (ticks done of all). */
  preparing: { done: number; total: number } | null;
  /** Why orders cannot be placed now; null when they can. */
  ordersBlocked: OrderBlock | null;
}

/** What of a market view the state depends on: no book or tape, so a tick does not recompute it. */
export interface MarketStateInput extends Pick<ViewState, 'kind' | 'status' | 'error' | 'feed' | 'preparing'> {
  /** The market's settings are known. */
  market: boolean;
  /** Prices have been received: a book, a trade or a last price. */
  hasPrices: boolean;
}

export function stateInput(v: ViewState): MarketStateInput {
  return {
    kind: v.kind,
    status: v.status,
    error: v.error,
    feed: v.feed,
    preparing: v.preparing,
    market: v.market !== null,
    hasPrices: v.bids.length > 0 || v.asks.length > 0 || v.trades.length > 0 || v.lastPrice > 0,
  };
}

function state(
  name: MarketStateName,
  hasData: boolean,
  reason: string | undefined,
  preparing: MarketState['preparing'] = null,
): MarketState {
  return {
    name,
    hasData,
    stale: hasData && name !== 'live',
    ...(reason ? { reason } : {}),
    preparing,
    ordersBlocked: preparing ? 'preparing' : name === 'live' ? null : name,
  };
}

/** The practice market runs on this device: it is opening, preparing its past, or live. */
function practice(v: MarketStateInput): MarketState {
  if (v.preparing) return state('connecting', false, undefined, v.preparing);
  if (v.status === 'error' && !v.market) return state('unavailable', false, v.error ?? undefined);
  return v.status === 'ready' && v.market ? state('live', true, undefined) : state('connecting', false, undefined);
}

/** The live market follows the connection to the sync server; trading also needs someone signed in. */
function live(v: MarketStateInput, status: LiveStatus | null): MarketState {
  const hasData = v.market;
  let s: MarketState;
  if (!status) s = state('connecting', hasData, undefined);
  else if (status.connection === 'offline') s = state('offline', hasData, status.reason);
  else if (status.connection === 'reconnecting') s = state('reconnecting', hasData, status.reason);
  else if (status.connection === 'connecting') s = state(hasData ? 'reconnecting' : 'connecting', hasData, undefined);
  else if (hasData) s = state('live', true, undefined);
  // Reached, yet its state has no LPJ market: this server does not run it.
  else s = state(v.status === 'error' ? 'unavailable' : 'connecting', false, undefined);
  if (s.ordersBlocked === null && !status?.account) s.ordersBlocked = 'signedOut';
  return s;
}

/** A real coin follows its feed: a market that never received anything is still connecting, not reconnecting. */
function paper(v: MarketStateInput): MarketState {
  const hasData = v.market && v.hasPrices;
  if (v.status === 'error' && !v.market) return state('unavailable', false, v.error ?? undefined);
  if (!v.feed || !v.market || v.status !== 'ready') return state('connecting', false, undefined);
  const reason = v.feed.reason;
  switch (v.feed.status) {
    case 'live':
      return state('live', true, undefined);
    case 'stale':
      return state('stale', hasData, reason);
    case 'reconnecting':
      return hasData ? state('reconnecting', true, reason) : state('connecting', false, undefined);
    case 'offline':
      return state('offline', hasData, reason);
  }
}

export function marketState(v: MarketStateInput, liveStatus: LiveStatus | null): MarketState {
  if (v.kind === 'practice') return practice(v);
  if (v.kind === 'live') return live(v, liveStatus);
  return paper(v);
}

/**
 * Whether panels may speak for themselves ("No orders on this side", a spinner, a load error): only of a live
 * market. Otherwise the state note says what is going on, once, and what is shown is not current.
 */
export function isLive(s: MarketState): boolean {
  return s.name === 'live';
}

/**
 * Refusals that said the market could not take orders at the time (not connected, signed out, prices not
 * live). They are out of date once it can, and are taken off the form then.
 */
const STATE_REFUSALS: ReadonlySet<string> = new Set([
  'reject.OFFLINE',
  'reject.NOT_SIGNED_IN',
  'reject.STALE_BOOK',
  'reject.NO_BOOK',
]);

export function isStateRefusal(key: string): boolean {
  return STATE_REFUSALS.has(key);
}
