/**
 * Deleting the account on the sync server, from Settings › Account. Rules: nothing happens without the
 * password (the server asks for it again, so a borrowed session cannot delete an account), and the password is
 * cleared after every attempt, whatever the answer.
 */
import { useState, type FormEvent } from 'react';
import { fill, useT, type MessageKey } from '../../i18n';
import { hostError, useLive } from '../../stores/live-store';

/** The refusals worth a message of their own; anything else is shown in the server's words. */
const FRIENDLY: Partial<Record<string, MessageKey>> = {
  BAD_CREDENTIALS: 'settings.account.delete.wrongPassword',
  RATE_LIMITED: 'account.err.RATE_LIMITED',
  UNREACHABLE: 'account.err.UNREACHABLE',
};

/** Closed until asked for; then what deletion does, and the password to confirm it. */
export function DeleteAccount() {
  const t = useT();
  const busy = useLive((s) => s.busy);
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const close = () => {
    setOpen(false);
    setPassword('');
    setError(null);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await useLive.getState().deleteAccount(password);
    } catch (err) {
      const h = hostError(err);
      const key = FRIENDLY[h.code];
      setError(fill(t('settings.account.delete.error'), key ? t(key) : h.message));
    } finally {
      setPassword('');
    }
  };

  if (!open) {
    return (
      <button type="button" className="danger" disabled={busy} onClick={() => setOpen(true)}>
        {t('settings.account.delete')}
      </button>
    );
  }
  return (
    <form className="delete-account" onSubmit={(e) => void submit(e)} aria-label={t('settings.account.delete')}>
      <p>{t('settings.account.delete.explain')}</p>
      <label className="form-field">
        <span className="form-label">{t('settings.account.delete.password')}</span>
        <input
          type="password"
          autoComplete="current-password"
          aria-label={t('settings.account.delete.password')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          maxLength={128}
          required
          autoFocus
        />
      </label>
      <div className="signin-actions">
        <button type="submit" className="danger" disabled={busy || !password}>
          {t('settings.account.delete.confirm')}
        </button>
        <button type="button" disabled={busy} onClick={close}>
          {t('settings.account.delete.cancel')}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
