/**
 * Request-rate limits on the HTTP API, reads as well as writes (@fastify/rate-limit: fixed windows counted in
 * an LRU of the 5,000 addresses and 5,000 accounts seen last, so a spray of addresses cannot grow memory):
 * - per client address (IPv6 by its /64, see ws/client-address.ts), `limits.httpPerIp`;
 * - per signed-in account, across all its addresses, `limits.httpPerAccount` (a request whose token does not
 *   authenticate counts only against its address; the route refuses it).
 * Past either: 429 RATE_LIMITED with Retry-After, the seconds until the window starts over, and the
 * x-ratelimit-* headers on every response. The health probes (/healthz, /readyz) are never limited, so an
 * orchestrator always hears the truth. WebSocket upgrades are not counted here: the gateway caps connections.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AuthError, type Accounts } from '../accounts/accounts';
import type { ServerLimits } from '../config';
import { HttpFailure } from './errors';

const PROBES = new Set(['/healthz', '/readyz']);

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

export function registerRateLimits(
  app: FastifyInstance,
  limits: ServerLimits,
  accounts: Pick<Accounts, 'authenticate'>,
): void {
  // The plugin's own hook is left off (global: false): it attaches only to routes declared after it has
  // loaded, and these limits must cover every route, so they run in one root hook instead.
  void app.register(rateLimit, { global: false });
  const accountKey = (req: FastifyRequest): string | undefined => {
    const h = req.headers.authorization;
    if (typeof h !== 'string' || !h.startsWith('Bearer ')) return undefined;
    try {
      return `account:${accounts.authenticate(h.slice(7)).id}`;
    } catch (err) {
      if (err instanceof AuthError) return undefined;
      throw err;
    }
  };
  const accountOf = new WeakMap<FastifyRequest, string>();
  let perIp: Limiter | undefined;
  let perAccount: Limiter | undefined;
  const check = async (
    limiter: Limiter,
    req: FastifyRequest,
    reply: { header(k: string, v: number): unknown },
    what: string,
  ) => {
    const r = await limiter(req);
    if (r.isAllowed) return;
    reply.header('x-ratelimit-limit', r.max);
    reply.header('x-ratelimit-remaining', r.remaining);
    reply.header('x-ratelimit-reset', r.ttlInSeconds);
    if (!r.isExceeded) return;
    reply.header('retry-after', Math.max(1, r.ttlInSeconds));
    throw new HttpFailure(
      429,
      'RATE_LIMITED',
      `more than ${r.max} requests in ${r.timeWindow / 1000} s ${what}: wait ${Math.max(1, r.ttlInSeconds)} s`,
    );
  };
  app.addHook('onRequest', async (req, reply) => {
    if (PROBES.has(req.url.split('?')[0])) return;
    perIp ??= app.createRateLimit({ max: limits.httpPerIp.max, timeWindow: limits.httpPerIp.windowMs });
    await check(perIp, req, reply, 'from this address');
    const key = accountKey(req);
    if (key === undefined) return;
    accountOf.set(req, key);
    perAccount ??= app.createRateLimit({
      max: limits.httpPerAccount.max,
      timeWindow: limits.httpPerAccount.windowMs,
      keyGenerator: (r) => accountOf.get(r)!,
    });
    await check(perAccount, req, reply, 'for this account');
  });
}
