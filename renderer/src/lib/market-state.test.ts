import { describe, expect, it } from 'vitest';
import type { LiveStatus } from '@protocol/api';
import { isLive, isStateRefusal, marketState, stateInput, type MarketStateInput } from './market-state';
import type { ViewState } from './market-view';

function view(patch: Partial<MarketStateInput>): MarketStateInput {
  return {
    kind: 'live',
    status: 'ready',
    error: null,
    market: true,
    feed: null,
    hasPrices: true,
    preparing: null,
    ...patch,
  };
}

const server = (connection: LiveStatus['connection'], patch: Partial<LiveStatus> = {}): LiveStatus => ({
  serverUrl: 'http://127.0.0.1:7780',
  connection,
  account: { id: 1, nickname: 'me' },
  ...patch,
});

describe('the state of the live market', () => {
  it('unreachable from the start: one offline state with the reason, nothing shown as data, orders blocked', () => {
    const s = marketState(
      view({ status: 'error', error: 'offline', market: false, hasPrices: false }),
      server('offline', { reason: 'cannot reach http://127.0.0.1:9', account: undefined }),
    );
    expect(s).toEqual({
      name: 'offline',
      hasData: false,
      stale: false,
      reason: 'cannot reach http://127.0.0.1:9',
      preparing: null,
      ordersBlocked: 'offline',
    });
    expect(isLive(s)).toBe(false);
  });

  it('a connection dropped mid-session keeps the last data, marked stale, until the server is back', () => {
    const dropped = marketState(view({}), server('reconnecting', { reason: 'the connection dropped' }));
    expect(dropped).toMatchObject({ name: 'reconnecting', hasData: true, stale: true, ordersBlocked: 'reconnecting' });
    expect(isLive(dropped)).toBe(false);
    expect(marketState(view({}), server('offline'))).toMatchObject({ name: 'offline', stale: true });
    // A new connection attempt after data was shown is a reconnection, not a first connection.
    expect(marketState(view({}), server('connecting'))).toMatchObject({ name: 'reconnecting', stale: true });
    const back = marketState(view({}), server('online'));
    expect(back).toMatchObject({ name: 'live', stale: false, ordersBlocked: null });
    expect(isLive(back)).toBe(true);
  });

  it('is live for someone signed out, who may watch but not trade', () => {
    const s = marketState(view({}), server('signed_out', { account: undefined }));
    expect(s).toMatchObject({ name: 'live', stale: false, ordersBlocked: 'signedOut' });
  });

  it('connecting before anything is known; unavailable when a reached server does not run the market', () => {
    expect(marketState(view({ market: false, status: 'idle' }), null)).toMatchObject({
      name: 'connecting',
      hasData: false,
    });
    expect(marketState(view({ market: false, status: 'loading' }), server('online'))).toMatchObject({
      name: 'connecting',
    });
    expect(marketState(view({ market: false, status: 'error' }), server('online'))).toMatchObject({
      name: 'unavailable',
      ordersBlocked: 'unavailable',
    });
  });
});

describe('the state of a paper-trading market', () => {
  const paper = (patch: Partial<MarketStateInput>) =>
    view({ kind: 'paper', feed: { source: 'upbit', status: 'live' }, ...patch });

  it('follows the feed: live, stale with the last prices kept, offline', () => {
    expect(marketState(paper({}), null)).toMatchObject({ name: 'live', ordersBlocked: null });
    const stale = marketState(
      paper({ feed: { source: 'upbit', status: 'stale', reason: 'no data for 10.0 s' } }),
      null,
    );
    expect(stale).toMatchObject({ name: 'stale', stale: true, reason: 'no data for 10.0 s', ordersBlocked: 'stale' });
    expect(marketState(paper({ feed: { source: 'upbit', status: 'offline' } }), null)).toMatchObject({
      name: 'offline',
      stale: true,
    });
    // The paper account needs no server: the live market's status plays no part.
    expect(marketState(paper({}), server('offline', { account: undefined })).ordersBlocked).toBeNull();
  });

  it('a feed that never delivered is connecting (not reconnecting) and blocks orders, book or no book', () => {
    const never = paper({
      feed: { source: 'upbit', status: 'reconnecting', reason: 'connecting' },
      hasPrices: false,
    });
    const s = marketState(never, null);
    expect(s).toMatchObject({ name: 'connecting', hasData: false, stale: false, ordersBlocked: 'connecting' });
    expect(isLive(s)).toBe(false);
    expect(
      marketState({ ...never, feed: { source: 'upbit', status: 'offline', reason: 'unreachable for 60 s' } }, null),
    ).toMatchObject({ name: 'offline', hasData: false, reason: 'unreachable for 60 s' });
    // With prices received before, the same status is a reconnection.
    expect(
      marketState(paper({ feed: { source: 'upbit', status: 'reconnecting', reason: 'closed 1006' } }), null),
    ).toMatchObject({ name: 'reconnecting', stale: true });
  });

  it('is connecting while it opens, and unavailable when it cannot be opened', () => {
    expect(marketState(paper({ status: 'loading', market: false, feed: null }), null).name).toBe('connecting');
    expect(
      marketState(paper({ status: 'error', error: 'UNKNOWN_MARKET', market: false, feed: null }), null),
    ).toMatchObject({ name: 'unavailable', reason: 'UNKNOWN_MARKET', ordersBlocked: 'unavailable' });
  });
});

describe('the state of the offline practice market', () => {
  const practice = (patch: Partial<MarketStateInput>) => view({ kind: 'practice', ...patch });

  it('is live once open, whoever is signed in where', () => {
    expect(marketState(practice({}), server('offline', { account: undefined }))).toMatchObject({
      name: 'live',
      ordersBlocked: null,
    });
  });

  it('shows nothing and takes no order while its simulated past runs', () => {
    const s = marketState(practice({ status: 'loading', preparing: { done: 40, total: 100 } }), null);
    expect(s).toMatchObject({
      name: 'connecting',
      hasData: false,
      preparing: { done: 40, total: 100 },
      ordersBlocked: 'preparing',
    });
  });

  it('is unavailable when the local engine cannot be read', () => {
    expect(marketState(practice({ status: 'error', error: 'engine stopped', market: false }), null)).toMatchObject({
      name: 'unavailable',
      reason: 'engine stopped',
    });
  });
});

describe('what the state is computed from', () => {
  const empty = {
    kind: 'paper',
    status: 'ready',
    error: null,
    market: null,
    feed: null,
    preparing: null,
    bids: [],
    asks: [],
    trades: [],
    lastPrice: 0,
  } as unknown as ViewState;

  it('counts a book, a trade or a last price as prices received, and nothing else', () => {
    expect(stateInput(empty)).toMatchObject({ market: false, hasPrices: false });
    expect(stateInput({ ...empty, asks: [[1, 1]] }).hasPrices).toBe(true);
    expect(stateInput({ ...empty, trades: [{ id: '1', price: 1, size: 1, side: 'buy', ts: 0 }] }).hasPrices).toBe(true);
    expect(stateInput({ ...empty, lastPrice: 5 }).hasPrices).toBe(true);
  });

  it('takes back only the refusals that said the market could not take orders then', () => {
    for (const key of ['reject.OFFLINE', 'reject.NOT_SIGNED_IN', 'reject.STALE_BOOK', 'reject.NO_BOOK'])
      expect(isStateRefusal(key)).toBe(true);
    for (const key of ['reject.INSUFFICIENT_FUNDS', 'reject.PRICE_OUT_OF_BAND', 'form.err.funds', 'form.accepted'])
      expect(isStateRefusal(key)).toBe(false);
  });
});
