/**
 * Per-account accounting for the ranking: cash, holdings, the time-weighted unit-value index, cumulative flows,
 * trades and closed round trips. State lives in typed-array columns indexed by a dense slot number, so that
 * marking 100,000 accounts every hour touches contiguous memory and allocates nothing.
 *
 * This is the definition of every per-account figure; the incremental service and the batch recompute both
 * build on it and differ only in how they derive the windowed figures and the boards from the snapshots.
 *
 * Every value kept is a safe integer. A record that would take cash, a position, its cost basis, the cash of
 * a round trip or the cumulative flows past ±(2^53 − 1) is refused (INVALID_RECORD) before anything changes, so
 * a refused record leaves no trace and the batch, which replays only the records applied, agrees. Equity and
 * the index are computed exactly and held to ±MAX_AMOUNT (see ./exact).
 */
import type { AccountId } from '../matching/types';
import type { ResolvedRankingConfig } from './config';
import { RankingError } from './config';
import { MAX_AMOUNT } from '../matching/money';
import { bigMulDivFloor, clampAmount, mulDivFloor as exactMulDivFloor } from './exact';
import { FLOW_KINDS, type RankingRecord } from './records';

/** The unit-value index starts at 10^8: eight decimal digits of precision, far finer than a basis point. */
export const UNIT = 100_000_000;

/** Slots index typed-array columns; 2^24 accounts keeps every column well inside a typed array's limits. */
export const MAX_ACCOUNTS = 1 << 24;
/** Ids below this are indexed in a flat array (at most 64 MiB of it). */
const DENSE_IDS = 1 << 24;

type Trade = Extract<RankingRecord, { type: 'trade' }>;
type Flow = Extract<RankingRecord, { type: 'flow' }>;

const bad = (why: string): never => {
  throw new RankingError('INVALID_RECORD', why);
};
const safeInt = (v: unknown, what: string): number =>
  Number.isSafeInteger(v) ? (v as number) : bad(`${what} must be a safe integer`);
const posInt = (v: unknown, what: string): number =>
  safeInt(v, what) > 0 ? (v as number) : bad(`${what} must be positive`);
const checked = (v: number, what: string): number =>
  Number.isSafeInteger(v) ? v : bad(`${what} leaves the safe integer range`);
const outOfRange = (what: string): never => bad(`${what} would leave the safe integer range`);

/**
 * A planned position move (see planMove): position, cost basis and round-trip cash after it, whether it closed
 * a round trip (1/0) and whether that trip made money (1/0). Two of them, for the two sides of a trade.
 */
const BUY_SIDE = new Float64Array(5);
const SELL_SIDE = new Float64Array(5);

// A local binding of the same function: equity and the index are computed for every account at every mark, and
// some module loaders route each imported call through a getter.
const mulDivFloor = exactMulDivFloor;

export class AccountTable {
  readonly marketCount: number;
  /** 10^baseDecimals per market: the divisor that turns price × quantity into quote units. */
  readonly unitOf: Float64Array;
  /** Last trade or mark price per market; 0 = none yet. */
  readonly lastPrice: Float64Array;
  private readonly marketIndex = new Map<string, number>();
  private readonly assetIndex = new Map<string, number>(); // base asset -> market index

  capacity: number;
  count = 0;
  /** Account id → slot + 1 (0 = unknown) for ids below DENSE_IDS, the usual case of sequential ids: an array
   *  read per trade side instead of a hash lookup. Larger ids go through the map. */
  private denseSlot = new Int32Array(1024);
  private readonly slotOf = new Map<AccountId, number>();
  ids!: Float64Array;
  nickname: string[] = [];
  registeredTs!: Float64Array;
  ranked!: Uint8Array;
  closed!: Uint8Array;
  followers!: Int32Array;
  /** Mark number at which the account's snapshot series starts (its registration mark, holding origin values). */
  firstMark!: Float64Array;

  cash!: Float64Array;
  /** Net external flows so far, valued when they happened; equity − cumFlow is the cumulative PnL. */
  cumFlow!: Float64Array;
  /** Index value at the last flow (the last checkpoint) and the equity right after that flow. */
  idxCk!: Float64Array;
  baseCk!: Float64Array;
  cumTrades!: Float64Array;
  cumTrips!: Float64Array;
  cumWins!: Float64Array;

  /** Per (slot, market): signed position, its cost basis as the sum of the cash moves that opened it, and the
   *  cash result of the round trip in progress. */
  position!: Float64Array;
  basis!: Float64Array;
  tripCash!: Float64Array;

