import { Fragment, memo, useEffect, useState } from 'react';
import { fill, useT, type MessageKey } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { formatPrice, formatSize } from '../../lib/market-format';
import { formatUnits } from '../../lib/units';
import { hasTrigger, openOrderStatus } from '../../lib/order-status';
import type { ViewMarket, ViewOrder } from '../../lib/market-view';
import { useView } from '../../stores/view-context';
import { isStateRefusal } from '../../lib/market-state';
import { useMarketState } from '../../stores/market-state';
import { rejectMessage } from './OrderForm';
import { PanelState, loadState } from './PanelState';
import { AmendOrderForm } from './AmendOrderForm';
import { isAmendable } from '../../lib/chart-orders';

type Note = { kind: 'error' | 'ok'; key: MessageKey; detail?: string } | null;

const OrderRow = memo(function OrderRow({
  order,
  market,
  onNote,
  blocked,
}: {
  order: ViewOrder;
  market: ViewMarket;
  onNote(note: Note): void;
  /** The market cannot take a cancel now (the reason is shown above the list). */
  blocked: boolean;
}) {
  const t = useT();
  const cancelOrder = useView((s) => s.cancel);
  const [busy, setBusy] = useState(false);
  const [amending, setAmending] = useState(false);
  const isStop = hasTrigger(order.type);
  const status = openOrderStatus(order);
  const cancel = async () => {
    setBusy(true);
    try {
      const outcome = await cancelOrder(order.id);
      if (outcome.status === 'accepted') onNote({ kind: 'ok', key: 'orders.cancelled', detail: String(order.id) });
      else onNote({ kind: 'error', ...rejectMessage(outcome.reason) });
    } catch (err) {
      onNote({ kind: 'error', key: 'form.err.transport', detail: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Fragment>
      <tr data-order-id={order.id}>
        <td className="muted">{formatDateTime(order.ts)}</td>
        <td className={order.side === 'buy' ? 'up' : 'down'}>{t(order.side === 'buy' ? 'side.buy' : 'side.sell')}</td>
        <td>
          {t(`type.${order.type}` as MessageKey)}
          <OrderLinksNote order={order} market={market} />
        </td>
        <td className="num">{order.price ? formatPrice(market, order.price) : '—'}</td>
        <td className="num">{isStop ? formatPrice(market, order.stopPrice) : '—'}</td>
        <td className="num">{formatSize(market, order.quantity)}</td>
        <td className="num">{formatSize(market, order.quantity - order.remaining)}</td>
        <td className="muted" data-status={status}>
          {t(`orderStatus.${status}`)}
        </td>
        <td className="actions">
          {isAmendable(order) && (
            <button
              type="button"
              className="link-button"
              aria-label={fill(t('orders.amendOrder'), order.id)}
              aria-expanded={amending}
              disabled={busy || blocked}
              onClick={() => setAmending((a) => !a)}
            >
              {t('orders.amend')}
            </button>
          )}
          <button
            type="button"
            className="link-button"
            aria-label={fill(t('orders.cancelOrder'), order.id)}
            disabled={busy || blocked}
            onClick={() => void cancel()}
          >
            {t('orders.cancel')}
          </button>
        </td>
      </tr>
      {amending && (
        <tr className="amend-row">
          <td colSpan={9}>
            <AmendOrderForm
              order={order}
              market={market}
              onClose={() => setAmending(false)}
              onAmended={() => {
                setAmending(false);
                onNote({ kind: 'ok', key: 'orders.amended', detail: String(order.id) });
              }}
            />
          </td>
        </tr>
      )}
    </Fragment>
  );
});

/** What links an order to others, and a trailing stop's distance: shown under its type. */
function OrderLinksNote({ order, market }: { order: ViewOrder; market: ViewMarket }) {
  const t = useT();
  const parts: string[] = [];
  if (order.trailAmount !== undefined) parts.push(fill(t('orders.trails'), formatPrice(market, order.trailAmount)));
  if (order.trailBps !== undefined) parts.push(fill(t('orders.trails'), `${formatUnits(order.trailBps, 2)}%`));
  if (order.takeProfitPrice !== undefined || order.stopLossPrice !== undefined)
    parts.push(
      t('orders.exits')
        .replace('{tp}', order.takeProfitPrice !== undefined ? formatPrice(market, order.takeProfitPrice) : '—')
        .replace('{sl}', order.stopLossPrice !== undefined ? formatPrice(market, order.stopLossPrice) : '—'),
    );
  if (order.parentOrderId !== undefined) parts.push(fill(t('orders.exitOf'), order.parentOrderId));
  if (order.ocoOrderId !== undefined) parts.push(fill(t('orders.ocoWith'), order.ocoOrderId));
  if (parts.length === 0) return null;
  return (
    <div className="muted order-links" data-order-links="">
      {parts.join(' · ')}
    </div>
  );
}

/** My resting and waiting orders, each with cancel, and cancel-all. */
export const OpenOrders = memo(function OpenOrders() {
  const t = useT();
  const orders = useView((s) => s.openOrders);
  const status = useView((s) => s.status);
  const error = useView((s) => s.error);
  const market = useView((s) => s.market);
  const refresh = useView((s) => s.refresh);
  const cancelAllOrders = useView((s) => s.cancelAll);
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  const pending = loadState(status);
  // Cancels wait, like orders, while the market cannot take them; a refusal that said so goes once it can.
  const blocked = useMarketState().ordersBlocked;
  const outdated = blocked === null && note?.kind === 'error' && isStateRefusal(note.key);
  useEffect(() => {
    if (outdated) setNote(null);
  }, [outdated]);

  const cancelAll = async () => {
    setBusy(true);
    try {
      const { cancelled } = await cancelAllOrders();
      setNote({ kind: 'ok', key: 'orders.cancelledAll', detail: String(cancelled) });
    } catch (err) {
      setNote({ kind: 'error', key: 'form.err.transport', detail: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="account-pane" role="region" aria-label={t('orders.title')}>
      <div className="pane-actions">
        {note && (
          <span role={note.kind === 'error' ? 'alert' : 'status'} className={note.kind === 'error' ? 'error' : 'ok'}>
            {note.detail !== undefined ? fill(t(note.key), note.detail) : t(note.key)}
          </span>
        )}
        {blocked && orders.length > 0 && <span className="muted">{t(`orders.blocked.${blocked}`)}</span>}
        <button
          type="button"
          className="button small"
          disabled={busy || orders.length === 0 || blocked !== null}
          onClick={() => void cancelAll()}
        >
          {t('orders.cancelAll')}
        </button>
      </div>
      {pending || !market ? (
        <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void refresh()} />
      ) : orders.length === 0 ? (
        <PanelState state="empty" emptyKey="orders.empty" />
      ) : (
        <div className="scroll">
          <table className="grid">
            <thead>
              <tr>
                <th>{t('col.time')}</th>
                <th>{t('col.side')}</th>
                <th>{t('col.type')}</th>
                <th className="num">{t('col.price')}</th>
                <th className="num">{t('col.stop')}</th>
                <th className="num">{t('col.amount')}</th>
                <th className="num">{t('col.filled')}</th>
                <th>{t('col.status')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <OrderRow key={o.id} order={o} market={market} onNote={setNote} blocked={blocked !== null} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
});
