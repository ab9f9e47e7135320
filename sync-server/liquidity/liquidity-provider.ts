/**
 * The liquidity provider: an operator's switch (the markets file's `liquidity` section, or `--liquidity on`)
 * that gives the live market depth from the first minute. Its traders are the offline practice market's
 * simulated ones (engine/core/simulator: market makers, noise traders, momentum takers), and it holds them to the
 * rules every user trades under:
 *
 * - Labelled accounts. Each agent trades through an account of its own, of kind 'liquidity' in server.db, with
 *   a nickname no sign-up can take (`lp-maker-1`, `lp-noise-1`, `lp-momentum-1`) and no password. It ranks on
 *   no board and cannot be copied; its profile says `kind: 'liquidity'`.
 * - The same order path. Orders, amends and cancels go through Exchange.place / amend / cancel into the
 *   durable journal, so they are checked (tick, lot, minimum notional, price band, funds), journaled, in the
 *   order history and in the public book like anyone's; it has no way around the matching engine.
 * - Funds from the markets file only. An account is granted its kind's `grant` once, by ledger deposits, when
 *   it is opened; it is never topped up. An agent that runs dry stops trading, as a person would.
 * - A bounded load. A turn sends at most ordersPerSecond / ticksPerSecond commands, and missed turns are
 *   dropped rather than caught up (SimulatorDriver), so it never sends more than `ordersPerSecond`; while the
 *   previous turn's commands still wait for their commit (a slow disk), turns are skipped.
 * - Prices users can move. The agents quote around a fair value that random-walks (a few basis points per
 *   turn, with rare jumps) and closes 2% of its gap to the last trade price every turn: a price users trade
 *   the market to sticks, and the provider follows it within a minute or so instead of trading it back.
 *   Its own agents also trade with each other, so with it switched on the tape moves without users.
 * - Restarts. Accounts are found again by their agent's role, so a restart funds nobody twice; resting orders
 *   are in the journal and the makers carry on from them. When it is switched off (or runs fewer agents), the
 *   open orders of the accounts it no longer runs are cancelled at start-up, so no stale quote is left behind.
 * - A fault in an agent stops the provider (logged), never the server.
 */
import type { Logger } from 'pino';
import { systemClock } from '../../engine/core/market-data/clock';
import type { AccountId, Command, EngineEvent } from '../../engine/core/matching/types';
import { liveReader, type EngineReader } from '../../engine/core/simulator/agents/agent';
import { SimulatorDriver } from '../../engine/core/simulator/driver';
import {
  DEFAULT_ACCOUNT_BASE,
  LiquiditySimulator,
  type SimulatorStats,
} from '../../engine/core/simulator/liquidity-simulator';
import type { Accounts } from '../accounts/accounts';
import type { ServerConfig } from '../config';
import { settled, type CancelAllResult, type Exchange, type OrderResult } from '../trading/exchange';

/** The agent kinds in the order the simulator creates their agents (its account numbers follow it). */
const KINDS = [
  { section: 'marketMakers', role: 'market_maker', nickname: 'lp-maker' },
  { section: 'noiseTraders', role: 'noise_trader', nickname: 'lp-noise' },
  { section: 'momentumTakers', role: 'momentum_taker', nickname: 'lp-momentum' },
] as const;

export interface LiquidityAccount {
  id: AccountId;
  /** The agent trading through it: 'market_maker:1' and so on. */
  role: string;
  nickname: string;
}

export interface LiquidityDeps {
  accounts: Accounts;
  exchange: Exchange;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  now: () => number;
}

export interface LiquidityStats extends SimulatorStats {
  /** Turns skipped because the previous turn's commands had not committed yet. */
  skippedTicks: number;
  running: boolean;
}

export class LiquidityProvider {
  private readonly sim: LiquiditySimulator;
  private readonly driver: SimulatorDriver;
  private readonly perTick: number;
  /** Commands sent and not yet committed. */
  private inFlight = 0;
  private skippedTicks = 0;
  private failure: Error | undefined;
  /** Client order ids: `lp.<runTag>.<n>`, unique per account across restarts (see the constructor). */
  private readonly runTag: string;
  private nextOrder = 0;

