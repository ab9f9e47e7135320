/**
 * Order-entry load: `--clients` signed-in users, each with one WebSocket, each sending a limit order as soon as
 * the previous one is acknowledged, for `--duration` seconds. An ack means the order is in the journal (the
 * server answers after the group commit), so the figure is for durable orders.
 *
 * Orders are GTC limits of 0.1 LPJ on a random side, a few ticks around one price, so about half of them trade
 * and the rest rest in the book: matching, fills, balance pushes and the order history all work as in use.
 *
 * Accounts are created before timing with bounded concurrency (each sign-up is a scrypt hash). With
 * `--sessions FILE` they are created once and their sessions kept in FILE, so later runs against the same data
 * folder (the server restarted with other settings) refresh and reuse them instead of paying for the hashes again; each
 * run ends by cancelling its traders' resting orders, so the next one starts from the same empty book.
 *
 * Each sign-up costs the server a 128 MiB scrypt hash (a third of a second of a core or more): 1,000 accounts
 * take minutes on a small machine. `--connectionsPerAccount K` signs up one account per K traders instead,
 * each account signed in on K connections at once, as one user with several devices. An account's traders
 * then all buy or all sell (accounts alternate), so that they never meet their own orders (the exchange
 * would prevent those trades) and the mix of trades and resting orders stays that of independent traders.
 *
 * `--url` may name several servers (the gateways of a cluster, comma-separated): the traders are split across
 * them in turn. The journal's figures are read from `--journal-url` (the core), else the first URL. With
 * `--pids role:pid,…` the CPU of each named process over the measured window is reported too, by role.
 *
 * Prints one JSON line: orders/s, ack latency, CPU per order and the journal's group commits.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { frameMessages } from '../../engine/protocol/sync';
import type { Session } from '../../engine/protocol/sync';
import {
  bounded,
  cpuByRole,
  cpuSeconds,
  cpuUsed,
  finish,
  journalCommits,
  log,
  loopbackAddress,
  numberArgs,
  optionalStringArg,
  percentile,
  refreshSession,
  round,
  signUp,
  urlsArg,
  watchedArg,
} from './common';

const MARKET = 'LPJ-KRW';
const LPJ = 100_000_000;
const args = numberArgs({ clients: 1_000, duration: 10, signupConcurrency: 8, warmup: 2, connectionsPerAccount: 1 });
const perAccount = Math.max(1, Math.floor(args.connectionsPerAccount));
const accounts = Math.ceil(args.clients / perAccount);
/** Trader i's account: traders are dealt to accounts in turn. */
const accountOf = (i: number) => i % accounts;
const baseUrls = urlsArg();
const baseUrl = baseUrls[0];
const urlOf = (i: number) => baseUrls[i % baseUrls.length];
const journalUrl = optionalStringArg('journal-url') ?? baseUrl;
const watched = watchedArg();
const run = Date.now().toString(36);

const sessionsFile = optionalStringArg('sessions');
let t = performance.now();
let sessions: Session[];
if (sessionsFile && existsSync(sessionsFile)) {
  const stored = (JSON.parse(readFileSync(sessionsFile, 'utf8')) as Session[]).slice(0, accounts);
  if (stored.length < accounts) throw new Error(`${sessionsFile} holds ${stored.length} sessions, ${accounts} needed`);
  // Access tokens live minutes and the sign-ups alone may take longer: each run starts with fresh ones.
  sessions = await bounded(stored.length, 50, (i) => refreshSession(urlOf(i), stored[i], loopbackAddress(i)));
  writeFileSync(sessionsFile, JSON.stringify(sessions));
  log(`orders: ${sessions.length} accounts from ${sessionsFile}, refreshed; connecting`);
} else {
  log(`orders: signing up ${accounts} accounts for ${args.clients} traders (${args.signupConcurrency} at a time)`);
  sessions = await bounded(accounts, args.signupConcurrency, (i) =>
    signUp(urlOf(i), `o${run}_${i}`, loopbackAddress(i)),
  );
  if (sessionsFile) writeFileSync(sessionsFile, JSON.stringify(sessions));
  log(`orders: signed up in ${((performance.now() - t) / 1000).toFixed(1)} s; connecting`);
}
const signupSeconds = (performance.now() - t) / 1000;

interface Trader {
  ws: WebSocket;
  /** Resolves the request waiting for its reply (one at a time per client). */
  pending?: (ok: boolean, reason?: string) => void;
}

