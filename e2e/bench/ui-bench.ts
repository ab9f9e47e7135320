/**
 * UI benchmark (npm run bench:ui): the Market screen in Chromium against web mode, with the offline LPJ
 * practice market driven hard enough that about 100 book-and-tape updates a second reach the page. It is the
 * real simulator and the real push path (host -> web bridge -> WebSocket -> stores -> panels), not canned data.
 *
 * Measured:
 *   - first chart: navigation start -> the chart's canvas has candles (the chart host's `data-painted`);
 *   - fps: requestAnimationFrame callbacks counted in the page over 10 s while the stream runs;
 *   - long tasks: PerformanceObserver('longtask') (> 50 ms) from navigation to the end of the run;
 *   - heap: after a forced GC (CDP HeapProfiler.collectGarbage), Runtime.getHeapUsage every 10 s for 5 min;
 *     growth last - first and the least-squares slope in MiB/min;
 *   - the update rate the page received: `practice.update` frames seen on its WebSocket, and how many of them
 *     changed the book and carried trades.
 * Targets: first chart <= 1.5 s, >= 55 fps, no long task, flat heap. The last line printed is one JSON object.
 *
 * Cases (--case): `market` (default) as above; `chart-orders` first makes hours of practice history with my
 * trading in it (e2e/bench/seed-history.ts: the practice market on a fast clock, 200 market orders of mine a
 * minute and a half apart, then 50 resting limits), so the chart opens with 50 of my open orders as price lines
 * and about 200 fill marks over its candles, and measures the same while the market streams; it prints the
 * lines and marks it saw on the chart.
 *
 *   npm run bench:ui -- [--heap-seconds 300] [--pace 500] [--publish-ms 7] [--build] [--unminified]
 *                       [--data-dir DIR] [--profile FILE] [--trace FILE] [--trace-startup FILE]
 *                       [--trace-heap FILE] [--trace-light] [--task-ms 50]
 *                       [--cpu-slowdown 1]
 * Environment: CHROMIUM_PATH (default /usr/bin/chromium), BENCH_HEAP_SECONDS (same as --heap-seconds).
 *   --heap-seconds  how long to sample the heap (default 5 minutes; shorter for a quick look).
 *   --pace, --publish-ms  the practice market's simulator ticks/s and least ms between pushes (web mode's
 *                   LPJ_PRACTICE_PACE and LPJ_PRACTICE_PUBLISH_MS).
 *   --build         rebuild the renderer even when its build looks current.
 *   --unminified    serve a build without minification (its own copy), so profiles show the source's names.
 *   --data-dir      run against an existing data folder (written to: use a copy) instead of a fresh one. A fresh
 *                   one runs the practice market's simulated day of past at start (a few seconds; the chart
 *                   shows it as it is made), so the chart has a day of candles; days of practice history
 *                   measure the chart as long-time users see it.
 *   --profile FILE  a CPU profile of the page during the fps window (.cpuprofile, opens in DevTools);
 *   --trace FILE    a Chromium performance trace of that window (scripting, style, layout, paint). Both cost
 *                   frames themselves, so the fps of such a run is not the figure.
 *   --trace-startup FILE  a trace from navigation to the end of the settling time (first chart + 3 s).
 *   --trace-heap FILE  a trace of the heap sampling (with its forced GCs; use a short --heap-seconds).
 *   --cpu-slowdown N  run the page N times slower (DevTools CPU throttling), to see which tasks would pass 50 ms
 *                   on a slower or busier machine; its figures are not the targets' figures.
 *   --trace-light   traces without the JS sampling profiler: no function names, but less overhead on the page.
 *   --task-ms       traces are summarised as their main-thread tasks over this many ms (default 50), each with
 *                   its trace events and sampled functions by self time (see trace-tasks.ts).
 *
 * Not a test: CI never runs it; the figures depend on the machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { startListening, type ListeningProcess } from '../listening-process';
import { describeTask, traceLongTasks } from './trace-tasks';
import { seedFillHistory } from './seed-history';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MiB = 1024 * 1024;

const TARGET = { firstChartMs: 1500, fps: 55, longTasks: 0, heapSlopeMiBPerMin: 0.2 };
const FPS_WINDOW_MS = 10_000;
const HEAP_EVERY_MS = 10_000;
/** Streaming before the fps window, so start-up work (history fetch, first renders, JIT) is not counted in it. */
const SETTLE_MS = 3_000;

