/**
 * Live orders by id. Order ids are issued in sequence, so the index is a set of fixed-size pages of a plain
 * array, looked up by id: reading and writing a slot needs no hashing, and a page is dropped once every order
 * on it has closed, so memory follows the live orders rather than every id ever issued. A dropped page (all
 * its slots empty) is kept for the next one needed, up to SPARE_PAGES of them: a new page every thousand
 * orders would otherwise be young garbage that lives long enough to be copied by the collector.
 *
 * Pages are found through a ring of RING_PAGES slots, by page number modulo the ring: the pages of the last
 * RING_PAGES × PAGE_SIZE ids (four million) each have a slot of their own, so a lookup is two array reads
 * instead of a hash lookup. A page still live when a page RING_PAGES later needs its slot (an order resting
 * while four million others were placed) moves to `older`, a map that is only consulted when the ring's page
 * is not the one asked for.
 */
import { objectList, objectSlots } from './arrays';
import type { Order } from './order';

const PAGE_SIZE = 1024;
const SPARE_PAGES = 16;
/** A power of two. */
const RING_PAGES = 4096;

interface Page {
  no: number;
  slots: (Order | undefined)[];
  live: number;
}

export class OrderIndex {
  private readonly ring = objectSlots<Page>(RING_PAGES);
  /** Live pages pushed out of the ring by a newer page with the same slot. */
  private readonly older = new Map<number, Page>();
  /** Pages in the ring. */
  private ringCount = 0;
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
    return this.ringCount + this.older.size;
  }

  get(id: number): Order | undefined {
    if (!Number.isSafeInteger(id) || id < 0) return undefined;
    return this.page(Math.floor(id / PAGE_SIZE))?.slots[id % PAGE_SIZE];
  }

  set(order: Order): void {
    const no = Math.floor(order.id / PAGE_SIZE);
    let page = no === this.lastNo ? this.last : this.page(no);
    if (!page) page = this.add(no);
    // The newest page is kept while it is empty (its next ids are coming); once ids move on, it goes too.
    if (no !== this.lastNo && this.last !== undefined && this.last.live === 0) this.drop(this.last);
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
    const page = no === this.lastNo ? this.last : this.page(no);
    const slot = id % PAGE_SIZE;
    if (!page || page.slots[slot] === undefined) return;
    page.slots[slot] = undefined;
    page.live--;
    this.count--;
    if (page.live === 0 && no !== this.lastNo) this.drop(page);
  }

  private page(no: number): Page | undefined {
    const p = this.ring[no & (RING_PAGES - 1)];
    if (p !== undefined && p.no === no) return p;
    return this.older.size === 0 ? undefined : this.older.get(no);
  }

  private add(no: number): Page {
    const page = this.spare.pop() ?? { no: 0, slots: objectSlots<Order>(PAGE_SIZE), live: 0 };
    page.no = no;
    const r = no & (RING_PAGES - 1);
    const held = this.ring[r];
    if (held !== undefined) {
      if (held.no > no) {
        // An id far older than the ring's page here (a restored snapshot lists ids in any order).
        this.older.set(no, page);
        return page;
      }
      this.older.set(held.no, held);
    } else this.ringCount++;
    this.ring[r] = page;
    return page;
  }

  private drop(page: Page): void {
    const r = page.no & (RING_PAGES - 1);
    if (this.ring[r] === page) {
      this.ring[r] = undefined;
      this.ringCount--;
    } else this.older.delete(page.no);
    if (this.spare.length < SPARE_PAGES) this.spare.push(page);
  }

  *values(): Generator<Order> {
    for (const page of this.ring) if (page) for (const o of page.slots) if (o) yield o;
    for (const page of this.older.values()) for (const o of page.slots) if (o) yield o;
  }
}