const traders = await bounded(args.clients, 100, async (i): Promise<Trader> => {
  const ws = new WebSocket(`${urlOf(i).replace(/^http/, 'ws')}/ws`, {
    perMessageDeflate: false,
    skipUTF8Validation: true,
    localAddress: loopbackAddress(i),
  });
  const trader: Trader = { ws };
  ws.on('message', (data: Buffer) => {
    // A frame holds the reply together with the order, fill and balance updates of the same commit: all parsed,
    // as an app would, and the reply answers the request.
    for (const msg of frameMessages(data.toString()) as { type: string; reason?: string }[]) {
      if (msg.type !== 'ack' && msg.type !== 'reject') continue;
      const p = trader.pending;
      trader.pending = undefined;
      p?.(msg.type === 'ack', msg.reason);
    }
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const ok = await request(trader, { op: 'auth', id: 0, token: sessions[accountOf(i)].accessToken });
  if (!ok.ok) throw new Error(`auth of trader ${i} refused: ${ok.reason}`);
  return trader;
});

function request(trader: Trader, body: object): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve) => {
    trader.pending = (ok, reason) => resolve({ ok, reason });
    trader.ws.send(JSON.stringify(body));
  });
}

const latencies: number[] = [];
const rejects = new Map<string, number>();
let acked = 0;
let measuring = false;
let stop = false;

async function trade(trader: Trader, i: number): Promise<void> {
  for (let n = 0; !stop; n++) {
    const side = perAccount === 1 ? (Math.random() < 0.5 ? 'buy' : 'sell') : accountOf(i) % 2 === 0 ? 'buy' : 'sell';
    const price = 50_000 + Math.floor(Math.random() * 21 - 10) * 10;
    // Unique per run: a later run with the same accounts would otherwise be answered as resends of these.
    const order = {
      market: MARKET,
      clientOrderId: `c${run}_${i}_${n}`,
      side,
      type: 'limit',
      price,
      quantity: LPJ / 10,
    };
    const started = performance.now();
    const reply = await request(trader, { op: 'order.new', id: n + 1, order });
    if (!measuring) continue;
    if (reply.ok) {
      acked++;
      latencies.push(performance.now() - started);
    } else {
      rejects.set(reply.reason ?? '?', (rejects.get(reply.reason ?? '?') ?? 0) + 1);
    }
  }
}

log(`orders: ${traders.length} traders; ${args.warmup} s warm-up, then ${args.duration} s measured`);
const loops = traders.map((tr, i) => trade(tr, i));
await new Promise((r) => setTimeout(r, args.warmup * 1000));
measuring = true;
t = performance.now();
const cpuBefore = await cpuSeconds(baseUrl);
const rolesBefore = cpuByRole(watched);
const commitsBefore = await journalCommits(journalUrl);
await new Promise((r) => setTimeout(r, args.duration * 1000));
measuring = false;
const seconds = (performance.now() - t) / 1000;
const cpuAfter = await cpuSeconds(baseUrl);
const rolesCpu = cpuUsed(rolesBefore, cpuByRole(watched));
const commitsAfter = await journalCommits(journalUrl);
stop = true;
await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 5_000))]);
// The book back to empty for whoever runs next (a trader still waiting for a reply is left as it is).
await Promise.race([
  bounded(traders.length, 100, async (i) => {
    if (!traders[i].pending) await request(traders[i], { op: 'order.cancel_all', id: 'cancel', market: MARKET });
  }),
  new Promise((r) => setTimeout(r, 10_000)),
]);
for (const tr of traders) tr.ws.terminate();
const commits = commitsAfter.commits - commitsBefore.commits;
finish({
  orderClients: traders.length,
  orderAccounts: accounts,
  signupSeconds: round(signupSeconds),
  ordersAcked: acked,
  ordersPerSec: Math.round(acked / seconds),
  ackP50Ms: round(percentile(latencies, 50), 2),
  ackP99Ms: round(percentile(latencies, 99), 2),
  ackMaxMs: round(percentile(latencies, 100), 2),
  rejects: Object.fromEntries(rejects),
  // CPU per acknowledged order (µs): what each side costs, whatever else shares the machine.
  serverCpuMicrosPerOrder: round(((cpuAfter.server - cpuBefore.server) * 1e6) / Math.max(1, acked)),
  loadCpuMicrosPerOrder: round(((cpuAfter.load - cpuBefore.load) * 1e6) / Math.max(1, acked)),
  // CPU seconds of each watched role (`--pids`) over the same window.
  cpuByRole: rolesCpu,
  // The journal's group commits in the measured window: how often, how long each took, how many commands each held.
  commitsPerSec: Math.round(commits / seconds),
  commitMeanMs: round(((commitsAfter.seconds - commitsBefore.seconds) * 1000) / Math.max(1, commits), 3),
  commandsPerCommit: round((commitsAfter.commands - commitsBefore.commands) / Math.max(1, commits)),
  // Under synchronous=FULL, the syncs of the log that acknowledge them (off the event loop, each for every batch
  // written before it began).
  syncsPerSec: Math.round((commitsAfter.syncs - commitsBefore.syncs) / seconds),
  syncMeanMs: round(
    ((commitsAfter.syncSeconds - commitsBefore.syncSeconds) * 1000) /
      Math.max(1, commitsAfter.syncs - commitsBefore.syncs),
    3,
  ),
});
