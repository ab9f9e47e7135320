/**
 * The bench's chart-orders case: a practice market whose history holds my trading over hours, made before web
 * mode opens the data folder. It is the practice market itself (engine, journal, simulated traders and my orders
 * through its `place`), only on a clock that runs fast: after the market's usual simulated past, the clock runs
 * `speed` times faster than real time up to now, with the simulated traders quoting and trading at `pace` ticks
 * per (real) second, while I place a small market order every `stepMs` of it — so my fills spread over hours of
 * candles, as months of a trader's use would, in tens of seconds. At the end (the clock at the real now) my
 * resting limit orders are placed, away from the market so the simulated traders do not fill them.
 */
import { PracticeMarket } from '../../engine/host/practice-market';

export interface SeedHistory {
  /** At least this many fills of mine. */
  fills: number;
  /** Resting limit orders left open. */
  orders: number;
  /** Simulated time between two of my market orders (ms). */
  stepMs: number;
  /** How much faster than real time the clock runs. */
  speed: number;
  /** Simulator ticks per real second while it does. */
  pace: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Makes the history in `dataDir` (a fresh folder); returns what it made and the span my fills cover (ms UTC). */
export async function seedFillHistory(
  dataDir: string,
  want: SeedHistory,
): Promise<{ fills: number; orders: number; from: number; to: number }> {
  // The fills end about now; the clock starts early enough to place them all at one per step.
  const span = want.fills * want.stepMs;
  let clock = Date.now() - span;
  const market = new PracticeMarket({ dataDir, ticksPerSecond: want.pace, now: () => clock });
  let timer: NodeJS.Timeout | undefined;
  try {
    await market.ready;
    // From here the clock runs fast, never past the real now.
    let realAt = Date.now();
    timer = setInterval(() => {
      const real = Date.now();
      clock = Math.min(real, clock + (real - realAt) * want.speed);
      realAt = real;
    }, 5);
    const lot = 20_000_000; // 0.2 LPJ: about 2,000 KRW, above the market's 1,000 KRW minimum
    const from = clock;
    let fills = 0;
    for (let i = 0; fills < want.fills && i < want.fills * 4; i++) {
      const due = from + i * want.stepMs;
      while (clock < due && clock < Date.now()) await sleep(5);
      const events = await market.place({ side: i % 2 === 0 ? 'buy' : 'sell', orderType: 'market', quantity: lot });
      fills += events.filter((e) => e.type === 'trade').length;
    }
    const to = clock;
    // The clock catches up with the real now, so the present's candles follow on from these.
    while (clock < Date.now() - 1_000) await sleep(5);
    const last = market.engine.lastPrice(market.market.id) ?? 0;
    let orders = 0;
    for (let i = 0; orders < want.orders && i < want.orders * 2 && last > 0; i++) {
      // Buys 5-10% below the market: the price band lets them rest, and the simulated traders stay near it.
      const price = Math.round(last * (0.9 + (0.05 * (i % 25)) / 25));
      const events = await market.place({ side: 'buy', orderType: 'limit', price, quantity: lot });
      if (events.some((e) => e.type === 'accepted')) orders++;
    }
    return { fills, orders, from, to };
  } finally {
    if (timer) clearInterval(timer);
    market.close();
  }
}
