/**
 * An account's result over a span of trading — a replay run, or a paper portfolio so far — from its starting
 * balances and its fills: return, max drawdown, trades, win rate, fees, an equity curve and a digest of the
 * fills, so two runs of one session can be compared figure by figure and exactly.
 *
 * - Money stays integer: balances and equity are bigint minimal units (equity in one quote currency); ratios are
 *   whole basis points, floored toward zero from bigint arithmetic, never a float on a balance.
 * - Equity is counted in `quote`: the quote as it is, each coin at the last price of its own market in that quote
 *   (the latest fill, or a mark given for the end), through the one valuation every total uses
 *   (protocol/valuation). A coin with no price yet, or priced only in another quote, is left out and named.
 * - A round trip is a market's position from flat back to flat (or through flat, when a fill flips it); it wins
 *   when its realised PnL beats the fees paid on the way. Positions fold with the paper engine's accounting.
 * - The digest is FNV-1a 64 over a canonical line per fill (time, market, side, price, quantity, value, fee,
 *   liquidity), in the order given. Journal ids are left out: a second run of a session trades under new ids
 *   but, when it trades the same, gets the same digest.
 * - Nothing here throws: a fill that is not a safe integer, or would push a position out of range, is skipped
 *   and its market named in `outOfRange`.
 */
import type { Side } from '../matching/types';
import { applyFill, emptyPosition, positionInRange, type Position } from '../paper/position';
import { markValue, type Mark } from '../../protocol/valuation';

export interface ResultMarket {
  id: string;
  base: string;
  quote: string;
  priceDecimals: number;
  sizeDecimals: number;
  quoteDecimals: number;
}

/** One fill of the account, in its market's units. */
export interface ResultFill {
  ts: number;
  market: string;
  side: Side;
  /** Price units. */
  price: number;
  /** Size units, positive. */
  quantity: number;
  /** The fill's value, quote units. */
  quoteAmount: number;
  /** Quote units; negative for a rebate. */
  fee: number;
  liquidity: 'maker' | 'taker';
  /** The journal's ids, for lists and exports; not part of the digest (a second run trades under new ones). */
  tradeId?: number;
  orderId?: number;
}

export interface ResultInput {
  /** The currency equity is counted in ('KRW'). */
  quote: string;
  /** Balances at the start, minimal units per asset. */
  start: Readonly<Record<string, number>>;
  startTs: number;
  /** Oldest first. */
  fills: readonly ResultFill[];
  markets: readonly ResultMarket[];
  /** Prices known before the first fill (price units per market), so coins held at the start are valued. */
  openMarks?: Readonly<Record<string, number>>;
  /** Prices at the end (price units per market), where newer than the last fill's. */
  endMarks?: Readonly<Record<string, number>>;
  endTs: number;
}

export interface EquityPoint {
  ts: number;
  /** Quote minimal units. */
  value: bigint;
}

export interface AccountResult {
  quote: string;
  startEquity: bigint;
  endEquity: bigint;
  /** (end − start) / start in whole basis points, toward zero; null when the start is worth nothing. */
  returnBps: number | null;
  /** Largest fall from a peak of the equity curve, whole basis points of that peak (0–10,000 while equity ≥ 0). */
  maxDrawdownBps: number;
  /** Fills counted. */
  trades: number;
  roundTrips: number;
  wins: number;
  /** wins / roundTrips in whole basis points; null before a round trip closes. */
  winRateBps: number | null;
  /** Fees paid (rebates subtracted), per asset they were paid in. */
  fees: { asset: string; amount: bigint }[];
  /** Start, after each fill, and the end; thinned to at most `EQUITY_POINTS` (the drawdown is from every point). */
  equity: EquityPoint[];
  /** Assets held at some point that the equity leaves out, each once. */
  unvalued: string[];
  /** Markets whose fills could not be counted exactly. */
  outOfRange: string[];
  /** 16 hex digits. */
  digest: string;
}

/** Points an equity curve keeps: enough for a chart's width many times over, small enough to store per run. */
export const EQUITY_POINTS = 2_000;

const BPS = 10_000n;

/** The account's figures at the start of the span: everything of ResultInput but the fills and the end. */
export type ResultOpening = Omit<ResultInput, 'fills' | 'endMarks' | 'endTs'>;

export function accountResult(input: ResultInput): AccountResult {
  const fold = new ResultFold(input);
  for (const f of input.fills) fold.add(f);
  return fold.finish(input.endMarks ?? {}, input.endTs);
}

