/**
 * Frames as they travel over a transport. IPC and the web bridge use the same envelopes, so a renderer cannot
 * tell which one it talks to. Frames are validated on arrival; a malformed one never reaches the host.
 */
import { z } from 'zod';
import type { ApiErrorBody } from './errors';
import type { EventFrame } from './api';

/** 1 MiB: far above any legitimate request, low enough that a runaway client cannot exhaust memory. */
export const MAX_FRAME_BYTES = 1 << 20;

export const RequestFrame = z
  .object({
    type: z.literal('request'),
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    method: z.string().min(1).max(100),
    params: z.unknown(),
  })
  .strict();
export type RequestFrame = z.output<typeof RequestFrame>;

export type Reply = { ok: true; result: unknown } | { ok: false; error: ApiErrorBody };
export type ResponseFrame = { type: 'response'; id: number } & Reply;
export type PushFrame = { type: 'event' } & EventFrame;
export type ServerFrame = ResponseFrame | PushFrame;

/** Shape check for frames arriving at the UI side (from the bridge or preload). */
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
