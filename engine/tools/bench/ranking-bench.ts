/**
 * Ranking and copy-trading benchmark (not a test; CI never runs it): `npm run bench:ranking`.
 *
 * A seeded synthetic history — 100,000 accounts trading four KRW markets for 30 days, 20,000,000 trades,
 * with deposits and follower changes sprinkled in — is generated on the fly (streamed, never held at once), then:
 *  1. batch: every board recomputed from scratch from the stream (generation included in the time);
 *  2. incremental: the live service applies the same history in chunks with boards kept current at every hourly
 *     mark; only the apply time is counted (each chunk is generated beforehand);
 *  3. top-100 query latency (p99) on the live boards;
 *  4. copy fan-out: one leader fill mirrored to 10,000 subscribers (order intents and their bookkeeping).
 * The last line is one JSON object with the figures. Sizes can be scaled down for a quick look:
 * `npm run bench:ranking -- --trades 2000000 --accounts 20000`.
 */
import { mulberry32 } from '../../core/random/prng';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { CopyTrading } from '../../core/copy';
import type { MarketConfig } from '../../core/matching/types';
import { DAY_MS, RankingService, recomputeRanking, type Period, type RankingRecord } from '../../core/ranking';
import { mulDivFloor } from '../../core/ranking/exact';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}

const TRADES = arg('trades', 20_000_000);
const ACCOUNTS = arg('accounts', 100_000);
const DAYS = arg('days', 30);
const SUBSCRIBERS = arg('subscribers', 10_000);
const SEED = arg('seed', 777);
const T0 = 1_767_225_600_000; // 2026-01-01 00:00 UTC

const MARKETS: MarketConfig[] = [
  {
    id: 'LPJ-KRW',
    base: 'LPJ',
    quote: 'KRW',
    baseDecimals: 8,
    tickSize: 1,
    lotSize: 1_000,
    minNotional: 5_000,
    makerFeeBps: 0,
    takerFeeBps: 5,
    priceBandBps: 1_000,
  },
  {
    id: 'BTC-KRW',
    base: 'BTC',
    quote: 'KRW',
    baseDecimals: 8,
    tickSize: 1_000,
    lotSize: 1_000,
    minNotional: 5_000,
    makerFeeBps: 5,
    takerFeeBps: 5,
    priceBandBps: 500,
  },
  {
    id: 'ETH-KRW',
    base: 'ETH',
    quote: 'KRW',
    baseDecimals: 8,
    tickSize: 100,
    lotSize: 1_000,
    minNotional: 5_000,
    makerFeeBps: 5,
    takerFeeBps: 5,
    priceBandBps: 500,
  },
  {
    id: 'XRP-KRW',
    base: 'XRP',
    quote: 'KRW',
    baseDecimals: 6,
    tickSize: 1,
    lotSize: 1,
    minNotional: 5_000,
    makerFeeBps: 5,
    takerFeeBps: 5,
    priceBandBps: 500,
  },
];
const START_PRICE = [1_000, 140_000_000, 5_000_000, 3_000];
const RANKING = { markets: MARKETS, expectedAccounts: ACCOUNTS + 16 };

/** The history, record by record; the same seed always gives the same stream. */
function* history(): Generator<RankingRecord> {
  const r = mulberry32(SEED);
  for (let a = 1; a <= ACCOUNTS; a++) {
    yield { type: 'account', ts: T0, account: a, nickname: `trader${a}` };
    yield { type: 'flow', ts: T0, account: a, asset: 'KRW', amount: 10_000_000, kind: 'grant' };
  }
  const prices = START_PRICE.slice();
  const span = DAYS * DAY_MS;
  for (let i = 0; i < TRADES; i++) {
    const ts = T0 + Math.floor((i * span) / TRADES);
    const m = (r() * MARKETS.length) | 0;
    const mk = MARKETS[m];
    // A random walk of ±0.2% per trade, kept on the tick.
    const p0 = prices[m];
    const p = Math.max(mk.tickSize, Math.round((p0 * (1 + (r() - 0.5) * 0.004)) / mk.tickSize) * mk.tickSize);
    prices[m] = p;
    const unit = 10 ** mk.baseDecimals;
    // 10,000 to 200,000 KRW a trade, in whole lots.
    const notional = 10_000 + r() * 190_000;
    const qty = Math.max(mk.lotSize, Math.floor((notional * unit) / p / mk.lotSize) * mk.lotSize);
    const buyer = 1 + ((r() * ACCOUNTS) | 0);
    let seller = 1 + ((r() * ACCOUNTS) | 0);
    if (seller === buyer) seller = (seller % ACCOUNTS) + 1;
    const quote = mulDivFloor(p, qty, unit);
    const fee = Math.floor((quote * 5) / 10_000);
    yield {
      type: 'trade',
      ts,
      market: mk.id,
      price: p,
      quantity: qty,
      quoteAmount: quote,
      buyer,
      seller,
      buyerFee: fee,
      sellerFee: fee,
    };
    if (i % 2_000 === 0)
      yield { type: 'flow', ts, account: 1 + ((r() * ACCOUNTS) | 0), asset: 'KRW', amount: 1_000_000, kind: 'deposit' };
    if (i % 5_000 === 0) yield { type: 'followers', ts, account: 1 + ((r() * 100) | 0), delta: 1 };
  }
}

let peakRss = 0;
const sampleMemory = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const mib = (b: number) => Math.round(b / 1_048_576);
const log = (s: string) => process.stdout.write(`${s}\n`);

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

