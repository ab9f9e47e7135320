/**
 * A number field that groups thousands as the user types ("94000000" shows as "94,000,000") while the text kept
 * is the plain digits, which lib/units parses back exactly into minimal units. Pure text arithmetic: the caret is
 * carried across the regrouping by counting the significant characters (digits and the decimal point) before
 * it, which the separators never change.
 */
import { groupDigits } from './units';

/** Whether character `c` of a text is kept: a digit, or the first decimal point (`seenPoint` says if one was). */
function kept(c: string, seenPoint: boolean): boolean {
  return (c >= '0' && c <= '9') || (c === '.' && !seenPoint);
}

/** Digits and the first decimal point of `text`, in order; separators and anything else are dropped. */
export function plainDigits(text: string): string {
  let out = '';
  let point = false;
  for (const c of text) {
    if (!kept(c, point)) continue;
    if (c === '.') point = true;
    out += c;
  }
  return out;
}

/** How many characters `plainDigits` keeps from the first `at` characters of `text`. */
export function significantBefore(text: string, at: number): number {
  let n = 0;
  let point = false;
  for (let i = 0; i < at && i < text.length; i++) {
    const c = text[i];
    if (!kept(c, point)) continue;
    if (c === '.') point = true;
    n++;
  }
  return n;
}

/** The position in `shown` just after its `n`-th significant character (0: before the first one). */
export function positionAfter(shown: string, n: number): number {
  if (n <= 0) return 0;
  let seen = 0;
  for (let i = 0; i < shown.length; i++) {
    if (shown[i] === ',') continue;
    seen++;
    if (seen === n) return i + 1;
  }
  return shown.length;
}

/** Plain typed digits as shown: the whole part grouped, the fraction as typed (a point typed last is kept). */
export function groupTyped(plain: string): string {
  const dot = plain.indexOf('.');
  const whole = dot < 0 ? plain : plain.slice(0, dot);
  const rest = dot < 0 ? '' : plain.slice(dot);
  return groupDigits(whole) + rest;
}

export interface GroupedEdit {
  /** The text to keep: plain digits and at most one point, leading zeros of the whole part dropped. */
  plain: string;
  /** What the field shows. */
  shown: string;
  /** Where the caret goes in `shown`. */
  caret: number;
}

/**
 * One edit of a grouped field: `typed` is the field's text after the edit, `caret` where the browser left the
 * caret in it, `before` what the field showed before it. Deleting a separator deletes the digit next to it
 * (backspace: the one before, delete: the one after), as a separator is not something the user typed.
 */
export function editGrouped(before: string, typed: string, caret: number, inputType?: string): GroupedEdit {
  let plain = plainDigits(typed);
  let k = significantBefore(typed, caret);
  if (plain === plainDigits(before) && typed.length < before.length) {
    if (inputType === 'deleteContentBackward' && k > 0) {
      plain = plain.slice(0, k - 1) + plain.slice(k);
      k--;
    } else if (inputType === 'deleteContentForward' && k < plain.length) {
      plain = plain.slice(0, k) + plain.slice(k + 1);
    }
  }
  // "007" is 7; "0.5" keeps its zero.
  let zeros = 0;
  while (zeros < plain.length - 1 && plain[zeros] === '0' && plain[zeros + 1] !== '.') zeros++;
  if (zeros > 0) {
    plain = plain.slice(zeros);
    k = Math.max(0, k - zeros);
  }
  const shown = groupTyped(plain);
  return { plain, shown, caret: positionAfter(shown, k) };
}
