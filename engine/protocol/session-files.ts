/**
 * Session files the user picks for the replay, as they cross a boundary. Zod-free: the renderer's transport
 * imports it at start-up (see server-frame.ts for why that matters).
 */
import type { PickedSession } from './api';

/** Largest session file the app reads or accepts as an upload, as stored (compressed or not): 64 MiB. */
export const MAX_SESSION_FILE_BYTES = 64 * 1024 * 1024;

/** A picked session's handle: random, opaque, never a path. */
export const SESSION_HANDLE = /^[A-Za-z0-9_-]{16,64}$/;

/** Shape check of a PickedSession arriving at the UI side; null if it is not one. */
export function parsePickedSession(value: unknown): PickedSession | null {
  if (typeof value !== 'object' || value === null) return null;
  const { session, name } = value as Record<string, unknown>;
  if (typeof session !== 'string' || !SESSION_HANDLE.test(session) || typeof name !== 'string' || name.length > 255)
    return null;
  return { session, name };
}
