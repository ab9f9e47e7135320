/**
 * Frames as they travel over a transport. IPC and the web bridge use the same envelopes, so a renderer cannot
 * tell which one it talks to. Frames are validated on arrival; a malformed one never reaches the host.
 */
import { z } from 'zod';

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

export { parseServerFrame, type PushFrame, type Reply, type ResponseFrame, type ServerFrame } from './server-frame';
