import { describe, expect, it } from 'vitest';
import { csvCell, csvText } from './csv';
import { fillRows } from './result-fills';
import { fillsCsv } from './trade-export';

describe('CSV a spreadsheet opens safely', () => {
  it('writes text that would run as a formula as text, and numbers as numbers', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=cmd|" /C calc"!A0'])
      expect(csvCell(evil).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('=A1,"B"')).toBe(`"'=A1,""B"""`);
    // Negative amounts (a rebate, a loss) stay numbers.
    expect(csvCell('-0.0050')).toBe('-0.0050');
    expect(csvCell(-12)).toBe('-12');
    expect(csvCell('BTC-KRW')).toBe('BTC-KRW');
    expect(csvText(['a', 'b'], [['=1', 2]])).toBe("a,b\r\n'=1,2\r\n");
  });

  it('a fill on a market named as a formula exports as its text', () => {
    const market = { id: '=1+2', base: '@X', quote: 'KRW', priceDecimals: 0, sizeDecimals: 8, quoteDecimals: 0 };
    const rows = fillRows(
      [{ ts: 0, market: '=1+2', side: 'sell', price: 5, quantity: 100, quoteAmount: 0, fee: -1, liquidity: 'maker' }],
      [market],
      '-venue',
    );
    const lines = fillsCsv(rows).split('\r\n');
    expect(lines[1]).toBe("1970-01-01T00:00:00.000Z,'-venue,'=1+2,sell,5,0.00000100,0,-1,maker,0,0");
  });
});
