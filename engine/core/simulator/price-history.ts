/** The last trade price at each of the most recent ticks, in a fixed ring (0 = no trade yet then). */
export class PriceHistory {
  private readonly ring: Float64Array;
  private count = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
  }

  push(price: number): void {
    this.ring[this.count % this.capacity] = price;
    this.count++;
  }

  /** The price `n` ticks before the newest (clamped to the oldest kept), undefined if none traded by then. */
  ago(n: number): number | undefined {
    if (this.count === 0) return undefined;
    const back = Math.min(n, this.count - 1, this.capacity - 1);
    const p = this.ring[(this.count - 1 - back) % this.capacity];
    return p > 0 ? p : undefined;
  }
}