const { values: args } = parseArgs({
  options: {
    'heap-seconds': { type: 'string' },
    pace: { type: 'string' },
    'publish-ms': { type: 'string' },
    build: { type: 'boolean', default: false },
    unminified: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    profile: { type: 'string' },
    trace: { type: 'string' },
    'trace-startup': { type: 'string' },
    'trace-heap': { type: 'string' },
    'task-ms': { type: 'string' },
    'trace-light': { type: 'boolean', default: false },
    'cpu-slowdown': { type: 'string' },
    case: { type: 'string', default: 'market' },
  },
});
const benchCase = args.case === 'chart-orders' ? 'chart-orders' : 'market';
if (args.case !== benchCase) throw new Error(`--case: market or chart-orders, not ${args.case}`);

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`invalid ${name} "${raw}": expected a positive number`);
    process.exit(2);
  }
  return n;
}

const heapSeconds = positive('--heap-seconds', args['heap-seconds'] ?? process.env.BENCH_HEAP_SECONDS, 300);
// About 100 updates/s reaching the UI. The host's publish timer starts at the first commit after a push, so the
// interval between pushes is the publish time plus the wait for the next commit plus event-loop delay: 7 ms at
// 500 simulator ticks/s (a tick every 2 ms, each placing, cancelling and taking orders) measured ~100 pushes/s,
// nearly every one with a changed book. The rate the page actually received is printed with the results.
const publishMs = positive('--publish-ms', args['publish-ms'], 7);
const pace = positive('--pace', args.pace, 500);
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const taskMs = positive('--task-ms', args['task-ms'], 50);
const cpuSlowdown = positive('--cpu-slowdown', args['cpu-slowdown'], 1);
/**
 * Playwright's default trace categories, less the JS sampling profiler with --trace-light: the samples name the
 * functions in a task, but taking them slows the page, so tasks' CPU times are closer to untraced ones without.
 */
const traceCategories = [
  '-*',
  'devtools.timeline',
  'v8.execute',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'toplevel',
  'blink.console',
  'blink.user_timing',
  'latencyInfo',
  'disabled-by-default-devtools.timeline.stack',
  ...(args['trace-light'] ? [] : ['disabled-by-default-v8.cpu_profiler', 'disabled-by-default-v8.cpu_profiler.hires']),
];

// --- the renderer build ---

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The bench serves its own renderer build, so a build started meanwhile by someone else (which empties
 * out/renderer first) cannot pull the files from under a run. Built when missing, when a renderer or protocol
 * source is newer, or with --build.
 */
const staticDir = join(
  root,
  'node_modules',
  '.cache',
  'bench-ui',
  args.unminified ? 'renderer-unminified' : 'renderer',
);

function ensureRenderer(): void {
  const index = join(staticDir, 'index.html');
  const stale =
    args.build ||
    !existsSync(index) ||
    Math.max(newestMtime(join(root, 'renderer')), newestMtime(join(root, 'engine', 'protocol'))) >
      statSync(index).mtimeMs;
  if (!stale) {
    console.log(`renderer: ${staticDir} is current`);
    return;
  }
  console.log(`renderer: building into ${staticDir}`);
  const build = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--outDir',
      staticDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
      ...(args.unminified ? ['--minify', 'false'] : []),
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (build.status !== 0) throw new Error(`renderer build failed (exit ${build.status})`);
}

// --- web mode ---

/** Starts web mode as `npm run web` would, on a free port with its own data folder and the fast market. */
function startWebMode(dataDir: string): Promise<ListeningProcess> {
  return startListening(
    ['engine/host/web-main.ts', '--port', '0', '--data-dir', dataDir, '--static-dir', staticDir],
    /open (http:\/\/\S+)/,
    'web mode',
    { LPJ_PRACTICE_PACE: String(pace), LPJ_PRACTICE_PUBLISH_MS: String(publishMs) },
  );
}

// --- what the page receives ---

/**
 * Counts `practice.update` frames on the page's WebSocket as Chromium reports them (the page's own code is not
 * involved), and whether each changed the book and carried trades.
 */
class UpdateCounter {
  private times: number[] = [];
  private withTrades = 0;
  private bookChanged = 0;
  private lastBook = '';

