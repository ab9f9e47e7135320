/**
 * Whether the book panel shows the order book's levels or the depth chart, kept in the browser's storage so the
 * choice outlives a reload and a visit to another market (one per origin, as the market choice is).
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export type BookView = 'book' | 'depth';

export const BOOK_VIEW_KEY = 'lpj.bookView';

export const useBookView = create<{ view: BookView; show(view: BookView): void }>()(
  persist((set) => ({ view: 'book', show: (view) => set({ view }) }), {
    name: BOOK_VIEW_KEY,
    storage: createJSONStorage(() => localStorage),
    partialize: (s) => ({ view: s.view }),
    // What storage holds is not trusted: anything but the depth chart is the book.
    merge: (stored, current) => ({
      ...current,
      view: (stored as { view?: unknown } | undefined)?.view === 'depth' ? 'depth' : 'book',
    }),
  }),
);
