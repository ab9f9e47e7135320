/** What the alert form sends for what a user types, and what it refuses before the host has to. */
import { describe, expect, it } from 'vitest';
import { alertCondition } from './alert-input';

describe('alertCondition', () => {
  it('reads prices in the market’s minimal units, separators allowed', () => {
    expect(alertCondition('above', '91,500', 0)).toEqual({ condition: { kind: 'above', price: 91_500 } });
    expect(alertCondition('below', '0.5', 8)).toEqual({ condition: { kind: 'below', price: 50_000_000 } });
  });

  it('reads a percent as basis points', () => {
    expect(alertCondition('move', '2.5', 0)).toEqual({ condition: { kind: 'move', bps: 250 } });
    expect(alertCondition('move', '1000', 0)).toEqual({ condition: { kind: 'move', bps: 100_000 } });
  });

  it('refuses the worst a user can type', () => {
    for (const text of ['', '0', '-5', 'abc', 'NaN', 'Infinity', '1e9', '9'.repeat(40), '1.5'])
      expect(alertCondition('above', text, 0), text).toEqual({ error: 'price' });
    for (const text of ['', '0', '-1', '0.001', '1000.01', 'NaN', '1e3'])
      expect(alertCondition('move', text, 0), text).toEqual({ error: 'percent' });
  });
});
