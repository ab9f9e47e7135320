/**
 * The risk stage on its own, without a book or a matcher: whatever holds, re-holds, releases and settlements
 * are asked of it, a hold is only ever placed when the owner has it available (and then taken from available to
 * held exactly), a release gives back exactly what the order held, settling a trade moves money only between
 * the two orders' holds, the counterparties and the fee account, and no balance goes negative.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Trader } from './accounts';
import { Market } from './market';
import { MAX_AMOUNT, fee, notional } from './money';
import { blankOrder, type Order } from './order';
import { RiskStage } from './risk';
import { LPJ } from './testing/fixtures';
import { FEE_ACCOUNT, type Balance, type Side } from './types';

const ACCOUNTS = [1, 2, 3];

function stage(funding: number[][]) {
  const risk = new RiskStage();
  const m = new Market(LPJ, 0);
  risk.addMarket(m);
  const traders = ACCOUNTS.map((id, i) => {
    const trader = new Trader(id, 'cancel_resting', risk.ledger.open(id), 1);
    const [krw, lpj] = funding[i];
    if (krw > 0) risk.ledger.deposit(trader.account, 'KRW', krw);
    if (lpj > 0) risk.ledger.deposit(trader.account, 'LPJ', lpj);
    return trader;
  });
  return { risk, m, traders };
}

function order(risk: RiskStage, m: Market, trader: Trader, side: Side, price: number, quantity: number): Order {
  const o = blankOrder(trader, risk.funds(trader, m));
  Object.assign(o, { account: trader.id, market: m.id, side, price, quantity, remaining: quantity });
  return o;
}

const balanceOf = (o: Order): Balance => (o.side === 'buy' ? o.funds.quote : o.funds.base);
const copy = (b: Balance) => ({ ...b });

/** Every balance non-negative, and each held balance exactly what its open orders hold. */
function expectHoldsAccounted(risk: RiskStage, orders: Order[]): void {
  for (const account of risk.ledger.accounts.values()) {
    for (const [asset, b] of account.balances) {
      expect(b.available, `${account.id} ${asset} available`).toBeGreaterThanOrEqual(0);
      const held = orders
        .filter((o) => o.account === account.id && (o.side === 'buy' ? 'KRW' : 'LPJ') === asset)
        .reduce((s, o) => s + o.held, 0);
      expect(b.held, `${account.id} ${asset} held`).toBe(held);
    }
  }
}

type Step =
  | { kind: 'place'; who: number; side: Side; price: number; quantity: number }
  | { kind: 'rehold'; pick: number; price: number; quantity: number }
  | { kind: 'release'; pick: number }
  | { kind: 'trade'; pick: number; other: number; lots: number };

const price = fc.integer({ min: 180, max: 220 }).map((n) => n * 50);
const quantity = fc.integer({ min: 1, max: 2_000 }).map((n) => n * LPJ.lotSize);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('place' as const),
      who: fc.nat(2),
      side: fc.constantFrom<Side>('buy', 'sell'),
      price,
      quantity,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rehold' as const), pick: fc.nat(), price, quantity }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('trade' as const),
      pick: fc.nat(),
      other: fc.nat(),
      lots: fc.integer({ min: 1, max: 3_000 }),
    }),
  },
);
const funding = fc.array(fc.tuple(fc.integer({ min: 0, max: 20_000_000 }), fc.integer({ min: 0, max: 200_000 })), {
  minLength: 3,
  maxLength: 3,
});

