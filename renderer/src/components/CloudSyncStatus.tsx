import { useEffect } from 'react';
import { fill, isMessageKey, useT } from '../i18n';
import { useCloud } from '../stores/cloud-store';

/** Cloud sync's status in the status bar: synced, syncing n changes, offline, or the error and its reason. */
export function CloudSyncStatus() {
  const t = useT();
  const status = useCloud((s) => s.status);
  useEffect(() => {
    void useCloud.getState().loadStatus();
  }, []);
  if (!status) return null;
  const known = `cloud.err.${status.code ?? ''}`;
  const reason = status.state === 'error' ? (isMessageKey(known) ? t(known) : status.reason) : status.reason;
  const dot = { synced: 'ready', syncing: 'connecting', offline: 'offline', error: 'error', signed_out: 'offline' }[
    status.state
  ];
  return (
    <span className="status-item cloud-status" data-state={status.state} title={reason}>
      <span className={`dot ${dot}`} aria-hidden="true" />
      {t('cloud.status')}: {fill(t(`cloud.state.${status.state}`), status.pending)}
      {status.state === 'error' && reason ? ` — ${reason}` : ''}
    </span>
  );
}
