/**
 * An error crosses the wire as its body and is rebuilt on the calling side: what the UI reads (code, message,
 * field issues) must arrive as the host threw it.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, errorBody } from './errors';

describe('ApiError across the wire', () => {
  it('comes back from its body with the code, message and field issues the host threw', () => {
    const thrown = new ApiError('BAD_REQUEST', 'quantity must be positive', [
      { path: 'quantity', message: 'must be > 0' },
    ]);
    const body = JSON.parse(JSON.stringify(errorBody(thrown)));
    const rebuilt = ApiError.fromBody(body);
    expect(rebuilt).toBeInstanceOf(Error);
    expect({ code: rebuilt.code, message: rebuilt.message, issues: rebuilt.issues }).toEqual({
      code: 'BAD_REQUEST',
      message: 'quantity must be positive',
      issues: [{ path: 'quantity', message: 'must be > 0' }],
    });
  });

  it('keeps a domain reason code and carries no issues when the body has none', () => {
    const rebuilt = ApiError.fromBody(errorBody(new ApiError('INSUFFICIENT_FUNDS', 'not enough KRW')));
    expect(rebuilt.code).toBe('INSUFFICIENT_FUNDS');
    expect(rebuilt.issues).toBeUndefined();
    expect(rebuilt.toBody()).toEqual({ code: 'INSUFFICIENT_FUNDS', message: 'not enough KRW' });
  });
});
