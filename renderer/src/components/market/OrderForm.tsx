import { memo, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MessageKey } from '../../i18n';
import { fill, isMessageKey, useT } from '../../i18n';
import {
  ALL_TYPES,
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
const TYPE_LABELS: Record<FormType, MessageKey> = {
  limit: 'form.limit',
  market: 'form.market',
  stop_market: 'form.stopMarket',
  stop_limit: 'form.stopLimit',
  trailing_stop: 'form.trailingStop',
};
const TIFS = ['GTC', 'IOC', 'FOK'] as const;
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

function TypeTabs({ type, types }: { type: FormType; types: readonly FormType[] }) {
  const t = useT();
  const setType = useOrderForm((s) => s.setType);
  return (
    <div
      className="type-tabs"
      role="tablist"
      aria-label={t('form.type')}
      onKeyDown={(e) => rovingKeys(e, 'tab', types, type, setType)}
    >
      {types.map((x) => (
        <button
          key={x}
          type="button"
          role="tab"
          aria-selected={type === x}
          tabIndex={type === x ? 0 : -1}
          className={type === x ? 'chip active' : 'chip'}
          onClick={() => setType(x)}
        >
          {t(TYPE_LABELS[x])}
        </button>
      ))}
    </div>
  );
}

/** A row of chips choosing one of a few values (time in force, the trailing distance's unit). */
function ChipChoice<T extends string>({
  label,
  values,
  value,
  text,
  onChange,
}: {
  label: string;
  values: readonly T[];
  value: T;
  text(v: T): string;
  onChange(v: T): void;
}) {
  return (
    <div className="percent-row" role="radiogroup" aria-label={label}>
      {values.map((v) => (
        <button
          key={v}
          type="button"
          role="radio"
          aria-checked={value === v}
          className={value === v ? 'chip active' : 'chip'}
          onClick={() => onChange(v)}
        >
          {text(v)}
        </button>
      ))}
    </div>
  );
}

/**
 * Buy or sell the market's coin: limit, market, stop-market, stop-limit and, where the engine has them, trailing
 * stops, time in force, post-only and take-profit / stop-loss exits; size typed or as a share of the available
 * balance.
 */
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

  // Trailing stops and exits on every market; time in force and post-only where the matching engine is behind
  // the market (the offline practice market and the live one): a paper order meets the real book as it is.
  const advanced = kind !== 'paper';
  const types = ALL_TYPES;
  const side = form.side;
  const type = types.includes(form.type) ? form.type : 'limit';
  const input = {
    side,
    type,
    price: form.price,
    stopPrice: form.stopPrice,
    amount: form.amount,
    total: form.total,
    ...(advanced && { timeInForce: form.timeInForce, postOnly: form.postOnly }),
    trail: form.trail,
    trailUnit: form.trailUnit,
    takeProfit: form.takeProfit,
    stopLoss: form.stopLoss,
  };
  const view = preview(input, ctx);
  const payAsset = side === 'buy' ? market.quote : market.base;
  const available = ctx.available[payAsset] ?? 0n;
  const availableText = side === 'buy' ? formatQuote(market, available) : formatSize(market, available);
  const marketBuy = type === 'market' && side === 'buy';
  const atMarket = type === 'market' || type === 'stop_market' || type === 'trailing_stop';
  const hasLimit = type === 'limit' || type === 'stop_limit';

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
        <TypeTabs type={type} types={types} />
        <div className="form-available">
          <span className="muted">{t('form.available')}</span>
          <span className="num">
            {availableText} {payAsset}
          </span>
        </div>
        {(type === 'stop_limit' || type === 'stop_market') && (
          <NumberField
            label={t('form.stopPrice')}
            unit={market.quote}
            value={form.stopPrice}
            onChange={(v) => form.set({ stopPrice: v, message: null })}
          />
        )}
        {type === 'trailing_stop' && (
          <>
            <NumberField
              label={t('form.trail')}
              unit={form.trailUnit === 'percent' ? '%' : market.quote}
              value={form.trail ?? ''}
              onChange={(v) => form.set({ trail: v, message: null })}
            />
            <ChipChoice
              label={t('form.trailUnit')}
              values={['percent', 'amount'] as const}
              value={form.trailUnit ?? 'percent'}
              text={(v) => (v === 'percent' ? t('form.trailPercent') : market.quote)}
              onChange={(v) => form.set({ trailUnit: v, message: null })}
            />
          </>
        )}
        {atMarket ? (
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
        {advanced && hasLimit && (
          <>
            <ChipChoice
              label={t('form.tif')}
              values={TIFS}
              value={form.timeInForce ?? 'GTC'}
              text={(v) => t(`form.tif.${v}`)}
              onChange={(v) => form.set({ timeInForce: v, message: null })}
            />
            {type === 'limit' && (form.timeInForce ?? 'GTC') === 'GTC' && (
              <label className="form-check">
                <input
                  type="checkbox"
                  checked={form.postOnly ?? false}
                  onChange={(e) => form.set({ postOnly: e.target.checked, message: null })}
                />{' '}
                {t('form.postOnly')}
              </label>
            )}
          </>
        )}
        {!marketBuy && (
          <div className="form-exits" role="group" aria-label={t('form.exitsHint')}>
            <NumberField
              label={t('form.takeProfit')}
              unit={market.quote}
              value={form.takeProfit ?? ''}
              onChange={(v) => form.set({ takeProfit: v, message: null })}
            />
            <NumberField
              label={t('form.stopLoss')}
              unit={market.quote}
              value={form.stopLoss ?? ''}
              onChange={(v) => form.set({ stopLoss: v, message: null })}
            />
          </div>
        )}
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
        {type === 'stop_market' && <p className="form-hint muted">{t('form.stopMarketHint')}</p>}
        {type === 'trailing_stop' && <p className="form-hint muted">{t('form.trailHint')}</p>}
        {advanced && hasLimit && <p className="form-hint muted">{t('form.tifHint')}</p>}
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