/**
 * A result folded one fill at a time, as a running replay makes them: memory stays bounded however many fills
 * arrive (the curve is thinned as it grows; the drawdown is taken at every point before thinning).
 */
export class ResultFold {
  private readonly markets: Map<string, ResultMarket>;
  private readonly balances = new Map<string, bigint>();
  private readonly prices = new Map<string, number>();
  private readonly unvalued = new Set<string>();
  /** One mark per market, repriced as fills arrive (built once: a result may fold many thousands of fills). */
  private readonly marks: Mark[];
  private readonly startEquity: bigint;
  private curve: EquityPoint[];
  private peak: bigint | undefined;
  private worst = 0n;
  private readonly positions = new Map<string, Position>();
  private readonly trips = new Map<string, { realised: number; fees: number }>();
  private readonly outOfRange = new Set<string>();
  private readonly fees = new Map<string, bigint>();
  private readonly hash = new Fnv64();
  private trades = 0;
  private roundTrips = 0;
  private wins = 0;

  constructor(private readonly opening: ResultOpening) {
    this.markets = new Map(opening.markets.map((m) => [m.id, m]));
    for (const [asset, units] of Object.entries(opening.start))
      if (Number.isSafeInteger(units)) this.balances.set(asset, BigInt(units));
    for (const [id, price] of Object.entries(opening.openMarks ?? {}))
      if (Number.isSafeInteger(price) && price > 0) this.prices.set(id, price);
    this.marks = opening.markets.map((m) => ({ ...m, market: m.id, price: null }));
    this.startEquity = this.equityNow();
    this.curve = [];
    this.point(opening.startTs, this.startEquity);
  }

  /** Fills counted so far. */
  get count(): number {
    return this.trades;
  }

  add(f: ResultFill): void {
    const m = this.markets.get(f.market);
    const valid =
      m !== undefined &&
      Number.isSafeInteger(f.ts) &&
      Number.isSafeInteger(f.price) &&
      f.price > 0 &&
      Number.isSafeInteger(f.quantity) &&
      f.quantity > 0 &&
      Number.isSafeInteger(f.quoteAmount) &&
      f.quoteAmount >= 0 &&
      Number.isSafeInteger(f.fee) &&
      (f.side === 'buy' || f.side === 'sell');
    if (!valid || this.outOfRange.has(f.market)) {
      this.outOfRange.add(f.market);
      return;
    }
    const before = this.positions.get(f.market) ?? emptyPosition();
    const after = { ...before };
    applyFill(after, f.side, f.quantity, f.quoteAmount, f.fee);
    if (!positionInRange(after)) {
      this.outOfRange.add(f.market);
      this.positions.delete(f.market);
      return;
    }
    this.positions.set(f.market, after);
    this.trades++;
    this.hash.update(
      `${f.ts}|${f.market}|${f.side}|${f.price}|${f.quantity}|${f.quoteAmount}|${f.fee}|${f.liquidity}\n`,
    );

    // Round trips: open at the first fill off flat; close when the position reaches or crosses flat.
    const trips = this.trips;
    if (before.quantity === 0) trips.set(f.market, { realised: before.realisedPnl, fees: before.feesPaid });
    const trip = trips.get(f.market);
    if (
      trip &&
      before.quantity !== 0 &&
      (after.quantity === 0 || Math.sign(after.quantity) !== Math.sign(before.quantity))
    ) {
      this.roundTrips++;
      if (after.realisedPnl - trip.realised - (after.feesPaid - trip.fees) > 0) this.wins++;
      trips.delete(f.market);
      // A flip opens the next trip at once, its fee already counted to the one that closed.
      if (after.quantity !== 0) trips.set(f.market, { realised: after.realisedPnl, fees: after.feesPaid });
    }

    const base = BigInt(f.quantity);
    const value = BigInt(f.quoteAmount);
    const fee = BigInt(f.fee);
    const add = (asset: string, d: bigint) => this.balances.set(asset, (this.balances.get(asset) ?? 0n) + d);
    if (f.side === 'buy') {
      add(m.base, base);
      add(m.quote, -value - fee);
    } else {
      add(m.base, -base);
      add(m.quote, value - fee);
    }
    this.fees.set(m.quote, (this.fees.get(m.quote) ?? 0n) + fee);
    this.prices.set(f.market, f.price);
    this.point(f.ts, this.equityNow());
  }

