import { describe, expect, it } from 'vitest';
import { Trader } from './accounts';
import { Account } from './ledger';
import { blankOrder } from './order';
import { OrderIndex } from './order-index';
import { MarketFunds } from './risk';

const owner = new Trader(1, 'cancel_resting', new Account(1));
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
});
