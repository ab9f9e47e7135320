import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, RankingError } from './config';
import { RankingService } from './service';
import { recomputeRanking } from './batch';
import { account, BTC, COIN, flow, LPJ, price, trade } from './testing/history';
import type { RankingRecord } from './records';

const H = HOUR_MS;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % DAY_MS); // a day start (UTC)
const open = () => new RankingService({ markets: [LPJ, BTC], minTrades: 0, minAccountAgeMs: 0 });

/** Account 1 trades against account 9 (the market), which has deep pockets. */
function seeded(svc: RankingService): void {
  svc.apply(account(T0, 1, 'alice'));
  svc.apply(account(T0, 9, 'market', false));
  svc.apply(flow(T0, 9, 1_000 * COIN));
}

describe('returns', () => {
  it('counts neither deposits nor withdrawals as profit (time-weighted unit value)', () => {
    const svc = open();
    seeded(svc);
    svc.apply(price(T0, LPJ, 1_000));
    svc.apply(flow(T0 + 1, 9, 10_000 * COIN, 'LPJ'));
    svc.apply(flow(T0 + 1, 1, 1_000_000));
    // Alice puts everything into 1,000 LPJ at 1,000 KRW.
    svc.apply(trade(T0 + 2, LPJ, 1, 9, 1_000, 1_000 * COIN));
    // The price rises 10%: her equity is 1,100,000.
    svc.apply(price(T0 + 3, LPJ, 1_100));
    // A deposit doubling her money, then a withdrawal: neither moves the return.
    svc.apply(flow(T0 + 4, 1, 1_100_000, 'KRW', 'grant'));
    svc.apply(flow(T0 + 5, 1, -500_000, 'KRW', 'withdrawal'));
    // Then another +10% on the coins only: 1,100 LPJ × 110 = +110,000 on equity 1,700,000 → the index moves
    // by 110,000 / 1,700,000 = 6.47%, compounding with the first 10%.
    svc.apply(price(T0 + 6, LPJ, 1_210));
    svc.advanceTo(T0 + H);
    const all = svc.figures('all', 1);
    // 1.1 × (1,810,000 / 1,700,000) = 1.171176… → 1,711 bps rounded down.
    expect(all.returnBps).toBe(1_711);
    expect(all.pnl).toBe(1_810_000 - 1_000_000 - 1_100_000 + 500_000);
    expect(all.trades).toBe(1);
    expect(svc.equityHistory(1).hourly.at(-1)).toEqual({ ts: T0 + H, equity: 1_810_000 });
    svc.apply(price(T0 + H + 1, LPJ, 1_000));
    expect(svc.equityNow(1)).toBe(600_000 + 1_000_000); // cash + 1,000 LPJ at 1,000, before the next mark
    expect(svc.equityHistory(1).hourly.at(-1)?.equity).toBe(1_810_000);
  });

  it('counts fees as losses and prices moves while flat as nothing', () => {
    const svc = open();
    seeded(svc);
    svc.apply(flow(T0, 1, 1_000_000));
    svc.apply(trade(T0 + 1, LPJ, 1, 9, 1_000, 500 * COIN, 500)); // buyer pays 500 KRW fee
    svc.apply(trade(T0 + 2, LPJ, 9, 1, 1_000, 500 * COIN, 0, 500)); // sells flat, another 500
    svc.apply(price(T0 + 3, LPJ, 5_000));
    svc.advanceTo(T0 + H);
    const f = svc.figures('all', 1);
    expect(f.pnl).toBe(-1_000);
    expect(f.returnBps).toBe(-10); // −0.1%
    expect(f.winRateBps).toBe(0);
    expect(f.closedRoundTrips).toBe(1);
  });

  it('measures 1d from the mark a day earlier and 7d from the day start seven days before today', () => {
    const svc = open();
    seeded(svc);
    svc.apply(price(T0, BTC, 100_000_000));
    svc.apply(flow(T0, 9, 10 * COIN, 'BTC'));
    svc.apply(flow(T0, 1, 100_000_000));
    svc.apply(trade(T0 + 1, BTC, 1, 9, 100_000_000, COIN)); // all in: 1 BTC
    // +1% per day for 8 days, set just after each day start.
    let p = 100_000_000;
    let before = p;
    for (let d = 1; d <= 8; d++) {
      before = p;
      p = Math.floor((p * 101) / 100);
      svc.apply(price(T0 + d * DAY_MS + 1, BTC, p));
    }
    svc.advanceTo(T0 + 8 * DAY_MS + 2 * H);
    // With 1 BTC bought for all the money the index equals the price. At day 8 + 2 h, 1d compares with day
    // 7 + 2 h (the price of day 7), 7d with the day-1 start (still 100,000,000: the rise of day 1 came 1 ms
    // after that day start).
    expect(svc.figures('1d', 1).returnBps).toBe(Math.floor(((p - before) * 10_000) / before));
    expect(svc.figures('1d', 1).returnBps).toBe(99); // 1% on a price rounded down
    expect(svc.figures('7d', 1).returnBps).toBe(Math.floor(((p - 100_000_000) * 10_000) / 100_000_000));
    expect(svc.figures('all', 1).returnBps).toBe(Math.floor(((p - 100_000_000) * 10_000) / 100_000_000));
    expect(svc.figures('30d', 1).returnBps).toBe(svc.figures('all', 1).returnBps);
  });
});

