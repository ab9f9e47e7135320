import { useT } from '../i18n';
import { useEngine } from '../stores/engine-store';

export function StatusBar() {
  const t = useT();
  const { info, health, error } = useEngine();
  let state: 'starting' | 'ready' | 'error' = health?.status ?? 'starting';
  if (error) state = 'error';
  const text = error ? `${t('status.error')}: ${error}` : t(`status.${state}`);
  return (
    <footer className="status-bar" role="status" aria-label="Engine status">
      <span className={`dot ${state}`} aria-hidden="true" />
      <span className="status-text">{text}</span>
      {info && (
        <>
          <span className="status-item">
            {t('status.engine')} v{info.engineVersion}
          </span>
          <span className="status-item" title={info.dbPath}>
            {t('status.database')}: {info.dbPath}
          </span>
        </>
      )}
    </footer>
  );
}
