/**
 * A sorted leaderboard: accounts in rank order plus each slot's rank, rebuilt from the figure columns. Reading
 * the top N is then a slice of `order`.
 *
 * Order: return descending, ties by registration order (lower slot first). The sort key is 2^28 − return,
 * an integer below 2^30; returns above 2^28 bps (2.68 million %) compare as equal and fall back to the tie rule.
 */
import type { FigureColumns } from './figures';

const RET_CAP = 2 ** 28;

export class Board {
  order = new Int32Array(0);
  size = 0;
  private keys = new Uint32Array(0);
  private keys2 = new Uint32Array(0);
  private slots = new Int32Array(0);
  private slots2 = new Int32Array(0);
  private readonly count = new Int32Array(0x8000 + 1);
  /** 1-based rank per slot at the last build; 0 = not on the board. */
  rank: Int32Array;
  /** Ranks at the end of the previous day. */
  prevRank: Int32Array;

  constructor(capacity: number) {
    this.rank = new Int32Array(capacity);
    this.prevRank = new Int32Array(capacity);
  }

  grow(capacity: number): void {
    const r = new Int32Array(capacity);
    r.set(this.rank);
    this.rank = r;
    const p = new Int32Array(capacity);
    p.set(this.prevRank);
    this.prevRank = p;
  }

  /** The previous day's board becomes the reference for rank changes. */
  closeDay(): void {
    this.prevRank.set(this.rank);
  }

  build(count: number, cols: FigureColumns): void {
    if (this.keys.length < count) {
      const n = Math.max(count, this.keys.length * 2);
      this.keys = new Uint32Array(n);
      this.keys2 = new Uint32Array(n);
      this.slots = new Int32Array(n);
      this.slots2 = new Int32Array(n);
      this.order = new Int32Array(n);
    }
    const { keys, slots, rank } = this;
    let n = 0;
    for (let s = 0; s < count; s++) {
      rank[s] = 0;
      if (cols.ok[s] === 0) continue;
      let r = cols.ret[s];
      if (r > RET_CAP) r = RET_CAP;
      keys[n] = RET_CAP - r;
      slots[n++] = s;
    }
    // Slots went in ascending, and the radix sort is stable, so equal returns stay in slot order.
    this.radixSort(n);
    const order = this.order;
    for (let i = 0; i < n; i++) rank[order[i]] = i + 1;
    this.size = n;
  }

  /**
   * Two stable counting passes over 15-bit digits of the 30-bit key (LSD radix): linear in the board size,
   * a few times faster than a comparison sort at 100,000 rows, which matters at one sort per board per mark.
   */
  private radixSort(n: number): void {
    const count = this.count;
    let kIn = this.keys;
    let sIn = this.slots;
    let kOut = this.keys2;
    let sOut = this.slots2;
    for (let shift = 0; shift < 30; shift += 15) {
      count.fill(0);
      for (let i = 0; i < n; i++) count[((kIn[i] >>> shift) & 0x7fff) + 1]++;
      for (let d = 1; d <= 0x8000; d++) count[d] += count[d - 1];
      for (let i = 0; i < n; i++) {
        const at = count[(kIn[i] >>> shift) & 0x7fff]++;
        kOut[at] = kIn[i];
        sOut[at] = sIn[i];
      }
      [kIn, kOut] = [kOut, kIn];
      [sIn, sOut] = [sOut, sIn];
    }
    this.order.set(sIn.subarray(0, n));
  }
}