  constructor(readonly config: ResolvedRankingConfig) {
    this.marketCount = config.markets.length;
    this.unitOf = new Float64Array(this.marketCount);
    this.lastPrice = new Float64Array(this.marketCount);
    config.markets.forEach((m, i) => {
      this.marketIndex.set(m.id, i);
      this.assetIndex.set(m.base, i);
      this.unitOf[i] = 10 ** m.baseDecimals;
    });
    this.capacity = 0;
    this.allocate(config.expectedAccounts);
  }

  /** Called whenever the columns are reallocated, so that owners of per-slot arrays can grow theirs too. */
  onGrow: ((capacity: number) => void) | null = null;

  private allocate(capacity: number): void {
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(
      old: T | undefined,
      ctor: new (n: number) => T,
      per = 1,
    ): T => {
      const next = new ctor(capacity * per);
      if (old) next.set(old);
      return next;
    };
    const m = this.marketCount;
    this.ids = grow(this.ids, Float64Array);
    this.registeredTs = grow(this.registeredTs, Float64Array);
    this.ranked = grow(this.ranked, Uint8Array);
    this.closed = grow(this.closed, Uint8Array);
    this.followers = grow(this.followers, Int32Array);
    this.firstMark = grow(this.firstMark, Float64Array);
    this.cash = grow(this.cash, Float64Array);
    this.cumFlow = grow(this.cumFlow, Float64Array);
    this.idxCk = grow(this.idxCk, Float64Array);
    this.baseCk = grow(this.baseCk, Float64Array);
    this.cumTrades = grow(this.cumTrades, Float64Array);
    this.cumTrips = grow(this.cumTrips, Float64Array);
    this.cumWins = grow(this.cumWins, Float64Array);
    this.position = grow(this.position, Float64Array, m);
    this.basis = grow(this.basis, Float64Array, m);
    this.tripCash = grow(this.tripCash, Float64Array, m);
    this.capacity = capacity;
    this.onGrow?.(capacity);
  }

  slot(account: AccountId): number | undefined {
    if (account >= 0 && account < this.denseSlot.length) {
      const d = this.denseSlot[account];
      return d === 0 ? undefined : d - 1;
    }
    return this.slotOf.get(account);
  }

  /** The slot of a live account, or the reason it cannot take part in a record. */
  liveSlot(account: AccountId): number {
    const s = this.slot(account);
    if (s === undefined) throw new RankingError('UNKNOWN_ACCOUNT', `account ${account} is not registered`);
    if (this.closed[s]) throw new RankingError('ACCOUNT_CLOSED', `account ${account} is closed`);
    return s;
  }

  market(id: string): number {
    const m = this.marketIndex.get(id);
    if (m === undefined) throw new RankingError('UNKNOWN_MARKET', `market ${id} is not configured`);
    return m;
  }

  /** Registers an account (returning its new slot) or updates the nickname/ranked flag of a known one (null). */
  register(r: Extract<RankingRecord, { type: 'account' }>, markNo: number): number | null {
    safeInt(r.account, 'account');
    if (typeof r.nickname !== 'string' || r.nickname.length === 0 || r.nickname.length > 64)
      bad('nickname must be 1–64 characters');
    if (r.ranked !== undefined && typeof r.ranked !== 'boolean') bad('ranked must be a boolean');
    const known = this.slot(r.account);
    if (known !== undefined) {
      if (this.closed[known])
        throw new RankingError('ACCOUNT_CLOSED', `account ${r.account} is closed; ids are never reused`);
      this.nickname[known] = r.nickname;
      if (r.ranked !== undefined) this.ranked[known] = r.ranked ? 1 : 0;
      return null;
    }
    if (this.count >= MAX_ACCOUNTS) bad(`more than ${MAX_ACCOUNTS} accounts`);
    if (this.count === this.capacity) this.allocate(Math.min(MAX_ACCOUNTS, this.capacity * 2));
    const s = this.count++;
    if (r.account >= 0 && r.account < DENSE_IDS) {
      if (r.account >= this.denseSlot.length) {
        const next = new Int32Array(Math.min(DENSE_IDS, Math.max(r.account + 1, this.denseSlot.length * 2)));
        next.set(this.denseSlot);
        this.denseSlot = next;
      }
      this.denseSlot[r.account] = s + 1;
    } else {
      this.slotOf.set(r.account, s);
    }
    this.ids[s] = r.account;
    this.nickname[s] = r.nickname;
    this.registeredTs[s] = r.ts;
    this.ranked[s] = r.ranked === false ? 0 : 1;
    this.firstMark[s] = markNo;
    this.idxCk[s] = UNIT;
    return s;
  }

