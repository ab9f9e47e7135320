import './live.css';
import { useEffect, useState, type FormEvent } from 'react';
import { ServerUrl } from '@protocol/api';
import { fill, useT } from '../../i18n';
import { hostError, useLive } from '../../stores/live-store';
import { DeleteAccount } from './DeleteAccount';
import { LiveStatusBadge } from './LiveStatusBadge';
import { SignInForm } from './SignInForm';

/** Settings › Server: the sync server's address, checked before it is sent, and the connection now. */
export function ServerSettings() {
  const t = useT();
  const status = useLive((s) => s.status);
  const busy = useLive((s) => s.busy);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!status) void useLive.getState().load();
  }, [status]);
  useEffect(() => {
    if (status) setUrl(status.serverUrl);
  }, [status?.serverUrl]); // eslint-disable-line react-hooks/exhaustive-deps

  const valid = ServerUrl.safeParse(url).success;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!valid) {
      setError(t('settings.server.invalid'));
      return;
    }
    setError(null);
    try {
      await useLive.getState().setServer(url.trim());
    } catch (err) {
      setError(hostError(err).message);
    }
  };

  return (
    <section className="settings-group" aria-labelledby="settings-server">
      <h2 id="settings-server">{t('settings.server')}</h2>
      <form className="field" onSubmit={(e) => void submit(e)} noValidate>
        <span>{t('settings.server.url')}</span>
        <span className="server-form">
          <input
            type="url"
            inputMode="url"
            spellCheck={false}
            autoComplete="off"
            aria-label={t('settings.server.url')}
            aria-invalid={!valid || undefined}
            value={url}
            onChange={(e) => {
              setUrl(e.target.value);
              setError(null);
            }}
          />
          <button type="submit" disabled={busy}>
            {t('settings.server.save')}
          </button>
        </span>
      </form>
      {!valid && url !== '' && !error && <p className="form-hint error">{t('settings.server.invalid')}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p className="form-hint muted">{t('settings.server.hint')}</p>
      <div className="field">
        <span>{t('settings.server.status')}</span>
        <span>
          <LiveStatusBadge />
          {status?.reason && status.connection !== 'online' && (
            <span className="muted"> {fill(t('live.gate.why'), status.reason)}</span>
          )}
        </span>
      </div>
    </section>
  );
}

/** Settings › Account: who is signed in on the sync server, and signing in, up or out, or deleting the account. */
export function AccountSettings() {
  const t = useT();
  const account = useLive((s) => s.status?.account);
  const busy = useLive((s) => s.busy);
  return (
    <section className="settings-group" aria-labelledby="settings-account">
      <h2 id="settings-account">{t('settings.account')}</h2>
      {account ? (
        <>
          <div className="account-row">
            <span data-testid="signed-in-as">{fill(t('settings.account.signedInAs'), account.nickname)}</span>
            <button type="button" disabled={busy} onClick={() => void useLive.getState().signOut()}>
              {t('settings.account.signOut')}
            </button>
          </div>
          <DeleteAccount />
        </>
      ) : (
        <SignInForm />
      )}
    </section>
  );
}
