import { useId, useState } from 'react';
import type { CopySubscription } from '@protocol/api';
import { fill, useT } from '../../i18n';
import { formatUnits } from '../../lib/units';
import { useCopy } from '../../stores/copy-store';
import { hostError } from '../../stores/live-store';
import { parsePercent } from '../../lib/figures';
import { errorText } from '../../i18n/host-errors';
import { FormDialog } from './FormDialog';

/** Set, change or remove (left empty) the loss at which a running copy stops by itself. */
export function StopLossDialog({ sub, onClose }: { sub: CopySubscription; onClose(): void }) {
  const t = useT();
  const id = useId();
  const [text, setText] = useState(sub.stopLossBps === null ? '' : formatUnits(sub.stopLossBps, 2));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const bps = text.trim() ? parsePercent(text) : null;
  const invalid = !!text.trim() && (bps === null || bps < 1 || bps > 9_999);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await useCopy.getState().change(sub.id, { action: 'stopLoss', stopLossBps: bps });
      onClose();
    } catch (err) {
      setError(errorText(hostError(err), t));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={fill(t('stopLoss.title'), sub.leader)}
      submitLabel={t('stopLoss.save')}
      busy={busy}
      canSubmit={!invalid}
      error={error}
      onSubmit={() => void submit()}
      onCancel={onClose}
    >
      <label className="form-field" htmlFor={id}>
        <span className="form-label">{t('subscribe.stopLoss')}</span>
        <span className="input-wrap">
          <input
            id={id}
            inputMode="decimal"
            autoComplete="off"
            placeholder={t('subscribe.stopLossNone')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-invalid={invalid}
            aria-describedby={`${id}-note`}
          />
          <span className="unit">%</span>
        </span>
      </label>
      <p className="field-note muted" id={`${id}-note`}>
        {t('stopLoss.hint')}
      </p>
      {invalid && <p className="field-error">{t('subscribe.err.stopLoss')}</p>}
    </FormDialog>
  );
}
