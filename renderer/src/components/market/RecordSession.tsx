import './record.css';
import { useEffect } from 'react';
import { fill, useT } from '../../i18n';
import { formatUnits } from '../../lib/units';
import { useRecording } from '../../stores/recording-store';
import { useView } from '../../stores/view-context';

/** Seconds as "m:ss". */
function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Record this market's live session to a file (an exchange's market only, not a replay): a chip that starts
 * recording, then shows its progress — time, events, size — and stops it. The file appears among the replay's
 * sessions in Settings.
 */
export function RecordSession() {
  const t = useT();
  const kind = useView((s) => s.kind);
  const source = useView((s) => s.feed?.source);
  const market = useView((s) => s.market);
  const { state, busy, error, start, stop } = useRecording();
  useEffect(() => {
    if (useRecording.getState().state === null) void useRecording.getState().load();
  }, []);
  if (kind !== 'paper' || !market || !source || source === 'replay') return null;
  const recording = state?.state === 'recording';
  const here = recording && state.market === market.id;
  return (
    <div className="record-session" role="group" aria-label={t('recording.label')}>
      {!recording && (
        <button type="button" className="chip" disabled={busy} onClick={() => void start(market.id)}>
          <span aria-hidden="true">●</span> {t('recording.start')}
        </button>
      )}
      {recording && (
        <button type="button" className="chip recording" disabled={busy} onClick={() => void stop()}>
          <span aria-hidden="true">■</span> {here ? t('recording.stop') : fill(t('recording.stopOther'), state.market!)}
        </button>
      )}
      {here && (
        <span className="muted num recording-progress" role="status" data-events={state.events}>
          {clock(state.elapsedMs)} / {clock(state.maxMs)} · {fill(t('recording.events'), state.events)} ·{' '}
          {formatUnits(Math.floor(state.bytes / 1024), 0)} KB
        </span>
      )}
      {!recording && state?.last && (
        <span className="muted recording-progress" role="status">
          {fill(t('recording.saved'), state.last.name)}
        </span>
      )}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </div>
  );
}
