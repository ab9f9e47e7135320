/**
 * The words of the order form's confirmation (lib/order-checks decides when it is asked): a title, and a
 * sentence per surprise with the figures that make it one, so the user sees what is unusual and by how much.
 */
import { fill, type MessageKey } from '../../i18n';
import { formatPrice, formatQuote } from '../../lib/market-format';
import type { ViewMarket } from '../../lib/market-view';
import { FAR_FROM_MARKET_BPS, type Surprise } from '../../lib/order-checks';
import { formatUnits } from '../../lib/units';

type Translate = (key: MessageKey) => string;

const TITLES: Record<Surprise['kind'], MessageKey> = {
  stopNow: 'confirm.stopNow.title',
  far: 'confirm.far.title',
  large: 'confirm.title',
};

export function surpriseTitle(found: readonly Surprise[], t: Translate): string {
  return t(found.length === 1 ? TITLES[found[0].kind] : 'confirm.check.title');
}

function sentence(s: Surprise, m: ViewMarket, t: Translate): string {
  switch (s.kind) {
    case 'large':
      return fill(t('confirm.body'), formatQuote(m, s.value));
    case 'stopNow':
      return t('confirm.stopNow.body')
        .replace('{last}', formatPrice(m, s.last))
        .replace('{stop}', formatPrice(m, s.stop));
    case 'far':
      return t(s.above ? 'confirm.far.above' : 'confirm.far.below')
        .replace('{price}', formatPrice(m, s.price))
        .replace('{reference}', formatPrice(m, s.reference))
        .replace('{distance}', formatUnits(s.distanceBps, 2, { minFraction: 2 }))
        .replace('{band}', formatUnits(FAR_FROM_MARKET_BPS, 2));
  }
}

/** A paragraph per surprise, then the question. `t` fills in the market's {quote}. */
export function surpriseLines(found: readonly Surprise[], m: ViewMarket, t: Translate): string[] {
  return [...found.map((s) => sentence(s, m, t)), t('confirm.question')];
}
