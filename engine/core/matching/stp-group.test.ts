/**
 * Self-trade prevention across the accounts of one owner (open_account's `owner`: a main account and its copy
 * sub-accounts): their orders never trade with each other, whichever is the taker, and the taker account's
 * mode says which side is cancelled. Owners are checked when set, survive a snapshot, and the ledger balances.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchingEngine, type EngineSnapshot } from './engine';
import { A, B, C, Harness, LPJ, RICH, funded, types } from './testing/fixtures';
import { commandStream } from './testing/random-commands';
import type { EngineEvent, StpMode } from './types';

/** Sub-accounts of A (and one of B) in the tests below. */
const A1 = 101;
const A2 = 102;
const B1 = 201;

const trades = (events: EngineEvent[]) =>
  events.filter((e): e is Extract<EngineEvent, { type: 'trade' }> => e.type === 'trade');
const cancels = (events: EngineEvent[]) =>
  events.filter((e): e is Extract<EngineEvent, { type: 'cancelled' }> => e.type === 'cancelled');

/** A, B and C funded, and A1 opened as A's with `stp` and funded like them. */
function withSub(stp: StpMode): Harness {
  const h = funded();
  expect(h.apply({ type: 'open_account', account: A1, stp, owner: A })).toMatchObject([
    { type: 'account_opened', account: A1, stp, owner: A },
  ]);
  h.fund(A1, RICH);
  return h;
}

describe('accounts of one owner', () => {
  it("a sub-account buying with cancel_incoming is cancelled at its owner's resting sell; the sell stays", () => {
    const h = withSub('cancel_incoming');
    const own = Harness.orderId(h.limit(A, 'sell', 10_000, 100));
    h.limit(B, 'sell', 10_005, 100);
    const events = h.limit(A1, 'buy', 10_005, 100, { timeInForce: 'IOC' });
    expect(trades(events)).toEqual([]);
    expect(cancels(events)).toMatchObject([{ account: A1, reason: 'self_trade' }]);
    expect(h.engine.openOrders(A).map((o) => o.id)).toEqual([own]);
    h.check();
  });

  it("a market sell of a sub-account stops at its owner's bid and takes only the better bids of others", () => {
    const h = withSub('cancel_incoming');
    h.limit(B, 'buy', 10_005, 30);
    const own = Harness.orderId(h.limit(A, 'buy', 10_000, 100));
    h.limit(C, 'buy', 9_995, 100);
    const events = h.place(A1, { side: 'sell', orderType: 'market', quantity: 100 });
    expect(trades(events)).toMatchObject([{ price: 10_005, quantity: 30, makerAccount: B, takerAccount: A1 }]);
    expect(cancels(events)).toMatchObject([{ account: A1, reason: 'self_trade', remaining: 70 }]);
    expect(h.engine.openOrders(A).map((o) => o.id)).toEqual([own]);
    expect(h.engine.balance(A1, 'LPJ')).toEqual({ available: RICH.LPJ - 30, held: 0 });
    h.check();
  });

  it("with cancel_resting the owner's order is cancelled and the walk goes on to others", () => {
    const h = withSub('cancel_resting');
    const own = Harness.orderId(h.limit(A, 'sell', 10_000, 100));
    h.limit(B, 'sell', 10_005, 100);
    const events = h.limit(A1, 'buy', 10_005, 100);
    expect(cancels(events)).toMatchObject([{ orderId: own, account: A, reason: 'self_trade' }]);
    expect(trades(events)).toMatchObject([{ price: 10_005, makerAccount: B, takerAccount: A1 }]);
    h.check();
  });

  it('the owner taking against its sub-account, and two sub-accounts of one owner, do not trade either', () => {
    const h = withSub('cancel_incoming');
    h.apply({ type: 'open_account', account: A2, stp: 'cancel_incoming', owner: A });
    h.fund(A2, RICH);
    h.apply({ type: 'set_stp', account: A, stp: 'cancel_incoming' });
    h.limit(A1, 'sell', 10_000, 100);
    expect(trades(h.limit(A, 'buy', 10_000, 100))).toEqual([]);
    expect(trades(h.limit(A2, 'buy', 10_000, 100))).toEqual([]);
    // Someone else still trades with it.
    expect(trades(h.limit(B, 'buy', 10_000, 100))).toMatchObject([{ makerAccount: A1, takerAccount: B }]);
    h.check();
  });

  it("a fill-or-kill order counts its owner's orders in the way as a self-trade", () => {
    const h = withSub('cancel_incoming');
    h.limit(A, 'sell', 10_000, 100);
    h.limit(B, 'sell', 10_005, 100);
    const events = h.limit(A1, 'buy', 10_005, 100, { timeInForce: 'FOK' });
    expect(events).toMatchObject([{ type: 'rejected', reason: 'SELF_TRADE_PREVENTED' }]);
    h.check();
  });

  it('an existing account joins its owner with set_stp, and the engine says whose it is', () => {
    const h = funded();
    h.fund(A1, RICH);
    expect(h.engine.ownerOf(A1)).toBeUndefined();
    expect(h.apply({ type: 'set_stp', account: A1, stp: 'cancel_incoming', owner: A })).toMatchObject([
      { type: 'stp_set', account: A1, stp: 'cancel_incoming', owner: A },
    ]);
    expect(h.engine.ownerOf(A1)).toBe(A);
    expect(h.engine.ownerOf(A)).toBeUndefined();
    // Again with the same owner is allowed; a mode change alone keeps the owner.
    expect(types(h.apply({ type: 'set_stp', account: A1, stp: 'cancel_incoming', owner: A }))).toEqual(['stp_set']);
    h.apply({ type: 'set_stp', account: A1, stp: 'cancel_both' });
    expect(h.engine.ownerOf(A1)).toBe(A);
    h.limit(A, 'sell', 10_000, 100);
    expect(trades(h.limit(A1, 'buy', 10_000, 100))).toEqual([]);
    h.check();
  });

  it('refuses owners that would chain, split or leave a group, and every owner that is not an open account', () => {
    const h = withSub('cancel_incoming');
    h.fund(B1, RICH);
    const refused = (cmd: Parameters<Harness['apply']>[0]) => h.apply(cmd)[0];
    // Unknown, the fee account, not a safe integer.
    expect(refused({ type: 'open_account', account: 301, owner: 999 })).toMatchObject({ reason: 'UNKNOWN_ACCOUNT' });
    expect(refused({ type: 'open_account', account: 301, owner: 0 })).toMatchObject({ reason: 'UNKNOWN_ACCOUNT' });
    expect(refused({ type: 'open_account', account: 301, owner: 1.5 })).toMatchObject({ reason: 'UNKNOWN_ACCOUNT' });
    expect(refused({ type: 'open_account', account: 301, owner: Number.MAX_SAFE_INTEGER + 2 })).toMatchObject({
      reason: 'UNKNOWN_ACCOUNT',
    });
    // An owner that is itself owned (a chain).
    expect(refused({ type: 'open_account', account: 301, owner: A1 })).toMatchObject({ reason: 'INVALID_COMMAND' });
    // Owning oneself, moving to another owner, or an owner becoming owned.
    expect(refused({ type: 'set_stp', account: B1, stp: 'cancel_incoming', owner: B1 })).toMatchObject({
      reason: 'INVALID_COMMAND',
    });
    expect(refused({ type: 'set_stp', account: A1, stp: 'cancel_incoming', owner: B })).toMatchObject({
      reason: 'INVALID_COMMAND',
    });
    expect(refused({ type: 'set_stp', account: A, stp: 'cancel_incoming', owner: B })).toMatchObject({
      reason: 'INVALID_COMMAND',
    });
    expect(h.engine.hasAccount(301)).toBe(false);
    expect(h.engine.ownerOf(A1)).toBe(A);
    expect(h.engine.ownerOf(A)).toBeUndefined();
    h.check();
  });

  it('owners survive a snapshot, and a snapshot without them reads as accounts of their own', () => {
    const h = withSub('cancel_incoming');
    const snap = JSON.parse(JSON.stringify(h.engine.snapshot())) as EngineSnapshot;
    expect(snap.accounts.find((a) => a[0] === A1)?.[3]).toBe(A);
    expect(snap.accounts.find((a) => a[0] === A)).toHaveLength(3);
    const copy = MatchingEngine.restore(snap);
    expect(copy.ownerOf(A1)).toBe(A);
    expect(copy.snapshot()).toEqual(h.engine.snapshot());
    const old = { ...snap, accounts: snap.accounts.map(([id, stp, balances]) => [id, stp, balances]) };
    expect(MatchingEngine.restore(old as EngineSnapshot).ownerOf(A1)).toBeUndefined();
    const broken = { ...snap, accounts: snap.accounts.map((a) => (a[0] === A1 ? [a[0], a[1], a[2], 999] : a)) };
    expect(() => MatchingEngine.restore(broken as EngineSnapshot)).toThrow(/unknown account 999/);
  });
});

