/**
 * Why an account operation was refused, and the HTTP status each reason is answered with. A refusal that ends
 * by waiting (a locked nickname, a busy server) says how long, for the Retry-After header.
 */
export type AuthCode =
  'NICKNAME_TAKEN' | 'BAD_CREDENTIALS' | 'TOKEN_EXPIRED' | 'TOKEN_INVALID' | 'TOKEN_REUSED' | 'RATE_LIMITED' | 'BUSY';

const STATUS: Record<AuthCode, number> = {
  NICKNAME_TAKEN: 409,
  BAD_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_INVALID: 401,
  TOKEN_REUSED: 401,
  RATE_LIMITED: 429,
  BUSY: 503,
};

export class AuthError extends Error {
  constructor(
    readonly code: AuthCode,
    message: string,
    /** How long to wait before trying again (ms), when waiting is the remedy. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AuthError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}
