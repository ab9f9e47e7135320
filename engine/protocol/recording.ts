/**
 * Recording a live session to a file: the user starts and stops recording one real market of an exchange
 * source; the file is written in the session format under the data folder, bounded in length and size, its
 * progress pushed as it grows; recorded files are listed by handle (never a path) to replay or to export.
 */
import { z } from 'zod';
import { SESSION_HANDLE } from './session-files';

const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A picked session's handle (as api.ts's PickedSession; defined here too, since api.ts imports this file). */
const handle = z.string().regex(SESSION_HANDLE);

export const RecordedSession = z.object({
  session: handle,
  name: z.string().max(255),
  /** Size of the file, bytes. */
  bytes: amount,
  /** ms UTC the recording started. */
  recordedAt: amount,
});

export const RecordingState = z.object({
  state: z.enum(['idle', 'recording']),
  market: z.string().optional(),
  exchange: z.enum(['upbit', 'binance']).optional(),
  startedAt: amount.optional(),
  /** Feed events written so far. */
  events: amount,
  /** Bytes on disk so far (compressed output reaches the disk about once a second). */
  bytes: amount,
  elapsedMs: amount,
  /** Where a recording stops by itself. */
  maxMs: amount,
  maxBytes: amount,
  /** The last recording that finished, and why it stopped ('user', 'time limit', 'size limit', 'source changed'). */
  last: RecordedSession.extend({ stopped: z.string().max(40) }).optional(),
  /** Why the last recording failed, when it did. */
  error: z.string().optional(),
});

export const recordingMethods = {
  'recording.start': { params: z.object({ market: z.string().max(40) }).strict(), result: RecordingState },
  'recording.stop': { params: z.object({}).strict(), result: RecordingState },
  'recording.state': { params: z.object({}).strict(), result: RecordingState },
  /** Recorded session files kept under the data folder, newest first, each with a handle to replay or export. */
  'recording.list': { params: z.object({}).strict(), result: z.object({ sessions: z.array(RecordedSession) }) },
  /** A recorded file's bytes (base64) for the user to save. */
  'recording.export': {
    params: z.object({ session: handle }).strict(),
    result: z.object({ filename: z.string().max(255), base64: z.string() }),
  },
} as const;

export const recordingEvents = {
  /** A recording started, grew (about once a second) or stopped. */
  'recording.state': RecordingState,
} as const;

export type RecordingState = z.output<typeof RecordingState>;
export type RecordedSession = z.output<typeof RecordedSession>;