  watch(page: Page): void {
    page.on('websocket', (ws) => {
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload !== 'string' || !payload.includes('"practice.update"')) return;
        const frame = JSON.parse(payload) as {
          name?: string;
          payload?: { trades: unknown[]; bids: unknown; asks: unknown };
        };
        if (frame.name !== 'practice.update' || !frame.payload) return;
        this.times.push(performance.now());
        if (frame.payload.trades.length) this.withTrades++;
        const book = JSON.stringify([frame.payload.bids, frame.payload.asks]);
        if (book !== this.lastBook) this.bookChanged++;
        this.lastBook = book;
      });
    });
  }

  get total(): number {
    return this.times.length;
  }

  /** Frames received between two `performance.now()` readings of this process, per second. */
  rate(from: number, to: number): number {
    const n = this.times.filter((t) => t >= from && t < to).length;
    return n / ((to - from) / 1000);
  }

  shares(): { withTrades: number; bookChanged: number } {
    const n = Math.max(1, this.times.length);
    return { withTrades: this.withTrades / n, bookChanged: this.bookChanged / n };
  }
}

// --- in the page ---
// Page code is kept as source text: tsx compiles functions with name helpers that do not exist in the page, so
// functions handed to Playwright by reference would fail there.

/**
 * Installed before the app's scripts: long tasks from the start, and the moment the chart host gets
 * `data-painted` (a MutationObserver callback runs right after the frame callback that set it).
 */
const PAGE_PROBE = `(() => {
  const probe = { longTasks: [], frames: [], chartPaintedAt: null };
  window.__bench = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration) });
  }).observe({ type: 'longtask', buffered: true });
  // Long animation frames say what a long task held: the scripts that ran in it (entry point and source, 5 ms
  // and over), its forced style and layout, and the rendering (style, layout, paint) at its end.
  const file = (url) => (url || '').replace(/^.*\\//, '').replace(/-[\\w-]{8}\\.js$/, '.js');
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.duration <= 50) continue;
        probe.frames.push({
          start: Math.round(e.startTime),
          duration: Math.round(e.duration),
          render: e.renderStart ? Math.round(e.startTime + e.duration - e.renderStart) : 0,
          styleAndLayout: e.styleAndLayoutStart ? Math.round(e.startTime + e.duration - e.styleAndLayoutStart) : 0,
          scripts: e.scripts.map((s) => ({
            what: s.invokerType + ' ' + (s.invoker || '') + (s.sourceFunctionName ? ' -> ' + s.sourceFunctionName : '') +
              (s.sourceURL ? ' (' + file(s.sourceURL) + (s.sourceCharPosition >= 0 ? ':' + s.sourceCharPosition : '') + ')' : ''),
            duration: Math.round(s.duration),
            forced: Math.round(s.forcedStyleAndLayoutDuration),
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
  const watch = new MutationObserver(() => {
    if (probe.chartPaintedAt === null && document.querySelector('.chart-host[data-painted]')) {
      probe.chartPaintedAt = performance.now();
      watch.disconnect();
    }
  });
  watch.observe(document, { subtree: true, attributes: true, attributeFilter: ['data-painted'] });
})()`;

/** Animation frames over `ms`: how many, over how long, and the longest gap between two. */
const countFrames = (ms: number) => `new Promise((done) => {
  let frames = 0, first = 0, prev = 0, worst = 0;
  const tick = (t) => {
    if (!first) first = prev = t;
    else {
      frames++;
      worst = Math.max(worst, t - prev);
      prev = t;
    }
    if (t - first < ${ms}) requestAnimationFrame(tick);
    else done({ frames, elapsedMs: t - first, worstGapMs: worst });
  };
  requestAnimationFrame(tick);
})`;

interface LongFrame {
  start: number;
  duration: number;
  /** ms from the start of rendering (style, layout, paint) to the frame's end; 0 if it drew nothing. */
  render: number;
  styleAndLayout: number;
  scripts: { what: string; duration: number; forced: number }[];
}

interface Probe {
  longTasks: { start: number; duration: number }[];
  frames: LongFrame[];
  chartPaintedAt: number | null;
}

/** What a long task held, from the long animation frames over it: scripts (longest first) and rendering. */
function attribute(task: { start: number; duration: number }, frames: LongFrame[]): string {
  const over = frames.filter((f) => f.start <= task.start + task.duration && f.start + f.duration >= task.start);
  if (!over.length) return 'no long animation frame over it (work outside script, e.g. parsing or GC)';
  return over
    .map((f) => {
      const scripts = [...f.scripts].sort((a, b) => b.duration - a.duration).slice(0, 4);
      const parts = scripts.map(
        (s) => `${s.what} ${s.duration} ms${s.forced ? ` (forced style/layout ${s.forced})` : ''}`,
      );
      const unscripted = f.duration - f.scripts.reduce((n, s) => n + s.duration, 0) - f.render;
      if (f.render)
        parts.push(`rendering ${f.render} ms${f.styleAndLayout ? ` (style/layout ${f.styleAndLayout})` : ''}`);
      if (unscripted > 5) parts.push(`${unscripted} ms neither script >= 5 ms nor rendering`);
      return `frame ${f.duration} ms: ${parts.join('; ')}`;
    })
    .join(' | ');
}
const readProbe = (page: Page) => page.evaluate('window.__bench') as Promise<Probe>;

