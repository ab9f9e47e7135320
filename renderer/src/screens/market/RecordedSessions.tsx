import { useEffect, useState } from 'react';
import { saveBytes } from '../../components/save-file';
import { fill, useT } from '../../i18n';
import { formatDateTime } from '../../lib/time';
import { formatUnits } from '../../lib/units';
import { useRecording } from '../../stores/recording-store';

/**
 * Settings: the live sessions recorded on this computer, newest first, each to replay (the feed source becomes
 * that replay) or to save as a file, which can be opened again here or on another computer.
 */
export function RecordedSessions() {
  const t = useT();
  const { sessions, busy, error, load, play, download } = useRecording();
  const [saveError, setSaveError] = useState<string | null>(null);
  useEffect(() => {
    void load();
  }, [load]);
  const save = async (session: string) => {
    setSaveError(null);
    try {
      const file = await download(session);
      saveBytes(file.filename, file.bytes);
    } catch (err) {
      setSaveError((err as Error).message);
    }
  };
  return (
    <div className="field recorded-sessions">
      <span>{t('recording.title')}</span>
      <div className="field-body">
        {sessions === null && <p className="muted field-hint">{t('loading')}</p>}
        {sessions?.length === 0 && <p className="muted field-hint">{t('recording.none')}</p>}
        {sessions && sessions.length > 0 && (
          <table className="grid" aria-label={t('recording.title')}>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.session} data-session={s.name}>
                  <td>{s.name}</td>
                  <td className="muted">{formatDateTime(s.recordedAt)}</td>
                  <td className="num muted">{formatUnits(Math.ceil(s.bytes / 1024), 0)} KB</td>
                  <td>
                    <button
                      type="button"
                      className="outline-button small"
                      disabled={busy}
                      onClick={() => void play(s.session)}
                    >
                      {t('recording.play')}
                    </button>{' '}
                    <button type="button" className="outline-button small" onClick={() => void save(s.session)}>
                      {t('recording.save')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {(error || saveError) && (
          <p role="alert" className="error field-hint">
            {fill(t('recording.error'), (saveError ?? error)!)}
          </p>
        )}
      </div>
    </div>
  );
}
