/**
 * The sync server's HTTP API as the app calls it (axios). Every response body is validated against the
 * contract before it is used; an error response becomes a SyncHttpError carrying the server's code.
 */
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import {
  BalanceView,
  HttpError,
  Notification,
  OrderView,
  Session,
  StreamTicket,
  type PracticeEntry,
} from '../../protocol/sync';
import {
  CopyAccountView,
  FollowerView,
  LeaderboardPage,
  MyStrategy,
  SettlementPage,
  SubscriptionView,
  TraderProfile,
  type CreateSubscriptionBody,
  type LeaderboardQuery,
  type OpenStrategyBody,
  type RankingPeriod,
  type UpdateStrategyBody,
  type UpdateSubscriptionBody,
} from '../../protocol/sync';

/** A list answered either bare or wrapped in an object under `key`; both are read as the array. */
function listOf<S extends z.ZodType>(item: S, key: string) {
  return z.union([z.array(item), z.object({ [key]: z.array(item) }).transform((o) => o[key] as z.output<S>[])]);
}

export class SyncHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SyncHttpError';
  }
}

export class SyncHttp {
  private readonly http: AxiosInstance;

  constructor(baseUrl: string, timeoutMs = 10_000) {
    this.http = axios.create({ baseURL: baseUrl, timeout: timeoutMs, validateStatus: () => true });
  }

  private async call<S extends z.ZodType>(
    schema: S,
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<z.output<S>> {
    let res;
    try {
      // No body, no content type: axios would otherwise label an empty POST as a form, which the server refuses (415).
      const headers = {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body === undefined && { 'content-type': false }),
      };
      res = await this.http.request({ method, url: path, data: body, headers });
    } catch (err) {
      throw new SyncHttpError(0, 'UNREACHABLE', `sync server unreachable: ${(err as Error).message}`);
    }
    if (res.status >= 400) {
      const e = HttpError.safeParse(res.data);
      throw new SyncHttpError(
        res.status,
        e.success ? e.data.error.code : 'HTTP_' + res.status,
        e.success ? e.data.error.message : `HTTP ${res.status}`,
      );
    }
    const parsed = schema.safeParse(res.data);
    if (!parsed.success)
      throw new SyncHttpError(
        res.status,
        'BAD_RESPONSE',
        `unexpected response from ${path}: ${parsed.error.issues[0]?.message}`,
      );
    return parsed.data;
  }

  signUp(nickname: string, password: string) {
    return this.call(Session, 'post', '/api/v1/auth/signup', { nickname, password });
  }
  signIn(nickname: string, password: string) {
    return this.call(Session, 'post', '/api/v1/auth/signin', { nickname, password });
  }
  refresh(refreshToken: string) {
    return this.call(Session, 'post', '/api/v1/auth/refresh', { refreshToken });
  }
  async signOut(token: string): Promise<void> {
    await this.call(z.unknown(), 'post', '/api/v1/auth/signout', undefined, token);
  }
  /** Deletes the account (the server asks for the password again); every session of it ends. */
  async deleteAccount(token: string, password: string): Promise<void> {
    await this.call(z.unknown(), 'delete', '/api/v1/me', { password }, token);
  }
  /** A single-use ticket for opening the notification stream within 30 s (the token stays out of the URL). */
  streamTicket(token: string) {
    return this.call(StreamTicket, 'post', '/api/v1/notifications/ticket', undefined, token);
  }
  balances(token: string) {
    return this.call(z.array(BalanceView), 'get', '/api/v1/balances', undefined, token);
  }
  orders(token: string, query = '') {
    return this.call(
      z.object({ orders: z.array(OrderView), nextBefore: z.number().optional() }),
      'get',
      `/api/v1/orders${query}`,
      undefined,
      token,
    );
  }
  notifications(token: string, after: number) {
    return this.call(z.array(Notification), 'get', `/api/v1/notifications?after=${after}`, undefined, token);
  }
  uploadPractice(token: string, entries: PracticeEntry[]) {
    return this.call(
      z.object({ stored: z.number(), duplicates: z.number() }),
      'post',
      '/api/v1/practice/journal',
      { entries },
      token,
    );
  }

  // ------------------------------------------------------------ ranking and copy trading

  /** A leaderboard page; readable without an account. */
  leaderboard(period: RankingPeriod, query: Partial<LeaderboardQuery>) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
    const qs = q.toString();
    return this.call(LeaderboardPage, 'get', `/api/v1/leaderboards/${period}${qs ? `?${qs}` : ''}`);
  }
  trader(nickname: string) {
    return this.call(TraderProfile, 'get', `/api/v1/traders/${encodeURIComponent(nickname)}`);
  }
  strategy(token: string) {
    return this.call(MyStrategy, 'get', '/api/v1/strategy', undefined, token);
  }
  openStrategy(token: string, body: OpenStrategyBody) {
    return this.call(MyStrategy, 'post', '/api/v1/strategy', body, token);
  }
  updateStrategy(token: string, body: UpdateStrategyBody) {
    return this.call(MyStrategy, 'patch', '/api/v1/strategy', body, token);
  }
  closeStrategy(token: string) {
    return this.call(MyStrategy, 'delete', '/api/v1/strategy', undefined, token);
  }
  copyAccounts(token: string) {
    return this.call(listOf(CopyAccountView, 'copy accounts'), 'get', '/api/v1/copy-accounts', undefined, token);
  }
  subscriptions(token: string) {
    return this.call(listOf(SubscriptionView, 'subscriptions'), 'get', '/api/v1/subscriptions', undefined, token);
  }
  subscribe(token: string, body: CreateSubscriptionBody) {
    return this.call(SubscriptionView, 'post', '/api/v1/subscriptions', body, token);
  }
  updateSubscription(token: string, id: number, body: UpdateSubscriptionBody) {
    return this.call(SubscriptionView, 'patch', `/api/v1/subscriptions/${id}`, body, token);
  }
  unsubscribe(token: string, id: number) {
    return this.call(SubscriptionView, 'delete', `/api/v1/subscriptions/${id}`, undefined, token);
  }
  followers(token: string) {
    return this.call(listOf(FollowerView, 'followers'), 'get', '/api/v1/followers', undefined, token);
  }
  settlements(token: string, limit = 100) {
    return this.call(SettlementPage, 'get', `/api/v1/settlements?limit=${limit}`, undefined, token);
  }
}
