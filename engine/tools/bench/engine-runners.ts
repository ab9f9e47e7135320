/**
 * One run of an order stream through a fresh engine — ours or nodejs-order-book — timed as a whole, or with
 * every operation timed on its own (hrtime around the call, into a preallocated array). The two modes are
 * separate runs because two clock reads per operation cost a sizeable part of a microsecond and would
 * depress the throughput figure.
 *
 * Both engines do the same bookkeeping inside the timed loop: count the trades in each result.
 *
 * Each timed run is preceded by a warm-up of its own: the first WARM_OPS operations on a throwaway engine of the
 * same kind, kept alive until the timed run is over. The forced collection before a run (see `settleHeap`)
 * frees the previous run's engine, and V8 then throws away every optimized function that had embedded one of
 * its objects ("weak objects" in --trace-deopt): without the warm-up each run would start in the interpreter and
 * be timed while it compiles again, which a long-lived engine never does.
 */
import {
  OrderBook,
  type IProcessOrder,
  type LimitOrderOptions,
  type MarketOrderOptions,
  type OrderUpdatePrice,
} from 'nodejs-order-book';
import { MatchingEngine } from '../../core/matching/engine';
import type { EngineEvent } from '../../core/matching/types';
import { HeapPeak, settleHeap } from './engine-measure';
import { OP_AMEND, OP_CANCEL, OP_LIMIT, OP_MARKET, type OrderStream } from './order-stream';

export interface RunOutcome {
  seconds: number;
  /** CPU time of the whole process during the timed loop (user + system, every thread: GC helpers included). */
  cpuSeconds: number;
  trades: number;
  /** Operations the engine refused (our `rejected` events; the peer's `err` results and cancels of unknown ids). */
  refused: number;
  /** Peak heap in use during the run above the settled heap before it (which holds the pre-generated stream). */
  heapGrowthBytes: number;
  /** Total base quantity resting at the end, both sides. */
  restingQuantity: number;
  /** Our engine only: what `audit()` found wrong at the end (nothing, if sane). */
  audit?: string[];
}

/** Operations run untimed on a throwaway engine before each timed run (see the top of this file). */
const WARM_OPS = 100_000;

/** The warm-up engine of the run in progress: held here so that no collection frees it while the run is timed. */
const warmedOn: unknown[] = [];

/**
 * Settles the heap, warms the code on a throwaway engine made by `warm`, and settles again: returns the heap in
 * use, the baseline of the run's heap growth.
 */
function settleAndWarm(warm: () => unknown): number {
  warmedOn.length = 0;
  settleHeap();
  warmedOn.push(warm());
  return settleHeap();
}

/** Heap is sampled once per this many operations (a power of two minus one, used as a mask). */
const HEAP_SAMPLE_MASK = 0x3fff;

/**
 * Runs `step` for operations 0..n-1 and returns the wall and CPU seconds taken: as a whole (sampling the heap
 * now and then), or, given `latencies`, each operation timed on its own into it. Both engines go through this
 * same loop.
 */
function timeSteps(
  n: number,
  step: (i: number) => void,
  heap: HeapPeak,
  latencies: Float64Array | null,
): { seconds: number; cpuSeconds: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  if (latencies) {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      step(i);
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1000;
    }
  } else {
    for (let i = 0; i < n; i++) {
      step(i);
      if ((i & HEAP_SAMPLE_MASK) === 0) heap.sample();
    }
  }
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

function oursOn(stream: OrderStream, ops: number): MatchingEngine {
  const engine = new MatchingEngine([stream.market]);
  for (const cmd of stream.setup) engine.apply(cmd);
  const n = Math.min(ops, stream.commands.length);
  for (let i = 0; i < n; i++) engine.apply(stream.commands[i]);
  return engine;
}

export function runOurs(stream: OrderStream, latencies: Float64Array | null = null): RunOutcome {
  const baseline = settleAndWarm(() => oursOn(stream, WARM_OPS));
  const heap = new HeapPeak();
  const engine = oursOn(stream, 0);
  const commands = stream.commands;
  const n = commands.length;
  let trades = 0;
  let refused = 0;
  const step = (i: number): void => {
    const events: EngineEvent[] = engine.apply(commands[i]);
    for (let j = 0; j < events.length; j++) {
      const type = events[j].type;
      if (type === 'trade') trades++;
      else if (type === 'rejected') refused++;
    }
  };
  const { seconds, cpuSeconds } = timeSteps(n, step, heap, latencies);
  heap.sample();
  const depth = engine.depth(stream.market.id, Number.MAX_SAFE_INTEGER)!;
  const restingQuantity = [...depth.bids, ...depth.asks].reduce((sum, [, q]) => sum + q, 0);
  return {
    seconds,
    cpuSeconds,
    trades,
    refused,
    heapGrowthBytes: heap.peak - baseline,
    restingQuantity,
    audit: engine.audit(),
  };
}

/**
 * Trades in one peer result: every fully filled maker is in `done`, a partly filled one is `partial`. The
 * taker itself shows up in `done` when it filled completely, or in `partial` when it rests after trading, so
 * entries carrying the taker's id are not trades.
 */
function peerTrades(r: IProcessOrder, takerId: string): number {
  const done = r.done;
  let trades = 0;
  for (let j = 0; j < done.length; j++) if (done[j].id !== takerId) trades++;
  if (r.partial !== null && r.partial.id !== takerId) trades++;
  return trades;
}

/**
 * Operation i of the stream on the peer's book: its result, or for a cancel, whether the order was there. Both the
 * warm-up and the timed run go through it.
 */
function peerOp(ob: OrderBook, stream: OrderStream, i: number): IProcessOrder | boolean {
  const { peerIds, peerArgs } = stream;
  switch (stream.kinds[i]) {
    case OP_LIMIT:
      return ob.limit(peerArgs[i] as LimitOrderOptions);
    case OP_MARKET:
      return ob.market(peerArgs[i] as MarketOrderOptions);
    case OP_AMEND:
      return ob.modify(peerIds[i], peerArgs[i] as OrderUpdatePrice);
    case OP_CANCEL:
    default:
      return ob.cancel(peerIds[i]) !== undefined;
  }
}

function peerOn(stream: OrderStream, ops: number): OrderBook {
  const ob = new OrderBook();
  const n = Math.min(ops, stream.kinds.length);
  for (let i = 0; i < n; i++) peerOp(ob, stream, i);
  return ob;
}

export function runPeer(stream: OrderStream, latencies: Float64Array | null = null): RunOutcome {
  const baseline = settleAndWarm(() => peerOn(stream, WARM_OPS));
  const heap = new HeapPeak();
  const ob = new OrderBook();
  const peerIds = stream.peerIds;
  const n = stream.kinds.length;
  let trades = 0;
  let refused = 0;
  const step = (i: number): void => {
    const r = peerOp(ob, stream, i);
    if (typeof r === 'boolean') {
      if (!r) refused++;
      return;
    }
    if (r.err !== null) refused++;
    trades += peerTrades(r, peerIds[i]);
  };
  const { seconds, cpuSeconds } = timeSteps(n, step, heap, latencies);
  heap.sample();
  const [asks, bids] = ob.depth();
  const restingQuantity = [...asks, ...bids].reduce((sum, [, q]) => sum + q, 0);
  return { seconds, cpuSeconds, trades, refused, heapGrowthBytes: heap.peak - baseline, restingQuantity };
}
