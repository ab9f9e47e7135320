import { useEffect, useId, useState } from 'react';
import type { TraderProfile } from '@protocol/api';
import { fill, useT } from '../../i18n';
import { useCopy } from '../../stores/copy-store';
import { hostError } from '../../stores/live-store';
import { FormDialog } from '../copy/FormDialog';
import { useGroupedInput } from '../../components/market/use-grouped-input';
import { formatBps, formatWon, parsePercent, parseWon } from '../../lib/figures';
import { errorText } from '../../i18n/host-errors';

/** What is wrong with the typed allocation, or null when it can be sent. */
function allocationProblem(text: string, available: number | null): 'required' | 'number' | 'funds' | null {
  if (!text.trim()) return 'required';
  const won = parseWon(text);
  if (won === null || won <= 0) return 'number';
  if (available !== null && won > available) return 'funds';
  return null;
}

/** Copy stop-loss as typed: empty (none) is fine; otherwise 0.01–99.99 %. */
function stopLossProblem(text: string): boolean {
  if (!text.trim()) return false;
  const bps = parsePercent(text);
  return bps === null || bps < 1 || bps > 9_999;
}

/**
 * Start copying a trader: how much of my available won goes to the copy, and optionally the loss at which
 * copying stops by itself. Checked here against my balance before the server checks it again.
 */
export function SubscribeDialog({
  leader,
  strategy,
  onDone,
  onCancel,
}: {
  leader: string;
  strategy: NonNullable<TraderProfile['strategy']>;
  onDone(): void;
  onCancel(): void;
}) {
  const t = useT();
  const ids = { allocation: useId(), stop: useId() };
  const available = useCopy((s) => s.wallet.available);
  const quote = useCopy((s) => s.wallet.market?.quote ?? 'KRW');
  const [allocation, setAllocation] = useState('');
  // Thousands grouped as typed, like the order form's amounts.
  const allocationField = useGroupedInput(allocation, setAllocation);
  const [stopLoss, setStopLoss] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void useCopy.getState().loadWallet();
  }, []);

  const allocationIssue = allocationProblem(allocation, available);
  const stopIssue = stopLossProblem(stopLoss);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const stopLossBps = stopLoss.trim() ? parsePercent(stopLoss)! : undefined;
      await useCopy.getState().subscribe(leader, parseWon(allocation)!, stopLossBps);
      onDone();
    } catch (err) {
      setError(errorText(hostError(err), t));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={fill(t('subscribe.title'), leader)}
      submitLabel={t('subscribe.ok')}
      busy={busy}
      canSubmit={!allocationIssue && !stopIssue}
      error={error}
      onSubmit={() => void submit()}
      onCancel={onCancel}
    >
      <p className="muted">{fill(t('subscribe.body'), formatBps(strategy.profitShareBps))}</p>
      <label className="form-field" htmlFor={ids.allocation}>
        <span className="form-label">{t('subscribe.allocation')}</span>
        <span className="input-wrap">
          <input
            id={ids.allocation}
            inputMode="numeric"
            autoComplete="off"
            ref={allocationField.ref}
            value={allocationField.value}
            onChange={allocationField.onChange}
            onBlur={() => setTouched(true)}
            aria-invalid={touched && !!allocationIssue}
            aria-describedby={`${ids.allocation}-note`}
          />
          <span className="unit">{quote}</span>
        </span>
      </label>
      <p className="field-note muted" id={`${ids.allocation}-note`}>
        {available === null
          ? t('subscribe.availableUnknown')
          : fill(t('subscribe.available'), `${formatWon(available)} ${quote}`)}
      </p>
      {touched && allocationIssue && <p className="field-error">{t(`subscribe.err.${allocationIssue}`)}</p>}
      <label className="form-field" htmlFor={ids.stop}>
        <span className="form-label">{t('subscribe.stopLoss')}</span>
        <span className="input-wrap">
          <input
            id={ids.stop}
            inputMode="decimal"
            autoComplete="off"
            placeholder={t('subscribe.stopLossNone')}
            value={stopLoss}
            onChange={(e) => setStopLoss(e.target.value)}
            aria-invalid={stopIssue}
            aria-describedby={`${ids.stop}-note`}
          />
          <span className="unit">%</span>
        </span>
      </label>
      <p className="field-note muted" id={`${ids.stop}-note`}>
        {t('subscribe.stopLossHint')}
      </p>
      {stopIssue && <p className="field-error">{t('subscribe.err.stopLoss')}</p>}
    </FormDialog>
  );
}
