/** The markets the mock exchange lists, with the tick and starting price of each simulated market. */
import type { ExchangeId } from '../../core/market-data/types';

export interface Instrument {
  exchange: ExchangeId;
  /** Exchange code: "KRW-BTC" / "BTCUSDT". */
  symbol: string;
  priceDecimals: number;
  /** Price tick in price units. */
  tick: number;
  /** Starting mid price in price units. */
  startPrice: number;
}

export const SIZE_DECIMALS = 8;

export const INSTRUMENTS: readonly Instrument[] = [
  { exchange: 'upbit', symbol: 'KRW-BTC', priceDecimals: 0, tick: 1000, startPrice: 95_000_000 },
  { exchange: 'upbit', symbol: 'KRW-ETH', priceDecimals: 0, tick: 1000, startPrice: 4_500_000 },
  { exchange: 'upbit', symbol: 'KRW-XRP', priceDecimals: 1, tick: 10, startPrice: 31_000 },
  { exchange: 'upbit', symbol: 'KRW-SOL', priceDecimals: 0, tick: 50, startPrice: 210_000 },
  { exchange: 'binance', symbol: 'BTCUSDT', priceDecimals: 2, tick: 1, startPrice: 6_700_012 },
  { exchange: 'binance', symbol: 'ETHUSDT', priceDecimals: 2, tick: 1, startPrice: 320_055 },
  { exchange: 'binance', symbol: 'XRPUSDT', priceDecimals: 4, tick: 1, startPrice: 21_500 },
  { exchange: 'binance', symbol: 'SOLUSDT', priceDecimals: 2, tick: 1, startPrice: 15_012 },
];
