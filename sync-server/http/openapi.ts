/**
 * The OpenAPI 3.1 document of /api/v1, built from the same zod schemas the server validates with, so the
 * document cannot drift from what the server accepts.
 */
import { z } from 'zod';
import {
  BalanceView,
  DeleteAccountBody,
  Fill,
  HttpError,
  MarketInfo,
  Notification,
  OrderView,
  PracticeEntry,
  PracticeUpload,
  RefreshBody,
  Session,
  SignInBody,
  SignUpBody,
  StreamTicket,
  Ticker,
} from '../../engine/protocol/sync';
import {
  CopyAccountView,
  CreateSubscriptionBody,
  FollowerView,
  LeaderboardPage,
  MyStrategy,
  OpenStrategyBody,
  SettlementPage,
  SubscriptionView,
  TraderProfile,
  UpdateStrategyBody,
  UpdateSubscriptionBody,
} from '../../engine/protocol/sync';
import { CloudDevices, CloudPage, CloudUpload, CloudUploadAnswer } from '../../engine/protocol/cloud';
import { ENGINE_VERSION } from '../../engine/core/version';
import { CandlesResponse } from './candle-routes';

const json = (schema: z.ZodType) => ({
  content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } },
});
const ok = (schema: z.ZodType, description = 'OK') => ({ description, ...json(schema) });
const errors = { '4XX': { description: 'Refused, with a code saying why', ...json(HttpError) } };
const secured = [{ bearer: [] }];
const page = (name: string, item: z.ZodType) =>
  z.object({ [name]: z.array(item), nextBefore: z.number().int().optional() });

let cached: object | undefined;