  /**
   * Opens and funds the accounts of the agents `settings` asks for, cancels the open orders of liquidity
   * accounts it will not run, and starts trading. Returns undefined when the provider is off (after that
   * clean-up), so a server switched off leaves no quote of a provider that ran before.
   */
  static async start(deps: LiquidityDeps, settings: ServerConfig['liquidity']): Promise<LiquidityProvider | undefined> {
    const enabled = settings?.enabled ? settings : undefined;
    const accounts = enabled ? LiquidityProvider.openAccounts(deps, enabled) : [];
    const running = new Set(accounts.map((a) => a.id));
    for (const stale of deps.accounts.liquidityAccounts()) {
      if (
        running.has(stale.id) ||
        !deps.exchange.engine.hasAccount(stale.id) ||
        deps.exchange.engine.openOrders(stale.id).length === 0
      )
        continue;
      const r = await settled<CancelAllResult>((w) => deps.exchange.cancelAll(stale.id, undefined, w));
      deps.log.info(
        { account: stale.id, role: stale.role, cancelled: r.ok ? r.cancelled : r.reason },
        'liquidity provider: withdrew the orders of an account it no longer runs',
      );
    }
    if (!enabled) return undefined;
    const provider = new LiquidityProvider(deps, enabled, accounts);
    provider.driver.start();
    deps.log.info(
      { market: enabled.market, accounts: accounts.length, ordersPerSecond: enabled.ordersPerSecond },
      'liquidity provider started',
    );
    return provider;
  }

  /** Each agent's account, found by role or opened and granted its kind's funds (one journal batch each). */
  private static openAccounts(
    { accounts, exchange, log, now }: LiquidityDeps,
    settings: NonNullable<ServerConfig['liquidity']>,
  ): LiquidityAccount[] {
    const out: LiquidityAccount[] = [];
    for (const kind of KINDS) {
      const { count, grant } = settings[kind.section];
      for (let i = 1; i <= count; i++) {
        const role = `${kind.role}:${i}`;
        const nickname = `${kind.nickname}-${i}`;
        const id = accounts.liquidityAccount(role, nickname);
        out.push({ id, role, nickname });
        if (exchange.engine.hasAccount(id)) continue;
        // One batch: the account is never open without its grant, whatever happens in between.
        const ts = now();
        const batch: Command[] = [{ type: 'open_account', account: id, ts }];
        for (const [asset, amount] of Object.entries(grant))
          if (amount > 0) batch.push({ type: 'deposit', account: id, asset, amount, ts });
        const refused = exchange.journal
          .submitBatch(batch)
          .flat()
          .filter((e) => e.type === 'rejected');
        if (refused.length > 0)
          log.warn({ account: id, role, refused }, 'liquidity provider: part of a grant was refused');
      }
    }
    return out;
  }

