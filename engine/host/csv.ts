/**
 * CSV the user opens in a spreadsheet (RFC 4180, CRLF line ends). A cell a spreadsheet would run as a formula —
 * text opening with = + - @, a tab or a carriage return, such as a market or a nickname someone chose — is
 * written with a leading apostrophe, so it shows as the text it is; a plain decimal number (a negative fee or
 * PnL included) is written as it is. Cells with a comma, a quote or a line break are quoted.
 */

const NUMBER = /^-?\d+(\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  let s = String(value);
  if (!NUMBER.test(s) && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A header line and a line per row, each line ended by CRLF. */
export function csvText(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',') + '\r\n').join('');
}
