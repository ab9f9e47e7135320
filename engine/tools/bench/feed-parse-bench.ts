/**
 * Feed parse + apply micro-benchmark: records a burst of real frames from the mock exchange (worker thread),
 * then replays them straight into the clients' frame handlers, with no sockets in the way.
 *
 *   npx tsx engine/tools/bench/feed-parse-bench.ts
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createFeedClient, type FeedClient } from '../../node/feed/feed-client';
import { silentLogger } from '../../node/feed/logger';
import type { MockUrls } from '../mock-exchange/mock-exchange';

const UPBIT = ['BTC-KRW', 'ETH-KRW', 'XRP-KRW', 'SOL-KRW'];
const BINANCE = ['BTC-USDT', 'ETH-USDT', 'XRP-USDT', 'SOL-USDT'];

type Internals = {
  connection: { h: { onFrame: (data: Buffer, isBinary: boolean, at: number) => void } };
  books: Map<string, { sync: { bookId: number } }>;
};

const target = new URL('../mock-exchange/worker.ts', import.meta.url).href;
const worker = new Worker(
  `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(target)}); })`,
  { eval: true },
);
let pending: ((m: Record<string, unknown>) => void) | undefined;
worker.on('message', (m: Record<string, unknown>) => pending?.(m));
const call = (msg: object): Promise<Record<string, unknown>> =>
  new Promise((resolve) => {
    pending = resolve;
    worker.postMessage(msg);
  });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const { urls } = (await call({ cmd: 'start', options: { stepsPerSec: 0, seed: 777 } })) as unknown as {
  urls: MockUrls;
};
const common = { heartbeatMs: 5000, deadAfterMs: 60_000, staleAfterMs: 60_000, logger: silentLogger };
const upbit = createFeedClient({
  exchange: 'upbit',
  wsUrl: urls.upbitWs,
  restUrl: urls.upbitRest,
  upbitFormat: 'SIMPLE',
  bookDepth: 15,
  ...common,
});
const binance = createFeedClient({
  exchange: 'binance',
  wsUrl: urls.binanceWs,
  restUrl: urls.binanceRest,
  bookDepth: 20,
  depthSnapshotLimit: 1000,
  ...common,
});
let events = 0;
for (const c of [upbit, binance] as FeedClient[]) {
  c.on('book', () => events++);
  c.on('trade', () => events++);
}
for (const m of UPBIT) upbit.subscribe(m, ['trade', 'book']);
for (const m of BINANCE) binance.subscribe(m, ['trade', 'book']);
const ready = (): boolean => UPBIT.every((m) => !!upbit.book(m)) && BINANCE.every((m) => !!binance.book(m));
for (let i = 0; i < 200 && !ready(); i++) {
  await call({ cmd: 'step', n: 1 });
  await sleep(50);
}
if (!ready()) throw new Error('books not ready');

// Record one burst: every frame each client handles, in arrival order.
const recorded: { client: FeedClient; data: Buffer; isBinary: boolean }[] = [];
for (const c of [upbit, binance] as FeedClient[]) {
  const h = (c as unknown as Internals).connection.h;
  const orig = h.onFrame;
  h.onFrame = (data, isBinary, at) => {
    recorded.push({ client: c, data: Buffer.from(data), isBinary });
    orig(data, isBinary, at);
  };
}
const { frames } = (await call({ cmd: 'prepare', steps: 3000 })) as { frames: number };
await call({ cmd: 'flush' });
while (recorded.length < frames) await sleep(5);
await call({ cmd: 'stop' });
await worker.terminate();

// Replay: rewind the Binance books so each pass applies the diffs again.
const bnBooks = (binance as unknown as Internals).books;
const firstIds = new Map<string, number>();
for (const r of recorded) {
  if (r.client !== binance) continue;
  const t = r.data.toString();
  const m = /"depthUpdate".*"s":"([A-Z]+)","U":(\d+)/.exec(t);
  if (m && !firstIds.has(m[1])) firstIds.set(m[1], Number(m[2]));
}
const handlers = recorded.map((r) =>
  (r.client as unknown as { handleFrame(d: Buffer, b: boolean): void }).handleFrame.bind(r.client),
);
const pass = (): number => {
  for (const [symbol, first] of firstIds) bnBooks.get(symbol.replace('USDT', '-USDT'))!.sync.bookId = first - 1;
  const t0 = performance.now();
  for (let i = 0; i < recorded.length; i++) handlers[i](recorded[i].data, recorded[i].isBinary);
  return performance.now() - t0;
};
const rates: number[] = [];
for (let i = 0; i < 25; i++) {
  const ms = pass();

  if (i >= 5) rates.push(recorded.length / (ms / 1000));
}
rates.sort((a, b) => a - b);
const malformed = upbit.stats().malformed + binance.stats().malformed;
console.log(
  `feed parse+apply: ${recorded.length} frames, median ${Math.round(rates[rates.length >> 1]).toLocaleString('en')} frames/s (best ${Math.round(rates[rates.length - 1]).toLocaleString('en')}), malformed ${malformed}, resyncs ${binance.stats().bookResyncs}`,
);
upbit.close();
binance.close();
process.exit(0);
