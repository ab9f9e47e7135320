/**
 * The offline practice market's first start: how long its simulated past (PRACTICE_HISTORY) takes to run and
 * journal, how long the process's event loop is held at most meanwhile (what the window waits for in web mode,
 * where the host shares the process with the bridge), what it leaves on disk, and how long the next start
 * takes to read it back. Each run opens a fresh data folder.
 *
 *   npm run bench:practice -- [runs=3]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PRACTICE_HISTORY, PracticeMarket } from '../../host/practice-market';

const runs = Math.max(1, Number(process.argv[2] ?? 3));
const results: { readyMs: number; longestBlockMs: number; reopenMs: number }[] = [];
let commands = 0;
let minuteCandles = 0;
let megabytes = 0;

for (let run = 0; run < runs; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'lpj-practice-past-'));
  try {
    // The longest the event loop went without running a 1 ms timer: the worst wait a request saw.
    let longest = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 1);
    const start = performance.now();
    const market = new PracticeMarket({ dataDir: dir });
    await market.ready;
    const readyMs = performance.now() - start;
    clearInterval(probe);
    longest = Math.max(longest, performance.now() - last);
    commands = market.journal.stats().committedCommands;
    minuteCandles = market.candles('1m', 2_000).length;
    market.close();
    megabytes = (statSync(join(dir, 'practice.db')).size + walSize(dir)) / 1e6;
    const again = performance.now();
    new PracticeMarket({ dataDir: dir, ticksPerSecond: 0 }).close();
    const reopenMs = performance.now() - again;
    results.push({ readyMs, longestBlockMs: longest, reopenMs });
    console.log(
      `run ${run + 1}: past ready in ${readyMs.toFixed(0)} ms, event loop held at most ${longest.toFixed(0)} ms, ` +
        `next start ${reopenMs.toFixed(0)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function walSize(dir: string): number {
  try {
    return statSync(join(dir, 'practice.db-wal')).size;
  } catch {
    return 0;
  }
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = {
  spanHours: PRACTICE_HISTORY.spanMs / 3_600_000,
  stepMs: PRACTICE_HISTORY.stepMs,
  commands,
  minuteCandles,
  journalMB: Number(megabytes.toFixed(1)),
  readyMsMedian: Math.round(median(results.map((r) => r.readyMs))),
  longestBlockMsMax: Math.round(Math.max(...results.map((r) => r.longestBlockMs))),
  reopenMsMedian: Math.round(median(results.map((r) => r.reopenMs))),
};
console.log(
  `${summary.spanHours} h of past at one tick per ${summary.stepMs / 1000} s: ${summary.commands} commands, ` +
    `${summary.minuteCandles} minute candles, ${summary.journalMB} MB journal`,
);
console.log(JSON.stringify(summary));