  /** The result at the end of the span, valued at `endMarks` where they are newer than the last fills' prices. */
  finish(endMarks: Readonly<Record<string, number>>, endTs: number): AccountResult {
    for (const [id, price] of Object.entries(endMarks))
      if (this.markets.has(id) && Number.isSafeInteger(price) && price > 0) this.prices.set(id, price);
    const endEquity = this.equityNow();
    this.point(Math.max(endTs, this.curve[this.curve.length - 1].ts), endEquity);
    const startEquity = this.startEquity;
    const roundTrips = this.roundTrips;
    return {
      quote: this.opening.quote,
      startEquity,
      endEquity,
      returnBps: startEquity > 0n ? toNumber(((endEquity - startEquity) * BPS) / startEquity) : null,
      maxDrawdownBps: toNumber(this.worst),
      trades: this.trades,
      roundTrips,
      wins: this.wins,
      winRateBps: roundTrips > 0 ? Math.floor((this.wins * 10_000) / roundTrips) : null,
      fees: [...this.fees]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([asset, amount]) => ({ asset, amount })),
      equity: thin(this.curve, EQUITY_POINTS),
      unvalued: [...this.unvalued].sort(),
      outOfRange: [...this.outOfRange].sort(),
      digest: this.hash.hex(),
    };
  }

  private equityNow(): bigint {
    for (const mark of this.marks) mark.price = this.prices.get(mark.market) ?? null;
    let total = 0n;
    for (const [asset, units] of this.balances) {
      const v = markValue(this.opening.quote, this.marks, asset, units);
      if (v.kind === 'valued') total += v.value;
      else this.unvalued.add(asset);
    }
    return total;
  }

  /** A point of the curve: counted in the drawdown, then kept (every other one dropped once there are too many). */
  private point(ts: number, value: bigint): void {
    if (this.peak === undefined || value > this.peak) this.peak = value;
    if (this.peak > 0n) {
      const dd = ((this.peak - value) * BPS) / this.peak;
      if (dd > this.worst) this.worst = dd;
    }
    this.curve.push({ ts, value });
    if (this.curve.length >= 2 * EQUITY_POINTS) {
      const last = this.curve[this.curve.length - 1];
      this.curve = this.curve.filter((_, i) => i % 2 === 0);
      if (this.curve[this.curve.length - 1] !== last) this.curve.push(last);
    }
  }
}

/** The largest fall from a running peak, in bps of the peak; peaks at or below zero cannot fall in proportion. */
export function maxDrawdownBps(curve: readonly EquityPoint[]): number {
  let peak: bigint | undefined;
  let worst = 0n;
  for (const p of curve) {
    if (peak === undefined || p.value > peak) peak = p.value;
    if (peak > 0n) {
      const dd = ((peak - p.value) * BPS) / peak;
      if (dd > worst) worst = dd;
    }
  }
  return toNumber(worst);
}

/** A bigint ratio as a number, held to the safe range (a return beyond ±2^53 bps is shown at the bound). */
function toNumber(v: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return Number(v > max ? max : v < -max ? -max : v);
}

/** Every k-th point, always the first and the last, so a curve never exceeds `max` points. */
function thin(curve: EquityPoint[], max: number): EquityPoint[] {
  if (curve.length <= max) return curve;
  const step = Math.ceil((curve.length - 1) / (max - 1));
  const out: EquityPoint[] = [];
  for (let i = 0; i < curve.length - 1; i += step) out.push(curve[i]);
  out.push(curve[curve.length - 1]);
  return out;
}

/**
 * FNV-1a, 64-bit, over the UTF-8 bytes of what is fed to it, kept as two 32-bit halves (no bigint per byte).
 * Not a cryptographic hash: it tells runs apart, it does not defend against someone forging a collision.
 */
export class Fnv64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;
  private readonly encoder = new TextEncoder();

  update(text: string): void {
    for (const byte of this.encoder.encode(text)) {
      const lo = (this.lo ^ byte) >>> 0;
      // × 0x100000001b3 = × 0x1b3 plus × 2^40 (the low half shifted 8 into the high half), mod 2^64.
      const a = lo * 0x1b3;
      const carry = Math.floor(a / 0x1_0000_0000);
      this.lo = a >>> 0;
      this.hi = (Math.imul(this.hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    }
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