// The machine may be shared: its load and this process's CPU time put the wall-clock figures in context.
const loadAtStart = loadavg()[0];
const cpuAtStart = process.cpuUsage();
log(`machine: ${cpus().length} cores, load average ${loadAtStart.toFixed(1)}`);
log(
  `history: ${TRADES.toLocaleString('en')} trades, ${ACCOUNTS.toLocaleString('en')} accounts, ${DAYS} days, seed ${SEED}`,
);

// 1. Batch recompute.
const t = performance.now();
const batch = recomputeRanking(RANKING, history(), {
  progressEvery: 2_000_000,
  onProgress: (p) => {
    sampleMemory();
    log(
      `  batch: ${p.records.toLocaleString('en')} records, ${new Date(p.ts).toISOString()}${p.done ? ' (done)' : ''}`,
    );
  },
});
const batchSeconds = (performance.now() - t) / 1000;
const PERIODS: Period[] = ['1d', '7d', '30d', 'all'];
const batchTop = Object.fromEntries(PERIODS.map((p) => [p, batch.top(p, 1000)]));
log(`batch: ${batchSeconds.toFixed(1)} s; board sizes ${PERIODS.map((p) => `${p}=${batch.boardSize(p)}`).join(' ')}`);

// 2. Incremental.
const live = new RankingService(RANKING);
// Records arrive in small batches, as they would from the log tail; small batches also die young in the
// garbage collector's nursery instead of being promoted and collected by the slower major collector.
const CHUNK = 8_192;
let chunk: RankingRecord[] = [];
let applyMs = 0;
let applied = 0;
let tradesApplied = 0;
const flush = () => {
  const s = performance.now();
  for (let i = 0; i < chunk.length; i++) live.apply(chunk[i]);
  applyMs += performance.now() - s;
  applied += chunk.length;
  chunk = [];
};
let nextReport = 2_000_000;
for (const rec of history()) {
  chunk.push(rec);
  if (rec.type === 'trade') tradesApplied++;
  if (chunk.length === CHUNK) {
    flush();
    if (tradesApplied >= nextReport) {
      sampleMemory();
      log(
        `  incremental: ${tradesApplied.toLocaleString('en')} trades, ${((tradesApplied / applyMs) * 1000).toFixed(0)} trades/s so far`,
      );
      nextReport += 2_000_000;
    }
  }
}
flush();
live.advanceTo(batch.markMs);
const incrementalTradesPerSec = Math.round((TRADES / applyMs) * 1000);
log(
  `incremental: ${(applyMs / 1000).toFixed(1)} s applying ${applied.toLocaleString('en')} records (${incrementalTradesPerSec.toLocaleString('en')} trades/s)`,
);

// The two must agree; the test suite checks every figure, here the top 1,000 of every board.
for (const p of PERIODS) {
  if (JSON.stringify(live.top(p, 1000)) !== JSON.stringify(batchTop[p]))
    throw new Error(`batch and incremental disagree on the ${p} board`);
}
log('batch = incremental on the top 1,000 of every board');

// 3. Top-100 latency.
const lat: number[] = [];
for (let i = 0; i < 20_000; i++) {
  const s = performance.now();
  live.top(PERIODS[i % 4], 100);
  lat.push(performance.now() - s);
}
lat.sort((a, b) => a - b);
const top100P99Ms = percentile(lat, 0.99);
log(`top-100: p50 ${percentile(lat, 0.5).toFixed(3)} ms, p99 ${top100P99Ms.toFixed(3)} ms`);
sampleMemory();

// 4. Copy fan-out.
const copy = new CopyTrading({ markets: MARKETS });
const leader = 1;
copy.openStrategy({ leader, profitShareBps: 1_000, ts: T0 });
for (let s = 0; s < SUBSCRIBERS; s++) {
  copy.subscribe({
    subscriber: 1_000_000 + s,
    subAccount: 2_000_000 + s,
    leader,
    amount: 1_000_000 + s * 37,
    availableBalance: 100_000_000,
    ts: T0,
  });
}
const fanout: number[] = [];
let intents = 0;
for (let i = 0; i < 5; i++) {
  const s = performance.now();
  const out = copy.mirrorFill({
    leader,
    market: 'BTC-KRW',
    side: 'buy',
    price: 140_000_000,
    quantity: 10_000_000, // 0.1 BTC
    leaderEquity: 200_000_000,
    referencePrice: 140_000_000,
    ts: T0 + i,
  });
  fanout.push(performance.now() - s);
  intents = out.orders.length + out.skipped.length;
  // The orders come back unfilled (an empty book), which releases their reservations for the next round.
  for (const o of out.orders)
    copy.copyOrderResult({ clientOrderId: o.command.clientOrderId as string, fills: [], ts: T0 + i });
}
fanout.sort((a, b) => a - b);
const fanout10kMs = fanout[Math.floor(fanout.length / 2)];
log(
  `copy fan-out: ${intents.toLocaleString('en')} copies in ${fanout10kMs.toFixed(1)} ms (median of ${fanout.length})`,
);
sampleMemory();

const peakMemMiB = mib(Math.max(peakRss, process.resourceUsage().maxRSS * 1024));
log(`peak memory: ${peakMemMiB} MiB`);
log(
  JSON.stringify({
    trades: TRADES,
    accounts: ACCOUNTS,
    batchSeconds: Number(batchSeconds.toFixed(2)),
    incrementalTradesPerSec,
    top100P99Ms: Number(top100P99Ms.toFixed(4)),
    fanout10kMs: Number(fanout10kMs.toFixed(2)),
    peakMemMiB,
    cpuSeconds: Number(((process.cpuUsage(cpuAtStart).user + process.cpuUsage(cpuAtStart).system) / 1e6).toFixed(1)),
    loadAvgAtStart: Number(loadAtStart.toFixed(2)),
    loadAvgAtEnd: Number(loadavg()[0].toFixed(2)),
  }),
);