describe('drawdown', () => {
  it('is the largest fall of the unit value from a running peak, across day boundaries', () => {
    const svc = open();
    seeded(svc);
    svc.apply(price(T0, BTC, 100_000_000));
    svc.apply(flow(T0, 9, 10 * COIN, 'BTC'));
    svc.apply(flow(T0, 1, 100_000_000));
    svc.apply(trade(T0 + 1, BTC, 1, 9, 100_000_000, COIN));
    const path = [120, 90, 110, 130, 104, 125]; // % of the start, one per 5 hours
    path.forEach((pct, i) => svc.apply(price(T0 + (i + 1) * 5 * H + 1, BTC, pct * 1_000_000)));
    svc.advanceTo(T0 + DAY_MS + 8 * H);
    // Peak 120 → 90 is −25%; 130 → 104 is −20%.
    expect(svc.figures('all', 1).maxDrawdownBps).toBe(2_500);
    expect(svc.figures('7d', 1).maxDrawdownBps).toBe(2_500);
    // The 1d window starts at day 0 + 8 h (price 120): the fall to 90 at 10 h is inside.
    expect(svc.figures('1d', 1).maxDrawdownBps).toBe(2_500);
    svc.advanceTo(T0 + DAY_MS + 12 * H);
    // Now from 12 h (price 90): peak 130 then 104.
    expect(svc.figures('1d', 1).maxDrawdownBps).toBe(2_000);
  });
});

describe('win rate', () => {
  it('counts closed round trips with average-cost accounting, including one that flips through zero', () => {
    const svc = open();
    seeded(svc);
    svc.apply(flow(T0, 1, 10_000_000));
    svc.apply(price(T0, LPJ, 1_000));
    svc.apply(flow(T0, 9, 100_000 * COIN, 'LPJ'));
    let t = T0 + 1;
    const buy = (q: number, p: number) => svc.apply(trade(t++, LPJ, 1, 9, p, q * COIN));
    const sell = (q: number, p: number) => svc.apply(trade(t++, LPJ, 9, 1, p, q * COIN));
    buy(100, 1_000);
    buy(100, 1_200); // average cost 1,100
    sell(150, 1_150); // partial: +7,500 so far, still open
    sell(50, 1_000); // closes at −5,000: the trip made +2,500 → a win
    buy(10, 1_000);
    sell(10, 900); // a loss
    buy(10, 1_000);
    sell(30, 1_100); // closes the long with +1,000 (a win) and opens a short of 20
    buy(20, 1_200); // closes the short at a loss
    svc.advanceTo(T0 + H);
    const f = svc.figures('all', 1);
    expect(f.closedRoundTrips).toBe(4);
    expect(f.winRateBps).toBe(5_000);
    expect(f.trades).toBe(9);
  });
});

