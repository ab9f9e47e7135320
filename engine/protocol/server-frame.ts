/**
 * Frames arriving at the UI side (from the web bridge or the preload), and their shape check. Kept apart from
 * wire.ts, which builds zod schemas for the host's side when it is imported: the renderer needs only this, and
 * evaluating zod and those schemas was most of its start-up script. Type-only imports keep it that way.
 */
import type { EventFrame } from './api';
import type { ApiErrorBody } from './errors';

export type Reply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };
export type ResponseFrame = { type: 'response'; id: number } & Reply;
export type PushFrame = { type: 'event' } & EventFrame;
export type ServerFrame = ResponseFrame | PushFrame;

/** Shape check for frames arriving at the UI side. */
export function parseServerFrame(value: unknown): ServerFrame | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.type === 'response' && typeof v.id === 'number' && typeof v.ok === 'boolean') {
    if (v.ok === false && (typeof v.error !== 'object' || v.error === null)) return null;
    return v as unknown as ResponseFrame;
  }
  if (v.type === 'event' && typeof v.name === 'string' && 'payload' in v) return v as unknown as PushFrame;
  return null;
}
