/** Message text for the market panels, with the assets of the market on screen filled in. */
import { useT, type MessageKey } from '../i18n';
import { useMarketIdentity } from './market-state';
import { useView } from './view-context';

/**
 * The translate function with the shown market's assets put into {base} and {quote} ("Price (KRW)",
 * "Buy BTC"), so one message serves every market. Before the market's settings arrive, the assets are the
 * ones its choice names.
 */
export function useMarketT(): (key: MessageKey) => string {
  const t = useT();
  const identity = useMarketIdentity();
  const base = useView((s) => s.market?.base) ?? identity.base;
  const quote = useView((s) => s.market?.quote) ?? identity.quote;
  return (key) => t(key).replaceAll('{base}', base).replaceAll('{quote}', quote);
}
