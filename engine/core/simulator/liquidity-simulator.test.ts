import { describe, expect, it } from 'vitest';
import { MatchingEngine } from '../matching/engine';
import type { EngineEvent } from '../matching/types';
import { DEFAULT_ACCOUNT_BASE, LiquiditySimulator } from './liquidity-simulator';
import { harness, LPJ_KRW, netDeposits, run, type Harness } from './testing/harness';

const USER = 1;
const T0 = 1_700_000_000_000;

function expectSound(h: Harness): void {
  expect(h.engine.audit()).toEqual([]);
  const totals = h.engine.ledger.totals();
  const deposits = netDeposits(h.events);
  for (const asset of ['LPJ', 'KRW']) expect(totals.get(asset) ?? 0).toBe(deposits.get(asset) ?? 0);
}

const trades = (events: readonly EngineEvent[]) =>
  events.filter((e): e is Extract<EngineEvent, { type: 'trade' }> => e.type === 'trade');

describe('LiquiditySimulator on a fresh LPJ-KRW market', () => {
  it('builds a two-sided book around the fair value, prints trades, and the last price follows the fair value', () => {
    const h = harness();
    const fairs: number[] = [];
    const lasts: number[] = [];
    run(h, 3000, T0, () => {
      fairs.push(h.sim.fairValue);
      lasts.push(h.engine.lastPrice('LPJ-KRW') ?? 0);
    });
    const fair = h.sim.fairValue;
    const depth = h.engine.depth('LPJ-KRW', 50)!;
    expect(depth.bids.length).toBeGreaterThanOrEqual(8);
    expect(depth.asks.length).toBeGreaterThanOrEqual(8);
    const [bestBid] = depth.bids[0];
    const [bestAsk] = depth.asks[0];
    expect(bestBid).toBeLessThan(bestAsk);
    // The touch sits within 1% of the fair value, and there is size within 2% on both sides.
    expect(Math.abs(bestBid - fair) / fair).toBeLessThan(0.01);
    expect(Math.abs(bestAsk - fair) / fair).toBeLessThan(0.01);
    const near = (levels: [number, number][]) =>
      levels.filter(([p]) => Math.abs(p - fair) / fair < 0.02).reduce((s, [, q]) => s + q, 0);
    expect(near(depth.bids)).toBeGreaterThan(10 ** 8); // over one LPJ
    expect(near(depth.asks)).toBeGreaterThan(10 ** 8);

    const tape = trades(h.events);
    expect(tape.length).toBeGreaterThan(500);
    // Agents trade among themselves from several accounts and on both sides.
    expect(new Set(tape.map((t) => t.takerSide)).size).toBe(2);
    expect(new Set(tape.map((t) => t.takerAccount)).size).toBeGreaterThan(5);

    // The price moves: the fair value wanders, and the last price with it.
    expect(Math.max(...fairs) - Math.min(...fairs)).toBeGreaterThan(100);
    expect(new Set(lasts).size).toBeGreaterThan(100);
    // ...and tracks it: on average within half a percent, once trading has started.
    const traded = lasts.map((p, i) => [p, fairs[i]]).filter(([p]) => p > 0);
    const meanGap = traded.reduce((s, [p, f]) => s + Math.abs(p - f) / f, 0) / traded.length;
    expect(meanGap).toBeLessThan(0.005);
    expectSound(h);
  });

  it('opens and funds its agents with ordinary commands, on accounts from the configured base', () => {
    const h = harness({
      accountBase: 5_000_000,
      marketMakers: { count: 2 },
      noiseTraders: { count: 3 },
      momentumTakers: { count: 1 },
    });
    const first = h.sim.step(T0);
    expect(first.filter((c) => c.type === 'open_account').map((c) => c.account)).toEqual([
      5_000_000, 5_000_001, 5_000_002, 5_000_003, 5_000_004, 5_000_005,
    ]);
    expect(first.every((c) => c.type === 'open_account' || c.type === 'deposit')).toBe(true);
    expect(h.sim.agents.map((a) => a.kind)).toEqual([
      'market_maker',
      'market_maker',
      'noise_trader',
      'noise_trader',
      'noise_trader',
      'momentum_taker',
    ]);
    for (const a of h.sim.agents) {
      expect(h.engine.balance(a.account, 'KRW').available).toBe(a.funding.quote);
      expect(h.engine.balance(a.account, 'LPJ').available).toBe(a.funding.base);
    }
  });

  it('sends only commands the engine accepts, and never more than the per-tick budget', () => {
    const h = harness({ maxCommandsPerTick: 6 });
    let most = 0;
    h.sim.step(T0); // provisioning
    for (let i = 1; i <= 1500; i++) {
      most = Math.max(most, h.sim.step(T0 + i * 1000).length);
      if (i % 100 === 0) expect(h.engine.audit()).toEqual([]);
    }
    expect(most).toBe(6);
    expect(h.events.filter((e) => e.type === 'rejected')).toEqual([]);
    expect(h.sim.stats()).toMatchObject({ ticks: 1500, rejected: 0 });
    expectSound(h);
  });

  it('is deterministic: the same seed gives the same events, another seed does not', () => {
    const a = harness({ seed: 42 });
    const b = harness({ seed: 42 });
    const c = harness({ seed: 43 });
    for (const h of [a, b, c]) run(h, 800);
    expect(a.events.length).toBeGreaterThan(1000);
    expect(b.events).toEqual(a.events);
    expect(c.events).not.toEqual(a.events);
    expect(trades(c.events).map((t) => t.price)).not.toEqual(trades(a.events).map((t) => t.price));
  });

  it('is deterministic with a user trading in between ticks', () => {
    const go = () => {
      const h = harness({ seed: 'practice' });
      h.apply({ type: 'open_account', account: USER });
      h.apply({ type: 'deposit', account: USER, asset: 'KRW', amount: 10_000_000 });
      run(h, 600, T0, (i) => {
        if (i % 50 === 49)
          h.apply({
            type: 'place',
            market: 'LPJ-KRW',
            account: USER,
            side: 'buy',
            orderType: 'market',
            quoteAmount: 200_000,
            ts: T0 + i * 1000,
          });
      });
      return h.events;
    };
    const first = go();
    expect(first.some((e) => e.type === 'trade' && e.takerAccount === USER)).toBe(true);
    expect(go()).toEqual(first);
  });

  it('fills a user trading against the agents, at prices near the fair value', () => {
    const h = harness();
    run(h, 300);
    h.apply({ type: 'open_account', account: USER });
    h.apply({ type: 'deposit', account: USER, asset: 'KRW', amount: 5_000_000 });
    const fair = h.sim.fairValue;
    const buy = h.apply({
      type: 'place',
      market: 'LPJ-KRW',
      account: USER,
      side: 'buy',
      orderType: 'market',
      quoteAmount: 1_000_000,
    });
    const bought = trades(buy);
    expect(bought.length).toBeGreaterThan(0);
    expect(bought.every((t) => t.takerAccount === USER && t.makerAccount >= DEFAULT_ACCOUNT_BASE)).toBe(true);
    expect(bought.every((t) => Math.abs(t.price - fair) / fair < 0.01)).toBe(true);
    const lpj = h.engine.balance(USER, 'LPJ').available;
    expect(lpj).toBeGreaterThan(0);

    // A resting sell just above the touch gets lifted by the agents as the market trades up to it.
    const bestAsk = h.engine.depth('LPJ-KRW', 1)!.asks[0][0];
    const quantity = lpj - (lpj % LPJ_KRW.lotSize);
    h.apply({
      type: 'place',
      market: 'LPJ-KRW',
      account: USER,
      side: 'sell',
      orderType: 'limit',
      price: bestAsk,
      quantity,
    });
    run(h, 600, T0 + 1_000_000);
    const sold = trades(h.events).filter((t) => t.makerAccount === USER);
    expect(sold.length).toBeGreaterThan(0);
    expect(sold.every((t) => t.takerAccount >= DEFAULT_ACCOUNT_BASE)).toBe(true);
    expectSound(h);
  });

  it('keeps trading without errors when agents run out of funds', () => {
    // Barely funded agents and no refills: they must skip what they cannot pay for.
    const tiny = { base: 5_000_000, quote: 60_000 }; // 0.05 LPJ (~500 KRW) and 60,000 KRW
    const h = harness({
      refill: null,
      marketMakers: { count: 2, funding: { base: 20_000_000_000, quote: 2_000_000 } },
      noiseTraders: { count: 6, funding: tiny, activity: 0.6, marketOrderShare: 0.8 },
      momentumTakers: { count: 2, funding: tiny },
    });
    const perTick: number[] = [];
    h.sim.step(T0);
    for (let i = 1; i <= 2000; i++) perTick.push(h.sim.step(T0 + i * 1000).length);
    // Someone ran dry: at least one noise trader cannot afford the minimum order in either asset.
    const fair = h.sim.fairValue;
    const broke = h.sim.agents.filter((a) => {
      const krw = h.engine.balance(a.account, 'KRW');
      const lpj = h.engine.balance(a.account, 'LPJ');
      return krw.available < LPJ_KRW.minNotional && h.sim.math.notional(fair, lpj.available) < LPJ_KRW.minNotional;
    });
    expect(broke.length).toBeGreaterThan(0);
    expect(perTick.slice(-200).some((n) => n > 0)).toBe(true); // the others carry on
    expect(h.events.filter((e) => e.type === 'rejected')).toEqual([]);
    expectSound(h);
  });

  it('grants agents that ran dry their funding back when refills are on', () => {
    const h = harness({
      refill: { everyTicks: 50, belowPct: 50 },
      marketMakers: { count: 2 },
      noiseTraders: { count: 4, funding: { base: 2_000_000, quote: 40_000 }, activity: 0.8, marketOrderShare: 1 },
      momentumTakers: { count: 0 },
    });
    run(h, 400);
    const provisioned = h.sim.agents.length * 2;
    const deposits = h.events.filter((e) => e.type === 'deposited');
    expect(deposits.length).toBeGreaterThan(provisioned);
    for (const d of deposits.slice(provisioned)) {
      const agent = h.sim.agents.find((a) => a.account === d.account)!;
      expect(agent.kind).toBe('noise_trader');
      expect(d.amount).toBeLessThanOrEqual(d.asset === 'KRW' ? agent.funding.quote : agent.funding.base);
    }
    expectSound(h);
  });

  it('picks up after a restart: existing accounts are reused, old quotes are moved rather than duplicated', () => {
    const h = harness();
    run(h, 200);
    const restored = MatchingEngine.restore(JSON.parse(JSON.stringify(h.engine.snapshot())));
    const again = harness({ seed: 'after restart' }, restored);
    const first = again.sim.step(T0 + 500_000);
    expect(first).toEqual([]); // nothing to open or fund
    run(again, 200, T0 + 501_000);
    expect(again.events.filter((e) => e.type === 'rejected')).toEqual([]);
    for (const a of again.sim.agents.filter((x) => x.kind === 'market_maker')) {
      const orders = restored.openOrders(a.account, 'LPJ-KRW');
      expect(orders.filter((o) => o.side === 'buy').length).toBeLessThanOrEqual(5);
      expect(orders.filter((o) => o.side === 'sell').length).toBeLessThanOrEqual(5);
    }
    expect(restored.audit()).toEqual([]);
  });

  it('stops sending after a submit fails, and reports the failure once', () => {
    const engine = new MatchingEngine([LPJ_KRW]);
    const errors: Error[] = [];
    let calls = 0;
    const sim = new LiquiditySimulator(
      {
        reader: engine,
        submit: (cmd) => {
          if (++calls === 40) throw new Error('disk full');
          return engine.apply(cmd);
        },
        onError: (e) => errors.push(e),
      },
      { market: 'LPJ-KRW', seed: 1 },
    );
    for (let i = 0; i < 50; i++) sim.step(T0 + i * 1000);
    expect(sim.halted).toBe(true);
    expect(errors.map((e) => e.message)).toEqual(['disk full']);
    expect(calls).toBe(40);
  });

  it('rejects a market the engine does not have, and invalid settings', () => {
    const engine = new MatchingEngine([LPJ_KRW]);
    const io = { reader: engine, submit: () => undefined };
    expect(() => new LiquiditySimulator(io, { market: 'BTC-KRW', seed: 1 })).toThrow(/unknown market/);
    expect(() => new LiquiditySimulator(io, { market: 'LPJ-KRW', seed: 1, maxCommandsPerTick: 0 })).toThrow(
      /maxCommandsPerTick/,
    );
    expect(() => new LiquiditySimulator(io, { market: 'LPJ-KRW', seed: 1, accountBase: -5 })).toThrow(/accountBase/);
  });
});
