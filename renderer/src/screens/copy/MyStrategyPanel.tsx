import { useEffect, useId, useState } from 'react';
import type { MyStrategy } from '@protocol/api';
import { MAX_PROFIT_SHARE_BPS } from '@protocol/sync';
import { useT } from '../../i18n';
import { formatUnits } from '../../lib/units';
import { useCopy } from '../../stores/copy-store';
import { hostError } from '../../stores/live-store';
import { parsePercent } from '../../lib/figures';
import { errorText } from '../../i18n/host-errors';
import { SectionBody } from './SectionBody';

/** Open my trading for copying (description, profit share 0–30 %), change it, or close it to new followers. */
function StrategyForm({ strategy }: { strategy: MyStrategy | null }) {
  const t = useT();
  const ids = { description: useId(), share: useId() };
  const [description, setDescription] = useState(strategy?.description ?? '');
  const [share, setShare] = useState(strategy ? formatUnits(strategy.profitShareBps, 2) : '10');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    setDescription(strategy?.description ?? '');
    setShare(strategy ? formatUnits(strategy.profitShareBps, 2) : '10');
  }, [strategy?.description, strategy?.profitShareBps]); // eslint-disable-line react-hooks/exhaustive-deps

  const shareBps = parsePercent(share);
  const shareOk = shareBps !== null && shareBps <= MAX_PROFIT_SHARE_BPS;
  const isOpen = !!strategy?.open;
  const save = async (open: boolean) => {
    setBusy(true);
    setMessage(null);
    try {
      await useCopy.getState().setStrategy(open, description.trim(), shareBps ?? 0);
      setMessage({ ok: true, text: t(open ? (isOpen ? 'strategy.saved' : 'strategy.opened') : 'strategy.closedDone') });
    } catch (err) {
      setMessage({ ok: false, text: errorText(hostError(err), t) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="strategy-form"
      aria-label={t('strategy.title')}
      onSubmit={(e) => {
        e.preventDefault();
        if (shareOk) void save(true);
      }}
    >
      <p className="muted form-hint">{isOpen ? t('strategy.openHint') : t('strategy.closedHint')}</p>
      <label htmlFor={ids.description} className="form-label">
        {t('strategy.description')}
      </label>
      <textarea
        id={ids.description}
        maxLength={500}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        placeholder={t('strategy.descriptionPlaceholder')}
      />
      <div className="row">
        <label htmlFor={ids.share} className="form-label">
          {t('strategy.profitShare')}
        </label>
        <span className="input-wrap">
          <input
            id={ids.share}
            inputMode="decimal"
            value={share}
            onChange={(e) => setShare(e.target.value)}
            aria-invalid={!shareOk}
            aria-describedby={`${ids.share}-hint`}
            size={6}
          />
          <span className="unit">%</span>
        </span>
        <span id={`${ids.share}-hint`} className={shareOk ? 'muted form-hint' : 'error form-hint'}>
          {t('strategy.profitShareHint')}
        </span>
      </div>
      <div className="row">
        <button type="submit" className="button primary" disabled={busy || !shareOk}>
          {t(isOpen ? 'strategy.save' : 'strategy.openButton')}
        </button>
        {isOpen && (
          <button type="button" className="button" disabled={busy} onClick={() => void save(false)}>
            {t('strategy.close')}
          </button>
        )}
        {message && (
          <span className={message.ok ? 'ok' : 'error'} role={message.ok ? 'status' : 'alert'}>
            {message.text}
          </span>
        )}
      </div>
    </form>
  );
}

export function MyStrategyPanel() {
  const t = useT();
  const section = useCopy((s) => s.strategy);
  return (
    <section className="panel" aria-labelledby="strategy-title">
      <div className="panel-head">
        <h2 id="strategy-title">{t('strategy.title')}</h2>
        {section.data && (
          <span className={`status-chip ${section.data.open ? 'active' : 'ended'}`}>
            {t(section.data.open ? 'strategy.open' : 'strategy.closed')}
          </span>
        )}
      </div>
      <SectionBody
        section={section}
        isEmpty={() => false}
        emptyKey="strategy.title"
        onRetry={() => void useCopy.getState().loadAll()}
      >
        {(strategy) => <StrategyForm strategy={strategy} />}
      </SectionBody>
    </section>
  );
}