describe('the risk stage', () => {
  it('holds only what is available, releases exactly what was held, and settles trades out of the holds', () => {
    let trades = 0;
    fc.assert(
      fc.property(funding, fc.array(step, { minLength: 1, maxLength: 120, size: 'max' }), (fund, steps) => {
        const { risk, m, traders } = stage(fund);
        const totals = risk.ledger.totals();
        const open: Order[] = [];
        for (const s of steps) {
          if (s.kind === 'place') {
            const o = order(risk, m, traders[s.who], s.side, s.price, s.quantity);
            const need = risk.holdFor(m, s.side, s.price, s.quantity);
            const b = balanceOf(o);
            const before = copy(b);
            const refused = risk.refuseHold(traders[s.who], m, s.side, need, 0);
            // Refused exactly when the owner does not have it available; then nothing changes.
            expect(refused === 'INSUFFICIENT_FUNDS').toBe(need > before.available);
            if (refused !== null) {
              expect(b).toEqual(before);
              continue;
            }
            risk.setHold(o, need);
            expect(o.held).toBe(need);
            expect(b).toEqual({ available: before.available - need, held: before.held + need });
            open.push(o);
          } else if (open.length > 0 && s.kind === 'rehold') {
            // An amend: a new price and quantity for what is left, holding more or giving back the difference.
            const o = open[s.pick % open.length];
            const need = risk.holdFor(m, o.side, s.price, s.quantity);
            const b = balanceOf(o);
            const before = copy(b);
            const heldBefore = o.held;
            const refused = risk.refuseHold(o.owner, m, o.side, need, o.held);
            expect(refused === 'INSUFFICIENT_FUNDS').toBe(need - heldBefore > before.available);
            if (refused !== null) {
              expect(b).toEqual(before);
              expect(o.held).toBe(heldBefore);
              continue;
            }
            risk.setHold(o, need);
            Object.assign(o, { price: s.price, quantity: s.quantity, remaining: s.quantity });
            expect(b).toEqual({
              available: before.available - (need - heldBefore),
              held: before.held + (need - heldBefore),
            });
          } else if (open.length > 0 && s.kind === 'release') {
            const [o] = open.splice(s.pick % open.length, 1);
            const b = balanceOf(o);
            const before = copy(b);
            const held = o.held;
            risk.release(o);
            expect(o.held).toBe(0);
            expect(b).toEqual({ available: before.available + held, held: before.held - held });
          } else if (open.length > 1 && s.kind === 'trade') {
            // The taker meets a resting order of the other side at the maker's price, as the matcher would.
            const taker = open[s.pick % open.length];
            const makers = open.filter((o) => o.side !== taker.side && o.account !== taker.account);
            if (makers.length === 0) continue;
            const maker = makers[s.other % makers.length];
            const buy = taker.side === 'buy' ? taker : maker;
            if (buy === taker ? maker.price > taker.price : taker.price > maker.price) continue;
            const q = Math.min(maker.remaining, taker.remaining, s.lots * LPJ.lotSize);
            const amount = notional(maker.price, q, m.unit);
            const makerFee = fee(amount, LPJ.makerFeeBps);
            const takerFee = fee(amount, LPJ.takerFeeBps);
            const buyerPays = amount + (buy === taker ? takerFee : makerFee);
            const buyerHeld = buy.held;
            risk.settle(m, maker, taker, q, amount, makerFee, takerFee);
            expect(buy.held).toBe(buyerHeld - buyerPays);
            trades++;
            for (const o of [maker, taker]) {
              o.remaining -= q;
              if (o.remaining === 0) {
                risk.release(o);
                open.splice(open.indexOf(o), 1);
              } else risk.trim(m, o);
            }
          }
          expectHoldsAccounted(risk, open);
        }
        // Money moved only inside the ledger; with every order released, nothing is held.
        expect(risk.ledger.totals()).toEqual(totals);
        for (const o of open.splice(0)) risk.release(o);
        expectHoldsAccounted(risk, []);
      }),
      { numRuns: 200 },
    );
    // The runs did settle trades, not only holds and releases.
    expect(trades).toBeGreaterThan(200);
  });

  it('releases what a partly filled buy holds beyond what the rest can cost, and nothing more', () => {
    const { risk, m, traders } = stage([
      [10_000_000, 0],
      [0, 0],
      [0, 0],
    ]);
    const o = order(risk, m, traders[0], 'buy', 10_000, 1_000);
    risk.setHold(o, risk.holdFor(m, 'buy', 10_000, 1_000));
    expect(o.held).toBe(100_000 + 200); // notional + the highest fee (20 bps)
    o.remaining = 400;
    risk.trim(m, o);
    expect(o.held).toBe(40_000 + 80);
    expect(o.funds.quote).toEqual({ available: 10_000_000 - 40_080, held: 40_080 });
    risk.trim(m, o); // already exact: nothing moves
    expect(o.held).toBe(40_080);
  });

  it('refuses a hold beyond the safe range without touching any balance', () => {
    const { risk, m, traders } = stage([
      [MAX_AMOUNT, 0],
      [0, 0],
      [0, 0],
    ]);
    const need = risk.holdFor(m, 'buy', MAX_AMOUNT - (MAX_AMOUNT % LPJ.tickSize), 1_000_000);
    expect(need).toBe(Infinity);
    const before = copy(traders[0].account.balance('KRW'));
    expect(risk.refuseHold(traders[0], m, 'buy', need, 0)).toBe('AMOUNT_OUT_OF_RANGE');
    expect(traders[0].account.balance('KRW')).toEqual(before);
    expect(risk.ledger.get(FEE_ACCOUNT)!.balance('KRW')).toEqual({ available: 0, held: 0 });
  });

  it('looks up only the balance an order would hold from before the account has an order in the market', () => {
    const risk = new RiskStage();
    const m = new Market(LPJ, 0);
    risk.addMarket(m);
    const trader = new Trader(7, 'cancel_resting', risk.ledger.open(7), 1);
    expect(risk.refuseHold(trader, m, 'sell', 100, 0)).toBe('INSUFFICIENT_FUNDS');
    expect([...trader.account.balances.keys()]).toEqual(['LPJ']);
    risk.funds(trader, m);
    expect([...trader.account.balances.keys()]).toEqual(['LPJ', 'KRW']);
  });
});
