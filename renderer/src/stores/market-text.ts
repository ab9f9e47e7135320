/** Message text for the market panels, with the assets of the market on screen filled in. */
import { useT, type MessageKey } from '../i18n';
import { useView } from './view-context';

/**
 * The translate function with the shown market's assets put into {base} and {quote} ("Price (KRW)",
 * "Buy BTC"), so one message serves every market.
 */
export function useMarketT(): (key: MessageKey) => string {
  const t = useT();
  const base = useView((s) => s.market?.base ?? '…');
  const quote = useView((s) => s.market?.quote ?? '…');
  return (key) => t(key).replaceAll('{base}', base).replaceAll('{quote}', quote);
}
