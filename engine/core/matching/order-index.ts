/**
 * Live orders by id. Order ids are issued in sequence, so the index is a set of fixed-size pages of a plain
 * array, looked up by id: reading and writing a slot needs no hashing, and a page is dropped once every order
 * on it has closed, so memory follows the live orders rather than every id ever issued. A dropped page (all
 * its slots empty) is kept for the next one needed, up to SPARE_PAGES of them: a new page every thousand
 * orders would otherwise be young garbage that lives long enough to be copied by the collector.
 */
import { objectList, objectSlots } from './arrays';
import type { Order } from './order';

const PAGE_SIZE = 1024;
const SPARE_PAGES = 16;

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
  private readonly spare = objectList<Page>();

  get size(): number {
    return this.count;
  }

  /** Pages held (each holds at least one live order, but for the newest). */
  get pageCount(): number {
    return this.pages.size;
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
      page = this.spare.pop() ?? { slots: objectSlots<Order>(PAGE_SIZE), live: 0 };
      this.pages.set(no, page);
    }
    // The newest page is kept while it is empty (its next ids are coming); once ids move on, it goes too.
    if (no !== this.lastNo && this.last !== undefined && this.last.live === 0) this.drop(this.lastNo, this.last);
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
    if (page.live === 0 && no !== this.lastNo) this.drop(no, page);
  }

  private drop(no: number, page: Page): void {
    this.pages.delete(no);
    if (this.spare.length < SPARE_PAGES) this.spare.push(page);
  }

  *values(): Generator<Order> {
    for (const page of this.pages.values()) for (const o of page.slots) if (o) yield o;
  }
}
