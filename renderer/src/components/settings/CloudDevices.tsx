import { useEffect, useState } from 'react';
import { fill, isMessageKey, useT } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { useCloud } from '../../stores/cloud-store';
import { useLive } from '../../stores/live-store';

/**
 * Settings › Devices and sync: the devices of my account (name, last seen, signed in or not; another device's
 * sign-in can be ended), syncing now, downloading everything synced as a file, and the practice history of
 * every device, each entry under the device it happened on.
 */
export function CloudDevices() {
  const t = useT();
  const account = useLive((s) => s.status?.account?.id);
  const status = useCloud((s) => s.status);
  const devices = useCloud((s) => s.devices);
  const devicesError = useCloud((s) => s.devicesError);
  const practice = useCloud((s) => s.practice);
  const [saved, setSaved] = useState<{ message: string; error?: boolean } | null>(null);
  // Read again when the account changes and whenever a sync completes (a device may have joined).
  const lastSyncAt = status?.lastSyncAt;
  useEffect(() => {
    if (account === undefined) return;
    void useCloud.getState().loadDevices();
    void useCloud.getState().loadPractice();
  }, [account, lastSyncAt]);

  const download = async () => {
    const r = await useCloud.getState().download();
    if ('code' in r) {
      setSaved({ message: `${t('cloud.download.failed')}: ${r.message}`, error: true });
      return;
    }
    const url = URL.createObjectURL(new Blob([r.json], { type: 'application/json;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = r.filename;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    setSaved({ message: `${fill(t('cloud.download.done'), r.changes)} (${r.filename})` });
  };

  const errorText = (code: string, message: string) => {
    const key = `cloud.err.${code}`;
    return isMessageKey(key) ? t(key) : message;
  };

  return (
    <section className="settings-group cloud-devices" aria-labelledby="settings-cloud">
      <h2 id="settings-cloud">{t('cloud.title')}</h2>
      <p className="muted">{t('cloud.hint')}</p>
      <div className="field">
        <span>{t('cloud.devices')}</span>
        {account === undefined ? (
          <p className="muted">{t('cloud.devices.signedOut')}</p>
        ) : devicesError ? (
          <p role="alert" className="error">
            {errorText(devicesError.code, devicesError.message)}
          </p>
        ) : devices && devices.length === 0 ? (
          <p className="muted">{t('cloud.devices.empty')}</p>
        ) : (
          <ul className="device-list" aria-label={t('cloud.devices')}>
            {(devices ?? []).map((d) => (
              <li key={d.id} data-device={d.name}>
                <strong>{d.name}</strong>
                {d.current && <span className="muted"> ({t('cloud.device.current')})</span>}{' '}
                <span className="muted">{fill(t('cloud.device.lastSeen'), formatDateTime(d.lastSeen))}</span>
                {!d.signedIn && <span className="muted"> · {t('cloud.device.signedOutState')}</span>}
                {!d.current && d.signedIn && (
                  <button
                    type="button"
                    className="outline-button"
                    aria-label={fill(t('cloud.device.signOutOne'), d.name)}
                    onClick={() => void useCloud.getState().signOutDevice(d.id)}
                  >
                    {t('cloud.device.signOut')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="field">
        <span>{t('cloud.download')}</span>
        <div>
          <button type="button" className="outline-button" onClick={() => void download()}>
            {t('cloud.download')}
          </button>{' '}
          <button type="button" className="outline-button" onClick={() => void useCloud.getState().syncNow()}>
            {t('cloud.syncNow')}
          </button>
          {saved && (
            <p role={saved.error ? 'alert' : 'status'} className={saved.error ? 'error' : 'muted'}>
              {saved.message}
            </p>
          )}
        </div>
      </div>
      {account !== undefined && (
        <div className="field">
          <span>{t('cloud.practice')}</span>
          {practice && practice.length === 0 ? (
            <p className="muted">{t('cloud.practice.empty')}</p>
          ) : (
            <table className="cloud-practice" aria-label={t('cloud.practice')}>
              <thead>
                <tr>
                  <th>{t('cloud.practice.device')}</th>
                  <th>{t('cloud.practice.time')}</th>
                  <th>{t('cloud.practice.kind')}</th>
                  <th>{t('cloud.practice.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {(practice ?? []).map((r, i) => {
                  const kind = `cloud.practice.kind.${r.kind}`;
                  return (
                    <tr key={`${r.device}-${r.ts}-${i}`}>
                      <td>{r.deviceName}</td>
                      <td>{formatDateTime(r.ts)}</td>
                      <td>{isMessageKey(kind) ? t(kind) : r.kind}</td>
                      <td>
                        {r.market} {typeof r.data.side === 'string' ? r.data.side : ''}{' '}
                        {typeof r.data.price === 'number' ? r.data.price.toLocaleString() : ''}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