describe('randomised order streams over main accounts and their sub-accounts', () => {
  const MAIN = [1, 2, 3];
  const SUBS: [sub: number, owner: number][] = [
    [11, 1],
    [12, 1],
    [21, 2],
  ];
  const group = (account: number) => SUBS.find(([s]) => s === account)?.[1] ?? account;

  it('never trade two accounts of one owner with each other, keep every invariant, and replay from a snapshot', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 300 }), (seed, cut) => {
        const h = new Harness([LPJ]);
        for (const a of MAIN) h.fund(a, { KRW: 5_000_000, LPJ: 50_000 });
        for (const [sub, owner] of SUBS) {
          const stp = (['cancel_incoming', 'cancel_resting', 'cancel_both'] as const)[sub % 3];
          h.apply({ type: 'open_account', account: sub, stp, owner });
          h.fund(sub, { KRW: 5_000_000, LPJ: 50_000 });
        }
        // The stream also changes STP modes (without owners): the groups must hold through them.
        const next = commandStream(seed, h.engine, {
          market: LPJ,
          accounts: [...MAIN, ...SUBS.map(([s]) => s)],
          mid: 10_000,
          spreadTicks: 20,
        });
        let traded = 0;
        let copy: MatchingEngine | undefined;
        for (let i = 0; i < 600; i++) {
          if (i === cut) copy = MatchingEngine.restore(JSON.parse(JSON.stringify(h.engine.snapshot())));
          const cmd = next();
          const events = h.apply(cmd);
          if (copy) expect(copy.apply(cmd)).toEqual(events);
          for (const t of trades(events)) {
            expect(group(t.makerAccount)).not.toBe(group(t.takerAccount));
            traded++;
          }
          h.check();
        }
        expect(traded).toBeGreaterThan(0);
        for (const [sub, owner] of SUBS) expect(h.engine.ownerOf(sub)).toBe(owner);
      }),
      { numRuns: 20 },
    );
  });
});
