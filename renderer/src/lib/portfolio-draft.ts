/**
 * A paper portfolio as its form edits it: whole KRW and USDT, fees in whole basis points, latency in whole ms,
 * typed as text; and the request fields that text means, or the field that is wrong. The host checks every
 * bound again; these checks only save the user a round trip.
 */
import {
  BALANCE_DECIMALS,
  DEFAULT_LATENCY_MS,
  MAX_FEE_BPS,
  MAX_LATENCY_MS,
  MAX_STARTING_BALANCE,
  type PaperPortfolio,
  type PortfolioChange,
  type PortfolioList,
} from '@protocol/paper-portfolios';

export type PortfolioExchange = PaperPortfolio['exchange'];

export interface PortfolioDraft {
  name: string;
  exchange: PortfolioExchange;
  krw: string;
  usdt: string;
  maker: string;
  taker: string;
  latency: string;
  fillModel: PaperPortfolio['fillModel'];
}

export type DraftField = 'krw' | 'usdt' | 'maker' | 'taker' | 'latency';

/** Each exchange's published spot fees, as the host sends them (PortfolioList.feeDefaults). */
export type FeeDefaults = PortfolioList['feeDefaults'];

const whole = (units: number | undefined, decimals: number) =>
  units === undefined ? '' : String(Math.floor(units / 10 ** decimals));

/**
 * The form of a portfolio, or of a new one: the host's defaults (10,000,000 KRW, 10,000 USDT, the exchange's
 * published fees, 300 ms, behind the queue).
 */
export function draftOf(p: PaperPortfolio | null, fees: FeeDefaults): PortfolioDraft {
  if (!p)
    return {
      name: '',
      exchange: 'upbit',
      krw: '10000000',
      usdt: '10000',
      maker: String(fees.upbit.makerFeeBps),
      taker: String(fees.upbit.takerFeeBps),
      latency: String(DEFAULT_LATENCY_MS),
      fillModel: 'queue',
    };
  return {
    name: p.name,
    exchange: p.exchange,
    krw: whole(p.startingBalances.KRW, BALANCE_DECIMALS.KRW),
    usdt: whole(p.startingBalances.USDT, BALANCE_DECIMALS.USDT),
    maker: String(p.makerFeeBps),
    taker: String(p.takerFeeBps),
    latency: String(p.latencyMs),
    fillModel: p.fillModel,
  };
}

/** A whole number from 0 to `max` (digits and thousands separators only), or null. */
function wholeNumber(text: string, max: number): number | null {
  const s = text.trim().replace(/,/g, '');
  if (!/^\d{1,16}$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) && n <= max ? n : null;
}

/** A starting balance in balance units: empty is none; zero, fractions and amounts past the bound are wrong. */
function startingBalance(text: string, decimals: number): number | undefined | null {
  if (text.trim() === '') return undefined;
  const n = wholeNumber(text, Math.floor(MAX_STARTING_BALANCE / 10 ** decimals));
  return n === null || n === 0 ? null : n * 10 ** decimals;
}

/** The draft's request fields (everything but the exchange, which a portfolio keeps), or the first wrong field. */
export function draftFields(
  d: PortfolioDraft,
): { fields: Required<Omit<PortfolioChange, 'name'>> & { name: string } } | { error: DraftField } {
  const KRW = startingBalance(d.krw, BALANCE_DECIMALS.KRW);
  if (KRW === null) return { error: 'krw' };
  const USDT = startingBalance(d.usdt, BALANCE_DECIMALS.USDT);
  if (USDT === null) return { error: 'usdt' };
  if (KRW === undefined && USDT === undefined) return { error: 'krw' };
  const maker = wholeNumber(d.maker, MAX_FEE_BPS);
  if (maker === null) return { error: 'maker' };
  const taker = wholeNumber(d.taker, MAX_FEE_BPS);
  if (taker === null) return { error: 'taker' };
  const latency = wholeNumber(d.latency, MAX_LATENCY_MS);
  if (latency === null) return { error: 'latency' };
  return {
    fields: {
      name: d.name,
      startingBalances: { ...(KRW !== undefined && { KRW }), ...(USDT !== undefined && { USDT }) },
      makerFeeBps: maker,
      takerFeeBps: taker,
      latencyMs: latency,
      fillModel: d.fillModel,
    },
  };
}
