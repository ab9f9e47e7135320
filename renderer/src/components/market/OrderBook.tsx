import { memo, useId, useMemo, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { BPS, formatUnits } from '../../lib/units';
import { formatPrice, formatSize } from '../../lib/market-format';
import { useMarketT } from '../../stores/market-text';
import type { ViewMarket, ViewState } from '../../lib/market-view';
import { useView } from '../../stores/view-context';
import { useOrderForm } from '../../stores/order-form-store';
import { PanelState, loadState } from './PanelState';
import { isLive } from '../../lib/market-state';
import { useMarketState } from '../../stores/market-state';
import { useFitRows } from './fit-rows';

/** A level's height in the layout (`.book-row`'s line height), used until a row can be measured. */
const ROW_PX = 19;

/**
 * Grouping steps in price units: the market's tick × 1, 10, 100; a real coin's feed takes any price unit, so
 * its steps follow the price's size instead (about a millionth of it and up).
 */
function groupSteps(m: ViewMarket | null, lastPrice: number, kind: ViewState['kind']): number[] {
  let unit = m?.tickSize ?? 1;
  if (kind === 'paper') unit = 10 ** Math.max(0, String(Math.trunc(lastPrice)).length - 6);
  return [unit, unit * 10, unit * 100];
}

interface Row {
  price: number;
  quantity: number;
  cumulative: number;
}

/**
 * Levels merged onto a coarser price step: bids round down and asks round up, so a grouped level never
 * shows a better price than any order in it. Quantities are integers well inside 2^53, so sums stay exact.
 */
function group(levels: [number, number][], step: number, side: 'bid' | 'ask'): Row[] {
  const rows: Row[] = [];
  let cumulative = 0;
  for (const [price, quantity] of levels) {
    const p = step === 1 ? price : side === 'bid' ? Math.floor(price / step) * step : Math.ceil(price / step) * step;
    cumulative += quantity;
    const last = rows[rows.length - 1];
    if (last && last.price === p) {
      last.quantity += quantity;
      last.cumulative = cumulative;
    } else rows.push({ price: p, quantity, cumulative });
  }
  return rows;
}

function groupedPrice(price: number, step: number, side: 'bid' | 'ask'): number {
  return side === 'bid' ? Math.floor(price / step) * step : Math.ceil(price / step) * step;
}

/**
 * One level: an option of the book's listbox. Props are primitives, not the grouped Row (a new object on every
 * book update), so `memo` skips the levels whose price, size and depth did not change. Rows are slots (best
 * level first), not one element per price: when the best price moves, the rows' elements are kept and show the
 * levels now at their place, instead of rows being created at one end and removed at the other up to every
 * frame. Clicks are taken by the listbox (one handler for every row).
 */
const BookRow = memo(function BookRow({
  id,
  side,
  slot,
  active,
  levelPrice,
  quantity,
  cumulative,
  depth,
  mine,
  market,
  label,
  mineLabel,
}: {
  id: string;
  side: 'bid' | 'ask';
  slot: number;
  active: boolean;
  levelPrice: number;
  quantity: number;
  cumulative: number;
  depth: number;
  mine: boolean;
  market: ViewMarket;
  label: string;
  mineLabel: string;
}) {
  const price = formatPrice(market, levelPrice);
  const amount = formatSize(market, quantity);
  return (
    <li
      id={id}
      role="option"
      aria-selected={active}
      className={`book-row ${side}`}
      aria-label={`${label} ${price} ${market.quote}, ${amount} ${market.base}${mine ? `, ${mineLabel}` : ''}`}
      data-side={side}
      data-slot={slot}
      data-price={levelPrice}
      data-mine={mine || undefined}
      style={{ backgroundSize: `${depth * 100}% 17px` }}
    >
      <span className="price">
        {mine && <span className="mine-dot" title={mineLabel} aria-hidden="true" />}
        {price}
      </span>
      <span className="num">{amount}</span>
      <span className="num muted">{formatSize(market, cumulative)}</span>
    </li>
  );
});

/** A row of the book by side and slot (0 = the best level of its side). */
interface RowAt {
  side: 'ask' | 'bid';
  slot: number;
}

/**
 * One side of the book as a group of the listbox: its levels from the best outwards (the asks' list is laid out
 * bottom up, so their best level sits by the spread), or, while the book is current, that it has none.
 */
function BookSide({
  side,
  listRef,
  rows,
  maxDepth,
  mine,
  active,
  rowId,
  market,
  current,
}: {
  side: RowAt['side'];
  listRef: (el: HTMLElement | null) => void;
  rows: Row[];
  maxDepth: number;
  mine: ReadonlySet<number>;
  active: RowAt | null;
  rowId(r: RowAt): string;
  market: ViewMarket;
  current: boolean;
}) {
  const t = useMarketT();
  return (
    <ul
      ref={listRef}
      className={`book-side ${side}s`}
      role="group"
      aria-label={t(side === 'ask' ? 'book.asks' : 'book.bids')}
    >
      {rows.length === 0 && (
        <li role="none" className="panel-state muted">
          {current && t('book.empty')}
        </li>
      )}
      {rows.map((r, slot) => (
        <BookRow
          key={slot}
          id={rowId({ side, slot })}
          side={side}
          slot={slot}
          active={active?.side === side && active.slot === slot}
          levelPrice={r.price}
          quantity={r.quantity}
          cumulative={r.cumulative}
          depth={r.cumulative / maxDepth}
          mine={mine.has(r.price)}
          market={market}
          label={t(side === 'ask' ? 'book.ask' : 'book.bid')}
          mineLabel={t('book.mine')}
        />
      ))}
    </ul>
  );
}

/**
 * The rows top to bottom as shown: asks from the highest down to the best, then bids from the best down.
 * `index` and `at` convert between a row and its place in that order.
 */
function rowOrder(asks: number, bids: number) {
  return {
    count: asks + bids,
    index: (r: RowAt) => (r.side === 'ask' ? asks - 1 - r.slot : asks + r.slot),
    at: (i: number): RowAt => (i < asks ? { side: 'ask', slot: asks - 1 - i } : { side: 'bid', slot: i - asks }),
  };
}

/** The active row still on screen: the same slot, or the nearest one left when its side shrank. */
function clampRow(r: RowAt | null, asks: number, bids: number): RowAt | null {
  if (asks + bids === 0) return null;
  // At first the best ask, the row next to the spread: where a buyer starts reading.
  const start: RowAt = asks > 0 ? { side: 'ask', slot: 0 } : { side: 'bid', slot: 0 };
  if (r === null) return start;
  const size = r.side === 'ask' ? asks : bids;
  if (size === 0) return start;
  return { side: r.side, slot: Math.min(r.slot, size - 1) };
}

/** Keys of the book's listbox (WAI-ARIA listbox): arrows, Home, End and page keys move, Enter or Space picks. */
const MOVES: Record<string, (i: number, last: number) => number> = {
  ArrowUp: (i) => i - 1,
  ArrowDown: (i) => i + 1,
  PageUp: (i) => i - 10,
  PageDown: (i) => i + 10,
  Home: () => 0,
  End: (_, last) => last,
};

function SpreadRow({ market, bestBid, bestAsk }: { market: ViewMarket; bestBid?: number; bestAsk?: number }) {
  const t = useMarketT();
  const lastPrice = useView((s) => s.lastPrice);
  const lastMove = useView((s) => s.lastMove);
  // The flash starts again at every new last price. The element is kept (not re-created under a new key):
  // the animation alternates between two identical copies, and changing it restarts it.
  const [flash, setFlash] = useState({ price: lastPrice, again: false });
  if (flash.price !== lastPrice) setFlash({ price: lastPrice, again: !flash.again });
  const spread = bestBid !== undefined && bestAsk !== undefined ? bestAsk - bestBid : null;
  // Spread in basis points of the ask, shown as a percent with two decimals (integer arithmetic).
  const bps = spread !== null && bestAsk ? (BigInt(spread) * BPS) / BigInt(bestAsk) : null;
  return (
    <div className="book-spread">
      <span
        className={`last flash-${lastMove}${flash.again ? ' again' : ''}`}
        aria-label={t('book.lastPrice')}
        data-move={lastMove}
      >
        {lastPrice ? formatPrice(market, lastPrice) : '—'}
        <span className="arrow" aria-hidden="true">
          {lastMove === 'up' ? '▲' : lastMove === 'down' ? '▼' : ''}
        </span>
      </span>
      <span className="muted">
        {t('book.spread')}{' '}
        {spread === null ? '—' : `${formatPrice(market, spread)} (${formatUnits(bps!, 2, { minFraction: 2 })}%)`}
      </span>
    </div>
  );
}

/**
 * Asks above, bids below, each level's cumulative depth as a bar; a click puts the price in the order form.
 * `tabs`, when given, stands in the head instead of the title (the panel's switch to the depth chart).
 */
export const OrderBook = memo(function OrderBook({ tabs }: { tabs?: ReactNode }) {
  const t = useMarketT();
  const { status, error, market, bids, asks, openOrders, refresh, kind, lastPrice } = useView(
    useShallow((s) => ({
      status: s.status,
      error: s.error,
      market: s.market,
      bids: s.bids,
      asks: s.asks,
      openOrders: s.openOrders,
      refresh: s.refresh,
      kind: s.kind,
      lastPrice: s.lastPrice,
    })),
  );
  // An empty side is said to be empty only while the book is current; a stale one is not claimed empty.
  const current = isLive(useMarketState());
  const steps = groupSteps(market, lastPrice, kind);
  const [chosen, setStep] = useState<number>(0);
  const idPrefix = useId();
  const [activeRow, setActiveRow] = useState<RowAt | null>(null);
  // The chosen step is kept as an index, so it survives the price growing a digit.
  const step = steps[chosen] ?? steps[0];

  // Each side mounts only the levels that fit it; the feed sends more (and cumulative totals are summed over
  // all of them), but at ~100 book updates a second the hidden ones would only cost reconciling and layout.
  const [askRef, askFit] = useFitRows(16, ROW_PX, '.book-row');
  const [bidRef, bidFit] = useFitRows(16, ROW_PX, '.book-row');
  const { bidRows, askRows, maxDepth } = useMemo(() => {
    const bidRows = group(bids, step, 'bid').slice(0, bidFit);
    const askRows = group(asks, step, 'ask').slice(0, askFit);
    // Bars are scaled to the depth shown, so the deepest visible level spans the side.
    const maxDepth = Math.max(
      bidRows[bidRows.length - 1]?.cumulative ?? 0,
      askRows[askRows.length - 1]?.cumulative ?? 0,
      1,
    );
    return { bidRows, askRows, maxDepth };
  }, [bids, asks, step, bidFit, askFit]);

  // Price levels holding one of my resting orders (stops not yet triggered are not in the book).
  const mine = useMemo(() => {
    const m = { bid: new Set<number>(), ask: new Set<number>() };
    for (const o of openOrders) {
      if (o.type === 'stop_limit' && !o.triggered) continue;
      if (o.type !== 'limit' && o.type !== 'stop_limit') continue;
      const side = o.side === 'buy' ? 'bid' : 'ask';
      m[side].add(groupedPrice(o.price, step, side));
    }
    return m;
  }, [openOrders, step]);

  // One tab stop for the whole book: the listbox holds the focus and marks the active row (aria-activedescendant).
  const active = clampRow(activeRow, askRows.length, bidRows.length);
  const rowId = (r: RowAt) => `${idPrefix}-${r.side}-${r.slot}`;
  const pick = (r: RowAt) => {
    const level = (r.side === 'ask' ? askRows : bidRows)[r.slot];
    if (!level || !market) return;
    useOrderForm.getState().pickPrice(formatUnits(level.price, market.priceDecimals, { group: false }));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!active || e.altKey || e.ctrlKey || e.metaKey) return;
    const order = rowOrder(askRows.length, bidRows.length);
    const move = MOVES[e.key];
    if (move) {
      e.preventDefault();
      const next = Math.max(0, Math.min(order.count - 1, move(order.index(active), order.count - 1)));
      setActiveRow(order.at(next));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      pick(active);
    }
  };
  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[role="option"]');
    if (!row) return;
    const r: RowAt = { side: row.dataset.side === 'bid' ? 'bid' : 'ask', slot: Number(row.dataset.slot) };
    setActiveRow(r);
    pick(r);
  };

  const pending = loadState(status);
  return (
    <section className="panel book-panel" aria-label={t('book.title')}>
      <div className="panel-head">
        {tabs ?? <h2>{t('book.title')}</h2>}
        <label className="book-step">
          <span className="visually-hidden">{t('book.group')}</span>
          <select aria-label={t('book.group')} value={chosen} onChange={(e) => setStep(Number(e.target.value))}>
            {steps.map((s, i) => (
              <option key={i} value={i}>
                {market ? formatPrice(market, s) : s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="book-columns" aria-hidden="true">
        <span>{t('book.price')}</span>
        <span>{t('book.amount')}</span>
        <span>{t('book.cumulative')}</span>
      </div>
      {pending || !market ? (
        <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void refresh()} />
      ) : (
        <div className="book-body">
          <div
            className="book-levels"
            role="listbox"
            tabIndex={0}
            aria-label={t('book.levels')}
            aria-activedescendant={active ? rowId(active) : undefined}
            onKeyDown={onKeyDown}
            onClick={onClick}
          >
            <BookSide
              side="ask"
              listRef={askRef}
              rows={askRows}
              maxDepth={maxDepth}
              mine={mine.ask}
              active={active}
              rowId={rowId}
              market={market}
              current={current}
            />
            <BookSide
              side="bid"
              listRef={bidRef}
              rows={bidRows}
              maxDepth={maxDepth}
              mine={mine.bid}
              active={active}
              rowId={rowId}
              market={market}
              current={current}
            />
          </div>
          {/* Outside the listbox (which holds only its rows), laid over the gap it leaves between the sides. */}
          <SpreadRow market={market} bestBid={bids[0]?.[0]} bestAsk={asks[0]?.[0]} />
        </div>
      )}
    </section>
  );
});
