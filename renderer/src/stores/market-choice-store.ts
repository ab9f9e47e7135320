/**
 * Which market the Market screen shows, kept outside the screen so the choice outlives a visit elsewhere, and
 * kept in the browser's storage so a reload (or the next start) reopens the market the user last had: an order
 * meant for the live market must not land in the practice market because the page was reloaded.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { PRACTICE_CHOICE, validChoice, type MarketChoice } from '../lib/market-identity';

export type { MarketChoice };

interface MarketChoiceState {
  choice: MarketChoice;
  /** A real-coin market the chosen price source does not offer, left for the practice market. */
  goneNote: string | null;
  choose(choice: MarketChoice): void;
}

/** The storage key (one per origin: the desktop window and each web-mode address keep their own). */
export const MARKET_CHOICE_KEY = 'lpj.market';

export const useMarketChoice = create<MarketChoiceState>()(
  persist(
    (set) => ({
      choice: PRACTICE_CHOICE,
      goneNote: null,
      choose: (choice) => set({ choice, goneNote: null }),
    }),
    {
      name: MARKET_CHOICE_KEY,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ choice: s.choice }),
      // What storage holds is not trusted: anything but a market that can exist opens the practice market.
      merge: (stored, current) => ({
        ...current,
        choice: validChoice((stored as { choice?: unknown } | undefined)?.choice) ?? PRACTICE_CHOICE,
      }),
    },
  ),
);
