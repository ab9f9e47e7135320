/**
 * Times and dates as the lists show them: the local wall clock, in fixed numeric forms, the same in every
 * language; lengths of time in words of the language (through the translate function passed in).
 */
import type { MessageKey } from '../i18n';

/** 7 → "07". */
export function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local wall-clock time "HH:MM:SS" of an epoch-milliseconds timestamp. */
export function formatTime(ts: number): string {
  const d = new Date(ts);
  return `${twoDigits(d.getHours())}:${twoDigits(d.getMinutes())}:${twoDigits(d.getSeconds())}`;
}

/** Local "MM-DD HH:MM:SS", for lists that may span days. */
export function formatDateTime(ts: number): string {
  const d = new Date(ts);
  return `${twoDigits(d.getMonth() + 1)}-${twoDigits(d.getDate())} ${formatTime(ts)}`;
}

/** Local "YYYY-MM-DD" of an epoch-milliseconds timestamp. */
export function formatDate(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${twoDigits(d.getMonth() + 1)}-${twoDigits(d.getDate())}`;
}

export type DurationUnit = 'day' | 'hour' | 'minute' | 'second';
const UNIT_MS: [DurationUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** A length of time in its largest whole unit (36 h → 36 hours, 48 h → 2 days); under a second, 0 seconds. */
export function durationParts(ms: number): { n: number; unit: DurationUnit } {
  for (const [unit, size] of UNIT_MS) if (ms >= size && ms % size === 0) return { n: ms / size, unit };
  return { n: Math.floor(ms / 1_000), unit: 'second' };
}

/** A length of time in words: "1 day", "36 hours", "1일". */
export function durationText(ms: number, t: (key: MessageKey) => string): string {
  const { n, unit } = durationParts(ms);
  return t(`duration.${unit}${n === 1 ? '' : 's'}`).replace('{n}', String(n));
}
