/**
 * The maths of the depth chart, pure: the book's levels cumulated from the best price outwards, the price window
 * drawn around the mid, the step outline of each side in pixels, and what a pointer at a price reads.
 *
 * Rules: quantities and prices stay the book's integers (cumulative amounts are the same sums the order book's
 * cumulative column shows); values are bigint quote units, each level's notional floored as the engines do;
 * only pixel positions are floats.
 */
import type { Level } from './market-view';
import { valueOf } from './market-format';

type Units = Parameters<typeof valueOf>[0];

export interface DepthStep {
  price: number;
  /** Size units: this level and every better one of its side. */
  cumulative: number;
  /** Quote units: what taking this level and every better one costs (or brings). */
  value: bigint;
}

/** Levels (best first, as the book sends them) with running totals of amount and value. */
export function cumulate(levels: readonly Level[], units: Units): DepthStep[] {
  const out: DepthStep[] = [];
  let cumulative = 0;
  let value = 0n;
  for (const [price, size] of levels) {
    cumulative += size;
    value += valueOf(units, BigInt(price), BigInt(size));
    out.push({ price, cumulative, value });
  }
  return out;
}

export interface DepthWindow {
  /** Lowest and highest price drawn, price units. */
  low: number;
  high: number;
  mid: number;
  /** Largest cumulative amount inside the window: the top of the vertical scale. */
  maxCumulative: number;
}

/**
 * The prices drawn: centred on the mid, as wide as the shallower side reaches (so both sides fill their half),
 * or the one side's reach when the other is empty. Null with no levels at all.
 */
export function depthWindow(bids: readonly DepthStep[], asks: readonly DepthStep[]): DepthWindow | null {
  const bestBid = bids[0]?.price;
  const bestAsk = asks[0]?.price;
  if (bestBid === undefined && bestAsk === undefined) return null;
  const mid = bestBid !== undefined && bestAsk !== undefined ? (bestBid + bestAsk) / 2 : (bestBid ?? bestAsk)!;
  const bidReach = bids.length ? mid - bids[bids.length - 1].price : 0;
  const askReach = asks.length ? asks[asks.length - 1].price - mid : 0;
  let half = bids.length && asks.length ? Math.min(bidReach, askReach) : Math.max(bidReach, askReach);
  // A book of one price a side still gets a window: the spread, or a hair around a lone level.
  if (!(half > 0)) half = Math.max(Math.abs(mid) * 0.001, 1);
  const low = mid - half;
  const high = mid + half;
  let maxCumulative = 0;
  for (const s of bids) if (s.price >= low) maxCumulative = Math.max(maxCumulative, s.cumulative);
  for (const s of asks) if (s.price <= high) maxCumulative = Math.max(maxCumulative, s.cumulative);
  return { low, high, mid, maxCumulative: maxCumulative || 1 };
}

export interface Plot {
  width: number;
  height: number;
}

export function xOf(w: DepthWindow, plot: Plot, price: number): number {
  return ((price - w.low) / (w.high - w.low)) * plot.width;
}

export function priceAt(w: DepthWindow, plot: Plot, x: number): number {
  return w.low + (x / plot.width) * (w.high - w.low);
}

export function yOf(w: DepthWindow, plot: Plot, cumulative: number): number {
  return plot.height - (cumulative / w.maxCumulative) * plot.height;
}

/**
 * The outline of one side as points from the best price outwards to the window's edge: a level's cumulative
 * amount holds from its price to the next level's, where it steps up. Starts and ends on the baseline so it can
 * be filled as it is.
 */
export function stepOutline(
  steps: readonly DepthStep[],
  side: 'bid' | 'ask',
  w: DepthWindow,
  plot: Plot,
): [number, number][] {
  if (steps.length === 0) return [];
  const edge = side === 'bid' ? w.low : w.high;
  const inside = (p: number) => (side === 'bid' ? p >= edge : p <= edge);
  const x = (p: number) => xOf(w, plot, p);
  const y = (c: number) => yOf(w, plot, c);
  const points: [number, number][] = [[x(steps[0].price), plot.height]];
  let last = 0;
  for (const s of steps) {
    if (!inside(s.price)) break;
    points.push([x(s.price), y(last)], [x(s.price), y(s.cumulative)]);
    last = s.cumulative;
  }
  points.push([x(edge), y(last)], [x(edge), plot.height]);
  return points;
}

export interface DepthReading {
  side: 'bid' | 'ask';
  price: number;
  cumulative: number;
  value: bigint;
}

/**
 * What the chart reads at a price: bids below the mid, asks above it; the level whose cumulative amount holds
 * there (the book's cumulative column at that level's price): for bids the lowest level at or above the price,
 * for asks the highest at or below it; between the mid and the best price, the best level.
 */
export function readingAt(
  bids: readonly DepthStep[],
  asks: readonly DepthStep[],
  mid: number,
  price: number,
): DepthReading | null {
  const side = price < mid ? 'bid' : 'ask';
  const steps = side === 'bid' ? bids : asks;
  if (steps.length === 0) return null;
  let hit = steps[0];
  for (const s of steps) {
    if (side === 'bid' ? s.price < price : s.price > price) break;
    hit = s;
  }
  return { side, price: hit.price, cumulative: hit.cumulative, value: hit.value };
}
