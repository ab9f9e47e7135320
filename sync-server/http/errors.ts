import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { HttpError } from '../../engine/protocol/sync';

/** An HTTP failure with a stable code the app can act on. */
export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function send(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({ error: { code, message } } satisfies HttpError);
}

/** Parses untrusted input against a schema, or fails with 400 and every problem named. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new HttpFailure(
      400,
      'BAD_REQUEST',
      r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    );
  return r.data;
}
