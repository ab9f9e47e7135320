import './alerts.css';
import { useEffect, useState, type FormEvent } from 'react';
import type { AlertMarket, PriceAlert } from '@protocol/alerts';
import { fill, isMessageKey, useT, type MessageKey } from '../../i18n';
import { alertCondition, type AlertKind } from '../../lib/alert-input';
import { formatBps } from '../../lib/figures';
import { formatPrice } from '../../lib/market-format';
import type { ViewMarket } from '../../lib/market-view';
import { formatDateTime } from '../../lib/time';
import { useAlerts } from '../../stores/alerts-store';
import { useView } from '../../stores/view-context';
import { useGroupedInput } from './use-grouped-input';
import { usePopover } from '../use-popover';

const KINDS: AlertKind[] = ['above', 'below', 'move'];

/** A market as its alerts name it, for the market helpers' formats. */
function viewOf(m: AlertMarket): ViewMarket {
  return { ...m, minNotional: 0, makerFeeBps: 0, takerFeeBps: 0 };
}

/** An alert's condition in words: "at or above 91,500 KRW", "moves 5.00% from 90,000 KRW". */
export function conditionText(a: PriceAlert, t: (key: MessageKey) => string): string {
  const m = viewOf(a.market);
  const price = (p: number) => `${formatPrice(m, p)} ${m.quote}`;
  const c = a.condition;
  if (c.kind === 'move')
    return t('alerts.condition.move').replace('{pct}', formatBps(c.bps)).replace('{from}', price(a.basePrice));
  return t(`alerts.condition.${c.kind}`).replace('{price}', price(c.price));
}

/**
 * Price alerts for the market on screen: a button (with the number waiting) that opens a panel to set one —
 * above a price, below a price, or a move of n% from the last price — and lists this market's alerts, waiting
 * and fired, each with delete. The host checks them and notifies when one fires. Esc or a click outside closes.
 */
export function PriceAlerts() {
  const t = useT();
  const kind = useView((s) => s.kind);
  const market = useView((s) => s.market);
  const lastPrice = useView((s) => s.lastPrice);
  const { items, loadError } = useAlerts();
  const { open, setOpen, root } = usePopover();

  useEffect(() => {
    if (useAlerts.getState().items === null) void useAlerts.getState().load();
  }, []);

  if (!market) return null;
  const mine = (items ?? []).filter((a) => a.market.venue === kind && a.market.id === market.id);
  const waiting = mine.filter((a) => a.firedAt === null).length;

  return (
    <div className="alerts" ref={root}>
      <button
        type="button"
        className="chip alerts-button"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
      >
        {t('alerts.open')}
        {waiting > 0 && <span className="alerts-count"> {waiting}</span>}
      </button>
      {open && (
        <div className="alerts-panel panel" role="dialog" aria-label={t('alerts.title')}>
          <div className="panel-head">
            <h2>{t('alerts.title')}</h2>
            <span className="muted">
              {lastPrice > 0
                ? fill(t('alerts.now'), `${formatPrice(market, lastPrice)} ${market.quote}`)
                : t('alerts.noPrice')}
            </span>
          </div>
          <AlertForm venue={kind} market={market} />
          {loadError && (
            <p role="alert" className="error panel-state">
              {fill(t('alerts.loadError'), loadError)}
            </p>
          )}
          {items === null && !loadError ? (
            <p className="panel-state muted">{t('alerts.loading')}</p>
          ) : mine.length === 0 ? (
            <p className="panel-state muted">{t('alerts.empty')}</p>
          ) : (
            <ul className="alerts-list">
              {mine.map((a) => {
                const text = conditionText(a, t);
                return (
                  <li key={a.id} className="alerts-item" data-fired={a.firedAt !== null}>
                    <span className="alerts-text">
                      <strong>{text}</strong>
                      <span className="muted">
                        {a.firedAt === null || a.firedPrice === null
                          ? t('alerts.waiting')
                          : `${fill(t('alerts.fired'), `${formatPrice(viewOf(a.market), a.firedPrice)} ${a.market.quote}`)} · ${formatDateTime(a.firedAt)}`}
                      </span>
                    </span>
                    <button
                      type="button"
                      className="link-button"
                      aria-label={fill(t('alerts.deleteOne'), text)}
                      onClick={() => void useAlerts.getState().remove(a.id)}
                    >
                      {t('alerts.delete')}
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

/** The form that sets an alert on `market`: the condition, its price or percent, and the host's answer. */
function AlertForm({ venue, market }: { venue: AlertMarket['venue']; market: ViewMarket }) {
  const t = useT();
  const [kind, setKind] = useState<AlertKind>('above');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useGroupedInput(text, setText);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const read = alertCondition(kind, text, market.priceDecimals);
    if ('error' in read) {
      setError(t(read.error === 'price' ? 'alerts.err.price' : 'alerts.err.percent'));
      return;
    }
    setBusy(true);
    const refused = await useAlerts.getState().create({ venue, market: market.id, condition: read.condition });
    setBusy(false);
    if (!refused) {
      setText('');
      setError(null);
      return;
    }
    const key = `alerts.err.${refused.code}`;
    setError(isMessageKey(key) ? t(key) : fill(t('alerts.err.other'), refused.message));
  };

  return (
    <form className="alerts-form" onSubmit={(e) => void submit(e)} noValidate>
      <select
        aria-label={t('alerts.kind')}
        value={kind}
        onChange={(e) => {
          setKind(e.target.value as AlertKind);
          setError(null);
        }}
      >
        {KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`alerts.kind.${k}`)}
          </option>
        ))}
      </select>
      <label className="alerts-input">
        <input
          ref={input.ref}
          inputMode="decimal"
          data-numeric
          aria-label={t(kind === 'move' ? 'alerts.percent' : 'alerts.price')}
          aria-invalid={error !== null}
          value={input.value}
          onChange={input.onChange}
        />
        <span className="muted">{kind === 'move' ? '%' : market.quote}</span>
      </label>
      <button type="submit" className="button primary" disabled={busy}>
        {t(busy ? 'alerts.adding' : 'alerts.add')}
      </button>
      {error && (
        <p role="alert" className="error alerts-error">
          {error}
        </p>
      )}
    </form>
  );
}
