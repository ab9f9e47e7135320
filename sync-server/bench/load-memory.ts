/**
 * Memory per connection: the resident memory (RSS, from /proc) of the server process `--pid` with no bench
 * client, then with `--clients` idle WebSocket connections (open, nothing subscribed), then with the same
 * connections each subscribed to the LPJ book and trades (a snapshot sent, the connection now in the fan-out).
 * The differences divided by the connections are what one connection and one subscription hold in that
 * process; docs/sizing.md turns them into machines.
 *
 * RSS moves with the garbage collector as well as with what is held: each reading is taken once the process
 * has been left alone for `--settle` ms, as the median of five readings 200 ms apart, and the figure is only
 * as good as the count is large (thousands of connections, not tens).
 *
 * Prints one JSON line: the three readings and the bytes per connection.
 */
import WebSocket from 'ws';
import { frameMessages } from '../../engine/protocol/sync';
import { bounded, finish, log, loopbackAddress, numberArgs, percentile, processRssBytes, urlsArg } from './common';

const MARKET = 'LPJ-KRW';
const args = numberArgs({ clients: 5_000, pid: 0, settle: 3_000, concurrency: 100 });
if (!args.pid) throw new Error('--pid (the server process to read) is required');
const wsUrl = `${urlsArg()[0].replace(/^http/, 'ws')}/ws`;

async function rss(): Promise<number> {
  await new Promise((r) => setTimeout(r, args.settle));
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(processRssBytes(args.pid));
    await new Promise((r) => setTimeout(r, 200));
  }
  return percentile(samples, 50);
}

/** Opens one connection; resolves once it is open (undefined if it was refused). */
function open(i: number): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(wsUrl, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      localAddress: loopbackAddress(i % 16),
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', () => resolve(undefined));
  });
}

/** Subscribes a connection to the book and trades; resolves once both are acknowledged. */
function subscribe(ws: WebSocket): Promise<boolean> {
  return new Promise((resolve) => {
    let acks = 0;
    ws.on('message', (data: Buffer) => {
      for (const msg of frameMessages(data.toString()) as { type: string }[]) {
        if (msg.type === 'ack' && ++acks === 2) resolve(true);
        else if (msg.type === 'reject') resolve(false);
      }
    });
    ws.once('close', () => resolve(false));
    ws.send(JSON.stringify({ op: 'subscribe', id: 1, channel: 'book', market: MARKET }));
    ws.send(JSON.stringify({ op: 'subscribe', id: 2, channel: 'trades', market: MARKET }));
  });
}

const baseline = await rss();
log(
  `memory: server RSS ${(baseline / 2 ** 20).toFixed(1)} MiB with no bench client; opening ${args.clients} connections`,
);
const sockets = (await bounded(args.clients, args.concurrency, open)).filter((ws): ws is WebSocket => !!ws);
const idle = await rss();
log(`memory: ${sockets.length} idle connections, RSS ${(idle / 2 ** 20).toFixed(1)} MiB; subscribing each`);
const subscribed = (await bounded(sockets.length, args.concurrency, (i) => subscribe(sockets[i]))).filter(
  Boolean,
).length;
const withSubscriptions = await rss();
log(`memory: ${subscribed} subscribed, RSS ${(withSubscriptions / 2 ** 20).toFixed(1)} MiB`);
for (const ws of sockets) ws.terminate();
finish({
  memoryConnections: sockets.length,
  memorySubscribed: subscribed,
  rssBaselineBytes: baseline,
  rssIdleBytes: idle,
  rssSubscribedBytes: withSubscriptions,
  bytesPerIdleConnection: Math.round((idle - baseline) / Math.max(1, sockets.length)),
  // An idle connection plus its two subscriptions (book and trades), per connection.
  bytesPerSubscribedConnection: Math.round((withSubscriptions - baseline) / Math.max(1, subscribed)),
});
