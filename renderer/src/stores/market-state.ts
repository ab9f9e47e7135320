/**
 * The market state (lib/market-state) of the market on screen, and of the live market for the status bar,
 * and the identity of the market chosen: what every panel, note, badge and the order form read, so each says
 * the same thing.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { identityOf, type MarketIdentity } from '../lib/market-identity';
import { marketState, stateInput, type MarketState, type MarketStateInput } from '../lib/market-state';
import { useFeedSource } from './feed-source-store';
import { useLive } from './live-store';
import { useMarketChoice } from './market-choice-store';
import { useView } from './view-context';

/** The state of the market view in context (the Market screen's panels). */
export function useMarketState(): MarketState {
  const input = useView(useShallow(stateInput));
  const live = useLive((s) => s.status);
  return useMemo(() => marketState(input, live), [input, live]);
}

/** The live market as its connection alone makes it (the status bar, whichever market is on screen). */
const CONNECTION_ONLY: MarketStateInput = {
  kind: 'live',
  status: 'ready',
  error: null,
  feed: null,
  preparing: null,
  market: true,
  hasPrices: true,
};

/** The state of the connection to the live market server, in the market states' words. */
export function useLiveConnectionState(): MarketState {
  const live = useLive((s) => s.status);
  return useMemo(() => marketState(CONNECTION_ONLY, live), [live]);
}

/** What the chosen market is, known from the choice before any of its data arrives. */
export function useMarketIdentity(): MarketIdentity {
  const choice = useMarketChoice((s) => s.choice);
  const source = useFeedSource((s) => s.source);
  return useMemo(() => identityOf(choice, source), [choice, source]);
}
