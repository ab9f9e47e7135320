/**
 * The offline LPJ market's other traders: seeded market makers, noise traders and momentum takers, each with
 * its own ledger account, trading through ordinary engine commands.
 *
 * `step(now)` runs one tick: the fair value moves, then every agent (in an order that rotates each tick, so a
 * tight command budget does not always starve the same agents) reads the engine and sends commands through
 * the injected `submit`. In the app that is `DurableEngine.submit`, so every simulated order is journaled like
 * the user's. The first step only opens and funds the agents' accounts (skipping accounts that exist already,
 * as after a restart from the journal).
 *
 * Deterministic: for the same seed, configuration, engine state and sequence of `now` values — and the same
 * user commands between the same ticks — it sends the same commands. Agents base every decision on what they
 * read from the engine, never on the acknowledgement of a command, so a synchronous `engine.apply` and an
 * asynchronous journaled submit drive them identically as long as the engine applies commands when submitted.
 */
import type { Prng } from '../random/prng';
import type { AccountId, Command, EngineEvent } from '../matching/types';
import type { Agent, CommandSink, EngineReader, Funding, TickContext } from './agents/agent';
import { DEFAULT_MARKET_MAKER, MarketMaker, type MarketMakerConfig } from './agents/market-maker';
import { DEFAULT_MOMENTUM_TAKER, MomentumTaker, type MomentumTakerConfig } from './agents/momentum-taker';
import { DEFAULT_NOISE_TRADER, NoiseTrader, type NoiseTraderConfig } from './agents/noise-trader';
import { DEFAULT_FAIR_VALUE, FairValue, type FairValueConfig } from './fair-value';
import { MarketMath } from './market-math';
import { PriceHistory } from './price-history';
import { seedToU32, streamPrng } from './seeds';

/**
 * Sends one command to the engine. May return its events (engine.apply, submitBatch), a promise of them
 * (DurableEngine.submit), or nothing; a throw or a rejected promise halts the simulator.
 */
export type SubmitCommand = (cmd: Command) => EngineEvent[] | PromiseLike<EngineEvent[]> | void;

export interface RefillConfig {
  /** How often, in ticks, agents' balances are checked. */
  everyTicks: number;
  /** An asset whose total (available + held) fell below this percentage of its funding is granted back up to it. */
  belowPct: number;
}

export interface LiquiditySimulatorConfig {
  market: string;
  seed: number | string;
  /** Agents' account ids are accountBase, accountBase + 1, … (makers, then noise traders, then momentum takers). */
  accountBase?: number;
  /** The fair value to start from when the market has never traded (quote units per whole coin). */
  startPrice?: number;
  /** Commands one tick may send at most. */
  maxCommandsPerTick?: number;
  fairValue?: Partial<FairValueConfig>;
  marketMakers?: Partial<MarketMakerConfig>;
  noiseTraders?: Partial<NoiseTraderConfig>;
  momentumTakers?: Partial<MomentumTakerConfig>;
  /** Practice grants that keep agents trading for good; null: agents that run dry simply stop trading. */
  refill?: RefillConfig | null;
}

export interface SimulatorIo {
  reader: EngineReader;
  submit: SubmitCommand;
  /** Called once when a submit fails; the simulator then stops sending. */
  onError?: (err: Error) => void;
}

export interface SimulatorStats {
  ticks: number;
  commands: number;
  /** Rejections among the events the submit function reported (agents try to send only what will pass). */
  rejected: number;
}

export const DEFAULT_ACCOUNT_BASE = 1_000_000;
const DEFAULT_START_PRICE = 10_000;
const DEFAULT_MAX_COMMANDS = 32;
const DEFAULT_REFILL: RefillConfig = { everyTicks: 600, belowPct: 10 };
/** Default funding, in quote value per asset, when a kind's `funding` is left at zero. */
const DEFAULT_FUNDING_VALUE = { market_maker: 30_000_000, noise_trader: 2_000_000, momentum_taker: 5_000_000 };

