import { useState, type FormEvent } from 'react';
import { Nickname, Password } from '@protocol/sync';
import { fill, useT, type MessageKey } from '../../i18n';
import { hostError, useLive } from '../../stores/live-store';

const FRIENDLY = new Set(['BAD_CREDENTIALS', 'NICKNAME_TAKEN', 'UNREACHABLE', 'RATE_LIMITED']);

type Action = 'signIn' | 'signUp';

/** Each action says what failed in its own words: a failed sign-up is not a failed sign-in. */
const FAILED: Record<Action, MessageKey> = {
  signIn: 'settings.account.error',
  signUp: 'settings.account.signUpError',
};

/** The server's refusal in the user's language where it is a known one, else the server's own words. */
function serverError(err: unknown, t: (k: MessageKey) => string): string {
  const e = hostError(err);
  return FRIENDLY.has(e.code) ? t(`account.err.${e.code}` as MessageKey) : e.message;
}

/**
 * What is wrong with the fields before anything is sent, or null. A new account is checked against the
 * server's own rules (the protocol's schemas), so the answer comes at once and in the user's language.
 */
function fieldError(action: Action, nickname: string, password: string): MessageKey | null {
  if (nickname === '' || password === '') return 'account.err.missing';
  if (action === 'signUp' && !Nickname.safeParse(nickname).success) return 'account.err.nickname';
  if (action === 'signUp' && !Password.safeParse(password).success) return 'account.err.password';
  return null;
}

/**
 * Sign in or create an account on the sync server. The password goes to the host with the request; it stays
 * in the field after a failure (to correct the nickname, or to try the other action) and is cleared once the
 * account is open. The buttons are disabled only while a request is under way: empty fields are explained.
 */
export function SignInForm({ compact = false }: { compact?: boolean }) {
  const t = useT();
  const busy = useLive((s) => s.busy);
  const [nickname, setNickname] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  const run = async (action: Action) => {
    const name = nickname.trim();
    const problem = fieldError(action, name, password);
    if (problem) {
      setError(fill(t(FAILED[action]), t(problem)));
      return;
    }
    setError(null);
    try {
      await useLive.getState()[action](name, password);
      setPassword('');
    } catch (err) {
      setError(fill(t(FAILED[action]), serverError(err, t)));
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
      noValidate
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
        <button type="submit" className="primary" disabled={busy} aria-busy={busy}>
          {t('settings.account.signIn')}
        </button>
        <button type="button" disabled={busy} onClick={() => void run('signUp')}>
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
