import { useEffect, useState } from 'react';
import type { LocalDatabaseDurability } from '@protocol/api';
import { api } from '../../api';
import { useT, type MessageKey } from '../../i18n';

/**
 * What each local database survives (a crash, a power cut), as the host reports the level it opened it with:
 * a user practising for real should know what a power cut can take.
 */
export function LocalDurability() {
  const t = useT();
  const [databases, setDatabases] = useState<LocalDatabaseDurability[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.invoke('app.durability', {}).then(
      (r) => live && setDatabases(r.databases),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, []);
  return (
    <div className="field durability-field">
      <span id="durability-label">{t('settings.durability')}</span>
      <div className="field-body" aria-labelledby="durability-label">
        <p className="muted field-hint">{t('settings.durability.hint')}</p>
        {error && (
          <p role="alert" className="error field-hint">
            {error}
          </p>
        )}
        {!databases && !error && <p className="muted">{t('loading')}</p>}
        {databases && (
          <ul className="durability-list">
            {databases.map((d) => (
              <li key={d.file} title={d.path}>
                <code>{d.file}</code> ({t(`settings.durability.file.${d.file}` as MessageKey) ?? d.file}):{' '}
                {t(`settings.durability.${d.synchronous}`).replace('{mode}', d.journalMode.toUpperCase())}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