const FAIR_VALUE_STREAM = 0;

export class LiquiditySimulator {
  readonly agents: readonly Agent[];
  readonly math: MarketMath;
  private readonly fair: FairValue;
  private readonly history: PriceHistory;
  private readonly maxCommands: number;
  private readonly refill: RefillConfig | null;
  private provisioned = false;
  private tick = 0;
  private failure: Error | undefined;
  private readonly counters: SimulatorStats = { ticks: 0, commands: 0, rejected: 0 };

  constructor(
    private readonly io: SimulatorIo,
    readonly config: LiquiditySimulatorConfig,
  ) {
    const market = io.reader.marketConfig(config.market);
    if (!market) throw new Error(`liquidity simulator: unknown market ${config.market}`);
    this.math = new MarketMath(market);
    this.maxCommands = positiveInt(config.maxCommandsPerTick ?? DEFAULT_MAX_COMMANDS, 'maxCommandsPerTick');
    this.refill = config.refill === undefined ? DEFAULT_REFILL : config.refill;
    if (this.refill) {
      positiveInt(this.refill.everyTicks, 'refill.everyTicks');
      if (!(this.refill.belowPct >= 0 && this.refill.belowPct <= 100))
        throw new RangeError('liquidity simulator: refill.belowPct must be within 0..100');
    }

    const root = seedToU32(config.seed);
    // A restart continues from where the market is, not from the configured start.
    const start =
      io.reader.lastPrice(config.market) ??
      this.math.ceilTick(positiveInt(config.startPrice ?? DEFAULT_START_PRICE, 'startPrice'));
    const fairConfig = { ...DEFAULT_FAIR_VALUE, ...config.fairValue };
    this.fair = new FairValue(fairConfig, this.math.tick, start, streamPrng(root, FAIR_VALUE_STREAM));

    const makers = { ...DEFAULT_MARKET_MAKER, ...config.marketMakers };
    const noise = { ...DEFAULT_NOISE_TRADER, ...config.noiseTraders };
    const momentum = { ...DEFAULT_MOMENTUM_TAKER, ...config.momentumTakers };
    const base = positiveInt(config.accountBase ?? DEFAULT_ACCOUNT_BASE, 'accountBase');
    const count =
      nonNegativeInt(makers.count, 'marketMakers.count') +
      nonNegativeInt(noise.count, 'noiseTraders.count') +
      nonNegativeInt(momentum.count, 'momentumTakers.count');
    positiveInt(base + count, 'accountBase + agent count');
    const agents: Agent[] = [];
    const next = (): { account: AccountId; rng: Prng } => ({
      account: base + agents.length,
      rng: streamPrng(root, agents.length + 1),
    });
    const funding = (f: Funding, kind: keyof typeof DEFAULT_FUNDING_VALUE): Funding =>
      this.funding(f, DEFAULT_FUNDING_VALUE[kind], start);
    for (let i = 0; i < makers.count; i++) {
      const { account, rng } = next();
      agents.push(new MarketMaker(account, makers, funding(makers.funding, 'market_maker'), rng));
    }
    for (let i = 0; i < noise.count; i++) {
      const { account, rng } = next();
      agents.push(new NoiseTrader(account, noise, funding(noise.funding, 'noise_trader'), rng));
    }
    for (let i = 0; i < momentum.count; i++) {
      const { account, rng } = next();
      agents.push(new MomentumTaker(account, momentum, funding(momentum.funding, 'momentum_taker'), rng));
    }
    this.agents = agents;
    this.history = new PriceHistory(Math.max(1, momentum.lookbackTicks) + 1);
  }

  /** The current fair value, quote units per whole coin. */
  get fairValue(): number {
    return this.fair.price;
  }

  get halted(): boolean {
    return this.failure !== undefined;
  }

  stats(): SimulatorStats {
    return { ...this.counters };
  }

