/**
 * What travels between a core and its gateways over NATS (docs/cluster.md says why each goes the way it does):
 *
 * - requests to the core (request/reply, queue group `core`): `lpj.cmd.auth`, `lpj.cmd.order` (the order
 *   operation as the client sent it, with its client order id, so a resend through any gateway is answered once),
 *   `lpj.read.first` (what a new subscriber is sent first), `lpj.read.book` (a book snapshot), `lpj.read.notes`
 *   (an account's notifications after an id), `lpj.http` (an HTTP request a gateway received);
 * - `lpj.interest` (plain NATS, from every gateway to every core): the accounts a gateway serves;
 * - committed events, published once per commit to the JetStream stream `LPJ_EVENTS`: `lpj.ev.md.<market>`
 *   (book delta, trades, ticker, candles of one commit, each under its subscription key) and
 *   `lpj.ev.acct.<account>` (that account's order, fill and balance messages of one commit), `lpj.ev.note.<account>`
 *   (one notification of that account, as it is pushed), and `lpj.ev.ended`
 *   (sign-ins that ended, whose sockets every gateway closes), and `lpj.ev.started` (a core came up).
 *
 * All payloads are JSON. Only cores and gateways may connect to this NATS account: the gateway has validated
 * what a client sent before it is forwarded, and the core validates order operations again.
 */
import type { ClientMessage, ServerMessage } from '../../engine/protocol/sync';
import type { CancelAllResult, OrderResult } from '../trading/exchange';

export const STREAM = 'LPJ_EVENTS';
export const EVENTS = 'lpj.ev.>';
export const MARKET_PREFIX = 'lpj.ev.md.';
export const ACCOUNT_PREFIX = 'lpj.ev.acct.';
/** An account's notifications, one stream message each, as the core pushes them (docs/cluster.md says why). */
export const NOTE_PREFIX = 'lpj.ev.note.';
export const marketSubject = (market: string) => `${MARKET_PREFIX}${market}`;
export const noteSubject = (account: number) => `${NOTE_PREFIX}${account}`;
export const accountSubject = (account: number) => `${ACCOUNT_PREFIX}${account}`;
/** Sign-ins that ended (signed out, refreshed, revoked, account deleted): their sockets close on every gateway. */
export const SESSIONS_ENDED = 'lpj.ev.ended';
/**
 * A core started: what it committed just before it stopped may never have reached the stream, so every gateway
 * takes fresh book snapshots rather than wait for the next delta to show the gap.
 */
export const CORE_STARTED = 'lpj.ev.started';
export const CORE_QUEUE = 'core';
export const AUTH = 'lpj.cmd.auth';
export const ORDER = 'lpj.cmd.order';
export const READ_FIRST = 'lpj.read.first';
export const READ_BOOK = 'lpj.read.book';
/** An account's stored notifications after an id: a notification stream's backlog. */
export const READ_NOTES = 'lpj.read.notes';
export const HTTP = 'lpj.http';
/**
 * The accounts a gateway has someone signed in to (plain NATS, to every core): the core reads and publishes
 * balances only for accounts some gateway watches. Sent every `INTEREST_MS` in pages of `INTEREST_PAGE`, and at
 * once when a core starts or NATS comes back; the core forgets an account not heard of for `INTEREST_TTL_MS`.
 */
export const INTEREST = 'lpj.interest';
export const INTEREST_MS = 5_000;
export const INTEREST_TTL_MS = 3 * INTEREST_MS;
export const INTEREST_PAGE = 10_000;
/** Requests the core does not answer within this are refused to the client as CORE_UNAVAILABLE. */
export const REQUEST_TIMEOUT_MS = 5_000;
/**
 * How long the stream keeps events: what a gateway that was away this long can still resume from (longer, and it
 * takes snapshots). JetStream's duplicate window drops a republished event with the same id within two minutes.
 */
export const STREAM_MAX_AGE_NS = 3_600 * 1e9;
export const DUPLICATE_WINDOW_NS = 120 * 1e9;

export type OrderOp = Extract<ClientMessage, { op: `order.${string}` }>;
export interface OrderRequest {
  account: number;
  msg: OrderOp;
}
export type OrderReplyWire =
  | { result: Omit<Extract<OrderResult, { ok: true }>, 'events'> | Omit<Extract<OrderResult, { ok: false }>, 'events'> }
  | { result: CancelAllResult }
  | { error: 'BUSY' | 'ENGINE_FAULT' | 'RATE_LIMITED' | 'INTERNAL'; message: string };

export type AuthReply =
  | {
      ok: true;
      accountId: number;
      nickname: string;
      expiresAt: number;
      sessionId: number;
      balances: import('../../engine/protocol/sync').BalanceView[];
    }
  | { ok: false; code: string; message: string };

/**
 * Where the core's journal stood around the commit a stream message carries, so that a core starting again knows
 * what the stream holds and republishes what it missed (a core killed between a commit and its publish).
 */
export interface CommitPosition {
  /** The commit's id, as in the message ids of all its stream messages. */
  commit: string;
  /** The last event's seq per event stream (each market and the ledger) before this commit and after it. */
  before: Record<string, number>;
  after: Record<string, number>;
  /** Per market, the seq of the last book delta published before this commit (the next delta's prevSeq). */
  delta: Record<string, number>;
}

export interface MarketEvents {
  /** Each public message of one commit under the subscription key it is fanned out to. */
  m: [key: string, msg: ServerMessage][];
  p?: CommitPosition;
}
export interface AccountEvents {
  m: ServerMessage[];
  p?: CommitPosition;
}

export interface HttpRequestWire {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** base64 */
  body: string;
  remoteAddress: string;
}
/**
 * An HTTP reply. One past the NATS server's message limit (`max_payload`, 1 MiB by default: a long history) is
 * sent as this head with `parts` and `size` and an empty `body`, followed by `parts` messages of the body's raw
 * bytes in order, to the same reply subject.
 */
export interface HttpReplyWire {
  status: number;
  headers: Record<string, string>;
  /** base64; empty when the body comes in parts */
  body: string;
  parts?: number;
  /** The body's length in bytes, when it comes in parts (the gateway checks the parts add up to it). */
  size?: number;
}
/** NATS's own default message limit, for a server that has not said its own. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** The most parts an HTTP reply is sent in (64 MiB at the default limit: far past any page the API returns). */
export const MAX_REPLY_PARTS = 64;
