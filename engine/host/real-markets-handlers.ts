/** The API methods of real-coin markets and paper trading (see ../protocol/api: paper.*, feed.*, replay.*). */
import type { CandleInterval } from '../core/market-data/types';
import type { FeedSourceName, PaperOrderRequest, ReplayControl, ReplaySpeed } from '../protocol/api';
import type { NewPortfolio, PortfolioChange } from '../protocol/paper-portfolios';
import type { RealMarkets } from './real-markets';

export function realMarketHandlers(real: RealMarkets) {
  return {
    'paper.markets': () => real.markets(),
    'paper.open': ({ market }: { market: string }) => real.openMarket(market),
    'paper.close': ({ market }: { market: string }) => real.closeMarket(market),
    'paper.state': ({ market }: { market: string }) => real.state(market),
    'paper.place': (order: PaperOrderRequest) => real.place(order),
    'paper.cancel': ({ market, orderId }: { market: string; orderId: number }) => real.cancel(market, orderId),
    'paper.reset': () => real.reset(),
    'paper.candles': ({
      market,
      interval,
      limit,
      before,
    }: {
      market: string;
      interval: CandleInterval;
      limit: number;
      before?: number;
    }) => real.candles(market, interval, limit, before),
    'feed.source': () => real.sourceInfo(),
    'feed.setSource': ({ source, speed, session }: { source: FeedSourceName; speed?: ReplaySpeed; session?: string }) =>
      real.setSource(source, speed, session),
    'replay.control': (control: ReplayControl) => real.replayControl(control),
    'paper.portfolios': () => real.portfolioList(),
    'paper.createPortfolio': (input: NewPortfolio) => real.createPortfolio(input),
    'paper.updatePortfolio': ({ id, change }: { id: number; change: PortfolioChange }) =>
      real.updatePortfolio(id, change),
    'paper.selectPortfolio': ({ id }: { id: number }) => real.selectPortfolio(id),
    'paper.resetPortfolio': ({ id }: { id: number }) => real.resetPortfolio(id),
    'paper.deletePortfolio': ({ id }: { id: number }) => real.deletePortfolio(id),
    'replay.history': (p: {
      exchange: 'upbit' | 'binance';
      market: string;
      from: number;
      to: number;
      trades: boolean;
    }) => real.replayHistory(p),
  };
}
