import { memo, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageKey } from '../../i18n';
import { fill, isMessageKey, useT } from '../../i18n';
import {
  amountForPercent,
  buildOrder,
  preview,
  type FormType,
  type MarketContext,
  type Side,
} from '../../lib/build-order';
import { formatUnits, parseUnits } from '../../lib/units';
import { formatQuote, formatSize, quoteUnit } from '../../lib/market-format';
import { useMarketT } from '../../stores/market-text';
import { isStale, type ViewMarket } from '../../lib/market-view';
import { useView } from '../../stores/view-context';
import { useOrderForm } from '../../stores/order-form-store';
import type { OrderRequest } from '@protocol/api';
import { ConfirmDialog } from './ConfirmDialog';
import { useGroupedInput } from './use-grouped-input';
import { PanelState, loadState } from './PanelState';

/** Orders worth more than this many whole quote (1,000,000 won; 1,000 of another currency) ask for confirmation first. */
function confirmAbove(m: ViewMarket): bigint {
  return (m.quote === 'KRW' ? 1_000_000n : 1_000n) * quoteUnit(m);
}
const PERCENTS = [25, 50, 75, 100] as const;
const TYPES: { type: FormType; label: MessageKey }[] = [
  { type: 'limit', label: 'form.limit' },
  { type: 'market', label: 'form.market' },
  { type: 'stop_limit', label: 'form.stopLimit' },
];
/** The engine's reject reason as a message key with friendly text in both languages (any reason with a `reject.` text). */
export function rejectMessage(reason: string | undefined): { key: MessageKey; detail?: string } {
  const key = `reject.${reason}`;
  if (reason && key !== 'reject.other' && isMessageKey(key)) return { key };
  return { key: 'reject.other', detail: reason ?? '?' };
}

function NumberField({
  label,
  value,
  onChange,
  unit,
  placeholder,
  disabled,
}: {
  label: string;
  value: string;
  onChange(v: string): void;
  unit: string;
  placeholder?: string;
  disabled?: boolean;
}) {
  // Thousands grouped as typed; the form keeps the plain digits.
  const field = useGroupedInput(value, onChange);
  return (
    <label className="form-field">
      <span className="form-label">{label}</span>
      <span className="input-wrap">
        <input
          type="text"
          inputMode="decimal"
          autoComplete="off"
          spellCheck={false}
          data-numeric=""
          aria-label={label}
          ref={field.ref}
          value={field.value}
          placeholder={placeholder}
          disabled={disabled}
          onChange={field.onChange}
        />
        <span className="unit">{unit}</span>
      </span>
    </label>
  );
}

function SideTabs({ side }: { side: Side }) {
  const t = useT();
  const setSide = useOrderForm((s) => s.setSide);
  return (
    <div className="side-tabs" role="tablist" aria-label={t('form.side')}>
      {(['buy', 'sell'] as const).map((s) => (
        <button
          key={s}
          type="button"
          role="tab"
          aria-selected={side === s}
          className={`side-tab ${s}${side === s ? ' active' : ''}`}
          onClick={() => setSide(s)}
        >
          {t(s === 'buy' ? 'form.buy' : 'form.sell')}
        </button>
      ))}
    </div>
  );
}

function TypeTabs({ type }: { type: FormType }) {
  const t = useT();
  const setType = useOrderForm((s) => s.setType);
  return (
    <div className="type-tabs" role="tablist" aria-label={t('form.type')}>
      {TYPES.map((x) => (
        <button
          key={x.type}
          type="button"
          role="tab"
          aria-selected={type === x.type}
          className={type === x.type ? 'chip active' : 'chip'}
          onClick={() => setType(x.type)}
        >
          {t(x.label)}
        </button>
      ))}
    </div>
  );
}

