/**
 * Feed benchmark: how fast the feed clients parse and apply real wire frames, and how long a frame takes to
 * become a normalised event.
 *
 * The mock exchange runs in a worker thread on 127.0.0.1 (real sockets, its own CPU). It simulates a burst of
 * market steps ahead of time — Upbit whole orderbooks + trades, Binance depth diffs + trades, four markets
 * each — then sends the frames as fast as the sockets take them. The clients (this thread) validate every
 * frame, convert prices and sizes to integer units, replace Upbit books, apply Binance diffs to the kept books,
 * and emit events. Throughput = frames handled / wall time from the first frame of the burst to the last.
 * Latency = from the 'message' event of a frame (frame arrival) to its event reaching a listener.
 *
 *   npm run bench:feed
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createFeedClient, type FeedClient } from '../../node/feed/feed-client';
import { silentLogger } from '../../node/feed/logger';
import type { MockUrls } from '../mock-exchange/mock-exchange';

const WARMUP_STEPS = 1500;
const MEASURE_STEPS = 6000;
const UPBIT = ['BTC-KRW', 'ETH-KRW', 'XRP-KRW', 'SOL-KRW'];
const BINANCE = ['BTC-USDT', 'ETH-USDT', 'XRP-USDT', 'SOL-USDT'];

function startWorker(): { call: (msg: object) => Promise<Record<string, unknown>>; worker: Worker } {
  // tsx is registered inside the worker so it can load the TypeScript mock directly.
  const target = new URL('../mock-exchange/worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(target)}); })`,
    { eval: true },
  );
  let pending: ((m: Record<string, unknown>) => void) | undefined;
  worker.on('message', (m: Record<string, unknown>) => pending?.(m));
  worker.on('error', (e) => {
    console.error('mock exchange worker failed:', e);
    process.exit(1);
  });
  const call = (msg: object): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      pending = (m) => (m.ok ? resolve(m) : reject(new Error(String(m.error))));
      worker.postMessage(msg);
    });
  return { call, worker };
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * CPU time this thread has used, in ms, where Linux tells it (/proc: 10 ms ticks), else undefined. Unlike wall
 * clock figures it hardly moves when other work shares the machine, so it compares runs on a busy machine.
 */
