/**
 * Matching engine benchmark: our MatchingEngine against nodejs-order-book on the same seeded order streams,
 * plus our engine behind its SQLite journal. Run with `npm run bench:engine`.
 *
 *   A — 1M mixed operations around a mid price (60% limit, 25% cancel, 10% market, 5% amend);
 *   B — 1M limit inserts that never cross, with 10% random cancels;
 *   C — 1M operations of market makers requoting around a drifting mid: about 50% price moves (amends) and
 *       20% cancels of live orders, 30% new orders.
 *
 * Per engine: throughput (median of BENCH_TRIALS runs after a warm-up run, each on a fresh engine whose code was
 * warmed on a throwaway one first: see ./engine-runners), CPU time
 * per operation over the same runs (the process's, GC threads included: steadier than the wall clock on a
 * machine that is busy with other work), latency percentiles from one more run timing every operation, and the
 * peak heap growth during a run. The funds check is in every timed operation of ours: each order's hold is
 * checked against its owner's balance and held before it meets the book. The last line is one JSON object with
 * the figures: `opsPerSec`, `ratio` and `p99Micros` are workload A's, `insert…` B's, `move…` C's, and
 * `minRatio` the lowest ratio of the three.
 *
 * Environment: BENCH_OPS (default 1,000,000), BENCH_TRIALS (3), BENCH_SEED (777), BENCH_DURABLE_BATCH (4096).
 * Figures move with whatever else the machine is running; compare runs on an idle machine.
 */
import { cpus } from 'node:os';
import { runDurable, type DurableOutcome } from './engine-durable';
import { MiB, median, percentile } from './engine-measure';
import { runOurs, runPeer, type RunOutcome } from './engine-runners';
import { insertStream, mixedStream, moveStream, type OrderStream } from './order-stream';

const OPS = envInt('BENCH_OPS', 1_000_000);
const TRIALS = envInt('BENCH_TRIALS', 3);
const SEED = envInt('BENCH_SEED', 777);
const DURABLE_BATCH = envInt('BENCH_DURABLE_BATCH', 4096);

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

interface EngineFigures {
  opsPerSec: number;
  trialOpsPerSec: number[];
  /** Median CPU time per operation over the trials, in nanoseconds. */
  cpuNanosPerOp: number;
  p50Micros: number;
  p99Micros: number;
  p999Micros: number;
  maxMicros: number;
  heapMiB: number;
  trades: number;
  refused: number;
  restingQuantity: number;
}

