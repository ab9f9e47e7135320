/**
 * Candle figures: how fast 1m candles aggregate to every timeframe, and how long opening a chart over a year
 * of stored 1m candles takes (read from SQLite + aggregate to the chart's interval + hand out Candle objects —
 * the path the UI uses). Run alone with `tsx engine/tools/bench/candles-bench.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { aggregateAll } from '../../core/candles/aggregate';
import { CandleStore, type MarketKey } from '../../node/candles/candle-store';
import { toColumns } from '../../core/candles/columns';
import { MINUTE_MS } from '../../core/candles/intervals';
import { syntheticMinutes } from '../../core/candles/synthetic-minutes';

const YEAR_MINUTES = 525_600;

export interface CandleBenchDetail {
  aggregateCandlesPerSec: number;
  openYearMs: number;
  /** The first open in a fresh store (statements not yet warm). */
  firstOpenYearMs: number;
  /** CPU time (user + system) of one open, median: unlike wall time, it does not grow when the machine is busy. */
  openYearCpuMs: number;
  writeYearMs: number;
  storedBytes: number;
  minutes: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchCandlesDetail(): Promise<CandleBenchDetail> {
  const from = Date.UTC(2023, 0, 1);
  // No gaps here: the full 525,600 minutes is the worst case for both figures.
  const minutes = syntheticMinutes({ seed: 42, from, minutes: YEAR_MINUTES, gapRate: 0 });
  const cols = toColumns(minutes);

  aggregateAll(cols); // warm-up (JIT)
  const rates: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    aggregateAll(cols);
    rates.push(cols.length / ((performance.now() - t) / 1000));
  }

  const dir = mkdtempSync(join(tmpdir(), 'bench-candles-'));
  try {
    const path = join(dir, 'candles.db');
    const market: MarketKey = { exchange: 'upbit', id: 'BTC-KRW' };
    const range = { from, to: from + YEAR_MINUTES * MINUTE_MS };
    let store = CandleStore.open(path);
    const w = performance.now();
    store.writeRange(market, range, minutes);
    const writeYearMs = performance.now() - w;
    store.close();

    store = CandleStore.open(path);
    const opens: number[] = [];
    const cpu: number[] = [];
    let count = 0;
    for (let i = 0; i < 6; i++) {
      const t = performance.now();
      const c0 = process.cpuUsage();
      count = store.readCandles(market, '1h', range).length;
      const c = process.cpuUsage(c0);
      opens.push(performance.now() - t);
      cpu.push((c.user + c.system) / 1000);
    }
    if (count !== YEAR_MINUTES / 60) throw new Error(`expected ${YEAR_MINUTES / 60} hourly candles, got ${count}`);
    const storedBytes = store.db.prepare('SELECT SUM(LENGTH(candles)) FROM candle_days').pluck().get() as number;
    store.close();
    return {
      aggregateCandlesPerSec: Math.round(median(rates)),
      openYearMs: Math.round(median(opens.slice(1)) * 10) / 10,
      firstOpenYearMs: Math.round(opens[0] * 10) / 10,
      openYearCpuMs: Math.round(median(cpu.slice(1)) * 10) / 10,
      writeYearMs: Math.round(writeYearMs),
      storedBytes,
      minutes: cols.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCandles(): Promise<{ aggregateCandlesPerSec: number; openYearMs: number }> {
  const { aggregateCandlesPerSec, openYearMs } = await benchCandlesDetail();
  return { aggregateCandlesPerSec, openYearMs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const d = await benchCandlesDetail();
  console.log(
    `aggregate 1m → 5m,15m,1h,4h,1d: ${d.aggregateCandlesPerSec.toLocaleString('en')} candles/s (${d.minutes} minutes)`,
  );
  console.log(
    `open a stored year as 1h candles: ${d.openYearMs} ms (median; first open ${d.firstOpenYearMs} ms; CPU ${d.openYearCpuMs} ms; target ≤ 200 ms)`,
  );
  console.log(
    `write a year: ${d.writeYearMs} ms; stored candle bytes: ${(d.storedBytes / 1e6).toFixed(2)} MB (${(d.storedBytes / d.minutes).toFixed(1)} B/candle)`,
  );
}
