/**
 * Password hashes: the stored form carries its parameters, old parameters still verify and ask to be rehashed,
 * nothing stored can make verification throw, and a burst of hashing is refused past the queue bound instead
 * of queued without end.
 */
import { describe, expect, it } from 'vitest';
import { CURRENT_PARAMS, PasswordBusyError, hashPassword, verifyPassword } from './passwords';

/** Cheap parameters, where a test is about the queue rather than the cost. */
const CHEAP = { N: 1_024, r: 8, p: 1 };

describe('password hashes', () => {
  it('store OWASP’s scrypt parameters with the hash, and verify the right password only', async () => {
    expect(CURRENT_PARAMS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('correct horse battery', stored)).toEqual({ ok: true, rehash: false });
    expect(await verifyPassword('correct horse batterY', stored)).toEqual({ ok: false, rehash: false });
    // The same password under another Unicode form is the same password.
    const composed = await hashPassword('비밀번호-\u00e9', CHEAP);
    expect((await verifyPassword('비밀번호-e\u0301', composed)).ok).toBe(true);
  });

  it('verify hashes made with older parameters and say they want rehashing', async () => {
    const old = await hashPassword('an old password', { N: 16_384, r: 8, p: 1 });
    expect(await verifyPassword('an old password', old)).toEqual({ ok: true, rehash: true });
    expect(await verifyPassword('a wrong password', old)).toEqual({ ok: false, rehash: false });
  });

  it('answer "no" for anything stored that is not a hash of theirs, without throwing', async () => {
    const good = await hashPassword('pw', CHEAP);
    const [, , , , salt, key] = good.split('$');
    for (const stored of [
      'deleted',
      '',
      'scrypt',
      `scrypt$0$8$1$${salt}$${key}`,
      `scrypt$1000$8$1$${salt}$${key}`,
      `scrypt$${2 ** 40}$8$1$${salt}$${key}`,
      `scrypt$1024$0$1$${salt}$${key}`,
      `scrypt$1024$8$99999$${salt}$${key}`,
      `scrypt$1024$8$1$${salt}$`,
      `scrypt$1024$8$1$${salt}$${key}$extra`,
      `bcrypt$1024$8$1$${salt}$${key}`,
    ]) {
      expect(await verifyPassword('pw', stored), stored).toEqual({ ok: false, rehash: false });
    }
  });

  it('refuse hashing past the queue bound rather than queue without end', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => hashPassword(`password ${i}`, CHEAP)),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PasswordBusyError);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(32);
    // Once the queue has emptied, hashing works again.
    expect((await verifyPassword('again', await hashPassword('again', CHEAP))).ok).toBe(true);
  });
});