  private constructor(
    private readonly deps: LiquidityDeps,
    settings: NonNullable<ServerConfig['liquidity']>,
    /** The agents' accounts, in the simulator's agent order. */
    readonly accounts: readonly LiquidityAccount[],
  ) {
    const { exchange } = deps;
    // Ids are only ever used with their account, and the journal's command count only grows: a run's tag is
    // new unless nothing was committed since the last run started, in which case none of its ids was used.
    this.runTag = exchange.journal.stats().committedCommands.toString(36);
    this.perTick = Math.max(1, Math.floor(settings.ordersPerSecond / settings.ticksPerSecond));
    const market = exchange.engine.marketConfig(settings.market)!;
    const funding = (grant: Record<string, number>) => ({
      base: grant[market.base] ?? 0,
      quote: grant[market.quote] ?? 0,
    });
    // The simulator numbers its agents' accounts from a base; they are mapped onto the real accounts here.
    const real = (simulated: AccountId): AccountId => {
      const account = this.accounts[simulated - DEFAULT_ACCOUNT_BASE];
      if (!account) throw new Error(`liquidity provider: no account for agent ${simulated}`);
      return account.id;
    };
    // The engine is read afresh each time (liveReader), under the agents' own account numbers.
    const engine = liveReader(() => exchange.engine);
    const reader: EngineReader = {
      ...engine,
      openOrders: (account, m) => engine.openOrders(real(account), m),
      balance: (account, asset) => engine.balance(real(account), asset),
      hasAccount: (account) => engine.hasAccount(real(account)),
    };
    this.sim = new LiquiditySimulator(
      { reader, submit: (cmd) => this.submit(cmd, real), onError: (err) => this.fail(err) },
      {
        market: settings.market,
        seed: settings.seed,
        accountBase: DEFAULT_ACCOUNT_BASE,
        startPrice: settings.startPrice,
        maxCommandsPerTick: this.perTick,
        marketMakers: { count: settings.marketMakers.count, funding: funding(settings.marketMakers.grant) },
        noiseTraders: { count: settings.noiseTraders.count, funding: funding(settings.noiseTraders.grant) },
        momentumTakers: { count: settings.momentumTakers.count, funding: funding(settings.momentumTakers.grant) },
        refill: null,
      },
    );
    // The accounts are open already, so the simulator's first turn (which opens what is missing) sends nothing.
    const failed = () => this.failure !== undefined;
    const turns = {
      step: (now: number) => this.turn(now),
      get halted() {
        return failed();
      },
    };
    this.driver = new SimulatorDriver(turns, {
      ticksPerSecond: settings.ticksPerSecond,
      clock: settings.clock ?? systemClock,
    });
  }

  stats(): LiquidityStats {
    return { ...this.sim.stats(), skippedTicks: this.skippedTicks, running: this.driver.running };
  }

  /** Commands sent and not yet answered: 0 once everything the agents sent is committed (durably) and replied to. */
  get pendingCommands(): number {
    return this.inFlight;
  }

  /** Stops trading (server shutdown); resting orders stay in the book and the journal for the next start. */
  stop(): void {
    if (!this.driver.running) return;
    this.driver.stop();
    this.deps.log.info(this.stats(), 'liquidity provider stopped');
  }

  private turn(now: number): void {
    if (this.inFlight >= this.perTick) {
      this.skippedTicks++;
      return;
    }
    try {
      this.sim.step(now);
    } catch (err) {
      this.fail(err);
    }
  }

  /** One agent command, through the exchange's own order operations; resolves with its events once committed. */
  private submit(cmd: Command, real: (simulated: AccountId) => AccountId): Promise<EngineEvent[]> {
    const { exchange } = this.deps;
    let result: Promise<OrderResult>;
    if (cmd.type === 'place') {
      const clientOrderId = `lp.${this.runTag}.${(++this.nextOrder).toString(36)}`;
      const { market, side, orderType: type, timeInForce, postOnly, price, stopPrice, quantity, quoteAmount } = cmd;
      const order = {
        market,
        clientOrderId,
        side,
        type,
        timeInForce,
        postOnly,
        price,
        stopPrice,
        quantity,
        quoteAmount,
      };
      result = settled<OrderResult>((w) => exchange.place(real(cmd.account), order, w));
    } else if (cmd.type === 'amend') {
      result = settled<OrderResult>((w) =>
        exchange.amend(real(cmd.account), cmd.market, cmd.orderId, cmd.quantity, cmd.price, w),
      );
    } else if (cmd.type === 'cancel') {
      result = settled<OrderResult>((w) => exchange.cancel(real(cmd.account), cmd.market, cmd.orderId, w));
    } else {
      // Grants are the markets file's, given at opening; agents only trade.
      throw new Error(`liquidity provider: an agent sent ${cmd.type}, which it may not`);
    }
    this.inFlight++;
    return result.then(
      (r) => {
        this.inFlight--;
        return r.events;
      },
      (err: unknown) => {
        this.inFlight--;
        throw err;
      },
    );
  }

  private fail(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.driver.stop();
    this.deps.log.error(
      { err: this.failure, ...this.stats() },
      'liquidity provider stopped after a fault; the market carries on without it',
    );
  }
}
