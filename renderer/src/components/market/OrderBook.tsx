import { memo, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../../i18n';
import { formatInt, formatUnits } from '../../lib/units';
import { useOrderForm } from '../../stores/order-form-store';
import { usePractice } from '../../stores/practice-store';
import { PanelState, loadState } from './PanelState';

const STEPS = [1, 10, 100] as const;

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

const BookRow = memo(function BookRow({ side, row, depth, mine, decimals, label, mineLabel }: { side: 'bid' | 'ask'; row: Row; depth: number; mine: boolean; decimals: number; label: string; mineLabel: string }) {
  const price = formatInt(row.price);
  const amount = formatUnits(row.quantity, decimals, { minFraction: 2 });
  return (
    <li>
      <button
        type="button"
        className={`book-row ${side}`}
        aria-label={`${label} ${price} KRW, ${amount} LPJ${mine ? `, ${mineLabel}` : ''}`}
        data-price={row.price}
        data-mine={mine || undefined}
        onClick={() => useOrderForm.getState().pickPrice(String(row.price))}
      >
        <span className="depth" style={{ width: `${depth}%` }} aria-hidden="true" />
        <span className="price">
          {mine && <span className="mine-dot" title={mineLabel} aria-hidden="true" />}
          {price}
        </span>
        <span className="num">{amount}</span>
        <span className="num muted">{formatUnits(row.cumulative, decimals, { minFraction: 2, maxFraction: 2 })}</span>
      </button>
    </li>
  );
});

function SpreadRow({ bestBid, bestAsk }: { bestBid?: number; bestAsk?: number }) {
  const t = useT();
  const lastPrice = usePractice((s) => s.lastPrice);
  const lastMove = usePractice((s) => s.lastMove);
  const spread = bestBid !== undefined && bestAsk !== undefined ? bestAsk - bestBid : null;
  // Spread in basis points of the ask, shown as a percent with two decimals (integer arithmetic).
  const bps = spread !== null && bestAsk ? (BigInt(spread) * 10_000n) / BigInt(bestAsk) : null;
  return (
    <div className="book-spread">
      <span key={lastPrice} className={`last flash-${lastMove}`} aria-label={t('book.lastPrice')} data-move={lastMove}>
        {lastPrice ? formatInt(lastPrice) : '—'}
        <span className="arrow" aria-hidden="true">
          {lastMove === 'up' ? '▲' : lastMove === 'down' ? '▼' : ''}
        </span>
      </span>
      <span className="muted">
        {t('book.spread')} {spread === null ? '—' : `${formatInt(spread)} (${formatUnits(bps!, 2, { minFraction: 2 })}%)`}
      </span>
    </div>
  );
}

/** Asks above, bids below, each level's cumulative depth as a bar; a click puts the price in the order form. */
export const OrderBook = memo(function OrderBook() {
  const t = useT();
  const [step, setStep] = useState<number>(1);
  const { status, error, market, bids, asks, openOrders, refresh } = usePractice(
    useShallow((s) => ({ status: s.status, error: s.error, market: s.market, bids: s.bids, asks: s.asks, openOrders: s.openOrders, refresh: s.refresh })),
  );
  const decimals = market?.baseDecimals ?? 8;

  const { bidRows, askRows, maxDepth } = useMemo(() => {
    const bidRows = group(bids, step, 'bid');
    const askRows = group(asks, step, 'ask');
    const maxDepth = Math.max(bidRows[bidRows.length - 1]?.cumulative ?? 0, askRows[askRows.length - 1]?.cumulative ?? 0, 1);
    return { bidRows, askRows, maxDepth };
  }, [bids, asks, step]);

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

  const pending = loadState(status);
  return (
    <section className="panel book-panel" aria-label={t('book.title')}>
      <div className="panel-head">
        <h2>{t('book.title')}</h2>
        <label className="book-step">
          <span className="visually-hidden">{t('book.group')}</span>
          <select aria-label={t('book.group')} value={step} onChange={(e) => setStep(Number(e.target.value))}>
            {STEPS.map((s) => (
              <option key={s} value={s}>
                {formatInt(s)}
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
      {pending ? (
        <PanelState state={pending} error={error} onRetry={() => void refresh()} />
      ) : (
        <div className="book-body">
          <ul className="book-side asks" aria-label={t('book.asks')}>
            {askRows.length === 0 && <li className="panel-state muted">{t('book.empty')}</li>}
            {askRows.map((r) => (
              <BookRow key={r.price} side="ask" row={r} depth={(r.cumulative / maxDepth) * 100} mine={mine.ask.has(r.price)} decimals={decimals} label={t('book.ask')} mineLabel={t('book.mine')} />
            ))}
          </ul>
          <SpreadRow bestBid={bids[0]?.[0]} bestAsk={asks[0]?.[0]} />
          <ul className="book-side bids" aria-label={t('book.bids')}>
            {bidRows.length === 0 && <li className="panel-state muted">{t('book.empty')}</li>}
            {bidRows.map((r) => (
              <BookRow key={r.price} side="bid" row={r} depth={(r.cumulative / maxDepth) * 100} mine={mine.bid.has(r.price)} decimals={decimals} label={t('book.bid')} mineLabel={t('book.mine')} />
            ))}
          </ul>
        </div>
      )}
    </section>
  );
});