interface WorkloadFigures {
  ours: EngineFigures;
  peer: EngineFigures;
  ratio: number;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const round = (n: number, digits: number) => Number(n.toFixed(digits));

function summarise(n: number, trials: RunOutcome[], latencies: Float64Array): EngineFigures {
  latencies.sort();
  const last = trials[trials.length - 1];
  return {
    opsPerSec: n / median(trials.map((t) => t.seconds)),
    trialOpsPerSec: trials.map((t) => n / t.seconds),
    cpuNanosPerOp: (median(trials.map((t) => t.cpuSeconds)) * 1e9) / n,
    p50Micros: percentile(latencies, 50),
    p99Micros: percentile(latencies, 99),
    p999Micros: percentile(latencies, 99.9),
    maxMicros: latencies[latencies.length - 1],
    heapMiB: Math.max(...trials.map((t) => t.heapGrowthBytes)) / MiB,
    trades: last.trades,
    refused: last.refused,
    restingQuantity: last.restingQuantity,
  };
}

/** Our engine is deterministic: every run of a stream must end the same way, and audit clean. */
function checkOurs(stream: OrderStream, runs: RunOutcome[]): void {
  for (const run of runs) {
    if (run.audit && run.audit.length > 0)
      throw new Error(`${stream.name}: audit() found ${run.audit.length} problems, first: ${run.audit[0]}`);
    if (run.trades !== runs[0].trades || run.restingQuantity !== runs[0].restingQuantity) {
      throw new Error(
        `${stream.name}: runs of the same stream ended differently (trades ${run.trades} vs ${runs[0].trades})`,
      );
    }
  }
  if (runs[0].refused !== stream.expectedRejects) {
    throw new Error(
      `${stream.name}: ${runs[0].refused} commands refused, the stream expected ${stream.expectedRejects}`,
    );
  }
}

function compare(stream: OrderStream): WorkloadFigures {
  const n = stream.commands.length;
  const c = stream.counts;
  console.log(`Workload ${stream.name}: ${fmt(n)} operations`);
  console.log(
    `  mix: ${fmt(c.limit)} limit, ${fmt(c.cancel)} cancel, ${fmt(c.market)} market, ${fmt(c.amend)} amend; ` +
      `${fmt(stream.restingAtEnd)} orders rest at the end`,
  );
  const oursRuns: RunOutcome[] = [];
  const peerRuns: RunOutcome[] = [];
  process.stdout.write('  warm-up...');
  oursRuns.push(runOurs(stream));
  runPeer(stream);
  process.stdout.write(' done\n');
  const oursTrials: RunOutcome[] = [];
  const peerTrials: RunOutcome[] = [];
  // Trials alternate between the engines so a burst of load from elsewhere hits both alike.
  for (let t = 1; t <= TRIALS; t++) {
    const ours = runOurs(stream);
    const peer = runPeer(stream);
    oursTrials.push(ours);
    peerTrials.push(peer);
    console.log(
      `  trial ${t}: ours ${fmt(n / ours.seconds)} ops/s (${fmt((ours.cpuSeconds * 1e9) / n)} ns CPU/op), ` +
        `peer ${fmt(n / peer.seconds)} ops/s (${fmt((peer.cpuSeconds * 1e9) / n)} ns CPU/op)`,
    );
  }
  oursRuns.push(...oursTrials);
  peerRuns.push(...peerTrials);
  const latencies = new Float64Array(n);
  const oursLatencyRun = runOurs(stream, latencies);
  oursRuns.push(oursLatencyRun);
  checkOurs(stream, oursRuns);
  const ours = summarise(n, oursTrials, latencies);
  runPeer(stream, latencies);
  const peer = summarise(n, peerTrials, latencies);
  const ratio = ours.opsPerSec / peer.opsPerSec;

  const row = (name: string, f: EngineFigures) =>
    `  ${name.padEnd(18)} ${fmt(f.opsPerSec).padStart(11)} ${fmt(f.cpuNanosPerOp).padStart(10)} ${fmt(f.p50Micros, 2).padStart(8)} ${fmt(f.p99Micros, 2).padStart(8)} ` +
    `${fmt(f.p999Micros, 2).padStart(9)} ${fmt(f.maxMicros, 0).padStart(9)} ${fmt(f.heapMiB, 1).padStart(9)} ${fmt(f.trades).padStart(9)} ` +
    `${fmt(f.refused).padStart(8)} ${fmt(f.restingQuantity).padStart(12)}`;
  console.log(
    `  ${'engine'.padEnd(18)} ${'ops/s'.padStart(11)} ${'CPU ns/op'.padStart(10)} ${'p50 µs'.padStart(8)} ${'p99 µs'.padStart(8)} ${'p99.9 µs'.padStart(9)} ${'max µs'.padStart(9)} ${'heap MiB'.padStart(9)} ${'trades'.padStart(9)} ${'refused'.padStart(8)} ${'resting qty'.padStart(12)}`,
  );
  console.log(row('ours', ours));
  console.log(row('nodejs-order-book', peer));
  console.log(
    `  ratio ours/peer: ${ratio.toFixed(2)}× (CPU time: ${(peer.cpuNanosPerOp / ours.cpuNanosPerOp).toFixed(2)}×)  ` +
      `(audit() clean after every run of ours; ours refused only the ${fmt(stream.expectedRejects)} market orders that met an empty book)`,
  );
  return { ours, peer, ratio };
}

function main(): void {
  console.log(
    `engine benchmark — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, seed ${SEED}`,
  );
  console.log(
    'Throughput: median of the trials, each on a fresh engine; latency: one extra run timing each operation (hrtime).',
  );
  console.log(
    'heap MiB: peak heap growth during a run over the settled heap before it (which holds the pre-generated stream).',
  );
  // Each stream is generated just before its workload and B and C are let go after theirs, so the heap during a
  // run holds one stream: less for the garbage collector to mark while it runs (A is kept for the durable run).
  const generated = (make: () => OrderStream): OrderStream => {
    const t = performance.now();
    const stream = make();
    console.log(
      `\n${stream.name}: generated in ${((performance.now() - t) / 1000).toFixed(1)} s (not timed in any figure)`,
    );
    return stream;
  };
  const a = generated(() => mixedStream(OPS, SEED));
  const workloadA = compare(a);
  // B and C live only inside this call, so each is garbage once its workload has run.
  const comparedAndLetGo = (make: () => OrderStream) => {
    const stream = generated(make);
    return { workload: compare(stream), operations: stream.commands.length };
  };
  const { workload: workloadB, operations: insertOperations } = comparedAndLetGo(() => insertStream(OPS, SEED + 1));
  const { workload: workloadC, operations: moveOperations } = comparedAndLetGo(() => moveStream(OPS, SEED + 2));

  console.log(
    `\nDurable: our engine in DurableEngine (temporary SQLite file, WAL, synchronous=NORMAL), workload A, submitBatch of ${fmt(DURABLE_BATCH)}`,
  );
  const durable: DurableOutcome = runDurable(a, DURABLE_BATCH);
  if (durable.audit.length > 0)
    throw new Error(`durable run: audit() found ${durable.audit.length} problems, first: ${durable.audit[0]}`);
  if (durable.committedCommands !== a.commands.length)
    throw new Error(`durable run: ${durable.committedCommands} of ${a.commands.length} commands committed`);
  const durableOpsPerSec = a.commands.length / durable.seconds;
  console.log(
    `  ${fmt(durableOpsPerSec)} ops/s committed (${fmt(durable.committedCommands)} commands in ${fmt(durable.commits)} group commits, ` +
      `${durable.snapshots} snapshots, ${durable.seconds.toFixed(2)} s; ${fmt(durable.trades)} trades; audit clean)`,
  );

  const { ours, peer } = workloadA;
  console.log(
    JSON.stringify({
      opsPerSec: Math.round(ours.opsPerSec),
      peerOpsPerSec: Math.round(peer.opsPerSec),
      ratio: round(workloadA.ratio, 2),
      minRatio: round(Math.min(workloadA.ratio, workloadB.ratio, workloadC.ratio), 2),
      cpuNanosPerOp: Math.round(ours.cpuNanosPerOp),
      peerCpuNanosPerOp: Math.round(peer.cpuNanosPerOp),
      p50Micros: round(ours.p50Micros, 2),
      p99Micros: round(ours.p99Micros, 2),
      p999Micros: round(ours.p999Micros, 2),
      peerP99Micros: round(peer.p99Micros, 2),
      heapMiB: round(ours.heapMiB, 1),
      peerHeapMiB: round(peer.heapMiB, 1),
      trades: ours.trades,
      peerTrades: peer.trades,
      durableOpsPerSec: Math.round(durableOpsPerSec),
      insertOpsPerSec: Math.round(workloadB.ours.opsPerSec),
      insertPeerOpsPerSec: Math.round(workloadB.peer.opsPerSec),
      insertRatio: round(workloadB.ratio, 2),
      insertP99Micros: round(workloadB.ours.p99Micros, 2),
      insertPeerP99Micros: round(workloadB.peer.p99Micros, 2),
      insertHeapMiB: round(workloadB.ours.heapMiB, 1),
      insertPeerHeapMiB: round(workloadB.peer.heapMiB, 1),
      insertCpuNanosPerOp: Math.round(workloadB.ours.cpuNanosPerOp),
      insertPeerCpuNanosPerOp: Math.round(workloadB.peer.cpuNanosPerOp),
      moveOpsPerSec: Math.round(workloadC.ours.opsPerSec),
      movePeerOpsPerSec: Math.round(workloadC.peer.opsPerSec),
      moveRatio: round(workloadC.ratio, 2),
      moveP99Micros: round(workloadC.ours.p99Micros, 2),
      movePeerP99Micros: round(workloadC.peer.p99Micros, 2),
      moveHeapMiB: round(workloadC.ours.heapMiB, 1),
      movePeerHeapMiB: round(workloadC.peer.heapMiB, 1),
      moveCpuNanosPerOp: Math.round(workloadC.ours.cpuNanosPerOp),
      movePeerCpuNanosPerOp: Math.round(workloadC.peer.cpuNanosPerOp),
      operations: a.commands.length,
      insertOperations,
      moveOperations,
      trials: TRIALS,
    }),
  );
}

main();
