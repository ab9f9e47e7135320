/**
 * Order-entry load: `--clients` signed-in users, each with one WebSocket, each sending a limit order as soon as
 * the previous one is acknowledged, for `--duration` seconds. An ack means the order is in the journal (the
 * server answers after the group commit), so the figure is for durable orders.
 *
 * Orders are GTC limits of 0.1 LPJ on a random side, a few ticks around one price, so about half of them trade
 * and the rest rest in the book: matching, fills, balance pushes and the order history all work as in use.
 *
 * Accounts are created before timing with bounded concurrency (each sign-up is a scrypt hash).
 *
 * Prints one JSON line: orders/s and ack latency.
 */
import WebSocket from 'ws';
import { frameMessages } from '../../engine/protocol/sync';
import { bounded, cpuSeconds, finish, log, loopbackAddress, numberArgs, percentile, round, signUp, stringArg } from './common';

const MARKET = 'LPJ-KRW';
const LPJ = 100_000_000;
const args = numberArgs({ clients: 1_000, duration: 10, signupConcurrency: 8, warmup: 2 });
const baseUrl = stringArg('url');
const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/ws`;
const run = Date.now().toString(36);

let t = performance.now();
log(`orders: signing up ${args.clients} accounts (${args.signupConcurrency} at a time)`);
const sessions = await bounded(args.clients, args.signupConcurrency, (i) => signUp(baseUrl, `o${run}_${i}`, loopbackAddress(i)));
const signupSeconds = (performance.now() - t) / 1000;
log(`orders: signed up in ${signupSeconds.toFixed(1)} s; connecting`);

interface Trader {
  ws: WebSocket;
  /** Resolves the request waiting for its reply (one at a time per client). */
  pending?: (ok: boolean, reason?: string) => void;
}

const traders = await bounded(args.clients, 100, async (i): Promise<Trader> => {
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false, skipUTF8Validation: true, localAddress: loopbackAddress(i) });
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
  const ok = await request(trader, { op: 'auth', id: 0, token: sessions[i].accessToken });
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
    const side = Math.random() < 0.5 ? 'buy' : 'sell';
    const price = 50_000 + Math.floor(Math.random() * 21 - 10) * 10;
    const order = { market: MARKET, clientOrderId: `c${i}_${n}`, side, type: 'limit', price, quantity: LPJ / 10 };
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
await new Promise((r) => setTimeout(r, args.duration * 1000));
measuring = false;
const seconds = (performance.now() - t) / 1000;
const cpuAfter = await cpuSeconds(baseUrl);
stop = true;
await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 5_000))]);
for (const tr of traders) tr.ws.terminate();
finish({
  orderClients: traders.length,
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
});
