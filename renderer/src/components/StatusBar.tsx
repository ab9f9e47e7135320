import { useT } from '../i18n';
import { useEngine } from '../stores/engine-store';
import { useLive } from '../stores/live-store';
import { useLiveConnectionState } from '../stores/market-state';
import { CloudSyncStatus } from './CloudSyncStatus';

/** The live market server's connection as it really is: coloured by its market state, said in its own words. */
function LiveConnection() {
  const t = useT();
  const state = useLiveConnectionState();
  const connection = useLive((s) => s.status?.connection ?? 'connecting');
  return (
    <span className="status-item live-connection" data-status={state.name} title={state.reason}>
      <span className={`dot ${state.name}`} aria-hidden="true" />
      {t('status.live')}: {t(`live.status.${connection}`)}
    </span>
  );
}

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
      <LiveConnection />
      <CloudSyncStatus />
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
