/** Copy trading: strategies, subscriptions, mirrored orders and profit-share settlement, as returned intents. */
export { CopyTrading, type Fill, type LeaderPrices, type Prices } from './copy-trading';
export { MarketReference } from './market-reference';
export { settleProfitShare, type SettlementInput, type SettlementResult } from './settlement';
export { proportionalQuantity, limitPrice, maxBuyCost, affordableQuantity } from './sizing';
export { transferCommand } from './output';
export * from './types';
