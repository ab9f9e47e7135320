/**
 * Trading from the chart, over the price chart: feeds the chart's order lines, fill marks and entry line
 * (./chart-orders) from the market view, puts a cancel control on each order's line, confirms a dragged line
 * through the view's amend (a refusal says why), and shows the right-click menu that fills the order form —
 * nothing is placed until the user presses the form's button.
 */
import type { IChartApi, ISeriesApi } from 'lightweight-charts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fill, useT, type MessageKey } from '../../i18n';
import type { ChartLib } from '../../lib/charts';
import { orderLinePrice, stopSide, unrealisedAt } from '../../lib/chart-orders';
import { formatPrice, formatSignedQuote, formatSize } from '../../lib/market-format';
import type { Interval, ViewMarket, ViewState } from '../../lib/market-view';
import { formatUnits } from '../../lib/units';
import { useOrderForm } from '../../stores/order-form-store';
import { useView, useViewStore } from '../../stores/view-context';
import { ChartOrders } from './chart-orders';
import { chartFillHistory, type ChartFillHistory } from './chart-fill-history';
import { rejectMessage } from './OrderForm';
import './chart-orders.css';

/** What the chart hands the layer once it exists; `barsDrawn` is called whenever its candles are replaced. */
export class ChartParts {
  private readonly listeners = new Set<() => void>();
  /** Set when the chart is removed, with everything drawn on it. */
  removed = false;
  /** The timeframe drawn and the open time of its oldest candle (ms UTC), once there are candles. */
  drawn: { interval: Interval; oldest: number } | null = null;
  constructor(
    readonly lib: ChartLib,
    readonly chart: IChartApi,
    readonly series: ISeriesApi<'Candlestick'>,
    readonly host: HTMLElement,
  ) {}
  onBars(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  barsDrawn(interval: Interval, oldest: number | undefined): void {
    this.drawn = oldest === undefined ? null : { interval, oldest };
    for (const l of this.listeners) l();
  }
}

type Note = {
  kind: 'status' | 'error';
  key: MessageKey;
  detail?: string;
  reason?: { key: MessageKey; detail?: string };
};
type Menu = { price: number; x: number; y: number };

/** The entry line of the position on this market (paper trading keeps positions), labelled with its PnL now. */
function entryOf(s: ViewState, t: (k: MessageKey) => string) {
  const m = s.market;
  const p = m && s.positions?.find((x) => x.market === m.id && x.quantity !== 0);
  if (!m || !p || !p.averagePrice) return null;
  const pnl = unrealisedAt(m, p, s.lastPrice);
  const title =
    pnl === null ? t('chart.entry') : `${t('chart.entry')} · ${t('chart.pnl')} ${formatSignedQuote(m, pnl)} ${m.quote}`;
  return { price: p.averagePrice, title, gain: pnl === null || pnl >= 0n };
}

export function ChartOrderLayer({ parts, market }: { parts: ChartParts; market: ViewMarket }) {
  const t = useT();
  const tRef = useRef(t);
  tRef.current = t;
  const view = useViewStore();
  const orders = useView((s) => s.openOrders);
  const fills = useView((s) => s.fills);
  const [overlay, setOverlay] = useState<ChartOrders | null>(null);
  const history = useRef<ChartFillHistory | null>(null);
  const [menu, setMenu] = useState<Menu | null>(null);
  const [note, setNote] = useState<Note | null>(null);
  const buttons = useRef(new Map<number, HTMLButtonElement>());
  const rows = useRef<ReadonlyMap<number, number | null>>(new Map());

  /** Puts a line's control at the line's height (hidden off the pane); writes the page only when it moved. */
  const place = useCallback((el: HTMLButtonElement | null, y: number | null | undefined) => {
    if (!el) return;
    const at = y === null || y === undefined ? '' : String(y);
    if (el.dataset.y === at) return;
    el.dataset.y = at;
    el.hidden = at === '';
    if (at !== '') el.style.transform = `translateY(${y! - 8}px)`;
  }, []);

  useEffect(() => {
    const o = new ChartOrders(parts.lib, parts.chart, parts.series, parts.host, {
      amend: async (orderId, price) => {
        setNote({ kind: 'status', key: 'chart.order.moving', detail: String(orderId) });
        try {
          const outcome = await view.getState().amend(orderId, { price });
          if (outcome.status === 'accepted') {
            setNote({ kind: 'status', key: 'orders.amended', detail: String(orderId) });
            return true;
          }
          const reason = rejectMessage(outcome.reason);
          setNote({ kind: 'error', key: 'chart.order.refused', detail: String(orderId), reason });
        } catch (err) {
          setNote({ kind: 'error', key: 'form.err.transport', detail: (err as Error).message });
        }
        return false;
      },
      menu: (price, x, y) => setMenu(price === null ? null : { price, x, y }),
      layout: (now) => {
        rows.current = now;
        for (const [id, y] of now) place(buttons.current.get(id) ?? null, y);
      },
    });
    // My fills over the whole history loaded, per candle, where the view's engine keeps them.
    const marks = chartFillHistory(o, parts, view);
    const offBars = parts.onBars(() => {
      o.barsChanged();
      marks.load();
    });
    marks.load();
    // A theme or colour convention change repaints the lines and marks in the new colours.
    const observer = new MutationObserver(() => o.readColours());
    observer.observe(document.documentElement, { attributes: true });
    history.current = marks;
    setOverlay(o);
    return () => {
      observer.disconnect();
      offBars();
      marks.stop();
      history.current = null;
      o.dispose(parts.removed);
      setOverlay(null);
    };
  }, [parts, view, place]);

  useEffect(() => {
    if (!overlay) return;
    overlay.setOrders(
      market,
      orders.map((order) => ({
        order,
        title: `${t(order.side === 'buy' ? 'side.buy' : 'side.sell')} ${formatSize(market, order.remaining)} ${t(`type.${order.type}`)} · ${formatPrice(market, orderLinePrice(order))}`,
      })),
    );
  }, [overlay, market, orders, t]);

  useEffect(() => {
    overlay?.setFills(fills ?? []);
    history.current?.fillsChanged(fills ?? []);
  }, [overlay, fills]);

  // The entry line's PnL follows every price: read from the store, not through renders.
  useEffect(() => {
    if (!overlay) return;
    const update = (s: ViewState) => overlay.setEntry(market, entryOf(s, tRef.current));
    update(view.getState());
    return view.subscribe(update);
  }, [overlay, view, market, t]);

  // What a move or cancel did is said for a moment; a refusal stays until the next one.
  useEffect(() => {
    if (note?.kind !== 'status' || note.key === 'chart.order.moving') return;
    const timer = setTimeout(() => setNote(null), 4_000);
    return () => clearTimeout(timer);
  }, [note]);

  useEffect(() => {
    if (!menu) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent && e.key !== 'Escape') return;
      if (e instanceof PointerEvent && (e.target as Element | null)?.closest?.('.chart-menu')) return;
      setMenu(null);
    };
    window.addEventListener('keydown', close);
    window.addEventListener('pointerdown', close, true);
    return () => {
      window.removeEventListener('keydown', close);
      window.removeEventListener('pointerdown', close, true);
    };
  }, [menu]);

  const cancel = async (orderId: number) => {
    try {
      const outcome = await view.getState().cancel(orderId);
      if (outcome.status === 'accepted') setNote({ kind: 'status', key: 'orders.cancelled', detail: String(orderId) });
      else setNote({ kind: 'error', ...rejectMessage(outcome.reason) });
    } catch (err) {
      setNote({ kind: 'error', key: 'form.err.transport', detail: (err as Error).message });
    }
  };

  /** Fills the order form (it takes the focus); the user checks it and presses its button. */
  const start = (kind: 'buy' | 'sell' | 'stop', price: number) => {
    setMenu(null);
    const text = formatUnits(price, market.priceDecimals, { group: false });
    const form = useOrderForm.getState();
    if (kind === 'stop') {
      form.setType('stop_limit');
      form.goToForm(stopSide(price, view.getState().lastPrice));
      form.set({ stopPrice: text, price: text });
    } else {
      form.setType('limit');
      form.goToForm(kind);
      form.set({ price: text });
    }
  };

  return (
    <>
      <div className="chart-order-controls">
        {orders.map((o) => (
          <button
            key={o.id}
            type="button"
            className={`chart-order-cancel ${o.side === 'buy' ? 'up' : 'down'}`}
            data-order-id={o.id}
            data-price={orderLinePrice(o)}
            aria-label={fill(t('chart.order.cancel'), o.id)}
            title={fill(t('chart.order.cancel'), o.id)}
            hidden
            ref={(el) => {
              if (el) buttons.current.set(o.id, el);
              else buttons.current.delete(o.id);
              place(el, rows.current.get(o.id));
            }}
            onClick={() => void cancel(o.id)}
          >
            ×
          </button>
        ))}
      </div>
      {note && (
        <p
          className={`chart-order-note ${note.kind === 'error' ? 'error' : 'muted'}`}
          role={note.kind === 'error' ? 'alert' : 'status'}
        >
          {note.detail !== undefined ? fill(t(note.key), note.detail) : t(note.key)}
          {note.reason &&
            ` — ${note.reason.detail !== undefined ? fill(t(note.reason.key), note.reason.detail) : t(note.reason.key)}`}
        </p>
      )}
      {menu && (
        <div className="chart-menu" role="menu" aria-label={t('chart.menu')} style={{ left: menu.x, top: menu.y }}>
          <button type="button" role="menuitem" autoFocus onClick={() => start('buy', menu.price)}>
            {fill(t('chart.menu.buyLimit'), formatPrice(market, menu.price))}
          </button>
          <button type="button" role="menuitem" onClick={() => start('sell', menu.price)}>
            {fill(t('chart.menu.sellLimit'), formatPrice(market, menu.price))}
          </button>
          <button type="button" role="menuitem" onClick={() => start('stop', menu.price)}>
            {fill(t('chart.menu.stop'), formatPrice(market, menu.price))}
          </button>
        </div>
      )}
    </>
  );
}