/** My order lines (each has its cancel control) and fill marks on the chart now, and how many fills they count. */
const readChartOrders = (page: Page) =>
  page.evaluate(`(() => {
    const host = document.querySelector('.chart-host');
    return {
      orderLines: document.querySelectorAll('.chart-order-cancel').length,
      fillMarks: Number(host?.dataset.fillMarks ?? 0),
      fillsMarked: Number(host?.dataset.fillCount ?? 0),
    };
  })()`) as Promise<{ orderLines: number; fillMarks: number; fillsMarked: number }>;

// --- heap ---

/** A span of the page's clock (ms since its navigation start). */
interface Span {
  from: number;
  to: number;
}

/**
 * Used heap after a forced full GC, and when the GC ran on the page's clock: a forced GC is itself a main-thread
 * task that can pass 50 ms, and it is the bench's doing, not the app's.
 */
async function heapAfterGc(cdp: CDPSession, timeOrigin: number): Promise<{ used: number; gc: Span }> {
  const from = Date.now() - timeOrigin;
  await cdp.send('HeapProfiler.collectGarbage');
  const to = Date.now() - timeOrigin;
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return { used: usedSize, gc: { from, to } };
}

/** Main-thread time the page spent, from CDP Performance.getMetrics (seconds, cumulative). */
async function mainThreadTimes(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den ? num / den : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The main-thread tasks over --task-ms in a trace, with what each spent its time on. */
function printTraceTasks(what: string, path: string): void {
  const tasks = traceLongTasks(path, taskMs);
  const cpu = tasks.filter((t) => t.cpuMs > taskMs).length;
  console.log(
    `performance trace of ${what}: ${path}; ${tasks.length} main-thread task(s) over ${taskMs} ms, ${cpu} of them in CPU time`,
  );
  for (const t of tasks) console.log(`  ${describeTask(t)}`);
}
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

// --- the run ---

async function main(): Promise<void> {
  ensureRenderer();
  const ownDataDir = !args['data-dir'];
  const dataDir = args['data-dir'] ? resolve(args['data-dir']) : mkdtempSync(join(tmpdir(), 'lpj-bench-ui-'));
  let web: ListeningProcess | null = null;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  // The figures depend on what else the machine is doing; say so next to them.
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log(
    `machine: ${availableParallelism()} CPUs, load average ${load()}${cpuSlowdown !== 1 ? `; the page runs ${cpuSlowdown}× slower (--cpu-slowdown)` : ''}`,
  );
  try {
    let seeded: { orders: number; fills: number } | null = null;
    if (benchCase === 'chart-orders') {
      const started = performance.now();
      const made = await seedFillHistory(dataDir, { fills: 200, orders: 50, stepMs: 90_000, speed: 600, pace: 150 });
      seeded = made;
      console.log(
        `chart-orders case: ${made.fills} fills of mine over ${round((made.to - made.from) / 3_600_000)} h of practice history ` +
          `and ${made.orders} open orders, made in ${round((performance.now() - started) / 1000)} s on a fast clock`,
      );
    }
    web = await startWebMode(dataDir);
    console.log(
      `web mode: ${web.url} (practice market at ${pace} ticks/s, updates at most every ${publishMs} ms; data ${dataDir})`,
    );
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--enable-precise-memory-info',
      ],
    });
    console.log(`browser: ${chromiumPath} ${browser.version()}`);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    if (cpuSlowdown !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    const counter = new UpdateCounter();
    counter.watch(page);
    await page.addInitScript({ content: PAGE_PROBE });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));

    // First chart: timed in the page against its own navigation start (performance.now() is relative to it).
    if (args['trace-startup'])
      await browser.startTracing(page, {
        path: args['trace-startup'],
        screenshots: false,
        categories: traceCategories,
      });
    await page.goto(web.url);
    await page.waitForSelector('.chart-host[data-painted]', { timeout: 30_000 });
    const paintedAt = (await readProbe(page)).chartPaintedAt;
    if (paintedAt === null) throw new Error('the chart was marked painted but the page probe did not see it');
    const firstChartMs = Math.round(paintedAt);
    const timeOrigin = (await page.evaluate('performance.timeOrigin')) as number;
    console.log(`first chart: ${firstChartMs} ms after navigation start (target <= ${TARGET.firstChartMs})`);
    let onChart: { orderLines: number; fillMarks: number; fillsMarked: number } | null = null;
    if (seeded) {
      // The lines and every fill's mark are on the chart before the window is measured.
      await page.waitForFunction(
        `document.querySelectorAll('.chart-order-cancel').length >= ${seeded.orders} && Number(document.querySelector('.chart-host')?.dataset.fillCount) >= ${seeded.fills}`,
        undefined,
        { timeout: 30_000 },
      );
      onChart = await readChartOrders(page);
      console.log(
        `chart-orders case: ${onChart.orderLines} order lines and ${onChart.fillMarks} fill marks (one per candle and side, ` +
          `counting ${onChart.fillsMarked} fills) on the chart`,
      );
    }

    await sleep(SETTLE_MS);
    if (args['trace-startup']) {
      await browser.stopTracing();
      printTraceTasks('start-up and settling', args['trace-startup']);
    }

    if (args.profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    if (args.trace)
      await browser.startTracing(page, { path: args.trace, screenshots: false, categories: traceCategories });
    const fpsFrom = performance.now();
    const timesFrom = await mainThreadTimes(cdp);
    const fpsRun = (await page.evaluate(countFrames(FPS_WINDOW_MS))) as {
      frames: number;
      elapsedMs: number;
      worstGapMs: number;
    };
    const timesTo = await mainThreadTimes(cdp);
    const fpsTo = performance.now();
    if (args.profile) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(args.profile, JSON.stringify(profile));
      console.log(`cpu profile of the fps window: ${args.profile}`);
    }
    if (args.trace) {
      await browser.stopTracing();
      printTraceTasks('the fps window', args.trace);
    }
    const fps = round((fpsRun.frames * 1000) / fpsRun.elapsedMs);
    const updatesPerSec = round(counter.rate(fpsFrom, fpsTo));
    console.log(
      `fps: ${fps} over ${round(fpsRun.elapsedMs / 1000)} s, longest frame gap ${round(fpsRun.worstGapMs)} ms (target >= ${TARGET.fps}); ` +
        `meanwhile ${updatesPerSec} practice.update/s received`,
    );
    // Where the page's main thread went in that window, per frame drawn (wall time, so a busy machine inflates it).
    const perFrame = (name: string) =>
      round(((timesTo[name] - timesFrom[name]) * 1000) / Math.max(1, fpsRun.frames), 2);
    const busy = round((100 * (timesTo.TaskDuration - timesFrom.TaskDuration) * 1000) / fpsRun.elapsedMs);
    console.log(
      `main thread: busy ${busy}% of the window; per frame ${perFrame('TaskDuration')} ms, of which script ${perFrame('ScriptDuration')}, ` +
        `style ${perFrame('RecalcStyleDuration')}, layout ${perFrame('LayoutDuration')} ms`,
    );

    // Heap: sampled after a forced GC, so the trend is retained memory rather than garbage not yet collected.
    console.log(`heap: sampling every ${HEAP_EVERY_MS / 1000} s for ${heapSeconds} s while streaming`);
    const heapFrom = performance.now();
    const heapMinutes: number[] = [];
    const heapMiB: number[] = [];
    const gcSpans: Span[] = [];
    const heapStart = performance.now();
    if (args['trace-heap'])
      await browser.startTracing(page, { path: args['trace-heap'], screenshots: false, categories: traceCategories });
    for (let i = 0; ; i++) {
      const due = heapStart + i * HEAP_EVERY_MS;
      await sleep(Math.max(0, due - performance.now()));
      const { used, gc } = await heapAfterGc(cdp, timeOrigin);
      gcSpans.push(gc);
      const at = (performance.now() - heapStart) / 60_000;
      heapMinutes.push(at);
      heapMiB.push(used / MiB);
      console.log(`  ${round(at * 60, 0)} s: ${round(used / MiB, 2)} MiB`);
      if (i * HEAP_EVERY_MS >= heapSeconds * 1000) break;
    }
    const heapTo = performance.now();
    if (args['trace-heap']) {
      await browser.stopTracing();
      printTraceTasks('the heap sampling (forced GCs included)', args['trace-heap']);
    }
    const heapGrowthMiB = round(heapMiB[heapMiB.length - 1] - heapMiB[0], 2);
    const heapSlopeMiBPerMin = round(slope(heapMinutes, heapMiB), 3);
    const heapFlat = heapSlopeMiBPerMin <= TARGET.heapSlopeMiBPerMin;
    console.log(
      `heap: ${round(heapMiB[0], 2)} -> ${round(heapMiB[heapMiB.length - 1], 2)} MiB, growth ${heapGrowthMiB} MiB, ` +
        `trend ${heapSlopeMiBPerMin} MiB/min (flat: <= ${TARGET.heapSlopeMiBPerMin}); ${round(counter.rate(heapFrom, heapTo))} practice.update/s received meanwhile`,
    );

    // Long tasks: the app's, from navigation to now; those overlapping a forced GC of the heap sampling are the
    // bench's and are listed apart (both clocks are this machine's wall clock; 100 ms covers the CDP round trip).
    const probe = await readProbe(page);
    const byGc = (t: { start: number; duration: number }) =>
      gcSpans.some((g) => t.start <= g.to + 100 && t.start + t.duration >= g.from - 100);
    const appTasks = probe.longTasks.filter((t) => !byGc(t));
    const longTasks = appTasks.length;
    const phase = (t: { start: number }) =>
      t.start < firstChartMs ? 'start-up' : t.start < firstChartMs + SETTLE_MS ? 'settling' : 'streaming';
    const phases = ['start-up', 'settling', 'streaming']
      .map((p) => `${p} ${appTasks.filter((t) => phase(t) === p).length}`)
      .join(', ');
    const longest = [...appTasks].sort((a, b) => b.duration - a.duration).slice(0, 5);
    console.log(
      `long tasks (> 50 ms) over the whole run: ${longTasks} (${phases})` +
        (longest.length ? ` — longest: ${longest.map((t) => `${t.duration} ms at ${t.start} ms`).join(', ')}` : '') +
        `; ${probe.longTasks.length - longTasks} more overlapped the bench's forced GCs`,
    );
    for (const t of [...appTasks].sort((a, b) => a.start - b.start)) {
      console.log(`  ${t.duration} ms at ${t.start} ms (${phase(t)}): ${attribute(t, probe.frames)}`);
    }
    if (onChart) {
      // What was on the chart while it was measured, read again at the end.
      onChart = await readChartOrders(page);
      console.log(
        `chart-orders case at the end: ${onChart.orderLines} order lines, ${onChart.fillMarks} fill marks counting ${onChart.fillsMarked} fills`,
      );
    }
    const shares = counter.shares();
    console.log(
      `updates received: ${counter.total} practice.update frames; ${round(shares.bookChanged * 100)}% changed the book, ` +
        `${round(shares.withTrades * 100)}% carried trades`,
    );
    if (pageErrors.length) console.log(`page errors: ${pageErrors.join(' | ')}`);
    console.log(`machine: load average ${load()} at the end`);

    const met = {
      firstChart: firstChartMs <= TARGET.firstChartMs,
      fps: fps >= TARGET.fps,
      longTasks: longTasks <= TARGET.longTasks,
      heapFlat,
    };
    console.log(
      `targets: ${Object.entries(met)
        .map(([k, ok]) => `${k} ${ok ? 'met' : 'MISSED'}`)
        .join(', ')}`,
    );
    console.log(
      JSON.stringify({
        case: benchCase,
        firstChartMs,
        fps,
        longTasks,
        heapGrowthMiB,
        heapSlopeMiBPerMin,
        heapSeconds,
        updatesPerSec,
        bookChangedShare: round(shares.bookChanged, 3),
        tradesShare: round(shares.withTrades, 3),
        worstFrameGapMs: round(fpsRun.worstGapMs),
        mainThreadBusyPct: busy,
        loadAverage: loadavg()[0],
        pace,
        publishMs,
        ...(cpuSlowdown !== 1 ? { cpuSlowdown } : {}),
        ...(onChart ? onChart : {}),
        targetsMet: Object.values(met).every(Boolean),
      }),
    );
  } finally {
    await browser?.close();
    if (web) {
      web.process.kill('SIGTERM');
      await new Promise((r) => (web!.process.exitCode !== null ? r(null) : web!.process.once('exit', r)));
    }
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
