/**
 * Per-account accounting for the ranking: cash, holdings, the time-weighted unit-value index, cumulative flows,
 * trades and closed round trips. State lives in typed-array columns indexed by a dense slot number, so that
 * marking 100,000 accounts every hour touches contiguous memory and allocates nothing.
 *
 * This is the definition of every per-account figure; the incremental service and the batch recompute both
 * build on it and differ only in how they derive the windowed figures and the boards from the snapshots.
 */
import type { AccountId } from '../matching/types';
import type { ResolvedRankingConfig } from './config';
import { RankingError } from './config';
import { mulDivFloor } from './exact';
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
const safeInt = (v: unknown, what: string): number => (Number.isSafeInteger(v) ? (v as number) : bad(`${what} must be a safe integer`));
const posInt = (v: unknown, what: string): number => (safeInt(v, what) > 0 ? (v as number) : bad(`${what} must be positive`));
const checked = (v: number, what: string): number => (Number.isSafeInteger(v) ? v : bad(`${what} leaves the safe integer range`));

// Local alias: equity and the index are computed for every account at every mark, and some module loaders
// route each imported call through a getter.
const mulDiv = mulDivFloor;

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
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(old: T | undefined, ctor: new (n: number) => T, per = 1): T => {
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
    if (typeof r.nickname !== 'string' || r.nickname.length === 0 || r.nickname.length > 64) bad('nickname must be 1–64 characters');
    if (r.ranked !== undefined && typeof r.ranked !== 'boolean') bad('ranked must be a boolean');
    const known = this.slot(r.account);
    if (known !== undefined) {
      if (this.closed[known]) throw new RankingError('ACCOUNT_CLOSED', `account ${r.account} is closed; ids are never reused`);
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

  /** Equity marked at the last prices: cash plus every holding at its market's last price, in quote units. */
  equity(s: number): number {
    let e = this.cash[s];
    const m = this.marketCount;
    const base = s * m;
    for (let i = 0; i < m; i++) {
      const q = this.position[base + i];
      if (q !== 0) e += mulDiv(q, this.lastPrice[i], this.unitOf[i]);
    }
    return e;
  }

  /** The unit-value index at equity e: the index at the last flow grown by the equity change since. A wiped-out
   *  account (equity ≤ 0) marks at 0 and, with nothing to grow from, stays there. */
  indexAt(s: number, e: number): number {
    const base = this.baseCk[s];
    return base > 0 ? mulDiv(this.idxCk[s], e > 0 ? e : 0, base) : this.idxCk[s];
  }

  applyTrade(t: Trade): void {
    const m = this.market(t.market);
    const price = posInt(t.price, 'price');
    const qty = posInt(t.quantity, 'quantity');
    const quote = safeInt(t.quoteAmount, 'quoteAmount');
    if (quote !== mulDivFloor(price, qty, this.unitOf[m])) bad('quoteAmount must be floor(price × quantity / 10^baseDecimals)');
    safeInt(t.buyerFee, 'buyerFee');
    safeInt(t.sellerFee, 'sellerFee');
    const b = this.liveSlot(t.buyer);
    const sl = this.liveSlot(t.seller);
    this.lastPrice[m] = price;
    this.fill(b, m, qty, checked(-quote - t.buyerFee, 'buyer cash'));
    this.fill(sl, m, -qty, checked(quote - t.sellerFee, 'seller cash'));
  }

  private fill(s: number, m: number, dq: number, cashDelta: number): void {
    this.cash[s] = checked(this.cash[s] + cashDelta, 'cash');
    this.cumTrades[s] += 1;
    this.movePosition(s, m, dq, cashDelta);
  }

  /**
   * Average-cost round trips. A round trip opens when the position leaves zero and closes when it returns to
   * zero; its result is the sum of the cash moves inside it. A move that crosses zero is split in proportion to
   * the quantity on each side, and a partial close takes its share of the cost basis (rounded down), so that
   * the last close of a trip takes exactly what is left.
   */
  private movePosition(s: number, m: number, dq: number, cashDelta: number): void {
    const k = s * this.marketCount + m;
    const pos = this.position[k];
    if (pos === 0 || pos > 0 === dq > 0) {
      this.position[k] = checked(pos + dq, 'position');
      this.basis[k] += cashDelta;
      return;
    }
    const absPos = Math.abs(pos);
    const absDq = Math.abs(dq);
    const q = absDq < absPos ? absDq : absPos;
    const closeCash = q === absDq ? cashDelta : mulDivFloor(cashDelta, q, absDq);
    const removed = q === absPos ? this.basis[k] : mulDivFloor(this.basis[k], q, absPos);
    this.tripCash[k] += closeCash + removed;
    this.basis[k] -= removed;
    const after = pos + (dq > 0 ? q : -q);
    this.position[k] = after;
    if (after === 0) {
      this.cumTrips[s] += 1;
      if (this.tripCash[k] > 0) this.cumWins[s] += 1;
      this.tripCash[k] = 0;
      this.basis[k] = 0;
      if (q < absDq) {
        this.position[k] = dq > 0 ? absDq - q : q - absDq;
        this.basis[k] = cashDelta - closeCash;
      }
    }
  }

  /**
   * An external flow: checkpoint the index at the equity just before it (so the flow is not performance), then
   * move the money or coins, then restart growth from the equity just after it.
   */
  applyFlow(f: Flow): void {
    const amount = safeInt(f.amount, 'amount');
    if (amount === 0) bad('a flow of zero');
    if (!FLOW_KINDS.includes(f.kind)) bad(`unknown flow kind ${String(f.kind)}`);
    const s = this.liveSlot(f.account);
    let m = -1;
    if (f.asset !== this.config.quote) {
      const i = this.assetIndex.get(f.asset);
      if (i === undefined) throw new RankingError('UNKNOWN_ASSET', `asset ${f.asset} is neither ${this.config.quote} nor a market's base`);
      if (this.lastPrice[i] === 0) throw new RankingError('NO_PRICE', `${f.asset} has no price yet, so a flow in it cannot be valued`);
      m = i;
    }
    const before = this.equity(s);
    this.idxCk[s] = this.indexAt(s, before);
    if (m < 0) {
      this.cash[s] = checked(this.cash[s] + amount, 'cash');
    } else {
      // Coins in or out count as bought or sold at the last price for the round-trip accounting.
      this.movePosition(s, m, amount, -mulDivFloor(amount, this.lastPrice[m], this.unitOf[m]));
    }
    const after = this.equity(s);
    this.baseCk[s] = after;
    this.cumFlow[s] = checked(this.cumFlow[s] + (after - before), 'cumulative flow');
  }
}
