/**
 * The paper portfolios' dialog: the list (switch, reset, delete) and a form to create one or edit one. Amounts
 * are typed in whole KRW or USDT and sent in balance units; fees in whole basis points; latency in whole ms.
 * The host checks every bound again and its refusal is shown as said.
 */
import { useEffect, useRef, useState } from 'react';
import { MAX_FEE_BPS, MAX_LATENCY_MS, type PaperPortfolio } from '@protocol/paper-portfolios';
import { fill, useT } from '../../i18n';
import { usePortfolios } from '../../stores/paper-portfolios-store';
import { ConfirmDialog } from './ConfirmDialog';
import {
  draftFields,
  draftOf,
  type DraftField,
  type FeeDefaults,
  type PortfolioDraft as Draft,
  type PortfolioExchange as Exchange,
} from '../../lib/portfolio-draft';

const FIELD_LABEL = {
  krw: 'portfolios.field.krw',
  usdt: 'portfolios.field.usdt',
  maker: 'portfolios.field.maker',
  taker: 'portfolios.field.taker',
  latency: 'portfolios.field.latency',
} as const satisfies Record<DraftField, string>;

function PortfolioForm({
  editing,
  fees,
  onDone,
}: {
  editing: PaperPortfolio | null;
  fees: FeeDefaults;
  onDone(): void;
}) {
  const t = useT();
  const { create, update, busy } = usePortfolios();
  const [d, setD] = useState<Draft>(() => draftOf(editing, fees));
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const set = (change: Partial<Draft>) => setD((x) => ({ ...x, ...change }));
  const submit = async () => {
    const parsed = draftFields(d);
    if ('error' in parsed) return setError(fill(t('portfolios.invalid'), t(FIELD_LABEL[parsed.error])));
    try {
      if (editing) await update(editing.id, parsed.fields);
      else await create({ ...parsed.fields, exchange: d.exchange });
      onDone();
    } catch (err) {
      setError(fill(t('portfolios.failed'), (err as Error).message));
    }
  };
  const num = (key: keyof Draft, label: Parameters<typeof t>[0], max?: number) => (
    <label className="field">
      <span>{t(label)}</span>
      <input
        data-numeric
        inputMode="numeric"
        name={key}
        value={d[key]}
        onChange={(e) => set({ [key]: e.target.value })}
        {...(max !== undefined && { title: `0 – ${max}` })}
      />
    </label>
  );
  return (
    <form
      className="portfolio-form"
      aria-label={editing ? `${t('portfolios.edit')} ${editing.name}` : t('portfolios.new')}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="field">
        <span>{t('portfolios.field.name')}</span>
        <input ref={first} name="name" maxLength={40} value={d.name} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label className="field">
        <span>{t('portfolios.field.exchange')}</span>
        <select
          name="exchange"
          value={d.exchange}
          disabled={editing !== null}
          onChange={(e) => {
            const exchange = e.target.value as Exchange;
            const { makerFeeBps, takerFeeBps } = fees[exchange];
            set({ exchange, maker: String(makerFeeBps), taker: String(takerFeeBps) });
          }}
        >
          <option value="upbit">{t('portfolios.exchange.upbit')}</option>
          <option value="binance">{t('portfolios.exchange.binance')}</option>
        </select>
      </label>
      {num('krw', 'portfolios.field.krw')}
      {num('usdt', 'portfolios.field.usdt')}
      {editing && <p className="muted small-note">{t('portfolios.balanceHint')}</p>}
      {num('maker', 'portfolios.field.maker', MAX_FEE_BPS)}
      {num('taker', 'portfolios.field.taker', MAX_FEE_BPS)}
      <p className="muted small-note">{t('portfolios.feeHint')}</p>
      {num('latency', 'portfolios.field.latency', MAX_LATENCY_MS)}
      <p className="muted small-note">{t('portfolios.latencyHint')}</p>
      <label className="field">
        <span>{t('portfolios.field.fill')}</span>
        <select
          name="fillModel"
          value={d.fillModel}
          onChange={(e) => set({ fillModel: e.target.value as Draft['fillModel'] })}
        >
          <option value="queue">{t('portfolios.fill.queueOption')}</option>
          <option value="touch">{t('portfolios.fill.touchOption')}</option>
        </select>
      </label>
      {error && (
        <p role="alert" className="error small-note">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onDone}>
          {t('portfolios.cancel')}
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {editing ? t('portfolios.save') : t('portfolios.create')}
        </button>
      </div>
    </form>
  );
}

export function PortfolioDialog({ onClose }: { onClose(): void }) {
  const t = useT();
  const { list, busy, select, reset, remove } = usePortfolios();
  const [form, setForm] = useState<{ editing: PaperPortfolio | null } | null>(null);
  const [asking, setAsking] = useState<{ kind: 'reset' | 'delete'; p: PaperPortfolio } | null>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const act = async (work: () => Promise<void>) => {
    try {
      await work();
      setNote({ ok: true, text: t('portfolios.done') });
    } catch (err) {
      setNote({ ok: false, text: fill(t('portfolios.failed'), (err as Error).message) });
    }
  };
  const portfolios = list?.portfolios ?? [];
  // Focus moves into the dialog and goes back where it was when the dialog closes.
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    box.current?.focus();
    return () => previous?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !asking && onClose()}>
      <div
        className="modal portfolio-dialog"
        ref={box}
        tabIndex={-1}
        role="dialog"
        aria-modal="true"
        aria-labelledby="portfolios-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && !asking) {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h2 id="portfolios-title">{t('portfolios.title')}</h2>
        <p className="muted small-note">{t('portfolios.intro')}</p>
        {portfolios.length === 0 ? (
          <p className="muted">{t('portfolios.empty')}</p>
        ) : (
          <ul className="portfolio-list" aria-label={fill(t('portfolios.count'), portfolios.length)}>
            {portfolios.map((p) => {
              const active = p.id === list?.active;
              return (
                <li key={p.id} data-portfolio-row={p.name} aria-current={active || undefined}>
                  <span className="portfolio-name">{p.name}</span>
                  <span className="muted">
                    {t(`portfolios.exchange.${p.exchange}`)} · {p.makerFeeBps}/{p.takerFeeBps} bp
                  </span>
                  {active ? (
                    <span className="badge">{t('portfolios.active')}</span>
                  ) : (
                    <button
                      type="button"
                      className="button small"
                      disabled={busy}
                      onClick={() => void act(() => select(p.id))}
                    >
                      {t('portfolios.use')}
                    </button>
                  )}
                  <button type="button" className="button small" onClick={() => setForm({ editing: p })}>
                    {t('portfolios.edit')}
                  </button>
                  <button type="button" className="button small" onClick={() => setAsking({ kind: 'reset', p })}>
                    {t('portfolios.reset')}
                  </button>
                  <button
                    type="button"
                    className="button small"
                    disabled={active}
                    onClick={() => setAsking({ kind: 'delete', p })}
                  >
                    {t('portfolios.delete')}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        {note && (
          <p role={note.ok ? 'status' : 'alert'} className={note.ok ? 'ok small-note' : 'error small-note'}>
            {note.text}
          </p>
        )}
        {form && list ? (
          <PortfolioForm
            key={form.editing?.id ?? 'new'}
            editing={form.editing}
            fees={list.feeDefaults}
            onDone={() => setForm(null)}
          />
        ) : (
          <div className="modal-actions">
            <button
              type="button"
              className="button"
              disabled={portfolios.length >= (list?.max ?? 0)}
              onClick={() => setForm({ editing: null })}
            >
              {t('portfolios.new')}
            </button>
            <button type="button" className="button primary" onClick={onClose}>
              {t('portfolios.close')}
            </button>
          </div>
        )}
        {asking && (
          <ConfirmDialog
            title={fill(t(asking.kind === 'reset' ? 'portfolios.resetTitle' : 'portfolios.deleteTitle'), asking.p.name)}
            body={t(asking.kind === 'reset' ? 'portfolios.resetBody' : 'portfolios.deleteBody')}
            confirmLabel={t(asking.kind === 'reset' ? 'portfolios.reset' : 'portfolios.delete')}
            danger
            onCancel={() => setAsking(null)}
            onConfirm={() => {
              const { kind, p } = asking;
              setAsking(null);
              void act(() => (kind === 'reset' ? reset(p.id) : remove(p.id)));
            }}
          />
        )}
      </div>
    </div>
  );
}
