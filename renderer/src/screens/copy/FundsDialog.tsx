import { useId, useState } from 'react';
import type { CopySubscription } from '@protocol/api';
import { fill, useT } from '../../i18n';
import { useCopy } from '../../stores/copy-store';
import { hostError } from '../../stores/live-store';
import { formatWon, parseWon } from '../../lib/figures';
import { errorText } from '../../i18n/host-errors';
import { useGroupedInput } from '../../components/market/use-grouped-input';
import { rovingKeys } from '../../components/roving-keys';
import { FormDialog } from './FormDialog';

const DIRECTIONS = ['addFunds', 'reduceFunds'] as const;

/**
 * Put more of my won into a copy, or take some out. Adding is bounded by my available balance, taking out by
 * the copy's cash not tied up in an order (the server also keeps the minimum allocation).
 */
export function FundsDialog({ sub, onClose }: { sub: CopySubscription; onClose(): void }) {
  const t = useT();
  const id = useId();
  const available = useCopy((s) => s.wallet.available);
  const quote = useCopy((s) => s.wallet.market?.quote ?? 'KRW');
  const [direction, setDirection] = useState<'addFunds' | 'reduceFunds'>('addFunds');
  const [text, setText] = useState('');
  // Thousands grouped as typed, like the order form's amounts; `text` keeps the plain digits.
  const amountField = useGroupedInput(text, setText);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const limit = direction === 'addFunds' ? available : sub.freeCash;
  const amount = parseWon(text);
  const problem = !text.trim()
    ? 'required'
    : amount === null || amount <= 0
      ? 'number'
      : limit !== null && amount > limit
        ? 'limit'
        : null;

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await useCopy.getState().change(sub.id, { action: direction, amount: amount! });
      onClose();
    } catch (err) {
      setError(errorText(hostError(err), t));
      setBusy(false);
    }
  };

  return (
    <FormDialog
      title={fill(t('funds.title'), sub.leader)}
      submitLabel={t(direction === 'addFunds' ? 'funds.add' : 'funds.reduce')}
      busy={busy}
      canSubmit={!problem}
      error={error}
      onSubmit={() => void submit()}
      onCancel={onClose}
    >
      <div
        className="type-tabs"
        role="radiogroup"
        aria-label={t('funds.direction')}
        onKeyDown={(e) => rovingKeys(e, 'radio', DIRECTIONS, direction, setDirection)}
      >
        {DIRECTIONS.map((d) => (
          <button
            key={d}
            type="button"
            role="radio"
            aria-checked={direction === d}
            tabIndex={direction === d ? 0 : -1}
            className={direction === d ? 'chip active' : 'chip'}
            onClick={() => setDirection(d)}
          >
            {t(d === 'addFunds' ? 'funds.add' : 'funds.reduce')}
          </button>
        ))}
      </div>
      <label className="form-field" htmlFor={id}>
        <span className="form-label">{t('funds.amount')}</span>
        <span className="input-wrap">
          <input
            id={id}
            inputMode="numeric"
            autoComplete="off"
            ref={amountField.ref}
            value={amountField.value}
            onChange={amountField.onChange}
            aria-invalid={!!text && !!problem}
            aria-describedby={`${id}-note`}
          />
          <span className="unit">{quote}</span>
        </span>
      </label>
      <p className="field-note muted" id={`${id}-note`}>
        {limit === null
          ? t('subscribe.availableUnknown')
          : fill(t(direction === 'addFunds' ? 'subscribe.available' : 'funds.free'), `${formatWon(limit)} ${quote}`)}
      </p>
      {text && problem && (
        <p className="field-error">
          {t(
            problem === 'limit'
              ? direction === 'addFunds'
                ? 'subscribe.err.funds'
                : 'funds.err.free'
              : `subscribe.err.${problem}`,
          )}
        </p>
      )}
      <p className="summary muted">{fill(t('funds.current'), `${formatWon(sub.allocation)} ${quote}`)}</p>
    </FormDialog>
  );
}