  close(account: AccountId): number {
    const s = this.liveSlot(account);
    this.closed[s] = 1;
    return s;
  }

  setFollowers(account: AccountId, delta: number): void {
    if (delta !== 1 && delta !== -1) bad('followers delta must be 1 or -1');
    const s = this.liveSlot(account);
    if (this.followers[s] + delta < 0) bad(`account ${account} has no follower to remove`);
    this.followers[s] += delta;
  }

  setPrice(market: string, price: number): void {
    const m = this.market(market);
    posInt(price, 'price');
    this.lastPrice[m] = price;
  }

  /**
   * Equity marked at the last prices: cash plus every holding at its market's last price, in quote units,
   * exactly, held to ±MAX_AMOUNT.
   */
  equity(s: number): number {
    return this.equityWith(s, this.cash[s], -1, 0);
  }

  /** The equity of slot s with `cash`, and with `position` in market `market` instead of its own (−1: none). */
  private equityWith(s: number, cash: number, market: number, position: number): number {
    let e = cash;
    let exact = true;
    const m = this.marketCount;
    const base = s * m;
    for (let i = 0; i < m; i++) {
      const q = i === market ? position : this.position[base + i];
      if (q === 0) continue;
      const v = mulDivFloor(q, this.lastPrice[i], this.unitOf[i]);
      e += v;
      // Once a term or a partial sum leaves the safe range, the double sum is no longer exact.
      if (!Number.isSafeInteger(v) || !Number.isSafeInteger(e)) exact = false;
    }
    if (exact) return e;
    let big = BigInt(cash);
    for (let i = 0; i < m; i++) {
      const q = i === market ? position : this.position[base + i];
      if (q !== 0) big += bigMulDivFloor(q, this.lastPrice[i], this.unitOf[i]);
    }
    const max = BigInt(MAX_AMOUNT);
    return Number(big > max ? max : big < -max ? -max : big);
  }

  /**
   * The unit-value index at equity e: the index at the last flow grown by the equity change since, held to
   * MAX_AMOUNT (a return of some 90 million times). A wiped-out account (equity ≤ 0) marks at 0 and, with
   * nothing to grow from, stays there.
   */
  indexAt(s: number, e: number): number {
    const base = this.baseCk[s];
    return base > 0 ? clampAmount(mulDivFloor(this.idxCk[s], e > 0 ? e : 0, base)) : this.idxCk[s];
  }

  applyTrade(t: Trade): void {
    const m = this.market(t.market);
    const price = posInt(t.price, 'price');
    const qty = posInt(t.quantity, 'quantity');
    const quote = safeInt(t.quoteAmount, 'quoteAmount');
    if (quote !== mulDivFloor(price, qty, this.unitOf[m]))
      bad('quoteAmount must be floor(price × quantity / 10^baseDecimals)');
    safeInt(t.buyerFee, 'buyerFee');
    safeInt(t.sellerFee, 'sellerFee');
    const b = this.liveSlot(t.buyer);
    const sl = this.liveSlot(t.seller);
    // Both sides are worked out before either changes (the seller's on top of the buyer's when they are one
    // account), so a trade either applies whole or is refused leaving nothing behind.
    const buyerDelta = checked(-quote - t.buyerFee, 'buyer cash');
    const sellerDelta = checked(quote - t.sellerFee, 'seller cash');
    const buyerCash = checked(this.cash[b] + buyerDelta, 'cash');
    const sellerCash = checked((sl === b ? buyerCash : this.cash[sl]) + sellerDelta, 'cash');
    const kb = b * this.marketCount + m;
    const ks = sl * this.marketCount + m;
    if (!planMove(this.position[kb], this.basis[kb], this.tripCash[kb], qty, buyerDelta, BUY_SIDE))
      outOfRange('the buyer’s position');
    const same = sl === b;
    if (
      !planMove(
        same ? BUY_SIDE[0] : this.position[ks],
        same ? BUY_SIDE[1] : this.basis[ks],
        same ? BUY_SIDE[2] : this.tripCash[ks],
        -qty,
        sellerDelta,
        SELL_SIDE,
      )
    ) {
      outOfRange('the seller’s position');
    }
    this.lastPrice[m] = price;
    this.cash[b] = buyerCash;
    this.cumTrades[b] += 1;
    this.commitMove(b, kb, BUY_SIDE);
    this.cash[sl] = sellerCash;
    this.cumTrades[sl] += 1;
    this.commitMove(sl, ks, SELL_SIDE);
  }

