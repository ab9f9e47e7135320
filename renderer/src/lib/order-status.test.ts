import { describe, expect, it } from 'vitest';
import { openOrderStatus } from './order-status';

describe('the status of a working order', () => {
  it('says open, partly filled, waiting for its stop or triggered', () => {
    const limit = { type: 'limit' as const, triggered: false, quantity: 100 };
    expect(openOrderStatus({ ...limit, remaining: 100 })).toBe('open');
    expect(openOrderStatus({ ...limit, remaining: 40 })).toBe('partial');
    const stop = { type: 'stop_limit' as const, quantity: 100 };
    expect(openOrderStatus({ ...stop, triggered: false, remaining: 100 })).toBe('waiting');
    expect(openOrderStatus({ ...stop, triggered: true, remaining: 100 })).toBe('triggered');
    expect(openOrderStatus({ ...stop, triggered: true, remaining: 1 })).toBe('partial');
    // A trailing stop waits for its trigger like any stop (it trades at the market once triggered).
    expect(openOrderStatus({ type: 'trailing_stop', quantity: 100, triggered: false, remaining: 100 })).toBe('waiting');
  });
});
