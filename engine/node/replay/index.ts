/** Public surface of recorded sessions and replay (what the app host imports). */
export { SessionRecorder, type RecorderOptions } from './session-recorder';
export {
  readSessionFile,
  parseSession,
  MAX_SESSION_FILE_BYTES,
  MAX_SESSION_DATA_BYTES,
  type Session,
  type SessionLimits,
} from './session-reader';
export { SessionFileError, type SessionHeader, type SessionRecord } from './session-format';
export {
  ReplayPlayer,
  sessionTimeline,
  MIN_SPEED,
  MAX_SPEED,
  type PlayerOptions,
  type PlayerState,
  type ReplayTimeline,
} from '../../core/replay/replay-player';
export { systemClock, ManualClock, type ReplayClock } from '../../core/replay/replay-clock';
export { candleTimeline, storedCandleTimeline, type CandleTimelineOptions } from '../../core/replay/candle-timeline';
export { SAMPLE_SESSION_PATH } from './sample-session';
