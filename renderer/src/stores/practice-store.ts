/**
 * The offline LPJ practice market as the UI sees it: settings, book, tape, my account. Fed by one
 * `practice.state` fetch and then by `practice.update` pushes.
 *
 * Pushes can arrive faster than the screen paints, so they are merged and applied after animation frames (in a
 * task just after one, the book and the trades taking turns, see afterFrame): the book and last price are
 * replaced by the newest, trades are concatenated. Components subscribe to narrow
 * slices (the book, the tape, my orders), so a tick re-renders only what changed. The chart does not go
 * through React at all: it listens for new trades with `onTrades` and updates its last candle in place.
 */
import { create } from 'zustand';
import type { EventPayload, PracticeState, TapeTrade } from '@protocol/api';
import { api } from '../api';
import type { Level, PriceMove } from '../lib/market-view';
import { oneAtATime } from '../lib/one-at-a-time';
import { TAPE_LENGTH, priceMove } from './view-merge';

type Update = EventPayload<'practice.update'>;

interface PracticeStore {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  market: PracticeState['market'] | null;
  seq: number;
  lastPrice: number;
  /** Direction of the last change of the last price, for the flash in the book and the ticker. */
  lastMove: PriceMove;
  bids: Level[];
  asks: Level[];
  trades: TapeTrade[];
  balances: PracticeState['balances'];
  openOrders: PracticeState['openOrders'];
  fills: PracticeState['fills'];
  /** A new market's simulated past being run: its book and tape are not the present's yet. */
  preparing: { done: number; total: number } | null;
  /** Loads the full state; also used to refresh my orders and balances after they changed. */
  refresh(): Promise<void>;
}

export const usePractice = create<PracticeStore>(() => ({
  status: 'idle',
  error: null,
  market: null,
  seq: 0,
  lastPrice: 0,
  lastMove: 'flat',
  bids: [],
  asks: [],
  trades: [],
  balances: [],
  openOrders: [],
  fills: [],
  preparing: null,
  refresh: () => refreshState(),
}));

/**
 * Newest-first tape from two sources that may overlap: a trade committed just before a state snapshot can
 * also arrive in the next push. Trade ids only grow, so they order and de-duplicate.
 */
function mergeTrades(a: TapeTrade[], b: TapeTrade[]): TapeTrade[] {
  const byId = new Map<number, TapeTrade>();
  for (const t of a) byId.set(t.tradeId, t);
  for (const t of b) byId.set(t.tradeId, t);
  return [...byId.values()].sort((x, y) => y.tradeId - x.tradeId).slice(0, TAPE_LENGTH);
}

/**
 * The tape with pushed trades in front: every one of `fresh` is newer than the tape's newest, so they only need
 * ordering among themselves (newest first, a repeated id once) — no map and sort of the whole tape on every frame.
 */
function prependTrades(tape: TapeTrade[], fresh: TapeTrade[]): TapeTrade[] {
  const front = fresh.length > 1 ? fresh.slice().sort((x, y) => y.tradeId - x.tradeId) : fresh;
  const out: TapeTrade[] = [];
  for (const t of front) {
    if (out.length === TAPE_LENGTH) return out;
    if (out.length && out[out.length - 1].tradeId === t.tradeId) continue;
    out.push(t);
  }
  for (let i = 0; i < tape.length && out.length < TAPE_LENGTH; i++) out.push(tape[i]);
  return out;
}

/** One state request at a time; a request asked for meanwhile runs once after it (changes are never missed). */
const refreshState = oneAtATime(() => {
  const s = usePractice.getState();
  if (s.status === 'idle' || s.status === 'error') usePractice.setState({ status: 'loading' });
  return api
    .invoke('practice.state', {})
    .then((state) => {
      const prev = usePractice.getState();
      if (state.preparing) {
        // The past is still being run: my account is shown, nothing of the past's book or tape (it is not the
        // present); the end of it is pushed.
        usePractice.setState({
          status: 'ready',
          error: null,
          market: state.market,
          balances: state.balances,
          openOrders: state.openOrders,
          fills: state.fills,
          preparing: state.preparing,
        });
        return;
      }
      // A push newer than this snapshot may already have been applied; keep the newer book then.
      const bookIsNewer = prev.seq > state.seq;
      usePractice.setState({
        status: 'ready',
        error: null,
        preparing: null,
        market: state.market,
        balances: state.balances,
        openOrders: state.openOrders,
        fills: state.fills,
        ...(bookIsNewer
          ? {}
          : {
              seq: state.seq,
              bids: state.bids,
              asks: state.asks,
              lastMove: priceMove(prev.lastPrice, state.lastPrice, prev.lastMove),
              lastPrice: state.lastPrice,
              trades: mergeTrades(prev.trades, state.trades),
            }),
      });
    })
    .catch((err: Error) => {
      usePractice.setState({ status: usePractice.getState().market ? 'ready' : 'error', error: err.message });
    });
});

// --- pushed updates, applied after frames in tasks of their own, the book and the trades taking turns ---