  private commitMove(s: number, k: number, plan: Float64Array): void {
    this.position[k] = plan[0];
    this.basis[k] = plan[1];
    this.tripCash[k] = plan[2];
    this.cumTrips[s] += plan[3];
    this.cumWins[s] += plan[4];
  }

  /**
   * An external flow: checkpoint the index at the equity just before it (so the flow is not performance), then
   * move the money or coins, then restart growth from the equity just after it. Returns what the flow was worth
   * (equity after − before, quote units, held to ±MAX_AMOUNT) and the account's slot.
   */
  applyFlow(f: Flow): { slot: number; value: number } {
    const amount = safeInt(f.amount, 'amount');
    if (amount === 0) bad('a flow of zero');
    if (!FLOW_KINDS.includes(f.kind)) bad(`unknown flow kind ${String(f.kind)}`);
    const s = this.liveSlot(f.account);
    let m = -1;
    if (f.asset !== this.config.quote) {
      const i = this.assetIndex.get(f.asset);
      if (i === undefined)
        throw new RankingError('UNKNOWN_ASSET', `asset ${f.asset} is neither ${this.config.quote} nor a market's base`);
      if (this.lastPrice[i] === 0)
        throw new RankingError('NO_PRICE', `${f.asset} has no price yet, so a flow in it cannot be valued`);
      m = i;
    }
    // Worked out whole before anything changes, like a trade.
    const before = this.equity(s);
    let after: number;
    let k = -1;
    if (m < 0) {
      const cash = checked(this.cash[s] + amount, 'cash');
      after = this.equityWith(s, cash, -1, 0);
    } else {
      // Coins in or out count as bought or sold at the last price for the round-trip accounting.
      k = s * this.marketCount + m;
      const cashDelta = checked(-mulDivFloor(amount, this.lastPrice[m], this.unitOf[m]), 'the flow’s value');
      if (!planMove(this.position[k], this.basis[k], this.tripCash[k], amount, cashDelta, BUY_SIDE))
        outOfRange('the position');
      after = this.equityWith(s, this.cash[s], m, BUY_SIDE[0]);
    }
    const cumFlow = Number(BigInt(this.cumFlow[s]) + BigInt(after) - BigInt(before));
    if (!Number.isSafeInteger(cumFlow)) outOfRange('the cumulative flow');
    this.idxCk[s] = this.indexAt(s, before);
    if (k < 0) this.cash[s] += amount;
    else this.commitMove(s, k, BUY_SIDE);
    this.baseCk[s] = after;
    this.cumFlow[s] = cumFlow;
    return { slot: s, value: clampAmount(after - before) };
  }
}

/**
 * Average-cost round trips. A round trip opens when the position leaves zero and closes when it returns to
 * zero; its result is the sum of the cash moves inside it. A move that crosses zero is split in proportion to
 * the quantity on each side, and a partial close takes its share of the cost basis (rounded down), so that
 * the last close of a trip takes exactly what is left.
 *
 * Plans a move of `dq` with cash `cashDelta` from (pos, basis, trip) into `out` (see BUY_SIDE); false when a
 * kept value would leave the safe range. Inputs are safe integers; a share is at most what it is a share of,
 * and a closed trip's cash is only tested for its sign (which rounding cannot flip), so only the values kept
 * need checking.
 */
function planMove(pos: number, basis: number, trip: number, dq: number, cashDelta: number, out: Float64Array): boolean {
  if (pos === 0 || pos > 0 === dq > 0) {
    out[0] = pos + dq;
    out[1] = basis + cashDelta;
    out[2] = trip;
    out[3] = 0;
    out[4] = 0;
    return Number.isSafeInteger(out[0]) && Number.isSafeInteger(out[1]);
  }
  const absPos = Math.abs(pos);
  const absDq = Math.abs(dq);
  const q = absDq < absPos ? absDq : absPos;
  const closeCash = q === absDq ? cashDelta : mulDivFloor(cashDelta, q, absDq);
  const removed = q === absPos ? basis : mulDivFloor(basis, q, absPos);
  const tripCash = trip + closeCash + removed;
  const after = pos + (dq > 0 ? q : -q);
  if (after !== 0) {
    out[0] = after;
    out[1] = basis - removed;
    out[2] = tripCash;
    out[3] = 0;
    out[4] = 0;
    return Number.isSafeInteger(tripCash);
  }
  out[3] = 1;
  out[4] = tripCash > 0 ? 1 : 0;
  out[2] = 0;
  if (q < absDq) {
    out[0] = dq > 0 ? absDq - q : q - absDq;
    out[1] = cashDelta - closeCash;
  } else {
    out[0] = 0;
    out[1] = 0;
  }
  return true;
}
