import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n';
import { replayTitle } from '../../i18n/replay-title';
import { twoDigits } from '../../lib/time';
import { replayPosition, useFeedSource } from '../../stores/feed-source-store';

const SPEEDS = [1, 2, 5, 10, 25, 50, 100, 1000, 'max'] as const;

/** Ms since the session's start as "m:ss" (or "h:mm:ss"). */
function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${twoDigits(m)}:${twoDigits(s % 60)}` : `${m}:${twoDigits(s % 60)}`;
}

/** The session's own clock, in UTC as sessions are recorded. */
function sessionClock(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Re-renders a few times a second while `on`, so a playing replay's clock moves. */
function useTicking(on: boolean): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, [on]);
}

/**
 * Controls of the offline replay: what session this is (its title says when it is generated, not real market
 * data), play / pause, stop (the run ends and its result is kept for Results), speed and a seek bar with the
 * session time.
 */
export function ReplayBar() {
  const t = useT();
  const replay = useFeedSource((s) => s.replay);
  const control = useFeedSource((s) => s.control);
  const error = useFeedSource((s) => s.error);
  const [dragging, setDragging] = useState<number | null>(null);
  const seekTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useTicking(replay?.info.state === 'playing');
  useEffect(() => () => clearTimeout(seekTimer.current), []);

  if (!replay) {
    return (
      <section className="replay-bar" aria-label={t('replay.label')} aria-busy="true">
        <span className="muted">{t('replay.loading')}</span>
      </section>
    );
  }
  const { info } = replay;
  const position = dragging ?? replayPosition(replay);
  const playing = info.state === 'playing';
  // The slider moves as it is dragged; the seek is sent once it rests, not for every pixel.
  const seek = (at: number) => {
    setDragging(at);
    clearTimeout(seekTimer.current);
    seekTimer.current = setTimeout(() => {
      void control({ action: 'seek', at }).finally(() => setDragging(null));
    }, 200);
  };
  return (
    <section className="replay-bar" aria-label={t('replay.label')}>
      <span className={info.kind === 'generated' ? 'replay-label generated' : 'replay-label'} title={info.note}>
        {replayTitle(info, t)}
      </span>
      <button
        type="button"
        className="button small replay-play"
        aria-label={playing ? t('replay.pause') : t('replay.play')}
        onClick={() => void control({ action: playing ? 'pause' : 'play' })}
      >
        <span aria-hidden="true">{playing ? '❚❚' : '▶'}</span> {playing ? t('replay.pause') : t('replay.play')}
      </button>
      <button
        type="button"
        className="button small replay-stop"
        title={t('replay.stopHint')}
        onClick={() => void control({ action: 'stop' })}
      >
        <span aria-hidden="true">■</span> {t('replay.stop')}
      </button>
      <label className="replay-speed">
        <span className="visually-hidden">{t('replay.speed')}</span>
        <select
          aria-label={t('replay.speed')}
          value={info.speed}
          onChange={(e) =>
            void control({ action: 'speed', speed: e.target.value === 'max' ? 'max' : Number(e.target.value) })
          }
        >
          {(SPEEDS as readonly (number | 'max')[]).includes(info.speed) ? null : (
            <option value={info.speed}>{info.speed}×</option>
          )}
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s === 'max' ? t('replay.speed.max') : `${s}×`}
            </option>
          ))}
        </select>
      </label>
      <input
        type="range"
        className="replay-seek"
        aria-label={t('replay.seek')}
        aria-valuetext={`${elapsed(position)} / ${elapsed(info.endAt)}`}
        min={0}
        max={info.endAt}
        step={1000}
        value={position}
        onChange={(e) => seek(Number(e.target.value))}
      />
      <span className="num replay-time" data-position={position}>
        {elapsed(position)} / {elapsed(info.endAt)}
      </span>
      <span className="muted replay-clock">{sessionClock(info.startTime + position)}</span>
      <span className="muted replay-state">
        {t(info.state === 'ended' ? 'replay.ended' : playing ? 'replay.playing' : 'replay.paused')}
      </span>
      {info.history && (
        <span className="muted replay-fill" data-fill-model={info.history.fillModel}>
          {t(`replay.fill.${info.history.fillModel}`)}
          {info.history.tradesNote ? ` ${t(`replay.fill.note.${info.history.tradesNote}`)}` : ''}
        </span>
      )}
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </section>
  );
}
