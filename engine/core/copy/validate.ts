/** Input checks shared by the copy-trading operations: every amount and id is a safe integer. */
import { CopyError } from './types';

export function int(v: unknown, what: string): number {
  if (!Number.isSafeInteger(v)) throw new CopyError('INVALID_INPUT', `${what} must be a safe integer`);
  return v as number;
}
export function nonNeg(v: unknown, what: string): number {
  if (int(v, what) < 0) throw new CopyError('INVALID_INPUT', `${what} must not be negative`);
  return v as number;
}
export function pos(v: unknown, what: string): number {
  if (int(v, what) <= 0) throw new CopyError('INVALID_INPUT', `${what} must be positive`);
  return v as number;
}
