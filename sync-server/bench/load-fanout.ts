/**
 * Fan-out load: `--clients` WebSocket clients subscribe to the LPJ book and trades, then two accounts trade
 * with each other at `--rate` matches per second for `--duration` seconds.
 *
 * Connect time is from opening the socket to the handshake completing, with at most `--concurrency` sockets
 * connecting at once (a ramp, as users arrive; a single burst of 10,000 SYNs only measures the kernel's
 * listen backlog). Delivery latency is from the match (a trade's `ts`, the server clock when the order was
 * applied) to the client receiving the trade, on the same machine clock, so it includes the group commit.
 *
 * Delivery is counted against the trades the server made (the selling account's fills, read back over HTTP),
 * not against the pairs of orders sent: a pair need not trade with itself (when the price steps down, a buy can
 * meet the next pair's lower ask and leave its own ask resting), so pairs overstate what subscribers can be
 * sent. Counting stops once every connected client has every trade, or when deliveries stall. Each client's
 * trade ids are checked to rise, so a trade received twice is counted apart (`tradesRepeated`), not as a
 * delivery. The run ends by cancelling the two accounts' resting orders: a later load against the same book
 * (the bench's cluster runs on the single process's data) would otherwise trade with them, and make trades
 * its own seller never had.
 *
 * `--url` may name several servers (the gateways of a cluster, comma-separated): the clients are split across
 * them in turn, and the two trading accounts sit on the first and the last. With `--pids role:pid,…` the CPU of
 * each named process is read over the measured window (from the first order to the last delivery counted), so
 * the orchestrator can say what a delivery costs each role.
 *
 * Prints one JSON line: connection and delivery figures.
 */
import WebSocket from 'ws';
import { frameMessages } from '../../engine/protocol/sync';
import {
  MsHistogram,
  bounded,
  cpuByRole,
  cpuSeconds,
  cpuUsed,
  finish,
  log,
  loopbackAddress,
  numberArgs,
  percentile,
  round,
  signUp,
  urlsArg,
  watchedArg,
} from './common';

const MARKET = 'LPJ-KRW';
const LPJ = 100_000_000;
const args = numberArgs({ clients: 10_000, rate: 20, duration: 10, concurrency: 100, connectTimeout: 10_000 });
const baseUrls = urlsArg();
const baseUrl = baseUrls[0];
const wsUrls = baseUrls.map((url) => `${url.replace(/^http/, 'ws')}/ws`);
const watched = watchedArg();
const TRADE_PREFIX = '{"type":"trade"';
const TRADE_ID = /"tradeId":(\d+)/;

const connectMs: number[] = [];
const delivery = new MsHistogram();
let failed = 0;
let closedEarly = 0;
let measuring = false;
let tradesReceived = 0;
/** Trades a client received again (a trade id not above the last it had): counted apart, never as deliveries. */
let tradesRepeated = 0;
const tradeIdsSeen = new Set<number>();
let deltasReceived = 0;
const sockets: WebSocket[] = [];