function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, at USER_HZ = 100
  } catch {
    return undefined;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function benchFeed(): Promise<{
  messagesPerSec: number;
  perBusySecond: number;
  cpuMicrosPerMessage: number | null;
  p50Micros: number;
  p99Micros: number;
  frames: number;
  upbitFrames: number;
  binanceFrames: number;
  bookResyncs: number;
  malformed: number;
}> {
  const { call, worker } = startWorker();
  const { urls } = (await call({ cmd: 'start', options: { stepsPerSec: 0, seed: 777 } })) as unknown as {
    urls: MockUrls;
  };

  let frameAt = 0;
  const latencies = new Float64Array(4_000_000);
  let nLat = 0;
  let recording = false;
  let firstFrame = 0;
  let lastFrame = 0;
  let busyMs = 0;
  let cpuMs: number | undefined;
  const onFrame = (): void => {
    frameAt = performance.now();
    if (recording && firstFrame === 0) firstFrame = frameAt;
  };
  const common = { heartbeatMs: 5000, deadAfterMs: 60_000, staleAfterMs: 60_000, logger: silentLogger, onFrame };
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
  const clients: FeedClient[] = [upbit, binance];
  for (const c of clients) {
    const record = (): void => {
      const now = performance.now();
      lastFrame = now;
      if (recording && nLat < latencies.length) latencies[nLat++] = now - frameAt;
    };
    c.on('book', record);
    c.on('trade', record);
  }
  for (const m of UPBIT) upbit.subscribe(m, ['trade', 'book']);
  for (const m of BINANCE) binance.subscribe(m, ['trade', 'book']);
  const framesNow = (): number => upbit.stats().frames + binance.stats().frames;

  // Books synced (Binance: snapshot + diffs) before anything is measured.
  const ready = (): boolean => UPBIT.every((m) => !!upbit.book(m)) && BINANCE.every((m) => !!binance.book(m));
  for (let i = 0; i < 100 && !ready(); i++) {
    await call({ cmd: 'step', n: 1 });
    await new Promise((r) => setTimeout(r, 50));
  }
  await waitFor(() => BINANCE.every((m) => !!binance.book(m)) && UPBIT.every((m) => !!upbit.book(m)), 10_000, 'books');

  const burst = async (steps: number, measure: boolean): Promise<number> => {
    const { frames } = (await call({ cmd: 'prepare', steps })) as { frames: number };
    const before = framesNow();
    recording = measure;
    firstFrame = 0;
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = threadCpuMs();
    await call({ cmd: 'flush' });
    await waitFor(() => framesNow() - before >= frames, 120_000, 'burst delivered');
    recording = false;
    busyMs = performance.eventLoopUtilization(elu0).active;
    const cpu1 = threadCpuMs();
    cpuMs = cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0;
    return frames;
  };

  await burst(WARMUP_STEPS, false);
  const upBefore = upbit.stats().frames;
  const bnBefore = binance.stats().frames;
  const frames = await burst(MEASURE_STEPS, true);
  const seconds = (lastFrame - firstFrame) / 1000;
  const sorted = latencies.slice(0, nLat).sort();
  const result = {
    messagesPerSec: Math.round(frames / seconds),
    // Frames per second of this thread's busy time (event-loop utilisation): what the client could sustain
    // if frames arrived faster than the sender here produces them.
    perBusySecond: Math.round(frames / (busyMs / 1000)),
    // The client thread's CPU time per frame (this thread also runs the benchmark's own timing).
    cpuMicrosPerMessage: cpuMs === undefined ? null : Math.round((cpuMs * 1000 * 100) / frames) / 100,
    p50Micros: Math.round(percentile(sorted, 0.5) * 1000 * 10) / 10,
    p99Micros: Math.round(percentile(sorted, 0.99) * 1000 * 10) / 10,
    frames,
    upbitFrames: upbit.stats().frames - upBefore,
    binanceFrames: binance.stats().frames - bnBefore,
    bookResyncs: binance.stats().bookResyncs,
    malformed: upbit.stats().malformed + binance.stats().malformed,
  };
  for (const c of clients) c.close();
  await call({ cmd: 'stop' });
  await worker.terminate();
  return result;
}

/** The candle store's own benchmark, when that module is present in this checkout. */
async function benchCandlesIfPresent(): Promise<{
  aggregateCandlesPerSec: number | null;
  openYearMs: number | null;
  note?: string;
}> {
  const path = fileURLToPath(new URL('./candles-bench.ts', import.meta.url));
  if (!existsSync(path))
    return {
      aggregateCandlesPerSec: null,
      openYearMs: null,
      note: 'engine/tools/bench/candles-bench.ts not present: candle figures not measured',
    };
  const mod = (await import(pathToFileURL(path).href)) as {
    benchCandles?: () => Promise<{ aggregateCandlesPerSec: number; openYearMs: number }>;
  };
  if (typeof mod.benchCandles !== 'function')
    return { aggregateCandlesPerSec: null, openYearMs: null, note: 'candles-bench.ts exports no benchCandles()' };
  const r = await mod.benchCandles();
  return { aggregateCandlesPerSec: r.aggregateCandlesPerSec, openYearMs: r.openYearMs };
}

const feed = await benchFeed();
console.log(
  `feed: ${feed.frames} frames (Upbit ${feed.upbitFrames}: SIMPLE orderbooks + trades; Binance ${feed.binanceFrames}: depth diffs + trades), 8 markets`,
);
console.log(
  `feed: ${feed.messagesPerSec.toLocaleString('en')} messages/s parsed and applied, wall clock from first to last frame (target >= 200,000)`,
);
console.log(
  `feed: ${feed.perBusySecond.toLocaleString('en')} messages per second of client busy time (event-loop utilisation)`,
);
if (feed.cpuMicrosPerMessage !== null)
  console.log(
    `feed: ${feed.cpuMicrosPerMessage} us of client thread CPU per message (10 ms ticks; steady when the machine is busy)`,
  );
console.log(`feed: frame arrival -> event p50 ${feed.p50Micros} us, p99 ${feed.p99Micros} us (target p99 <= 1000 us)`);
console.log(`feed: book resyncs ${feed.bookResyncs}, malformed ${feed.malformed}`);
const candles = await benchCandlesIfPresent();
if (candles.note) console.log(`candles: ${candles.note}`);
else
  console.log(
    `candles: ${candles.aggregateCandlesPerSec} candles/s aggregated, a year of 1m candles opens in ${candles.openYearMs} ms`,
  );
console.log(
  JSON.stringify({
    messagesPerSec: feed.messagesPerSec,
    messagesPerBusySec: feed.perBusySecond,
    cpuMicrosPerMessage: feed.cpuMicrosPerMessage,
    p50Micros: feed.p50Micros,
    p99Micros: feed.p99Micros,
    aggregateCandlesPerSec: candles.aggregateCandlesPerSec,
    openYearMs: candles.openYearMs,
  }),
);
process.exit(0);
