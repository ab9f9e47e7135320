/**
 * The engine's invariants, checked from the outside in: no crossed book at rest, level totals equal to their
 * orders, every resting order in the order index, every order's hold accounted in its owner's held balance, no
 * negative balance, OCO pairs linked both ways. Returns what is wrong (empty when all hold). Cheap enough to
 * run after a restore; tests run it after every scenario.
 */
import type { EngineState } from './state';

export function audit(s: EngineState): string[] {
  const problems: string[] = [];
  const held = new Map<string, number>();
  const addHeld = (account: number, asset: string, amount: number) =>
    held.set(`${account}/${asset}`, (held.get(`${account}/${asset}`) ?? 0) + amount);
  for (const m of s.markets.values()) {
    const bid = m.bids.best();
    const ask = m.asks.best();
    if (bid && ask && bid.price >= ask.price)
      problems.push(`${m.id}: crossed book at rest (bid ${bid.price} >= ask ${ask.price})`);
    for (const side of [m.bids, m.asks]) {
      const sums = new Map<number, number>();
      for (const o of side.orders()) {
        if (o.remaining <= 0) problems.push(`${m.id}: order ${o.id} rests with remaining ${o.remaining}`);
        sums.set(o.price, (sums.get(o.price) ?? 0) + o.remaining);
        if (s.orders.index.get(o.id) !== o) problems.push(`${m.id}: resting order ${o.id} is not in the order map`);
      }
      for (const [price, sum] of sums) {
        const level = side.level(price);
        if (!level || level.total !== sum)
          problems.push(`${m.id}: ${side.side} level ${price} total ${level?.total} != ${sum}`);
      }
    }
  }
  for (const o of s.orders.index.values()) {
    if (o.oco !== null && (o.oco.oco !== o || s.orders.index.get(o.oco.id) !== o.oco))
      problems.push(`order ${o.id}: OCO partner ${o.oco.id} is not live or not linked back`);
    const c = s.markets.get(o.market)!.config;
    addHeld(o.account, o.side === 'buy' ? c.quote : c.base, o.held);
  }
  for (const account of s.risk.ledger.accounts.values()) {
    for (const [asset, b] of account.balances) {
      if (b.available < 0 || b.held < 0)
        problems.push(`account ${account.id} ${asset}: negative balance ${b.available}/${b.held}`);
      const expected = held.get(`${account.id}/${asset}`) ?? 0;
      if (b.held !== expected)
        problems.push(`account ${account.id} ${asset}: held ${b.held} but its orders hold ${expected}`);
    }
  }
  return problems;
}
