/**
 * Price alerts: "tell me when this market's price is above X, below Y, or has moved n% from now", on any
 * market the app shows (the offline practice market, a paper market on a real coin, the live LPJ market). The
 * host keeps them in app.db and checks them against the prices it already receives; each fires once.
 *
 * Rules:
 * - Prices are integers in the market's minimal price units; a move is whole basis points (1% = 100 bps),
 *   measured from the market's last price when the alert was set (the host reads that price, never the UI).
 * - Every bound is here, so the UI and the host refuse the same inputs: no price outside 1..2^53 − 1, no move
 *   outside 0.01%..1000%, at most ALERTS_ACTIVE_MAX alerts waiting at once (each price update is checked
 *   against every waiting alert of its market, and a list longer than that is no longer read by anyone).
 */
import { z } from 'zod';
import { lpjUnits } from './valuation';

/** Alerts waiting to fire at once; the host refuses another with ALERT_LIMIT. */
export const ALERTS_ACTIVE_MAX = 100;
/** Fired alerts kept for the list; older ones are deleted as new ones fire. */
export const ALERTS_FIRED_KEPT = 100;
/** The largest move an alert can wait for: 1000% (a tenfold rise; a fall ends at 100%). */
export const ALERT_MOVE_MAX_BPS = 100_000;

const price = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const decimals = z.number().int().min(0).max(18);

export const AlertVenue = z.enum(['practice', 'paper', 'live']);

/** What an alert waits for. */
export const AlertCondition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('above'), price }).strict(),
  z.object({ kind: z.literal('below'), price }).strict(),
  z.object({ kind: z.literal('move'), bps: z.number().int().min(1).max(ALERT_MOVE_MAX_BPS) }).strict(),
]);

/** A new alert as the UI asks for it: which market, and the condition. */
export const NewPriceAlert = z
  .object({
    venue: AlertVenue,
    market: z.string().min(1).max(40),
    condition: AlertCondition,
  })
  .strict();

/** A market's identity and units as the host resolved them when the alert was set (the list shows them). */
export const AlertMarket = z.object({
  venue: AlertVenue,
  id: z.string(),
  base: z.string(),
  quote: z.string(),
  priceDecimals: decimals,
  sizeDecimals: decimals,
  quoteDecimals: decimals,
  tickSize: price,
  lotSize: price,
});

/** An LPJ market (practice or live) as alerts, notices and histories name it, in LPJ's units (./valuation). */
export function lpjMarket(
  venue: AlertVenue,
  m: { id: string; base: string; quote: string; baseDecimals: number; tickSize: number; lotSize: number },
): AlertMarket {
  return { venue, ...lpjUnits(m), tickSize: m.tickSize, lotSize: m.lotSize };
}

export const PriceAlert = z.object({
  id: price,
  market: AlertMarket,
  condition: AlertCondition,
  /** The last price when the alert was set (what a move is measured from); 0 when none was known. */
  basePrice: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  createdAt: z.number().int().min(0),
  /** When it fired and at what price; null while waiting. */
  firedAt: z.number().int().min(0).nullable(),
  firedPrice: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
});

export type AlertVenue = z.output<typeof AlertVenue>;
export type AlertCondition = z.output<typeof AlertCondition>;
export type NewPriceAlert = z.output<typeof NewPriceAlert>;
export type AlertMarket = z.output<typeof AlertMarket>;
export type PriceAlert = z.output<typeof PriceAlert>;
