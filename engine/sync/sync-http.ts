/**
 * The sync server's HTTP API as the app calls it (axios). Every response body is validated against the
 * contract before it is used; an error response becomes a SyncHttpError carrying the server's code.
 */
import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';
import { BalanceView, HttpError, Notification, OrderView, Session, type PracticeEntry } from '../protocol/sync';

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

  private async call<S extends z.ZodType>(schema: S, method: 'get' | 'post', path: string, body?: unknown, token?: string): Promise<z.output<S>> {
    let res;
    try {
      res = await this.http.request({ method, url: path, data: body, headers: token ? { authorization: `Bearer ${token}` } : undefined });
    } catch (err) {
      throw new SyncHttpError(0, 'UNREACHABLE', `sync server unreachable: ${(err as Error).message}`);
    }
    if (res.status >= 400) {
      const e = HttpError.safeParse(res.data);
      throw new SyncHttpError(res.status, e.success ? e.data.error.code : 'HTTP_' + res.status, e.success ? e.data.error.message : `HTTP ${res.status}`);
    }
    const parsed = schema.safeParse(res.data);
    if (!parsed.success) throw new SyncHttpError(res.status, 'BAD_RESPONSE', `unexpected response from ${path}: ${parsed.error.issues[0]?.message}`);
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
  balances(token: string) {
    return this.call(z.array(BalanceView), 'get', '/api/v1/balances', undefined, token);
  }
  orders(token: string, query = '') {
    return this.call(z.object({ orders: z.array(OrderView), nextBefore: z.number().optional() }), 'get', `/api/v1/orders${query}`, undefined, token);
  }
  notifications(token: string, after: number) {
    return this.call(z.array(Notification), 'get', `/api/v1/notifications?after=${after}`, undefined, token);
  }
  uploadPractice(token: string, entries: PracticeEntry[]) {
    return this.call(z.object({ stored: z.number(), duplicates: z.number() }), 'post', '/api/v1/practice/journal', { entries }, token);
  }
}
