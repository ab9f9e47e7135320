/**
 * Password hashing with scrypt (node:crypto) and a constant-time comparison. The stored form carries its
 * parameters (`scrypt$N$r$p$salt$key`), so a hash made with older parameters still verifies and says it wants
 * rehashing; the caller rehashes on the next successful sign-in. Hashing is memory-hard by design (128 MiB
 * each), so at most a few run at once and a queue longer than a few seconds of work is refused, not grown.
 */
import { availableParallelism } from 'node:os';
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP Password Storage Cheat Sheet (scrypt, when Argon2id is unavailable): N = 2^17 (128 MiB), r = 8 (1024-byte
 * blocks), p = 1. About 370 ms per hash on the 2-core test machine, ten times the old 2^14.
 */
export const CURRENT_PARAMS: ScryptParams = { N: 131_072, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
/** scrypt needs 128·N·r bytes (plus a little); Node refuses anything above maxmem, 32 MiB by default. */
const maxmemFor = (q: ScryptParams) => 128 * q.N * q.r * (q.p + 1) + 16 * 1024 * 1024;

/**
 * Hashes in flight at once: one per core, at most four (libuv's thread pool, which file I/O shares, has four).
 * A hash waiting in line beyond `MAX_WAITING` is refused with PasswordBusyError: at 370 ms a hash that is
 * several seconds of queued work, and the caller is told to come back rather than kept waiting.
 */
const limit = pLimit(Math.max(1, Math.min(4, availableParallelism())));
const MAX_WAITING = 32;

export class PasswordBusyError extends Error {
  constructor() {
    super('too many sign-ins at once: try again in a moment');
    this.name = 'PasswordBusyError';
  }
}

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

function derive(password: string, salt: Buffer, keylen: number, q: ScryptParams): Promise<Buffer> {
  if (limit.pendingCount >= MAX_WAITING) return Promise.reject(new PasswordBusyError());
  return limit(() =>
    scrypt(password.normalize('NFKC'), salt, keylen, { N: q.N, r: q.r, p: q.p, maxmem: maxmemFor(q) }),
  );
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_LENGTH, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface Stored extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

/** The stored form, or undefined when it is not one this module wrote (e.g. a deleted account's marker). */
function parseStored(stored: string): Stored | undefined {
  const [scheme, n, r, p, salt, key, extra] = stored.split('$');
  if (scheme !== 'scrypt' || extra !== undefined || !salt || !key) return undefined;
  const q = { N: Number(n), r: Number(r), p: Number(p) };
  const sane =
    Number.isSafeInteger(q.N) &&
    q.N > 1 &&
    (q.N & (q.N - 1)) === 0 &&
    q.N <= 1 << 20 &&
    Number.isSafeInteger(q.r) &&
    q.r >= 1 &&
    q.r <= 32 &&
    Number.isSafeInteger(q.p) &&
    q.p >= 1 &&
    q.p <= 16;
  if (!sane) return undefined;
  return { ...q, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

export interface Verified {
  ok: boolean;
  /** The password matched a hash made with other parameters than CURRENT_PARAMS: store a new hash. */
  rehash: boolean;
}

export async function verifyPassword(password: string, stored: string): Promise<Verified> {
  const s = parseStored(stored);
  if (!s || s.key.length === 0) {
    // Not a password (a deleted account): as slow a "no" as a wrong password, so timing tells nothing.
    await verifyPassword(password, await dummyHash());
    return { ok: false, rehash: false };
  }
  const key = await derive(password, s.salt, s.key.length, s);
  const ok = key.length === s.key.length && timingSafeEqual(key, s.key);
  const current =
    s.N === CURRENT_PARAMS.N && s.r === CURRENT_PARAMS.r && s.p === CURRENT_PARAMS.p && s.key.length === KEY_LENGTH;
  return { ok, rehash: ok && !current };
}

/** A hash of a random password, verified against when the nickname is unknown so both paths take as long. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex')).catch((err: unknown) => {
    dummy = undefined; // refused while busy: made on a later call instead
    throw err;
  });
  return dummy;
}