export function openApiDocument(): object {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Playground 777 sync server',
      version: ENGINE_VERSION,
      description:
        "Accounts, the shared LPJ markets, order history and notifications. Order entry, live market data and the updates of my orders (a trailing stop's trigger as it follows the price included) are on the WebSocket at /ws.",
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths: {
      '/api/v1/auth/signup': {
        post: {
          summary: 'Create an account (credited with the practice grant)',
          requestBody: json(SignUpBody),
          responses: { 201: ok(Session, 'Signed up and signed in'), ...errors },
        },
      },
      '/api/v1/auth/signin': {
        post: {
          summary:
            'Sign in. After 5 failures in a row a nickname (known or not) waits 1 s, then 2 s, 4 s … up to 15 min: 429 RATE_LIMITED with Retry-After, the password not checked',
          requestBody: json(SignInBody),
          responses: { 200: ok(Session), ...errors },
        },
      },
      '/api/v1/auth/refresh': {
        post: {
          summary:
            'Trade a refresh token for the next session (the old one ends, its sockets and streams close). A refresh token used twice revokes every session of its sign-in: 401 TOKEN_REUSED',
          requestBody: json(RefreshBody),
          responses: { 200: ok(Session), ...errors },
        },
      },
      '/api/v1/auth/signout': {
        post: {
          summary: 'Revoke this session; its sockets and streams close',
          security: secured,
          responses: { 204: { description: 'Signed out' }, ...errors },
        },
      },
      '/api/v1/me': {
        get: {
          summary: 'My account',
          security: secured,
          responses: {
            200: ok(z.object({ accountId: z.number().int(), nickname: z.string(), createdAt: z.number().int() })),
            ...errors,
          },
        },
        delete: {
          summary:
            "Delete my account (with my password): open orders cancelled; my followers' copies end (leader_deleted) and my own copies end; I leave the boards; every session ends; the nickname becomes deleted-<id> and is free again; the ledger account stays, so totals still add up and the id is never reused",
          security: secured,
          requestBody: json(DeleteAccountBody),
          responses: { 204: { description: 'Deleted' }, ...errors },
        },
      },
      '/api/v1/balances': {
        get: { summary: 'My balances', security: secured, responses: { 200: ok(z.array(BalanceView)), ...errors } },
      },
      '/api/v1/orders': {
        get: {
          summary: 'My orders, newest first (page with ?before=<orderId>)',
          security: secured,
          responses: { 200: ok(page('orders', OrderView)), ...errors },
        },
      },
      '/api/v1/orders/{id}': {
        get: { summary: 'One of my orders', security: secured, responses: { 200: ok(OrderView), ...errors } },
      },
      '/api/v1/trades': {
        get: {
          summary: 'My fills, newest first (page with ?before=<tradeId>)',
          security: secured,
          responses: { 200: ok(page('fills', Fill)), ...errors },
        },
      },
      '/api/v1/markets': {
        get: { summary: 'Markets and their settings', responses: { 200: ok(z.array(MarketInfo)) } },
      },
      '/api/v1/markets/{id}/book': {
        get: {
          summary: 'Order book depth (?levels=, 1 to 1,000; default 50)',
          responses: {
            200: ok(
              z.object({
                market: z.string(),
                seq: z.number().int(),
                bids: z.array(z.tuple([z.number(), z.number()])),
                asks: z.array(z.tuple([z.number(), z.number()])),
              }),
            ),
            ...errors,
          },
        },
      },
      '/api/v1/markets/{id}/ticker': { get: { summary: '24 h ticker', responses: { 200: ok(Ticker), ...errors } } },
      '/api/v1/markets/{id}/candles': {
        get: {
          summary:
            'Candles, oldest first, the open one included (?interval=1m|5m|15m|1h|4h|1d|1w|1M&from=&to=&limit=; ms; weeks from Monday and months from the 1st, 00:00 UTC; gaps stay gaps)',
          responses: { 200: ok(CandlesResponse), ...errors },
        },
      },
      '/api/v1/notifications': {
        get: {
          summary: 'My notifications after ?after=<id>',
          security: secured,
          responses: { 200: ok(z.array(Notification)), ...errors },
        },
      },
      '/api/v1/notifications/ticket': {
        post: {
          summary:
            'A single-use ticket for opening one notification stream within 30 s (EventSource cannot send headers)',
          security: secured,
          responses: { 200: ok(StreamTicket), ...errors },
        },
      },
      '/notifications/stream': {
        get: {
          summary:
            'Server-Sent Events of my notifications (?ticket=<from /api/v1/notifications/ticket>, or the Authorization header); resume with Last-Event-ID or ?after=. Ends with the session; a reader that falls 1 MiB behind is dropped',
          parameters: [
            { name: 'ticket', in: 'query', required: false, schema: { type: 'string' } },
            { name: 'after', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
          ],
          security: [...secured, {}],
          responses: { 200: { description: 'text/event-stream' }, ...errors },
        },
      },
      '/api/v1/leaderboards/{period}': {
        get: {
          summary: 'Leaderboard of 1d|7d|30d|all (?sort=&order=&search=&minTrades=&limit=&offset=)',
          responses: { 200: ok(LeaderboardPage), ...errors },
        },
      },
      '/api/v1/traders/{nickname}': {
        get: {
          summary: "A trader's public profile: stats per period, equity curve, recent trades, strategy",
          responses: { 200: ok(TraderProfile), ...errors },
        },
      },
      '/api/v1/strategy': {
        get: { summary: 'My strategy', security: secured, responses: { 200: ok(MyStrategy), ...errors } },
        post: {
          summary: 'Open (or reopen) my strategy for copying',
          security: secured,
          requestBody: json(OpenStrategyBody),
          responses: { 201: ok(MyStrategy), ...errors },
        },
        patch: {
          summary: 'Change the description or profit share (a new rate applies to new periods)',
          security: secured,
          requestBody: json(UpdateStrategyBody),
          responses: { 200: ok(MyStrategy), ...errors },
        },
        delete: {
          summary: 'Close my strategy to new subscribers (running copies carry on)',
          security: secured,
          responses: { 200: ok(MyStrategy), ...errors },
        },
      },
      '/api/v1/subscriptions': {
        get: {
          summary: 'My copy subscriptions, newest first',
          security: secured,
          responses: { 200: ok(z.array(SubscriptionView)), ...errors },
        },
        post: {
          summary: 'Copy a trader with an allocation moved into a sub-account',
          security: secured,
          requestBody: json(CreateSubscriptionBody),
          responses: { 201: ok(SubscriptionView), ...errors },
        },
      },
      '/api/v1/copy-accounts': {
        get: {
          summary: 'What each of my copies that has not ended holds (its sub-account’s balances)',
          security: secured,
          responses: { 200: ok(z.array(CopyAccountView)), ...errors },
        },
      },
      '/api/v1/subscriptions/{id}': {
        get: {
          summary: 'One of my subscriptions, with its settlements',
          security: secured,
          responses: { 200: ok(SubscriptionView), ...errors },
        },
        patch: {
          summary: 'Pause, resume, add or reduce funds',
          security: secured,
          requestBody: json(UpdateSubscriptionBody),
          responses: { 200: ok(SubscriptionView), ...errors },
        },
        delete: {
          summary: 'Unsubscribe: positions closed, final settlement, funds returned',
          security: secured,
          responses: { 200: ok(SubscriptionView), ...errors },
        },
      },
      '/api/v1/followers': {
        get: {
          summary: 'The running copies of my strategy',
          security: secured,
          responses: { 200: ok(z.array(FollowerView)), ...errors },
        },
      },
      '/api/v1/settlements': {
        get: {
          summary: 'Profit-share settlements I paid or received, newest first (?role=&before=&limit=)',
          security: secured,
          responses: { 200: ok(SettlementPage), ...errors },
        },
      },
      '/api/v1/cloud/changes': {
        post: {
          summary:
            'Upload synced changes (docs/cloud-sync.md): each stored, duplicate, superseded or refused with a code; 413 BATCH_TOO_LARGE or QUOTA_EXCEEDED refuse the whole upload',
          security: secured,
          requestBody: json(CloudUpload),
          responses: { 200: ok(CloudUploadAnswer), ...errors },
        },
        get: {
          summary: "The account's synced changes after ?after= (a cursor), in log order (?device=&name=&limit=)",
          security: secured,
          responses: { 200: ok(CloudPage), ...errors },
        },
      },
      '/api/v1/cloud/devices': {
        get: {
          summary: 'The devices that synced with my account, the most recently seen first',
          security: secured,
          responses: { 200: ok(CloudDevices), ...errors },
        },
      },
      '/api/v1/cloud/devices/{id}': {
        delete: {
          summary: "End a device's sign-in (its sessions are revoked and its sockets closed); answers the devices",
          security: secured,
          responses: { 200: ok(CloudDevices), ...errors },
        },
      },
      '/api/v1/practice/journal': {
        post: {
          summary:
            'Back up offline practice entries (idempotent by localId); 413 QUOTA_EXCEEDED when the backup would pass its entry or byte quota',
          security: secured,
          requestBody: json(PracticeUpload),
          responses: { 200: ok(z.object({ stored: z.number().int(), duplicates: z.number().int() })), ...errors },
        },
        get: {
          summary:
            'My backed-up practice entries, oldest first (?afterTs=&afterId=&limit=: page after the last entry returned)',
          security: secured,
          responses: { 200: ok(z.array(PracticeEntry)), ...errors },
        },
        delete: {
          summary: 'Delete my backed-up entries older than ?beforeTs= (all without it), to make room under the quota',
          security: secured,
          responses: { 200: ok(z.object({ deleted: z.number().int() })), ...errors },
        },
      },
    },
  };
  return cached;
}
