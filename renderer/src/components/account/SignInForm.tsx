import { useState, type FormEvent } from 'react';
import { fill, useT, type MessageKey } from '../../i18n';
import { hostError, useLive } from '../../stores/live-store';

const FRIENDLY = new Set(['BAD_CREDENTIALS', 'NICKNAME_TAKEN', 'UNREACHABLE', 'RATE_LIMITED']);

/** The server's refusal in the user's language where it is a known one, else the server's own words. */
function signInError(err: unknown, t: (k: MessageKey) => string): string {
  const e = hostError(err);
  return FRIENDLY.has(e.code) ? t(`account.err.${e.code}` as MessageKey) : e.message;
}

/**
 * Sign in or create an account on the sync server. The password goes to the host with the request and is not
 * kept here after it (the field is cleared whatever the answer).
 */
export function SignInForm({ compact = false }: { compact?: boolean }) {
  const t = useT();
  const busy = useLive((s) => s.busy);
  const [nickname, setNickname] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const run = async (action: 'signIn' | 'signUp') => {
    setError(null);
    try {
      await useLive.getState()[action](nickname.trim(), password);
    } catch (err) {
      setError(fill(t('settings.account.error'), signInError(err, t)));
    } finally {
      setPassword('');
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('signIn');
  };

  return (
    <form
      className={compact ? 'signin-form compact' : 'signin-form'}
      onSubmit={submit}
      aria-label={t('settings.account')}
    >
      <label className="form-field">
        <span className="form-label">{t('settings.account.nickname')}</span>
        <input
          type="text"
          autoComplete="username"
          aria-label={t('settings.account.nickname')}
          value={nickname}
          onChange={(e) => setNickname(e.target.value)}
          maxLength={40}
          required
        />
      </label>
      <label className="form-field">
        <span className="form-label">{t('settings.account.password')}</span>
        <input
          type="password"
          autoComplete="current-password"
          aria-label={t('settings.account.password')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          maxLength={128}
          required
        />
      </label>
      <div className="signin-actions">
        <button type="submit" className="primary" disabled={busy || !nickname.trim() || !password}>
          {t('settings.account.signIn')}
        </button>
        <button type="button" disabled={busy || !nickname.trim() || !password} onClick={() => void run('signUp')}>
          {t('settings.account.signUp')}
        </button>
      </div>
      {!compact && <p className="form-hint muted">{t('settings.account.hint')}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
