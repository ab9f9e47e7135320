/**
 * Accounts and their sessions: sign-up, sign-in, token refresh, sign-out, and resolving a bearer token to an
 * account. Tokens are random 256-bit strings; only their SHA-256 is stored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../engine/db/database';
import type { AccountKind, Session } from '../../engine/protocol/sync';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords';

export class AuthError extends Error {
  constructor(
    readonly code: 'NICKNAME_TAKEN' | 'BAD_CREDENTIALS' | 'TOKEN_EXPIRED' | 'TOKEN_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export interface AccountRow {
  id: number;
  nickname: string;
  created_at: number;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest();
const newToken = () => randomBytes(32).toString('base64url');
const nicknameKey = (nickname: string) => nickname.normalize('NFKC').toLowerCase();

export class Accounts {
  // Prepared once: asked on every request and sign-in (authenticate) and for every trade's nickname (get).
  private readonly selectByAccessHash;
  private readonly selectAccount;

  constructor(
    private readonly db: Db,
    private readonly ttl: { accessTtlMs: number; refreshTtlMs: number },
    private readonly now: () => number,
  ) {
    this.selectByAccessHash = db.prepare(
      'SELECT a.id, a.nickname, a.created_at, s.id AS session_id, s.access_expires_at, s.revoked_at FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.access_hash = ?',
    );
    this.selectAccount = db.prepare('SELECT id, nickname, created_at FROM accounts WHERE id = ?');
  }

  /** Creates the account and its first session. The caller then opens its ledger account (see Exchange). */
  async signUp(nickname: string, password: string): Promise<Session> {
    const hash = await hashPassword(password);
    // IMMEDIATE: the read models are written by another connection (WriteBehind); a transaction that reads
    // first and then writes could not upgrade past a commit of theirs, while one that takes the write lock
    // up front simply waits its turn.
    const created = this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM accounts WHERE nickname_key = ?').get(nicknameKey(nickname));
      if (exists) throw new AuthError('NICKNAME_TAKEN', `the nickname "${nickname}" is taken`);
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO accounts (nickname, nickname_key, password_hash, created_at) VALUES (?, ?, ?, ?)')
        .run(nickname, nicknameKey(nickname), hash, this.now());
      return Number(lastInsertRowid);
    }).immediate();
    return this.issue(created, nickname);
  }

  async signIn(nickname: string, password: string): Promise<Session> {
    const row = this.db.prepare('SELECT id, nickname, password_hash FROM accounts WHERE nickname_key = ?').get(nicknameKey(nickname)) as
      | { id: number; nickname: string; password_hash: string }
      | undefined;
    // Verify against a dummy hash for an unknown nickname so timing does not reveal which nicknames exist.
    const ok = await verifyPassword(password, row?.password_hash ?? (await DUMMY_HASH_PROMISE));
    if (!row || !ok) throw new AuthError('BAD_CREDENTIALS', 'wrong nickname or password');
    return this.issue(row.id, row.nickname);
  }

  /** Trades a valid refresh token for a new session; the old one stops working. */
  refresh(refreshToken: string): Session {
    const row = this.db
      .prepare('SELECT s.id, s.account_id, s.refresh_expires_at, s.revoked_at, a.nickname FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.refresh_hash = ?')
      .get(sha256(refreshToken)) as { id: number; account_id: number; refresh_expires_at: number; revoked_at: number | null; nickname: string } | undefined;
    if (!row || row.revoked_at !== null) throw new AuthError('TOKEN_INVALID', 'unknown or revoked refresh token');
    if (row.refresh_expires_at <= this.now()) throw new AuthError('TOKEN_EXPIRED', 'the refresh token has expired; sign in again');
    this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ?').run(this.now(), row.id);
    return this.issue(row.account_id, row.nickname);
  }

  /** Revokes the session the access token belongs to; returns that session's id. */
  signOut(accessToken: string): number {
    const account = this.authenticate(accessToken);
    this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ?').run(this.now(), account.sessionId);
    return account.sessionId;
  }

  /** The account a bearer token belongs to; throws AuthError when it is unknown, revoked or expired. */
  authenticate(accessToken: string): AccountRow & { expiresAt: number; sessionId: number } {
    const row = this.selectByAccessHash.get(sha256(accessToken)) as (AccountRow & { session_id: number; access_expires_at: number; revoked_at: number | null }) | undefined;
    if (!row || row.revoked_at !== null) throw new AuthError('TOKEN_INVALID', 'unknown or revoked token');
    if (row.access_expires_at <= this.now()) throw new AuthError('TOKEN_EXPIRED', 'the access token has expired; refresh it');
    return { id: row.id, nickname: row.nickname, created_at: row.created_at, expiresAt: row.access_expires_at, sessionId: row.session_id };
  }

  /** Every user's account id, for the start-up check that each has its ledger account (the liquidity
   *  provider opens and funds its own). */
  ids(): number[] {
    return (this.db.prepare("SELECT id FROM accounts WHERE kind = 'user' ORDER BY id").all() as { id: number }[]).map((r) => r.id);
  }

  get(id: number): AccountRow | undefined {
    return this.selectAccount.get(id) as AccountRow | undefined;
  }

  /** 'user', or 'liquidity' for an account of the server's liquidity provider; undefined for an unknown id. */
  kindOf(id: number): AccountKind | undefined {
    return this.db.prepare('SELECT kind FROM accounts WHERE id = ?').pluck().get(id) as AccountKind | undefined;
  }

  /**
   * The liquidity provider's account for one of its agents (`role`, such as 'market_maker:1'), created under
   * `nickname` the first time; the same account ever after. Callers give a nickname with a '-', which no
   * sign-up can take; no password opens the account.
   */
  liquidityAccount(role: string, nickname: string): number {
    return this.db.transaction(() => {
      const found = this.db.prepare('SELECT id FROM accounts WHERE liquidity_role = ?').pluck().get(role) as number | undefined;
      if (found !== undefined) return found;
      const { lastInsertRowid } = this.db
        .prepare("INSERT INTO accounts (nickname, nickname_key, password_hash, created_at, kind, liquidity_role) VALUES (?, ?, 'liquidity', ?, 'liquidity', ?)")
        .run(nickname, nicknameKey(nickname), this.now(), role);
      return Number(lastInsertRowid);
    }).immediate();
  }

  /** Every account the liquidity provider has opened, whichever agents it runs now. */
  liquidityAccounts(): { id: number; role: string; nickname: string }[] {
    return this.db.prepare("SELECT id, liquidity_role AS role, nickname FROM accounts WHERE kind = 'liquidity' ORDER BY id").all() as { id: number; role: string; nickname: string }[];
  }

  private issue(accountId: number, nickname: string): Session {
    const now = this.now();
    const accessToken = newToken();
    const refreshToken = newToken();
    const session: Session = {
      accountId,
      nickname,
      accessToken,
      accessExpiresAt: now + this.ttl.accessTtlMs,
      refreshToken,
      refreshExpiresAt: now + this.ttl.refreshTtlMs,
    };
    this.db
      .prepare('INSERT INTO sessions (account_id, access_hash, access_expires_at, refresh_hash, refresh_expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(accountId, sha256(accessToken), session.accessExpiresAt, sha256(refreshToken), session.refreshExpiresAt);
    return session;
  }
}