  /** Runs one tick at time `now` (ms; stamped on the commands) and returns the commands it sent, in order. */
  step(now: number): Command[] {
    const sent: Command[] = [];
    if (this.failure) return sent;
    if (!this.provisioned) {
      this.provisioned = true;
      for (const cmd of this.provisioning(now)) if (!this.send(cmd, sent)) break;
      return sent;
    }
    const { reader } = this.io;
    const market = this.config.market;
    const tick = ++this.tick;
    this.counters.ticks++;
    const last = reader.lastPrice(market);
    this.history.push(last ?? 0);
    const fair = this.fair.step(last);
    let budget = this.maxCommands;
    const sink: CommandSink = {
      get remaining() {
        return budget;
      },
      send: (cmd) => {
        if (budget <= 0 || this.failure) return false;
        budget--;
        return this.send(cmd, sent);
      },
    };
    if (this.refill && tick % this.refill.everyTicks === 0) this.topUp(now, sink);
    const history = this.history;
    const ctx: TickContext = { now, tick, market, math: this.math, reader, fair, priceAgo: (n) => history.ago(n) };
    const n = this.agents.length;
    for (let k = 0; k < n && sink.remaining > 0 && !this.failure; k++) this.agents[(tick + k) % n].act(ctx, sink);
    return sent;
  }

  /** Open and fund the accounts that do not exist yet. */
  private provisioning(now: number): Command[] {
    const { reader } = this.io;
    const { base, quote } = this.math.config;
    const out: Command[] = [];
    for (const a of this.agents) {
      if (reader.hasAccount(a.account)) continue;
      out.push({ type: 'open_account', ts: now, account: a.account });
      if (a.funding.base > 0)
        out.push({ type: 'deposit', ts: now, account: a.account, asset: base, amount: a.funding.base });
      if (a.funding.quote > 0)
        out.push({ type: 'deposit', ts: now, account: a.account, asset: quote, amount: a.funding.quote });
    }
    return out;
  }

  private topUp(now: number, sink: CommandSink): void {
    const pct = this.refill!.belowPct;
    const { reader } = this.io;
    for (const a of this.agents) {
      for (const [asset, target] of [
        [this.math.config.base, a.funding.base],
        [this.math.config.quote, a.funding.quote],
      ] as const) {
        const b = reader.balance(a.account, asset);
        const total = b.available + b.held;
        if (target > 0 && total * 100 < target * pct) {
          if (!sink.send({ type: 'deposit', ts: now, account: a.account, asset, amount: target - total })) return;
        }
      }
    }
  }

  private funding(f: Funding, value: number, price: number): Funding {
    return {
      base: f.base > 0 ? nonNegativeInt(f.base, 'funding.base') : this.math.quantityForValue(price, value),
      quote: f.quote > 0 ? nonNegativeInt(f.quote, 'funding.quote') : value,
    };
  }

  private send(cmd: Command, sent: Command[]): boolean {
    sent.push(cmd);
    this.counters.commands++;
    try {
      const result = this.io.submit(cmd);
      if (Array.isArray(result)) this.count(result);
      else if (result && typeof (result as PromiseLike<EngineEvent[]>).then === 'function') {
        (result as PromiseLike<EngineEvent[]>).then(
          (events) => this.count(events),
          (err: unknown) => this.halt(err),
        );
      }
    } catch (err) {
      this.halt(err);
    }
    return this.failure === undefined;
  }

  private count(events: EngineEvent[]): void {
    for (const e of events) if (e.type === 'rejected') this.counters.rejected++;
  }

  private halt(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.io.onError?.(this.failure);
  }
}

function positiveInt(v: number, name: string): number {
  if (!Number.isSafeInteger(v) || v <= 0)
    throw new RangeError(`liquidity simulator: ${name} must be a positive safe integer, got ${v}`);
  return v;
}

function nonNegativeInt(v: number, name: string): number {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new RangeError(`liquidity simulator: ${name} must be a non-negative safe integer, got ${v}`);
  return v;
}
