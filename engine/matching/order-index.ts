/**
 * Live orders by id. Order ids are issued in sequence, so the index is a set of fixed-size pages of a plain
 * array, looked up by id: reading and writing a slot needs no hashing, and a page is dropped once every order
 * on it has closed, so memory follows the live orders rather than every id ever issued.
 */
import type { Order } from './order';

const PAGE_SIZE = 1024;

interface Page {
  slots: (Order | undefined)[];
  live: number;
}

export class OrderIndex {
  private readonly pages = new Map<number, Page>();
  /** The page of the most recently issued ids: almost every new order lands on it. */
  private lastNo = -1;
  private last: Page | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: number): Order | undefined {
    if (!Number.isSafeInteger(id) || id < 0) return undefined;
    const no = Math.floor(id / PAGE_SIZE);
    const page = no === this.lastNo ? this.last : this.pages.get(no);
    return page?.slots[id % PAGE_SIZE];
  }

  set(order: Order): void {
    const no = Math.floor(order.id / PAGE_SIZE);
    let page = no === this.lastNo ? this.last : this.pages.get(no);
    if (!page) {
      page = { slots: new Array<Order | undefined>(PAGE_SIZE), live: 0 };
      this.pages.set(no, page);
    }
    this.lastNo = no;
    this.last = page;
    const slot = order.id % PAGE_SIZE;
    if (page.slots[slot] === undefined) {
      page.live++;
      this.count++;
    }
    page.slots[slot] = order;
  }

  delete(id: number): void {
    const no = Math.floor(id / PAGE_SIZE);
    const page = no === this.lastNo ? this.last : this.pages.get(no);
    const slot = id % PAGE_SIZE;
    if (!page || page.slots[slot] === undefined) return;
    page.slots[slot] = undefined;
    page.live--;
    this.count--;
    if (page.live === 0 && no !== this.lastNo) this.pages.delete(no);
  }

  *values(): Generator<Order> {
    for (const page of this.pages.values()) for (const o of page.slots) if (o) yield o;
  }
}
