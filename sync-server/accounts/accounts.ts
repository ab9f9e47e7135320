/**
 * Accounts and their sessions: sign-up, sign-in, token refresh, sign-out, deletion, and resolving a bearer
 * token (or a notification-stream ticket) to an account. Tokens are random 256-bit strings; only their SHA-256
 * is stored.
 *
 * Sessions: a sign-in starts a family, and each refresh replaces the session with the next of the family. A
 * refresh token presented again after it was replaced has leaked (its owner has already moved on), so the
 * whole family is revoked. Whatever ends a session — sign-out, refresh, a reused token, deletion — is told to
 * the `onSessionsEnded` listeners, which close that session's sockets and streams. An account holds at most
 * `limits.sessions` live sessions: a sign-in past that signs out the oldest (SESSION_REVOKED), and session rows
 * whose refresh token has expired are deleted then, so an account's rows stay bounded too.
 *
 * Deleting an account (with its password): the row stays, so its id — which is also its ledger account's id —
 * is never given to anyone else and the ledger keeps adding up; its nickname becomes `deleted-<id>` (a name no
 * sign-up can take, since nicknames have no '-') and the old one is free again; no password verifies any more;
 * every session is revoked. Cancelling its orders and ending its copy trading is the caller's part.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../engine/node/db/database';
import type { ServerLimits } from '../config';
import type { AccountKind, Session } from '../../engine/protocol/sync';
import { AuthError } from './auth-error';
import { PasswordBusyError, dummyHash, hashPassword, verifyPassword } from './passwords';
import { SignInThrottle } from './sign-in-throttle';

export { AuthError } from './auth-error';

export interface AccountRow {
  id: number;
  nickname: string;
  created_at: number;
}

export type Authenticated = AccountRow & { expiresAt: number; sessionId: number };

/** Sessions that just stopped working: `all` of an account's, or the listed ones. */
export interface SessionsEnded {
  accountId: number;
  sessionIds: readonly number[] | 'all';
  /** Why, as a code for clients ('SIGNED_OUT', 'SESSION_REFRESHED', 'SESSION_REVOKED', 'ACCOUNT_DELETED'). */
  code: string;
  message: string;
}

/** A notification-stream ticket lives this long, and is good for one stream. */
export const STREAM_TICKET_TTL_MS = 30_000;
/** Unused tickets one session may hold (the app needs one at a time). */
const TICKETS_PER_SESSION = 4;

interface Ticket {
  accountId: number;
  sessionId: number;
  expiresAt: number;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest();
const newToken = () => randomBytes(32).toString('base64url');
export const nicknameKey = (nickname: string) => nickname.normalize('NFKC').toLowerCase();

/** Runs a password hash, turning "too many at once" into the refusal clients are told. */
async function hashing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof PasswordBusyError) throw new AuthError('BUSY', err.message, 1_000);
    throw err;
  }
}

