/**
 * One run of an order stream through a fresh engine — ours or nodejs-order-book — timed as a whole, or with
 * every operation timed on its own (hrtime around the call, into a preallocated array). The two modes are
 * separate runs because two clock reads per operation cost a sizeable part of a microsecond and would
 * depress the throughput figure.
 *
 * Both engines do the same bookkeeping inside the timed loop: count the trades in each result.
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

export function runOurs(stream: OrderStream, latencies: Float64Array | null = null): RunOutcome {
  const baseline = settleHeap();
  const heap = new HeapPeak();
  const engine = new MatchingEngine([stream.market]);
  for (const cmd of stream.setup) engine.apply(cmd);
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

export function runPeer(stream: OrderStream, latencies: Float64Array | null = null): RunOutcome {
  const baseline = settleHeap();
  const heap = new HeapPeak();
  const ob = new OrderBook();
  const { kinds, peerIds, peerArgs } = stream;
  const n = kinds.length;
  let trades = 0;
  let refused = 0;
  const step = (i: number): void => {
    let r: IProcessOrder;
    switch (kinds[i]) {
      case OP_LIMIT:
        r = ob.limit(peerArgs[i] as LimitOrderOptions);
        break;
      case OP_MARKET:
        r = ob.market(peerArgs[i] as MarketOrderOptions);
        break;
      case OP_AMEND:
        r = ob.modify(peerIds[i], peerArgs[i] as OrderUpdatePrice);
        break;
      case OP_CANCEL:
      default:
        if (ob.cancel(peerIds[i]) === undefined) refused++;
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
