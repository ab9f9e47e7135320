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
import { formatQuote, formatSize } from '../../lib/market-format';
import { useMarketT } from '../../stores/market-text';
import { priceAtMarket, surprises, type Surprise } from '../../lib/order-checks';
import { submitKey } from '../../lib/market-identity';
import { isStateRefusal, type OrderBlock } from '../../lib/market-state';
import { useMarketState } from '../../stores/market-state';
import { useView, useViewStore } from '../../stores/view-context';
import { useOrderForm } from '../../stores/order-form-store';
import type { OrderRequest } from '@protocol/api';
import { rovingKeys } from '../roving-keys';
import { ConfirmDialog } from './ConfirmDialog';
import { useGroupedInput } from './use-grouped-input';
import { PanelState, loadState } from './PanelState';
import { surpriseLines, surpriseTitle } from './surprise-text';

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

/** Why orders cannot be placed now, beside the disabled button. */
function BlockedNote({ blocked }: { blocked: OrderBlock }) {
  const t = useT();
  return (
    <p className="form-hint error" role="note" data-blocked={blocked}>
      {t(`orders.blocked.${blocked}`)}
    </p>
  );
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

const SIDES = ['buy', 'sell'] as const;
const TYPE_VALUES = TYPES.map((x) => x.type);

function SideTabs({ side }: { side: Side }) {
  const t = useT();
  const setSide = useOrderForm((s) => s.setSide);
  return (
    <div
      className="side-tabs"
      role="tablist"
      aria-label={t('form.side')}
      onKeyDown={(e) => rovingKeys(e, 'tab', SIDES, side, setSide)}
    >
      {SIDES.map((s) => (
        <button
          key={s}
          type="button"
          role="tab"
          aria-selected={side === s}
          tabIndex={side === s ? 0 : -1}
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
    <div
      className="type-tabs"
      role="tablist"
      aria-label={t('form.type')}
      onKeyDown={(e) => rovingKeys(e, 'tab', TYPE_VALUES, type, setType)}
    >
      {TYPES.map((x) => (
        <button
          key={x.type}
          type="button"
          role="tab"
          aria-selected={type === x.type}
          tabIndex={type === x.type ? 0 : -1}
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
  const { status, error, market, balances, bestBid, bestAsk, lastPrice, place, refresh, kind } = useView(
    useShallow((s) => ({
      status: s.status,
      error: s.error,
      market: s.market,
      balances: s.balances,
      bestBid: s.bids[0]?.[0],
      bestAsk: s.asks[0]?.[0],
      lastPrice: s.lastPrice,
      place: s.place,
      refresh: s.refresh,
      kind: s.kind,
    })),
  );
  // Orders are refused here, with the reason, while the market cannot take them (lib/market-state).
  const blocked = useMarketState().ordersBlocked;
  const [confirming, setConfirming] = useState<{ order: OrderRequest; surprises: Surprise[] } | null>(null);
  // Whether the focus is in the form, where Enter places the order (the hint says so only then).
  const [focusInside, setFocusInside] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const viewStore = useViewStore();

  const ctx: MarketContext | null = useMemo(() => {
    if (!market) return null;
    const available: Record<string, bigint> = {};
    for (const b of balances) available[b.asset] = BigInt(b.available);
    return { market, bestBid, bestAsk, lastPrice, available };
  }, [market, balances, bestBid, bestAsk, lastPrice]);

  // B or S pressed anywhere: the focus comes to the first field, and an empty limit price starts at the market
  // price. Only a request made while this form is shown counts, not one made before it mounted.
  const focusRequest = useOrderForm((s) => s.focusRequest);
  const focusServed = useRef(focusRequest);
  useEffect(() => {
    if (focusRequest === focusServed.current) return;
    focusServed.current = focusRequest;
    const f = useOrderForm.getState();
    const v = viewStore.getState();
    if (f.type === 'limit' && f.price.trim() === '' && v.market) {
      const p = priceAtMarket({
        market: v.market,
        lastPrice: v.lastPrice,
        bestBid: v.bids[0]?.[0],
        bestAsk: v.asks[0]?.[0],
      });
      if (p !== null) f.set({ price: formatUnits(p, v.market.priceDecimals, { group: false }) });
    }
    formRef.current?.querySelector<HTMLInputElement>('input:not([disabled])')?.focus();
  }, [focusRequest, viewStore]);

  // Esc clears the form wherever focus is on the screen (the dialog handles its own Esc first).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented && !confirming) useOrderForm.getState().clear();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirming]);

  // A refusal that said the market could not take orders is out of date once it can.
  const message = form.message;
  const outdated = blocked === null && message?.kind === 'error' && isStateRefusal(message.key);
  useEffect(() => {
    if (outdated) useOrderForm.getState().set({ message: null });
  }, [outdated]);

  const pending = loadState(status);
  if (pending || !ctx || !market) {
    return (
      <section className="panel form-panel" aria-label={t('form.title')}>
        <PanelState state={pending ?? 'loading'} error={error} onRetry={() => void refresh()} />
        {blocked && <BlockedNote blocked={blocked} />}
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
    if (form.submitting || blocked) return;
    const built = buildOrder(input, ctx);
    if (!built.ok) {
      form.set({ message: built.error });
      return;
    }
    const found = surprises(built.order, built.preview.notional ?? 0n, ctx);
    if (found.length > 0) setConfirming({ order: built.order, surprises: found });
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

  return (
    <section className="panel form-panel" aria-label={t('form.title')}>
      <form
        ref={formRef}
        className={`order-form ${side}`}
        onSubmit={submit}
        noValidate
        aria-label={t('form.title')}
        onFocus={() => setFocusInside(true)}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusInside(false);
        }}
      >
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
        {blocked && <BlockedNote blocked={blocked} />}
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
        <button
          type="submit"
          className={`submit ${side}`}
          disabled={form.submitting || blocked !== null}
          aria-busy={form.submitting}
        >
          {t(submitKey(kind, side))}
        </button>
        <p className="form-hint muted shortcuts">{t(focusInside ? 'form.shortcutsInside' : 'form.shortcuts')}</p>
      </form>
      {confirming && (
        <ConfirmDialog
          title={surpriseTitle(confirming.surprises, t)}
          body={surpriseLines(confirming.surprises, market, t)}
          cautious={confirming.surprises.some((s) => s.kind !== 'large')}
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
