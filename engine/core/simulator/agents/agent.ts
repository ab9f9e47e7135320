/**
 * What a simulated trader sees and does. Agents never touch the engine: they read it through the same
 * read-only views the user's screens use, and act by sending ordinary commands, so the ledger, fees, holds
 * and every rejection apply to them exactly as to a person.
 */
import type { MatchingEngine } from '../../matching/engine';
import type { AccountId, Command } from '../../matching/types';
import type { MarketMath } from '../market-math';

/** The engine's read side, as far as agents need it. `MatchingEngine` (or `DurableEngine.machine`) satisfies it. */
export type EngineReader = Pick<
  MatchingEngine,
  'depth' | 'lastPrice' | 'openOrders' | 'balance' | 'hasAccount' | 'marketConfig'
>;

/**
 * A reader that asks `current()` for the engine on every read: a journal replaces its engine when it rebuilds
 * its state after a fault, and a simulator holding the old one would go on reading a state nobody trades on.
 */
export function liveReader(current: () => EngineReader): EngineReader {
  return {
    depth: (market, levels) => current().depth(market, levels),
    lastPrice: (market) => current().lastPrice(market),
    marketConfig: (market) => current().marketConfig(market),
    openOrders: (account, market) => current().openOrders(account, market),
    balance: (account, asset) => current().balance(account, asset),
    hasAccount: (account) => current().hasAccount(account),
  };
}

/** Funding an agent's account receives when it is opened, in minimal units. */
export interface Funding {
  base: number;
  quote: number;
}

/** An agent's turn: the tick, the fair value, and the engine to read (fresh: earlier agents may have acted). */
export interface TickContext {
  readonly now: number;
  readonly tick: number;
  readonly market: string;
  readonly math: MarketMath;
  readonly reader: EngineReader;
  readonly fair: number;
  /** The last trade price `lookback` ticks ago (or the oldest remembered), undefined before the first trade. */
  priceAgo(lookback: number): number | undefined;
}

/** Where agents send commands. `send` returns false, without sending, once the tick's command budget is spent. */
export interface CommandSink {
  readonly remaining: number;
  send(cmd: Command): boolean;
}

export interface Agent {
  readonly account: AccountId;
  readonly kind: 'market_maker' | 'noise_trader' | 'momentum_taker';
  readonly funding: Funding;
  act(ctx: TickContext, sink: CommandSink): void;
}

/** Quote and base available to `account` now. */
export function available(ctx: TickContext, account: AccountId): { quote: number; base: number } {
  const c = ctx.math.config;
  return { quote: ctx.reader.balance(account, c.quote).available, base: ctx.reader.balance(account, c.base).available };
}
