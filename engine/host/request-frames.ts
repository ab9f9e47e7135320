/**
 * Request frames as every transport in front of the app host answers them (the web bridge's WebSocket, the
 * desktop host process's message port). A frame that is not a valid request gets an error response saying
 * what is wrong — under its own id when it has a usable one, else -1 — and never reaches a handler or
 * crashes the host; a valid one is answered with the handler's result or its error.
 */
import type { z } from 'zod';
import { errorBody } from '../protocol/errors';
import { RequestFrame, type ResponseFrame } from '../protocol/wire';
import type { AppHost } from './app-host';

/** The error response to a frame that failed its schema. */
export function malformedFrame(raw: unknown, error: z.ZodError): ResponseFrame {
  const given = (raw as { id?: unknown } | null)?.id;
  const id = typeof given === 'number' && Number.isSafeInteger(given) && given >= 0 ? given : -1;
  const detail = error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ');
  return {
    type: 'response',
    id,
    ok: false,
    error: { code: 'BAD_REQUEST', message: `malformed request frame: ${detail}` },
  };
}

/** Answers a valid request frame; the host validates its params. */
export async function answerRequest(host: Pick<AppHost, 'invoke'>, frame: RequestFrame): Promise<ResponseFrame> {
  try {
    return { type: 'response', id: frame.id, ok: true, result: await host.invoke(frame.method, frame.params) };
  } catch (err) {
    return { type: 'response', id: frame.id, ok: false, error: errorBody(err) };
  }
}

/** Answers whatever arrived as a request frame. */
export async function answerFrame(host: Pick<AppHost, 'invoke'>, raw: unknown): Promise<ResponseFrame> {
  const frame = RequestFrame.safeParse(raw);
  return frame.success ? answerRequest(host, frame.data) : malformedFrame(raw, frame.error);
}