/** Buy or sell the market's coin: limit, market or stop-limit; size typed or as a share of the available balance. */
export const OrderForm = memo(function OrderForm() {
  const t = useMarketT();
  const form = useOrderForm();
  const { status, error, market, balances, bestBid, bestAsk, place, refresh, stale } = useView(
    useShallow((s) => ({
      status: s.status,
      error: s.error,
      market: s.market,
      balances: s.balances,
      bestBid: s.bids[0]?.[0],
      bestAsk: s.asks[0]?.[0],
      place: s.place,
      refresh: s.refresh,
      stale: isStale(s.feed),
    })),
  );
  const [confirming, setConfirming] = useState<{ order: OrderRequest; value: bigint } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const ctx: MarketContext | null = useMemo(() => {
    if (!market) return null;
    const available: Record<string, bigint> = {};
    for (const b of balances) available[b.asset] = BigInt(b.available);
    return { market, bestBid, bestAsk, available };
  }, [market, balances, bestBid, bestAsk]);

  // Esc clears the form wherever focus is on the screen (the dialog handles its own Esc first).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented && !confirming) useOrderForm.getState().clear();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirming]);

  const pending = loadState(status);
  if (pending || !ctx || !market) {
    return (
      <section className="panel form-panel" aria-label={t('form.title')}>
        <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void refresh()} />
      </section>
    );
  }

  const { side, type } = form;
  const input = { side, type, price: form.price, stopPrice: form.stopPrice, amount: form.amount, total: form.total };
  const view = preview(input, ctx);
  const payAsset = side === 'buy' ? market.quote : market.base;
  const available = ctx.available[payAsset] ?? 0n;
  const availableText = side === 'buy' ? formatQuote(market, available) : formatSize(market, available);
  const marketBuy = type === 'market' && side === 'buy';

  const send = async (order: OrderRequest) => {
    setConfirming(null);
    form.set({ submitting: true, message: null });
    try {
      const outcome = await place(order);
      if (outcome.status === 'accepted') {
        form.set({
          submitting: false,
          amount: '',
          total: '',
          percent: null,
          message: {
            kind: 'success',
            key: outcome.fills > 0 ? 'form.filled' : 'form.accepted',
            detail: String(outcome.orderId ?? ''),
          },
        });
      } else {
        const m = rejectMessage(outcome.reason);
        form.set({ submitting: false, message: { kind: 'error', key: m.key, detail: m.detail } });
      }
    } catch (err) {
      form.set({
        submitting: false,
        message: { kind: 'error', key: 'form.err.transport', detail: (err as Error).message },
      });
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (form.submitting) return;
    const built = buildOrder(input, ctx);
    if (!built.ok) {
      form.set({ message: built.error });
      return;
    }
    const value = built.preview.notional ?? 0n;
    if (value > confirmAbove(market)) setConfirming({ order: built.order, value });
    else void send(built.order);
  };

  const pickPercent = (pct: number) => {
    // A limit buy's size depends on the price: without one, take the best ask as the price to size against.
    let price = parseUnits(form.price, market.priceDecimals);
    const patch: Parameters<typeof form.set>[0] = { percent: pct, message: null };
    if ((price === null || price <= 0n) && type !== 'market' && side === 'buy' && bestAsk) {
      price = BigInt(bestAsk);
      patch.price = formatUnits(bestAsk, market.priceDecimals, { group: false });
    }
    form.set({ ...patch, ...amountForPercent(pct, input, ctx, price) });
  };

  const message = form.message;
  return (
    <section className="panel form-panel" aria-label={t('form.title')}>
      <form ref={formRef} className={`order-form ${side}`} onSubmit={submit} noValidate aria-label={t('form.title')}>
        <SideTabs side={side} />
        <TypeTabs type={type} />
        <div className="form-available">
          <span className="muted">{t('form.available')}</span>
          <span className="num">
            {availableText} {payAsset}
          </span>
        </div>
        {type === 'stop_limit' && (
          <NumberField
            label={t('form.stopPrice')}
            unit={market.quote}
            value={form.stopPrice}
            onChange={(v) => form.set({ stopPrice: v, message: null })}
          />
        )}
        {type === 'market' ? (
          <NumberField
            label={t('form.price')}
            unit={market.quote}
            value=""
            placeholder={t('form.marketPrice')}
            onChange={() => undefined}
            disabled
          />
        ) : (
          <NumberField
            label={t(type === 'stop_limit' ? 'form.limitPrice' : 'form.price')}
            unit={market.quote}
            value={form.price}
            onChange={(v) => form.set({ price: v, message: null })}
          />
        )}
        {marketBuy ? (
          <NumberField
            label={t('form.spend')}
            unit={market.quote}
            value={form.total}
            onChange={(v) => form.set({ total: v, percent: null, message: null })}
          />
        ) : (
          <NumberField
            label={t('form.amount')}
            unit={market.base}
            value={form.amount}
            onChange={(v) => form.set({ amount: v, percent: null, message: null })}
          />
        )}
        <div className="percent-row" role="group" aria-label={t('form.available')}>
          {PERCENTS.map((p) => (
            <button
              key={p}
              type="button"
              className={form.percent === p ? 'chip active' : 'chip'}
              aria-label={fill(t('form.percent'), p)}
              aria-pressed={form.percent === p}
              onClick={() => pickPercent(p)}
            >
              {p}%
            </button>
          ))}
        </div>
        <dl className="form-summary">
          <div>
            <dt>{t('form.total')}</dt>
            <dd aria-label={t('form.total')}>
              {view.notional === null
                ? '—'
                : `${view.estimated ? '≈ ' : ''}${formatQuote(market, view.notional)} ${market.quote}`}
            </dd>
          </div>
          <div>
            <dt>
              {t('form.fee')}{' '}
              <span className="muted">
                ({t(view.feeKind === 'maker' ? 'form.feeMaker' : 'form.feeTaker')} {formatUnits(view.feeBps, 2)}%)
              </span>
            </dt>
            <dd>
              {view.fee === null
                ? '—'
                : `${view.estimated ? '≈ ' : ''}${formatQuote(market, view.fee)} ${market.quote}`}
            </dd>
          </div>
        </dl>
        {type === 'stop_limit' && <p className="form-hint muted">{t('form.stopHint')}</p>}
        {type === 'market' && (
          <p className="form-hint muted">
            {market.priceBandBps !== undefined
              ? fill(t('form.marketHint'), formatUnits(market.priceBandBps, 2))
              : t('form.marketHintPaper')}
          </p>
        )}
        {stale && (
          <p className="form-hint error" role="note">
            {t('feed.staleNote')}
          </p>
        )}
        <div className="form-message" aria-live="polite">
          {message && (
            <p
              role={message.kind === 'error' ? 'alert' : 'status'}
              className={message.kind === 'error' ? 'error' : 'ok'}
            >
              {message.detail !== undefined ? fill(t(message.key), message.detail) : t(message.key)}
            </p>
          )}
        </div>
        <button type="submit" className={`submit ${side}`} disabled={form.submitting} aria-busy={form.submitting}>
          {t(side === 'buy' ? 'form.submitBuy' : 'form.submitSell')}
        </button>
        <p className="form-hint muted shortcuts">{t('form.shortcuts')}</p>
      </form>
      {confirming && (
        <ConfirmDialog
          title={t('confirm.title')}
          body={fill(t('confirm.body'), formatQuote(market, confirming.value))}
          onCancel={() => {
            setConfirming(null);
            formRef.current?.querySelector<HTMLInputElement>('input:not([disabled])')?.focus();
          }}
          onConfirm={() => void send(confirming.order)}
        />
      )}
    </section>
  );
});
