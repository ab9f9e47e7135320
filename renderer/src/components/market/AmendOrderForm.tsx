/**
 * The inline form that amends one open order: its price and total amount, prefilled with the order's own, sent
 * through the market view's amend (the same path as dragging its line on the chart). A refusal stays in the form
 * with the engine's reason; nothing changes until Save.
 */
import { useState, type FormEvent } from 'react';
import { fill, useT, type MessageKey } from '../../i18n';
import { amendInput } from '../../lib/chart-orders';
import type { ViewMarket, ViewOrder } from '../../lib/market-view';
import { formatUnits } from '../../lib/units';
import { useView } from '../../stores/view-context';
import { rejectMessage } from './OrderForm';
import './chart-orders.css';

type Problem = { key: MessageKey; detail?: string } | null;

export function AmendOrderForm({
  order,
  market,
  onAmended,
  onClose,
}: {
  order: ViewOrder;
  market: ViewMarket;
  onAmended(): void;
  onClose(): void;
}) {
  const t = useT();
  const amend = useView((s) => s.amend);
  const [price, setPrice] = useState(() => formatUnits(order.price, market.priceDecimals, { group: false }));
  const [amount, setAmount] = useState(() => formatUnits(order.quantity, market.sizeDecimals, { group: false }));
  const [problem, setProblem] = useState<Problem>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input = amendInput(market, order, price, amount);
    if (!input.ok) return setProblem({ key: input.key, detail: input.detail });
    setBusy(true);
    try {
      const outcome = await amend(order.id, input.change);
      if (outcome.status === 'accepted') onAmended();
      else setProblem(rejectMessage(outcome.reason));
    } catch (err) {
      setProblem({ key: 'form.err.transport', detail: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="amend-form"
      aria-label={fill(t('orders.amendOrder'), order.id)}
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <label>
        <span>
          {t('col.price')} ({market.quote})
        </span>
        <input
          inputMode="decimal"
          autoComplete="off"
          value={price}
          autoFocus
          onChange={(e) => {
            setPrice(e.target.value);
            setProblem(null);
          }}
        />
      </label>
      <label>
        <span>
          {t('col.amount')} ({market.base})
        </span>
        <input
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          onChange={(e) => {
            setAmount(e.target.value);
            setProblem(null);
          }}
        />
      </label>
      <button type="submit" className="button small" disabled={busy}>
        {t('orders.amendSave')}
      </button>
      <button type="button" className="link-button" onClick={onClose}>
        {t('orders.amendBack')}
      </button>
      {problem && (
        <span role="alert" className="error">
          {problem.detail !== undefined ? fill(t(problem.key), problem.detail) : t(problem.key)}
        </span>
      )}
    </form>
  );
}