export class Accounts {
  // Prepared once: asked on every request and sign-in (authenticate) and for every trade's nickname (get).
  private readonly selectByAccessHash;
  private readonly selectBySessionId;
  private readonly selectAccount;
  private readonly throttle: SignInThrottle;
  private readonly listeners = new Set<(e: SessionsEnded) => void>();
  /** Unused stream tickets by the SHA-256 of the ticket. Insertion order is expiry order (one lifetime for all). */
  private readonly tickets = new Map<string, Ticket>();
  private readonly ticketsPerSession = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly ttl: { accessTtlMs: number; refreshTtlMs: number; limits: Pick<ServerLimits, 'sessions'> },
    private readonly now: () => number,
  ) {
    const session =
      'SELECT a.id, a.nickname, a.created_at, s.id AS session_id, s.access_expires_at, s.revoked_at FROM sessions s JOIN accounts a ON a.id = s.account_id';
    this.selectByAccessHash = db.prepare(`${session} WHERE s.access_hash = ?`);
    this.selectBySessionId = db.prepare(`${session} WHERE s.id = ?`);
    this.selectAccount = db.prepare('SELECT id, nickname, created_at FROM accounts WHERE id = ?');
    this.throttle = new SignInThrottle(db, now);
  }

  /** Calls `listener` whenever sessions stop working; returns the way to stop. */
  onSessionsEnded(listener: (e: SessionsEnded) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates the account and its first session. The caller then opens its ledger account (see Exchange). */
  async signUp(nickname: string, password: string): Promise<Session> {
    const hash = await hashing(() => hashPassword(password));
    // IMMEDIATE: the read models are written by another connection (WriteBehind); a transaction that reads
    // first and then writes could not upgrade past a commit of theirs, while one that takes the write lock
    // up front simply waits its turn.
    const created = this.db
      .transaction(() => {
        const exists = this.db.prepare('SELECT 1 FROM accounts WHERE nickname_key = ?').get(nicknameKey(nickname));
        if (exists) throw new AuthError('NICKNAME_TAKEN', `the nickname "${nickname}" is taken`);
        const { lastInsertRowid } = this.db
          .prepare('INSERT INTO accounts (nickname, nickname_key, password_hash, created_at) VALUES (?, ?, ?, ?)')
          .run(nickname, nicknameKey(nickname), hash, this.now());
        return Number(lastInsertRowid);
      })
      .immediate();
    return this.issue(created, nickname);
  }

  async signIn(nickname: string, password: string): Promise<Session> {
    const key = nicknameKey(nickname);
    const row = await this.checkPassword(key, password);
    return this.issue(row.id, row.nickname);
  }

  /**
   * Trades a valid refresh token for the next session of its family; the old one stops working. A token that
   * was already traded in revokes the whole family (TOKEN_REUSED).
   */
  refresh(refreshToken: string): Session {
    const row = this.db
      .prepare(
        'SELECT s.id, s.account_id, s.family_id, s.refresh_expires_at, s.revoked_at, s.rotated_at, a.nickname FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.refresh_hash = ?',
      )
      .get(sha256(refreshToken)) as
      | {
          id: number;
          account_id: number;
          family_id: number;
          refresh_expires_at: number;
          revoked_at: number | null;
          rotated_at: number | null;
          nickname: string;
        }
      | undefined;
    if (!row) throw new AuthError('TOKEN_INVALID', 'unknown or revoked refresh token');
    if (row.rotated_at !== null) {
      const ids = this.db
        .transaction(() => {
          const live = (
            this.db
              .prepare('SELECT id FROM sessions WHERE family_id = ? AND revoked_at IS NULL')
              .all(row.family_id) as { id: number }[]
          ).map((r) => r.id);
          this.db
            .prepare('UPDATE sessions SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL')
            .run(this.now(), row.family_id);
          return live;
        })
        .immediate();
      const message =
        'a refresh token was used twice, so it may have leaked: every session of that sign-in is revoked; sign in again';
      if (ids.length > 0) this.ended({ accountId: row.account_id, sessionIds: ids, code: 'SESSION_REVOKED', message });
      throw new AuthError('TOKEN_REUSED', message);
    }
    if (row.revoked_at !== null) throw new AuthError('TOKEN_INVALID', 'unknown or revoked refresh token');
    if (row.refresh_expires_at <= this.now())
      throw new AuthError('TOKEN_EXPIRED', 'the refresh token has expired; sign in again');
    const now = this.now();
    const next = this.db
      .transaction(() => {
        this.db.prepare('UPDATE sessions SET revoked_at = ?, rotated_at = ? WHERE id = ?').run(now, now, row.id);
        return this.issue(row.account_id, row.nickname, row.family_id);
      })
      .immediate();
    this.ended({
      accountId: row.account_id,
      sessionIds: [row.id],
      code: 'SESSION_REFRESHED',
      message: 'the session was refreshed: sign in with the new token',
    });
    return next;
  }

  /** Revokes the session the access token belongs to; returns that session's id. */
  signOut(accessToken: string): number {
    const account = this.authenticate(accessToken);
    this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ?').run(this.now(), account.sessionId);
    this.ended({
      accountId: account.id,
      sessionIds: [account.sessionId],
      code: 'SIGNED_OUT',
      message: 'this session was signed out',
    });
    return account.sessionId;
  }

  /**
   * Ends one sign-in of the account (a session family: a device's sign-in and its refreshes), from another
   * device; answers whether a live session of it was ended.
   */
  signOutFamily(accountId: number, familyId: number): boolean {
    const ids = this.db
      .transaction(() => {
        const live = this.db
          .prepare('SELECT id FROM sessions WHERE account_id = ? AND family_id = ? AND revoked_at IS NULL')
          .pluck()
          .all(accountId, familyId) as number[];
        this.db
          .prepare('UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND family_id = ? AND revoked_at IS NULL')
          .run(this.now(), accountId, familyId);
        return live;
      })
      .immediate();
    if (ids.length > 0)
      this.ended({
        accountId,
        sessionIds: ids,
        code: 'SIGNED_OUT',
        message: 'this device was signed out from another device',
      });
    return ids.length > 0;
  }

  /**
   * Deletes the account once its password is given again (a stolen access token alone cannot); wrong passwords
   * count towards the nickname's sign-in backoff. What deletion keeps and changes is in the file comment.
   */
  async deleteAccount(accountId: number, password: string): Promise<void> {
    const account = this.get(accountId);
    if (!account) throw new AuthError('TOKEN_INVALID', 'no such account');
    await this.checkPassword(nicknameKey(account.nickname), password);
    const ts = this.now();
    const anonymous = `deleted-${accountId}`;
    this.db
      .transaction(() => {
        this.db
          .prepare('INSERT OR IGNORE INTO deleted_accounts (account_id, deleted_at) VALUES (?, ?)')
          .run(accountId, ts);
        this.db
          .prepare('UPDATE sessions SET revoked_at = ? WHERE account_id = ? AND revoked_at IS NULL')
          .run(ts, accountId);
        // No password verifies against 'deleted', so the account cannot be signed into again.
        this.db
          .prepare("UPDATE accounts SET nickname = ?, nickname_key = ?, password_hash = 'deleted' WHERE id = ?")
          .run(anonymous, anonymous, accountId);
      })
      .immediate(); // takes the write lock up front: the read models' writer shares the file (see WriteBehind)
    this.ended({ accountId, sessionIds: 'all', code: 'ACCOUNT_DELETED', message: 'this account was deleted' });
  }

  /** The account a bearer token belongs to; throws AuthError when it is unknown, revoked or expired. */
  authenticate(accessToken: string): Authenticated {
    return this.live(this.selectByAccessHash.get(sha256(accessToken)) as SessionRow | undefined);
  }

  /**
   * A single-use ticket for opening one notification stream, bound to the session of `accessToken`: an
   * EventSource cannot send headers, and a ticket in a URL (and so in proxy logs and history) is worth little
   * for 30 s and nothing once used, unlike the access token itself.
   */
  issueStreamTicket(accessToken: string): { ticket: string; expiresAt: number } {
    const a = this.authenticate(accessToken);
    const now = this.now();
    this.sweepTickets(now);
    const held = this.ticketsPerSession.get(a.sessionId) ?? 0;
    if (held >= TICKETS_PER_SESSION) {
      throw new AuthError(
        'RATE_LIMITED',
        `this session holds ${held} unused stream tickets: use one, or wait for them to expire`,
        STREAM_TICKET_TTL_MS,
      );
    }
    const ticket = newToken();
    const expiresAt = now + STREAM_TICKET_TTL_MS;
    this.tickets.set(sha256(ticket).toString('hex'), { accountId: a.id, sessionId: a.sessionId, expiresAt });
    this.ticketsPerSession.set(a.sessionId, held + 1);
    return { ticket, expiresAt };
  }

  /** Spends a stream ticket: the account and session it was issued to, if both still hold. */
  redeemStreamTicket(ticket: string): Authenticated {
    const key = sha256(ticket).toString('hex');
    const t = this.tickets.get(key);
    if (!t) throw new AuthError('TOKEN_INVALID', 'unknown or already used stream ticket');
    this.dropTicket(key, t);
    if (t.expiresAt <= this.now())
      throw new AuthError('TOKEN_EXPIRED', 'the stream ticket has expired: ask for a new one');
    return this.live(this.selectBySessionId.get(t.sessionId) as SessionRow | undefined);
  }

  /** Every user's account id, for the start-up check that each has its ledger account (the liquidity
   *  provider opens and funds its own). */
  ids(): number[] {
    return (this.db.prepare("SELECT id FROM accounts WHERE kind = 'user' ORDER BY id").all() as { id: number }[]).map(
      (r) => r.id,
    );
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
    return this.db
      .transaction(() => {
        const found = this.db.prepare('SELECT id FROM accounts WHERE liquidity_role = ?').pluck().get(role) as
          number | undefined;
        if (found !== undefined) return found;
        const { lastInsertRowid } = this.db
          .prepare(
            "INSERT INTO accounts (nickname, nickname_key, password_hash, created_at, kind, liquidity_role) VALUES (?, ?, 'liquidity', ?, 'liquidity', ?)",
          )
          .run(nickname, nicknameKey(nickname), this.now(), role);
        return Number(lastInsertRowid);
      })
      .immediate();
  }

  /** Every account the liquidity provider has opened, whichever agents it runs now. */
  liquidityAccounts(): { id: number; role: string; nickname: string }[] {
    return this.db
      .prepare("SELECT id, liquidity_role AS role, nickname FROM accounts WHERE kind = 'liquidity' ORDER BY id")
      .all() as { id: number; role: string; nickname: string }[];
  }

  /**
   * The account behind `key` if `password` is its password, under the nickname's backoff. Unknown nicknames
   * are verified against a dummy hash so that timing does not reveal which nicknames exist. A hash made with
   * older parameters is replaced by one with the current parameters.
   */
  private async checkPassword(key: string, password: string): Promise<{ id: number; nickname: string }> {
    const release = this.throttle.begin(key);
    try {
      const row = this.db
        .prepare('SELECT id, nickname, password_hash FROM accounts WHERE nickname_key = ?')
        .get(key) as { id: number; nickname: string; password_hash: string } | undefined;
      const verdict = await hashing(async () => verifyPassword(password, row?.password_hash ?? (await dummyHash())));
      if (!row || !verdict.ok) {
        this.throttle.failed(key);
        throw new AuthError('BAD_CREDENTIALS', 'wrong nickname or password');
      }
      this.throttle.succeeded(key);
      if (verdict.rehash) await this.rehash(row.id, row.password_hash, password);
      return row;
    } finally {
      release();
    }
  }

  private async rehash(accountId: number, old: string, password: string): Promise<void> {
    let hash: string;
    try {
      hash = await hashPassword(password);
    } catch (err) {
      if (err instanceof PasswordBusyError) return; // upgraded at a quieter sign-in
      throw err;
    }
    // Only if nothing changed the hash meanwhile (a deletion, say).
    this.db
      .prepare('UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?')
      .run(hash, accountId, old);
  }

  private live(row: SessionRow | undefined): Authenticated {
    if (!row || row.revoked_at !== null) throw new AuthError('TOKEN_INVALID', 'unknown or revoked token');
    if (row.access_expires_at <= this.now())
      throw new AuthError('TOKEN_EXPIRED', 'the access token has expired; refresh it');
    return {
      id: row.id,
      nickname: row.nickname,
      created_at: row.created_at,
      expiresAt: row.access_expires_at,
      sessionId: row.session_id,
    };
  }

  private issue(accountId: number, nickname: string, familyId?: number): Session {
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
    const cap = this.ttl.limits.sessions;
    const signedOut = this.db.transaction(() => {
      const { lastInsertRowid } = this.db
        .prepare(
          'INSERT INTO sessions (account_id, access_hash, access_expires_at, refresh_hash, refresh_expires_at, family_id) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          accountId,
          sha256(accessToken),
          session.accessExpiresAt,
          sha256(refreshToken),
          session.refreshExpiresAt,
          familyId ?? null,
        );
      // A sign-in starts a family named after its first session.
      if (familyId === undefined)
        this.db.prepare('UPDATE sessions SET family_id = id WHERE id = ?').run(lastInsertRowid);
      // Rows whose refresh token has expired serve nothing any more (an expired token is refused as expired).
      this.db.prepare('DELETE FROM sessions WHERE account_id = ? AND refresh_expires_at <= ?').run(accountId, now);
      // The live sessions past the cap, oldest first, are signed out.
      const over = this.db
        .prepare(
          'SELECT id FROM sessions WHERE account_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT -1 OFFSET ?',
        )
        .pluck()
        .all(accountId, cap) as number[];
      const revoke = this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE id = ?');
      for (const id of over) revoke.run(now, id);
      return over;
    })();
    if (signedOut.length > 0) {
      this.ended({
        accountId,
        sessionIds: signedOut,
        code: 'SESSION_REVOKED',
        message: `signed in on more than ${cap} devices: the oldest session was signed out`,
      });
    }
    return session;
  }

  private ended(e: SessionsEnded): void {
    for (const l of this.listeners) l(e);
  }

  private sweepTickets(now: number): void {
    for (const [key, t] of this.tickets) {
      if (t.expiresAt > now) break;
      this.dropTicket(key, t);
    }
  }

  private dropTicket(key: string, t: Ticket): void {
    this.tickets.delete(key);
    const held = (this.ticketsPerSession.get(t.sessionId) ?? 1) - 1;
    if (held > 0) this.ticketsPerSession.set(t.sessionId, held);
    else this.ticketsPerSession.delete(t.sessionId);
  }
}

interface SessionRow extends AccountRow {
  session_id: number;
  access_expires_at: number;
  revoked_at: number | null;
}
