/**
 * The desktop app's host process and the main process that starts it speak over one message port (Electron's
 * utilityProcess parentPort; a Node IPC channel in tests). What crosses it: the same request, response and
 * push frames as the web bridge (./wire), plus the few messages only the main process sends — start the
 * host, a session file the user picked in the native dialog, shut down — and the host's answer to start.
 *
 * Rules: the host validates everything it receives (ToHost) and answers a message it cannot use with an
 * error response, never a crash; the main process shape-checks what it receives (parseFromHost) and ignores
 * the rest. The renderer never names a path: `session.picked` comes only from the main process's dialog.
 */
import { z } from 'zod';
import type { Health } from './api';
import type { ApiErrorBody } from './errors';
import { parseServerFrame, RequestFrame, type PushFrame, type ResponseFrame } from './wire';

const id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Opens the app host. Sent once, first; the host answers `ready` or `failed`. */
export const HostStart = z
  .object({
    type: z.literal('start'),
    dataDir: z.string().min(1).max(4096),
    appVersion: z.string().max(100),
    /** better_sqlite3.node built for Electron's ABI, when it is not the package's own (see openDatabase). */
    nativeBinding: z.string().min(1).max(4096).optional(),
    /** The offline LPJ market's simulated traders (AppHostOptions.practice). */
    practice: z
      .object({
        ticksPerSecond: z.number().min(0).max(1000).optional(),
        seed: z.number().int().optional(),
        publishEveryMs: z.number().int().min(1).max(10_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type HostStart = z.output<typeof HostStart>;

/** A session file the user chose in the main process's open dialog; answered like a request with `id`. */
export const SessionPicked = z
  .object({ type: z.literal('session.picked'), id, path: z.string().min(1).max(4096) })
  .strict();
export type SessionPicked = z.output<typeof SessionPicked>;

/** Closes the host's databases and ends the process. */
export const HostShutdown = z.object({ type: z.literal('shutdown') }).strict();

export const ToHost = z.discriminatedUnion('type', [HostStart, RequestFrame, SessionPicked, HostShutdown]);
export type ToHost = z.output<typeof ToHost>;

/** The host opened its databases and answers requests from now on. */
export type HostReady = { type: 'ready'; health: Health };
/** The host could not open (its data folder is unusable, say); it answers nothing until it is restarted. */
export type HostFailed = { type: 'failed'; error: ApiErrorBody };
export type FromHost = HostReady | HostFailed | ResponseFrame | PushFrame;

/** Shape check of a message from the host process; null if it is none of FromHost. */
export function parseFromHost(value: unknown): FromHost | null {
  const frame = parseServerFrame(value);
  if (frame) return frame;
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.type === 'ready' && typeof v.health === 'object' && v.health !== null) return v as unknown as HostReady;
  if (v.type === 'failed' && typeof v.error === 'object' && v.error !== null) return v as unknown as HostFailed;
  return null;
}
