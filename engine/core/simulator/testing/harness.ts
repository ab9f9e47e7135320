/** A fresh engine with the practice LPJ-KRW market, and a submit function that records every event. */
import { MatchingEngine } from '../../matching/engine';
import type { Command, EngineEvent, MarketConfig } from '../../matching/types';
import { LiquiditySimulator, type LiquiditySimulatorConfig } from '../liquidity-simulator';

export const LPJ_KRW: MarketConfig = {
  id: 'LPJ-KRW',
  base: 'LPJ',
  quote: 'KRW',
  baseDecimals: 8,
  tickSize: 1,
  lotSize: 1000,
  minNotional: 1000,
  makerFeeBps: 5,
  takerFeeBps: 10,
  priceBandBps: 1000,
};

export interface Harness {
  engine: MatchingEngine;
  events: EngineEvent[];
  /** Applies a command as the user would (recorded like the simulator's). */
  apply(cmd: Command): EngineEvent[];
  sim: LiquiditySimulator;
}

export function harness(
  config: Partial<LiquiditySimulatorConfig> = {},
  engine = new MatchingEngine([LPJ_KRW]),
): Harness {
  const events: EngineEvent[] = [];
  const apply = (cmd: Command) => {
    const out = engine.apply(cmd);
    events.push(...out);
    return out;
  };
  const sim = new LiquiditySimulator({ reader: engine, submit: apply }, { market: LPJ_KRW.id, seed: 777, ...config });
  return { engine, events, apply, sim };
}

/** Runs `ticks` steps, one second apart, starting after the last time used. */
export function run(h: Harness, ticks: number, startMs = 1_700_000_000_000, each?: (tick: number) => void): void {
  for (let i = 0; i < ticks; i++) {
    h.sim.step(startMs + i * 1000);
    each?.(i);
  }
}

/** Per asset: deposits minus withdrawals seen in the events. */
export function netDeposits(events: readonly EngineEvent[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'deposited') out.set(e.asset, (out.get(e.asset) ?? 0) + e.amount);
    if (e.type === 'withdrawn') out.set(e.asset, (out.get(e.asset) ?? 0) - e.amount);
  }
  return out;
}
