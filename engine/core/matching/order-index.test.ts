import { describe, expect, it } from 'vitest';
import { Trader } from './accounts';
import { Account } from './ledger';
import { blankOrder } from './order';
import { OrderIndex } from './order-index';
import { MarketFunds } from './risk';

const owner = new Trader(1, 'cancel_resting', new Account(1), 1);
const funds = new MarketFunds({ available: 0, held: 0 }, { available: 0, held: 0 });
const order = (id: number) => ({ ...blankOrder(owner, funds), id });

describe('the live order index', () => {
  it('finds, replaces and forgets orders by id across pages, and frees pages once empty', () => {
    const index = new OrderIndex();
    const ids = [1, 2, 1023, 1024, 5_000, 1_000_000, 2 ** 40];
    for (const id of ids) index.set(order(id));
    expect(index.size).toBe(ids.length);
    for (const id of ids) expect(index.get(id)?.id).toBe(id);
    expect(index.get(3)).toBeUndefined();
    expect(index.get(-1)).toBeUndefined();
    expect(index.get(1.5)).toBeUndefined();
    for (const id of ids) index.delete(id);
    expect(index.size).toBe(0);
    expect([...index.values()]).toEqual([]);
    index.delete(12); // unknown: nothing happens
    expect(index.size).toBe(0);
  });

  it('keeps no page of orders that have all closed, even one that was the newest when they did', () => {
    const index = new OrderIndex();
    // Orders that close at once (market, IOC): each page empties while it is still the newest.
    for (let id = 1; id <= 10 * 1024; id++) {
      index.set(order(id));
      index.delete(id);
    }
    expect(index.size).toBe(0);
    expect(index.pageCount).toBeLessThanOrEqual(1);
    // A long-lived order keeps its page, and only its page.
    index.set(order(10 * 1024 + 1));
    for (let id = 10 * 1024 + 2; id <= 20 * 1024; id++) {
      index.set(order(id));
      index.delete(id);
    }
    expect(index.get(10 * 1024 + 1)?.id).toBe(10 * 1024 + 1);
    expect(index.pageCount).toBeLessThanOrEqual(2);
  });

  it('keeps an order that rests while four million later ones come and go, and finds both it and the newest', () => {
    const index = new OrderIndex();
    const old = [5, 1024 * 4096 + 7]; // two pages that share a place in the index's ring of recent pages
    index.set(order(old[0]));
    for (let id = 1024 * 4096; id < 1024 * 4096 + 7; id++) {
      index.set(order(id));
      index.delete(id);
    }
    index.set(order(old[1]));
    expect(index.get(old[0])?.id).toBe(old[0]);
    expect(index.get(old[1])?.id).toBe(old[1]);
    expect(index.get(1024 * 4096 + 5)).toBeUndefined();
    expect(index.pageCount).toBe(2);
    expect([...index.values()].map((o) => o.id).sort((a, b) => a - b)).toEqual(old);
    index.delete(old[1]);
    index.set(order(1024 * 4096 * 2 + 1)); // ids move on: the page of old[1] empties and goes
    index.delete(old[0]);
    expect(index.get(old[0])).toBeUndefined();
    expect(index.pageCount).toBe(1);
    // A restored snapshot may list ids out of order: an older id than the ring's page still finds its own page.
    index.set(order(1024 * 4096 + 3));
    index.set(order(3));
    expect(index.get(3)?.id).toBe(3);
    expect(index.get(1024 * 4096 + 3)?.id).toBe(1024 * 4096 + 3);
    expect(index.size).toBe(3);
  });
});
