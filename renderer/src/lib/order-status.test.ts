import { describe, expect, it } from 'vitest';
import { hasTrigger, openOrderStatus } from './order-status';

describe('the status of a working order', () => {
  it('says open, partly filled, waiting for its stop or triggered', () => {
    const limit = { type: 'limit' as const, triggered: false, quantity: 100 };
    expect(openOrderStatus({ ...limit, remaining: 100 })).toBe('open');
    expect(openOrderStatus({ ...limit, remaining: 40 })).toBe('partial');
    const stop = { type: 'stop_limit' as const, quantity: 100 };
    expect(openOrderStatus({ ...stop, triggered: false, remaining: 100 })).toBe('waiting');
    expect(openOrderStatus({ ...stop, triggered: true, remaining: 100 })).toBe('triggered');
    expect(openOrderStatus({ ...stop, triggered: true, remaining: 1 })).toBe('partial');
  });

  it('says a trailing stop waits, like any stop, while its trigger follows the price', () => {
    const trailing = { type: 'trailing_stop' as const, triggered: false, quantity: 100, remaining: 100 };
    expect(openOrderStatus(trailing)).toBe('waiting');
    expect(
      ['limit', 'market', 'stop_market', 'stop_limit', 'trailing_stop'].filter((t) => hasTrigger(t as 'limit')),
    ).toEqual(['stop_market', 'stop_limit', 'trailing_stop']);
  });
});
