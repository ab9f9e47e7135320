/** Which market the Market screen shows, kept outside the screen so the choice outlives a visit elsewhere. */
import { create } from 'zustand';

/**
 * 'lpj' for the offline practice market, live-view's LIVE_CHOICE for the live market, or a real-coin market id
 * ("BTC-KRW").
 */
export type MarketChoice = 'lpj' | string;

/** Which market the Market screen shows; kept while the user visits other screens. */
export const useMarketChoice = create<{
  choice: MarketChoice;
  goneNote: string | null;
  choose(choice: MarketChoice): void;
}>((set) => ({
  choice: 'lpj',
  goneNote: null,
  choose: (choice) => set({ choice, goneNote: null }),
}));
