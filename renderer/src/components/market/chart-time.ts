/**
 * The chart's time labels (axis tick marks and the crosshair's time), written out by hand.
 *
 * lightweight-charts formats them with Date#toLocaleString by default, and the first such call in a page
 * initialises the browser's locale data: about 20 ms inside the frame that first draws candles, several times
 * that on a busy machine. The fields are read in UTC because chart times are already shifted to the local wall
 * clock (see chartTime in chart-data).
 */
import type { Language } from '@protocol/api';
import { twoDigits } from '../../lib/time';

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function month(language: Language, m: number): string {
  return language === 'ko' ? `${m + 1}월` : MONTHS_EN[m];
}

/** lightweight-charts' TickMarkType: Year, Month, DayOfMonth, Time, TimeWithSeconds. */
export type TickMark = 0 | 1 | 2 | 3 | 4;

/** A tick mark's label for a chart time in seconds: the year, the month, the day, or the time of day. */
export function tickMarkText(seconds: number, type: TickMark, language: Language): string {
  const d = new Date(seconds * 1000);
  switch (type) {
    case 0:
      return String(d.getUTCFullYear());
    case 1:
      return month(language, d.getUTCMonth());
    case 2:
      return String(d.getUTCDate());
    case 3:
      return `${twoDigits(d.getUTCHours())}:${twoDigits(d.getUTCMinutes())}`;
    default:
      return `${twoDigits(d.getUTCHours())}:${twoDigits(d.getUTCMinutes())}:${twoDigits(d.getUTCSeconds())}`;
  }
}

/** The crosshair's time label: day, month, two-digit year and time of day, as the library's default writes it. */
export function crosshairTimeText(seconds: number, language: Language): string {
  const d = new Date(seconds * 1000);
  const year = twoDigits(d.getUTCFullYear() % 100);
  const date = `${twoDigits(d.getUTCDate())} ${month(language, d.getUTCMonth())} '${year}`;
  return `${date}   ${twoDigits(d.getUTCHours())}:${twoDigits(d.getUTCMinutes())}`;
}
