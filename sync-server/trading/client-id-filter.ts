/**
 * Which (account, client order id) pairs the order history may hold, answered from memory.
 *
 * Every new order asks whether it is a resend, and almost never is. Asking the history table means a SQLite
 * read on the event loop whose pages the read-model writer keeps changing under it (another connection's
 * commit empties this connection's page cache). This set keeps a 32-bit fingerprint of every pair instead: a
 * pair it has never seen is answered "no" at once, and only a fingerprint match (a real resend, or about one
 * new order in 2^32 / size) goes to the table. Four bytes per order, grown by doubling at half full.
 */
export class ClientIdFilter {
  private slots = new Uint32Array(1 << 12);
  private count = 0;

  /** Remembers a pair. */
  add(account: number, clientOrderId: string): void {
    if (this.count * 2 >= this.slots.length) this.grow();
    if (this.insert(this.slots, fingerprint(account, clientOrderId))) this.count++;
  }

  /** False when the pair was never added; true when it was (or, rarely, when another pair shares its fingerprint). */
  mightHave(account: number, clientOrderId: string): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    const fp = fingerprint(account, clientOrderId);
    for (let i = fp & mask; ; i = (i + 1) & mask) {
      const v = slots[i];
      if (v === fp) return true;
      if (v === 0) return false;
    }
  }

  /** Fingerprints held (pairs sharing one count once). */
  get size(): number {
    return this.count;
  }

  private insert(slots: Uint32Array, fp: number): boolean {
    const mask = slots.length - 1;
    for (let i = fp & mask; ; i = (i + 1) & mask) {
      const v = slots[i];
      if (v === fp) return false;
      if (v === 0) {
        slots[i] = fp;
        return true;
      }
    }
  }

  private grow(): void {
    const bigger = new Uint32Array(this.slots.length * 2);
    for (const fp of this.slots) if (fp !== 0) this.insert(bigger, fp);
    this.slots = bigger;
  }
}

/** FNV-1a over the account and the id's UTF-16 code units, finished with a murmur3 mix; never 0 (the empty slot). */
function fingerprint(account: number, clientOrderId: string): number {
  let h = Math.imul(0x811c9dc5 ^ (account | 0), 0x01000193) ^ Math.floor(account / 0x1_0000_0000);
  for (let i = 0; i < clientOrderId.length; i++) h = Math.imul(h ^ clientOrderId.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0 || 1;
}
