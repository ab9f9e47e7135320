/**
 * Everything one matching engine holds, wired together once: the markets, the trading accounts, the event log,
 * the risk stage (which owns the ledger), the live orders and the matcher. The stages keep direct references to
 * one another, so a command's path through them is a chain of monomorphic calls.
 */
import { DEFAULT_STP, Trader } from './accounts';
import { EventLog } from './events';
import { validateMarketConfig } from './market-config';
import { Market } from './market';
import { Matcher } from './matcher';
import { LiveOrders } from './orders';
import { RiskStage } from './risk';
import { FEE_ACCOUNT, type AccountId, type MarketConfig, type StpMode } from './types';

export class EngineState {
  readonly log = new EventLog();
  readonly risk = new RiskStage();
  readonly orders = new LiveOrders(this.risk, this.log);
  readonly matcher = new Matcher(this.risk, this.orders, this.log);
  readonly markets = new Map<string, Market>();
  /** Every asset some market trades: the only ones money can be deposited in. */
  readonly assets = new Set<string>();
  readonly traders = new Map<AccountId, Trader>();
  /**
   * The market the last lookup found: commands mostly follow one another in the same market. It starts as the
   * first market (with none, as '', which no market id is): a new engine's first command then takes the same
   * path through compiled code as every later one, rather than one the code has never seen.
   */
  private lastId: unknown = '';
  private lastMarket: Market | undefined = undefined;

  /** Throws on a market setting that would break the money rules (see ./market-config). */
  constructor(configs: readonly MarketConfig[]) {
    for (const config of configs) {
      validateMarketConfig(config);
      if (this.markets.has(config.id)) throw new Error(`market ${config.id} is configured twice`);
      const m = new Market({ ...config }, this.markets.size);
      this.markets.set(config.id, m);
      this.risk.addMarket(m);
      this.assets.add(config.base).add(config.quote);
      if (this.lastMarket === undefined) {
        this.lastId = m.id;
        this.lastMarket = m;
      }
    }
    const fees = this.risk.ledger.get(FEE_ACCOUNT)!;
    this.traders.set(FEE_ACCOUNT, new Trader(FEE_ACCOUNT, DEFAULT_STP, fees, this.markets.size));
  }

  /** The market with this id (any value is accepted: commands are not trusted). */
  market(id: unknown): Market | undefined {
    if (id === this.lastId) return this.lastMarket;
    const m = this.markets.get(id as string);
    if (m !== undefined) {
      this.lastId = id;
      this.lastMarket = m;
    }
    return m;
  }

  /** Opens an account in the ledger and its trading record. */
  openAccount(id: AccountId, stp: StpMode): Trader {
    const trader = new Trader(id, stp, this.risk.ledger.open(id), this.markets.size);
    this.traders.set(id, trader);
    return trader;
  }
}
