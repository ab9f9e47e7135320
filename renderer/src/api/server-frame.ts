/**
 * The shape check for frames from the host, as engine/protocol/wire.ts's parseServerFrame makes it. The renderer
 * keeps its own copy because wire.ts builds zod schemas for the host's side when it is imported: through it,
 * zod and those schemas were most of the start-up script the renderer evaluates before it can draw anything,
 * and the renderer uses none of them.
 */
import type { PushFrame, ResponseFrame, ServerFrame } from '../../../engine/protocol/wire';

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