const tradeListeners = new Set<(trades: TapeTrade[]) => void>();

/** New trades (oldest first) as they are applied; returns the unsubscribe function. */
export function onTrades(listener: (trades: TapeTrade[]) => void): () => void {
  tradeListeners.add(listener);
  return () => tradeListeners.delete(listener);
}

/** The newest push's book and last price, and the trades of every push since they were last applied. */
let pendingBook: { last: Update; since: number } | null = null;
let pendingTrades: { trades: TapeTrade[]; mine: boolean; since: number } | null = null;
let frame = 0;
/** Which of the two is applied next when both wait. */
let bookTurn = true;

/**
 * A frame asks for waiting pushes to be applied in the task right after it, not inside it: the frame's task
 * then holds the drawing (style, layout, paint, the chart) and the stores' update with React's rendering and DOM
 * changes is a task of its own. What is applied is drawn in the next frame.
 *
 * The book (with the last price) and the trades (the tape, the chart's candle and legend) take turns: when both
 * wait, one is applied after this frame and the other after the next, so a frame draws the changes of one half
 * of the screen rather than all of it — each frame's work about halves, and each half still changes up to 30
 * times a second while pushes stream at ~100.
 */
const afterFrame = new MessageChannel();
afterFrame.port1.onmessage = () => applyNext();

function askFrame(): void {
  if (!frame)
    frame = requestAnimationFrame(() => {
      frame = 0;
      afterFrame.port2.postMessage(null);
    });
}

/**
 * Animation frames stop while the window is hidden; the data should not pile up meanwhile. One slow timer
 * applies what has waited half a second, instead of a timer set and cleared for every frame's batch.
 */
const FALLBACK_MS = 500;
setInterval(() => {
  const now = performance.now();
  if (pendingBook && now - pendingBook.since >= FALLBACK_MS) applyBook();
  if (pendingTrades && now - pendingTrades.since >= FALLBACK_MS) applyTrades();
}, FALLBACK_MS);

function applyNext(): void {
  if (pendingBook && (bookTurn || !pendingTrades)) {
    applyBook();
    bookTurn = false;
  } else if (pendingTrades) {
    applyTrades();
    bookTurn = true;
  }
  if (pendingBook || pendingTrades) askFrame();
}

function applyBook(): void {
  const p = pendingBook;
  pendingBook = null;
  if (!p) return;
  const s = usePractice.getState();
  // A snapshot newer than this push may already have been applied.
  if (p.last.seq < s.seq) return;
  usePractice.setState({
    seq: p.last.seq,
    bids: p.last.bids,
    asks: p.last.asks,
    lastMove: priceMove(s.lastPrice, p.last.lastPrice, s.lastMove),
    lastPrice: p.last.lastPrice,
  });
}

function applyTrades(): void {
  const p = pendingTrades;
  pendingTrades = null;
  if (!p) return;
  const s = usePractice.getState();
  // Only trades newer than the newest shown: a push may repeat what the last snapshot already had.
  const newest = s.trades[0]?.tradeId ?? 0;
  const fresh = p.trades.filter((t) => t.tradeId > newest);
  if (fresh.length) usePractice.setState({ trades: prependTrades(s.trades, fresh) });
  if (p.trades.length) for (const l of tradeListeners) l(p.trades);
  if (p.mine) void refreshState();
}

api.onEvent((event) => {
  if (event.name === 'practice.preparing') {
    const p = event.payload;
    if (p.done < p.total) usePractice.setState({ preparing: p });
    // Done: the market is open; read it whole (also over an answer read while it was preparing).
    else void refreshState();
    return;
  }
  if (event.name !== 'practice.update') return;
  const u = event.payload;
  const now = performance.now();
  if (pendingBook) pendingBook.last = u;
  else pendingBook = { last: u, since: now };
  if (u.trades.length || u.mine) {
    if (pendingTrades) {
      pendingTrades.trades.push(...u.trades);
      pendingTrades.mine ||= u.mine;
    } else pendingTrades = { trades: [...u.trades], mine: u.mine, since: now };
  }
  askFrame();
});

// --- order entry ---

export type PlaceParams = Parameters<typeof api.invoke<'practice.place'>>[1];

export async function placeOrder(order: PlaceParams) {
  const outcome = await api.invoke('practice.place', order);
  void refreshState();
  return outcome;
}

export async function cancelOrder(orderId: number) {
  const outcome = await api.invoke('practice.cancel', { orderId });
  void refreshState();
  return outcome;
}

export async function amendOrder(orderId: number, change: { price?: number; quantity?: number }) {
  const outcome = await api.invoke('order.amend', { venue: 'practice', orderId, ...change });
  void refreshState();
  return outcome;
}

/** My practice orders cancelled and the starting funds back (the market goes on). */
export async function resetPracticeAccount() {
  const result = await api.invoke('practice.reset', {});
  void refreshState();
  return result;
}

export async function cancelAllOrders() {
  const result = await api.invoke('practice.cancelAll', {});
  void refreshState();
  return result;
}