describe('boards', () => {
  function race(minTrades: number, minAccountAgeMs: number): RankingService {
    const svc = new RankingService({ markets: [LPJ], minTrades, minAccountAgeMs });
    svc.apply(account(T0, 9, 'market', false));
    svc.apply(price(T0, LPJ, 1_000));
    svc.apply(flow(T0, 9, 1_000_000 * COIN, 'LPJ'));
    for (const id of [1, 2, 3, 4]) {
      svc.apply(account(T0, id));
      svc.apply(flow(T0, id, 1_000_000));
    }
    // 1 buys LPJ, 2 makes three small trades, 3 and 4 trade nothing (a tie, broken by registration order).
    svc.apply(trade(T0 + 1, LPJ, 1, 9, 1_000, 900 * COIN));
    for (let i = 0; i < 3; i++) svc.apply(trade(T0 + 2 + i, LPJ, 2, 9, 1_000, COIN));
    svc.apply(price(T0 + 10, LPJ, 1_200));
    return svc;
  }

  it('ranks by return, filters by trade count and account age, and never lists unranked accounts', () => {
    const svc = race(0, 0);
    svc.advanceTo(T0 + H);
    expect(svc.top('all').map((r) => [r.rank, r.account])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    const strict = race(2, 0);
    strict.advanceTo(T0 + H);
    expect(strict.top('all').map((r) => r.account)).toEqual([2]);
    const young = race(0, 2 * H);
    young.advanceTo(T0 + H);
    expect(young.boardSize('all')).toBe(0);
    young.advanceTo(T0 + 2 * H);
    expect(young.boardSize('all')).toBe(4);
  });

  it('reports the change in rank since the end of the previous day', () => {
    const svc = race(0, 0);
    svc.advanceTo(T0 + DAY_MS - H); // the last mark of day 0: 1 leads
    // 1 sells at a loss below everyone early on day 1.
    svc.apply(trade(T0 + DAY_MS + 1, LPJ, 9, 1, 500, 900 * COIN));
    svc.apply(price(T0 + DAY_MS + 2, LPJ, 1_200));
    svc.advanceTo(T0 + DAY_MS + H);
    const rows = svc.top('all');
    expect(rows.map((r) => [r.account, r.rankChange])).toEqual([
      [2, 1],
      [3, 1],
      [4, 1],
      [1, -3],
    ]);
  });

  it('drops a closed account from every board at once', () => {
    const svc = race(0, 0);
    svc.advanceTo(T0 + H);
    svc.apply({ type: 'account_closed', ts: T0 + H + 5, account: 1 });
    expect(svc.top('all').map((r) => [r.rank, r.account])).toEqual([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(() => svc.apply(flow(T0 + H + 6, 1, 5))).toThrow(/closed/);
  });

  it('takes account ids of any safe size', () => {
    const svc = open();
    const big = 2 ** 40;
    svc.apply(account(T0, big, 'far'));
    svc.apply(account(T0, 3, 'near'));
    svc.apply(flow(T0, big, 1_000_000));
    svc.apply(flow(T0, 3, 1_000_000));
    svc.apply(price(T0, LPJ, 1_000));
    svc.apply(trade(T0 + 1, LPJ, big, 3, 1_000, 100 * COIN));
    svc.apply(price(T0 + 2, LPJ, 1_500));
    svc.advanceTo(T0 + H);
    expect(svc.top('all').map((r) => r.account)).toEqual([big, 3]);
    expect(() => svc.apply(flow(T0 + H, 2 ** 40 + 1, 5))).toThrow(/not registered/);
  });

  it('pages through a board and validates the page', () => {
    const svc = race(0, 0);
    svc.advanceTo(T0 + H);
    expect(svc.top('all', 2, 1).map((r) => r.rank)).toEqual([2, 3]);
    expect(() => svc.top('all', 0)).toThrow(RankingError);
    expect(() => svc.top('all', 10, -1)).toThrow(RankingError);
    expect(() => svc.top('2d' as never)).toThrow(/unknown period/);
    expect(() => svc.top('constructor' as never)).toThrow(/unknown period/);
  });
});

describe('bad records', () => {
  const cases: [string, RankingRecord, RegExp][] = [
    ['unknown account', flow(T0 + 10, 42, 5), /not registered/],
    ['unknown market', { type: 'price', ts: T0 + 10, market: 'DOGE-KRW', price: 5 }, /not configured/],
    ['unknown asset', flow(T0 + 10, 1, 5, 'DOGE'), /neither/],
    ['coin without a price', flow(T0 + 10, 1, 5, 'BTC'), /no price/],
    ['fractional amount', flow(T0 + 10, 1, 1.5), /safe integer/],
    ['zero flow', flow(T0 + 10, 1, 0), /zero/],
    ['bad kind', { ...flow(T0 + 10, 1, 5), kind: 'gift' } as never, /unknown flow kind/],
    ['old record', flow(T0 - 1, 1, 5), /older/],
    ['wrong notional', { ...trade(T0 + 10, LPJ, 1, 9, 1_000, COIN), quoteAmount: 999 } as RankingRecord, /quoteAmount/],
    ['zero price', { type: 'price', ts: T0 + 10, market: LPJ.id, price: 0 }, /positive/],
    ['empty nickname', account(T0 + 10, 5, ''), /nickname/],
    ['follower underflow', { type: 'followers', ts: T0 + 10, account: 1, delta: -1 }, /no follower/],
    ['unknown type', { type: 'bonus', ts: T0 + 10 } as never, /unknown record type/],
  ];
  for (const [name, record, message] of cases) {
    it(`rejects ${name}`, () => {
      const svc = open();
      seeded(svc);
      expect(() => svc.apply(record)).toThrow(message);
    });
  }

  it('rejects configurations that cannot be valued in one currency', () => {
    expect(() => new RankingService({ markets: [LPJ, { ...BTC, quote: 'USDT' }] })).toThrow(/one valuation currency/);
    expect(() => new RankingService({ markets: [LPJ], markIntervalMs: 7 * 60_000 })).toThrow(/divides a day/);
  });
});

describe('start-up replay', () => {
  it('brings a live service to the state of one fed record by record', async () => {
    const records: RankingRecord[] = [
      account(T0, 1),
      account(T0, 2),
      price(T0, LPJ, 1_000),
      flow(T0, 1, 1_000_000),
      flow(T0, 2, 1_000_000),
    ];
    for (let i = 0; i < 40; i++)
      records.push(trade(T0 + i * H, LPJ, 1 + (i % 2), 2 - (i % 2), 1_000 + ((i * 37) % 200), COIN));
    const fed = new RankingService({ markets: [LPJ], minTrades: 0, minAccountAgeMs: 0 });
    fed.applyAll(records);
    fed.advanceTo(T0 + 2 * DAY_MS);
    const reports: boolean[] = [];
    const replayed = await RankingService.replay({ markets: [LPJ], minTrades: 0, minAccountAgeMs: 0 }, records, {
      until: T0 + 2 * DAY_MS,
      progressEvery: 20,
      onProgress: (p) => reports.push(p.done),
    });
    expect(replayed.boards()).toEqual(fed.boards());
    expect(replayed.boardSize('all')).toBe(2);
    expect(reports).toEqual([false, false, true]);
  });
});

describe('batch', () => {
  it('reports progress and ends with a done report', () => {
    const records: RankingRecord[] = [account(T0, 1), account(T0, 2)];
    for (let i = 0; i < 25; i++) records.push(flow(T0 + i * H, 1 + (i % 2), 1_000));
    const seen: number[] = [];
    let done = 0;
    recomputeRanking({ markets: [LPJ] }, records, {
      progressEvery: 10,
      totalRecords: records.length,
      onProgress: (p) => {
        seen.push(p.records);
        if (p.done) done++;
      },
    });
    expect(seen).toEqual([10, 20, 27]);
    expect(done).toBe(1);
  });
});
