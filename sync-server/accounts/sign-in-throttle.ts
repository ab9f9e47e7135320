/**
 * Backoff on failed sign-ins per nickname, beside the per-IP rate limit (which a spread of addresses escapes).
 * Rules: failures are counted per case-folded nickname whether or not an account has it, and a locked nickname
 * is refused before any password is checked, so the answers for a known and an unknown nickname are the same
 * and a refusal tells nothing about existence; the count lives in server.db, so a restart does not reset it;
 * one attempt per nickname at a time, so parallel guesses do not slip past a lock that the first would set.
 */
import type { Db } from '../../engine/node/db/database';
import { AuthError } from './auth-error';

export const SIGN_IN_BACKOFF = {
  /** Consecutive failures that cost nothing (typos). */
  freeFailures: 5,
  /** Each failure past those locks the nickname twice as long as the last: 1 s, 2 s, 4 s … */
  baseDelayMs: 1_000,
  /** … up to this. */
  maxDelayMs: 15 * 60_000,
  /** A nickname with no failure for this long starts again from zero. */
  forgetAfterMs: 24 * 3_600_000,
};
/** The count stops growing here: the delay has long reached its cap, and the number stays small. */
const MAX_COUNTED = 1_000;
/** Rows of nicknames whose failures were forgotten are removed at most this often. */
const PRUNE_EVERY_MS = 60_000;

interface Row {
  failures: number;
  locked_until: number;
  last_failure_at: number;
}

export class SignInThrottle {
  private readonly inFlight = new Set<string>();
  private readonly select;
  private readonly upsert;
  private readonly clear;
  private readonly prune;
  private prunedAt = 0;

  constructor(
    db: Db,
    private readonly now: () => number,
  ) {
    this.select = db.prepare(
      'SELECT failures, locked_until, last_failure_at FROM sign_in_failures WHERE nickname_key = ?',
    );
    this.upsert = db.prepare(
      'INSERT INTO sign_in_failures (nickname_key, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?) ON CONFLICT (nickname_key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at',
    );
    this.clear = db.prepare('DELETE FROM sign_in_failures WHERE nickname_key = ?');
    this.prune = db.prepare('DELETE FROM sign_in_failures WHERE last_failure_at < ?');
  }

  /**
   * Starts an attempt on `key`, or refuses it (RATE_LIMITED, with how long to wait) while the key is locked or
   * another attempt on it is under way. The caller reports the outcome and then calls the returned release.
   */
  begin(key: string): () => void {
    const row = this.select.get(key) as Row | undefined;
    const wait = row ? row.locked_until - this.now() : 0;
    if (wait > 0)
      throw new AuthError(
        'RATE_LIMITED',
        `too many failed sign-ins for this nickname: try again in ${Math.ceil(wait / 1000)} s`,
        wait,
      );
    if (this.inFlight.has(key))
      throw new AuthError(
        'RATE_LIMITED',
        'a sign-in for this nickname is already under way: try again in a moment',
        1_000,
      );
    this.inFlight.add(key);
    return () => this.inFlight.delete(key);
  }

  failed(key: string): void {
    const now = this.now();
    const row = this.select.get(key) as Row | undefined;
    const prior = row && now - row.last_failure_at < SIGN_IN_BACKOFF.forgetAfterMs ? row.failures : 0;
    const failures = Math.min(prior + 1, MAX_COUNTED);
    const over = failures - SIGN_IN_BACKOFF.freeFailures;
    const lockedUntil =
      over > 0
        ? now + Math.min(SIGN_IN_BACKOFF.maxDelayMs, SIGN_IN_BACKOFF.baseDelayMs * 2 ** Math.min(over - 1, 30))
        : 0;
    this.upsert.run(key, failures, lockedUntil, now);
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      this.prune.run(now - SIGN_IN_BACKOFF.forgetAfterMs);
    }
  }

  succeeded(key: string): void {
    this.clear.run(key);
  }
}