/** Resolves true once the socket is open and both subscriptions are acknowledged. */
function connect(i: number): Promise<boolean> {
  return new Promise((resolve) => {
    const started = performance.now();
    // Spread over source addresses: one address has about 28,000 ephemeral ports, and TIME_WAIT of earlier runs.
    // The server's text is checked UTF-8 already (it produced it); re-validating 200,000 messages/s only slows the measuring side.
    const ws = new WebSocket(wsUrls[i % wsUrls.length], {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      localAddress: loopbackAddress(i % 16),
    });
    let acks = 0;
    let done = false;
    let lastTradeId = 0;
    const settle = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (!ok) {
        failed++;
        ws.terminate();
      }
      resolve(ok);
    };
    const timer = setTimeout(() => settle(false), args.connectTimeout);
    ws.on('open', () => {
      connectMs.push(performance.now() - started);
      ws.send(JSON.stringify({ op: 'subscribe', id: 1, channel: 'book', market: MARKET }));
      ws.send(JSON.stringify({ op: 'subscribe', id: 2, channel: 'trades', market: MARKET }));
    });
    ws.on('message', (data: Buffer) => {
      // Only trades are parsed, and only for their ts (the last field): with 10,000 clients in one process a
      // full JSON.parse of every message would make this process, not the server, the bottleneck.
      if (data[0] === 0x7b && data.toString('latin1', 0, TRADE_PREFIX.length) === TRADE_PREFIX) {
        if (!measuring) return;
        const text = data.toString('latin1');
        const ts = Number(text.slice(text.lastIndexOf(':') + 1, -1));
        // Trade ids rise in the order a market's trades are made and sent: one not above the last is a repeat.
        const tradeId = Number(TRADE_ID.exec(text)?.[1]);
        if (tradeId <= lastTradeId) {
          tradesRepeated++;
          return;
        }
        lastTradeId = tradeId;
        tradeIdsSeen.add(tradeId);
        delivery.add(Date.now() - ts);
        tradesReceived++;
        return;
      }
      if (!done) {
        for (const msg of frameMessages(data.toString()) as { type: string }[]) {
          if (msg.type === 'ack' && ++acks === 2) settle(true);
          else if (msg.type === 'reject') settle(false);
        }
        return;
      }
      if (measuring) deltasReceived++;
    });
    ws.on('error', () => settle(false));
    ws.on('close', () => {
      if (done && measuring) closedEarly++;
      settle(false);
    });
    sockets.push(ws);
  });
}

/** Two accounts sending a crossing ask and bid at the same price together: one trade per match. */
async function driver(): Promise<{
  run: (ms: number) => Promise<number>;
  trades: () => Promise<number>;
  cancelAll: () => Promise<void>;
}> {
  const suffix = Date.now().toString(36);
  const [maker, taker] = await Promise.all([
    signUp(baseUrl, `fm${suffix}`, '127.0.0.1'),
    signUp(baseUrl, `ft${suffix}`, '127.0.0.1'),
  ]);
  const open = async (token: string, wsUrl: string) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    const replies = new Map<number, (ok: boolean) => void>();
    ws.on('message', (data: Buffer) => {
      for (const msg of frameMessages(data.toString()) as { type: string; id: number }[]) {
        if (msg.type !== 'ack' && msg.type !== 'reject') continue;
        replies.get(msg.id)?.(msg.type === 'ack');
        replies.delete(msg.id);
      }
    });
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    let id = 0;
    const call = (body: object) =>
      new Promise<boolean>((resolve) => {
        replies.set(++id, resolve);
        ws.send(JSON.stringify({ ...body, id }));
      });
    if (!(await call({ op: 'auth', token }))) throw new Error('driver auth refused');
    return call;
  };
  const [sell, buy] = await Promise.all([open(maker.accessToken, wsUrls[0]), open(taker.accessToken, wsUrls.at(-1)!)]);
  let n = 0;
  const order = (side: 'buy' | 'sell', price: number) => ({
    op: 'order.new',
    order: { market: MARKET, clientOrderId: `${side}${++n}`, side, type: 'limit', price, quantity: LPJ / 10 },
  });
  return {
    // On a fixed schedule, not waiting for acks: a slow server shows up as latency, not as a gentler load.
    run: async (ms) => {
      const end = performance.now() + ms;
      const every = 1000 / args.rate;
      const pending: Promise<boolean>[] = [];
      let next = performance.now();
      for (let i = 0; performance.now() < end; i++) {
        const price = 50_000 + (i % 20) * 10; // moves the price so the book's levels change
        pending.push(Promise.all([sell(order('sell', price)), buy(order('buy', price))]).then(([a, b]) => a && b));
        next += every;
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      return (await Promise.all(pending)).filter(Boolean).length;
    },
    cancelAll: async () => {
      const cancel = { op: 'order.cancel_all', market: MARKET };
      await Promise.all([sell(cancel), buy(cancel)]);
    },
    // Every trade has one seller, and all sells are the maker's: its fills are the trades made.
    trades: async () => {
      let count = 0;
      let before: number | undefined;
      for (;;) {
        const page = `${baseUrl}/api/v1/trades?market=${MARKET}&limit=500${before ? `&before=${before}` : ''}`;
        const res = await fetch(page, { headers: { authorization: `Bearer ${maker.accessToken}` } });
        if (!res.ok) throw new Error(`trades: HTTP ${res.status}`);
        const body = (await res.json()) as { fills: unknown[]; nextBefore?: number };
        count += body.fills.length;
        if (body.nextBefore === undefined) return count;
        before = body.nextBefore;
      }
    },
  };
}

