/**
 * Text of the ranking's figures. Returns, rates and drawdowns arrive as whole basis points and money as whole
 * won; both are shown with integer arithmetic only (bps → percent is a shift of two decimal places).
 */
import { formatInt, formatUnits, parseUnits } from './units';

/** 1234 → "12.34%", with "+" on gains when `signed`. */
export function formatBps(bps: number, signed = false): string {
  const text = `${formatUnits(bps, 2, { minFraction: 2 })}%`;
  return signed && bps > 0 ? `+${text}` : text;
}

/** Whole won with separators, "+" on gains when `signed`. */
export function formatWon(won: number, signed = false): string {
  const text = formatInt(won);
  return signed && won > 0 ? `+${text}` : text;
}

/** The colour class of a signed figure: gains red, losses blue, as Korean exchanges show them. */
export function tone(value: number | null | undefined): 'up' | 'down' | undefined {
  if (value === null || value === undefined || value === 0) return undefined;
  return value > 0 ? 'up' : 'down';
}

/** A typed percent ("12.5") as basis points, or null when it is not a number with at most two decimals. */
export function parsePercent(text: string): number | null {
  const bps = parseUnits(text, 2);
  if (bps === null || bps > 1_000_000n) return null;
  return Number(bps);
}

/** A typed whole-won amount, or null when it is not a plain whole number within the safe range. */
export function parseWon(text: string): number | null {
  const won = parseUnits(text, 0);
  if (won === null || won > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(won);
}