/** Waits until `received()` reaches `expected`, or stops growing for `stallMs`; returns how long it waited. */
async function drain(received: () => number, expected: number, stallMs = 3_000): Promise<number> {
  const started = performance.now();
  let last = received();
  let lastChange = started;
  while (received() < expected && performance.now() - lastChange < stallMs) {
    await new Promise((r) => setTimeout(r, 50));
    if (received() !== last) {
      last = received();
      lastChange = performance.now();
    }
  }
  return performance.now() - started;
}

const started = performance.now();
log(`fan-out: connecting ${args.clients} clients (${args.concurrency} at a time)`);
const results = await bounded(args.clients, args.concurrency, connect);
const connected = results.filter(Boolean).length;
const rampSeconds = (performance.now() - started) / 1000;
log(
  `fan-out: ${connected}/${args.clients} connected in ${rampSeconds.toFixed(1)} s; trading at ${args.rate} matches/s for ${args.duration} s`,
);

const d = await driver();
measuring = true;
const cpuBefore = await cpuSeconds(baseUrl);
const rolesBefore = cpuByRole(watched);
const tradingStarted = performance.now();
const matches = await d.run(args.duration * 1000);
const cpuAfter = await cpuSeconds(baseUrl);
// The run ends once its last orders are answered, which a saturated side can push past --duration.
const tradingSeconds = (performance.now() - tradingStarted) / 1000;
const trades = await d.trades();
const expectedTrades = trades * connected;
const drainMs = await drain(() => tradesReceived, expectedTrades);
measuring = false;
await d.cancelAll();
const rolesCpu = cpuUsed(rolesBefore, cpuByRole(watched));
const windowSeconds = (performance.now() - tradingStarted) / 1000;
for (const ws of sockets) ws.terminate();
finish({
  clients: args.clients,
  connected,
  connectSuccessRate: round(connected / args.clients, 4),
  connectP50Ms: round(percentile(connectMs, 50)),
  connectP99Ms: round(percentile(connectMs, 99)),
  rampSeconds: round(rampSeconds),
  matches,
  matchesPerSec: round(matches / args.duration),
  trades,
  updatesPerSecPerClient: round((tradesReceived + deltasReceived) / Math.max(1, connected) / args.duration),
  tradesDelivered: tradesReceived,
  // Distinct trades any client received (more than `trades` says the count read back over HTTP missed some),
  // and trades received again by a client that had them.
  tradesSeen: tradeIdsSeen.size,
  tradesRepeated,
  tradesDeliveredShare: round(expectedTrades ? tradesReceived / expectedTrades : 0, 4),
  drainMs: round(drainMs),
  deliveryP50Ms: delivery.percentile(50),
  deliveryP99Ms: delivery.percentile(99),
  deliveryMaxMs: delivery.percentile(100),
  closedEarly,
  failed,
  // Cores busy while trading: which side of the fan-out is the one that is saturated.
  tradingSeconds: round(tradingSeconds),
  serverCores: round((cpuAfter.server - cpuBefore.server) / tradingSeconds, 2),
  clientCores: round((cpuAfter.load - cpuBefore.load) / tradingSeconds, 2),
  // CPU seconds of each watched role from the first order to the last delivery counted (`--pids`).
  cpuByRole: rolesCpu,
  cpuWindowSeconds: round(windowSeconds, 2),
});
