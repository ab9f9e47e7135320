import { describe, expect, it } from 'vitest';
import { type DepthDiff, parseBinanceFrame } from './binance/binance-protocol';
import { DepthSync } from './binance/depth-sync';
import { backoffDelay } from '../../core/market-data/clock';
import { resolveMarket, UnknownMarketError } from '../../core/market-data/markets';
import { parseUpbitFrame, upbitSubscribeMessage, type UpbitControl, type UpbitEvent } from './upbit/upbit-protocol';
import type { Level } from '../../core/market-data/types';

const krwBtc = resolveMarket('upbit', 'BTC-KRW');
const btcUsdt = resolveMarket('binance', 'BTC-USDT');

function upbit(text: string): { events: UpbitEvent[]; controls: UpbitControl[]; kind: string } {
  const events: UpbitEvent[] = [];
  const controls: UpbitControl[] = [];
  const kind = parseUpbitFrame(
    text,
    (c) => (c === 'KRW-BTC' ? krwBtc : undefined),
    (e) => events.push(e),
    (c) => controls.push(c),
  );
  return { events, controls, kind };
}

describe('markets', () => {
  it('maps app ids to exchange symbols', () => {
    expect(krwBtc).toMatchObject({ symbol: 'KRW-BTC', base: 'BTC', quote: 'KRW', priceDecimals: 0, sizeDecimals: 8 });
    expect(btcUsdt).toMatchObject({ symbol: 'BTCUSDT', priceDecimals: 2 });
    expect(resolveMarket('upbit', 'FOO-KRW').priceDecimals).toBe(4);
  });

  it('gives a clear error for markets an exchange cannot serve', () => {
    expect(() => resolveMarket('upbit', 'BTC-USDT')).toThrow(UnknownMarketError);
    expect(() => resolveMarket('upbit', 'BTC-USDT')).toThrow(/serves KRW markets only/);
    expect(() => resolveMarket('binance', 'btc-usdt')).toThrow(/BASE-QUOTE/);
    expect(() => resolveMarket('binance', 'BTCUSDT')).toThrow(UnknownMarketError);
  });
});

describe('Upbit frames', () => {
  it('builds the subscribe array', () => {
    expect(
      JSON.parse(
        upbitSubscribeMessage(
          't1',
          [
            { type: 'ticker', codes: ['KRW-BTC'] },
            { type: 'orderbook', codes: ['KRW-BTC.15'] },
            { type: 'trade', codes: [] },
          ],
          'SIMPLE',
        ),
      ),
    ).toEqual([
      { ticket: 't1' },
      { type: 'ticker', codes: ['KRW-BTC'] },
      { type: 'orderbook', codes: ['KRW-BTC.15'] },
      { format: 'SIMPLE' },
    ]);
  });

  it('parses DEFAULT and SIMPLE trades to the same event', () => {
    const d = upbit(
      '{"type":"trade","code":"KRW-BTC","timestamp":1700000000100,"trade_date":"2023-11-14","trade_time":"22:13:20","trade_timestamp":1700000000000,"trade_price":95000000.0,"trade_volume":0.00012345,"ask_bid":"ASK","prev_closing_price":94000000,"change":"RISE","change_price":1000000,"sequential_id":17000000000001,"stream_type":"REALTIME"}',
    );
    const s = upbit(
      '{"ty":"trade","cd":"KRW-BTC","tms":1700000000100,"td":"2023-11-14","ttm":"22:13:20","ttms":1700000000000,"tp":95000000,"tv":0.00012345,"ab":"ASK","pcp":94000000,"c":"RISE","cp":1000000,"sid":17000000000001,"st":"REALTIME"}',
    );
    const want = {
      type: 'trade',
      market: 'BTC-KRW',
      ts: 1700000000000,
      price: 95_000_000,
      size: 12_345,
      side: 'sell',
      tradeId: '17000000000001',
    };
    expect(d.events).toEqual([want]);
    expect(s.events).toEqual([want]);
  });

  it('parses a ticker with float-noisy 24 h volume', () => {
    const { events } = upbit(
      '{"ty":"ticker","cd":"KRW-BTC","op":94000000,"hp":96000000,"lp":93000000,"tp":95000000,"pcp":94000000,"atv24h":1234.5600000000002,"tms":1700000000000,"st":"SNAPSHOT"}',
    );
    expect(events).toEqual([
      {
        type: 'ticker',
        market: 'BTC-KRW',
        ts: 1700000000000,
        last: 95_000_000,
        open: 94_000_000,
        high: 96_000_000,
        low: 93_000_000,
        prevClose: 94_000_000,
        volume24h: 123_456_000_000,
      },
    ]);
  });

  it('parses a whole orderbook and skips empty units', () => {
    const { events } = upbit(
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1700000000000,"total_ask_size":1,"total_bid_size":1,"orderbook_units":[{"ask_price":95001000,"bid_price":95000000,"ask_size":0.5,"bid_size":0.25},{"ask_price":95002000,"bid_price":94999000,"ask_size":0.1,"bid_size":0}],"stream_type":"REALTIME","level":0}',
    );
    expect(events).toEqual([
      {
        type: 'book',
        market: 'BTC-KRW',
        ts: 1700000000000,
        asks: [
          [95_001_000, 50_000_000],
          [95_002_000, 10_000_000],
        ],
        bids: [[95_000_000, 25_000_000]],
      },
    ]);
  });

  it('hands status and error replies over as control', () => {
    expect(upbit('{"status":"UP"}')).toMatchObject({ kind: 'control', controls: [{ status: 'UP' }] });
    expect(upbit('{"error":{"name":"NO_CODES","message":"codes required"}}').controls).toEqual([
      { error: { name: 'NO_CODES', message: 'codes required' } },
    ]);
  });

  it('ignores markets not subscribed and rejects malformed frames without emitting', () => {
    expect(upbit('{"type":"trade","code":"KRW-ETH"}').kind).toBe('ignored');
    const bad = [
      'nope',
      '42',
      '{"type":"mystery","code":"KRW-BTC"}',
      '{"foo":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":"95000000","trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000.5,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":1,"ask_bid":"XX","trade_timestamp":1,"sequential_id":1}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":-1,"bid_size":1}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":1100,"ask_size":1,"bid_size":1}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":1},{"ask_price":999,"bid_price":800,"ask_size":1,"bid_size":1}]}',
    ];
    for (const text of bad) {
      const events: UpbitEvent[] = [];
      expect(
        () =>
          parseUpbitFrame(
            text,
            () => krwBtc,
            (e) => events.push(e),
            () => {},
          ),
        text,
      ).toThrow();
      expect(events).toEqual([]);
    }
  });
});

describe('Binance frames', () => {
  const lookup = (s: string): typeof btcUsdt | undefined => (s === 'BTCUSDT' ? btcUsdt : undefined);

  it('parses combined-stream trades, tickers, diffs and replies', () => {
    expect(
      parseBinanceFrame(
        '{"stream":"btcusdt@trade","data":{"e":"trade","E":2,"s":"BTCUSDT","t":12345,"p":"67000.12000000","q":"0.00100000","T":1,"m":true,"M":true}}',
        lookup,
      ),
    ).toEqual({
      kind: 'trade',
      event: {
        type: 'trade',
        market: 'BTC-USDT',
        ts: 1,
        price: 6_700_012,
        size: 100_000,
        side: 'sell',
        tradeId: '12345',
      },
    });
    const d = parseBinanceFrame(
      '{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":157,"u":160,"b":[["67000.00","10"]],"a":[["67000.01","0.00000000"]]}',
      lookup,
    );
    expect(d).toMatchObject({
      kind: 'depth',
      diff: { firstId: 157, lastId: 160, bids: [[6_700_000, 1_000_000_000]], asks: [[6_700_001, 0]] },
    });
    expect(
      parseBinanceFrame(
        '{"stream":"btcusdt@miniTicker","data":{"e":"24hrMiniTicker","E":9,"s":"BTCUSDT","c":"2.00","o":"1.00","h":"3.00","l":"0.50","v":"10","q":"18"}}',
        lookup,
      ),
    ).toMatchObject({
      kind: 'ticker',
      event: { last: 200, open: 100, prevClose: 100, high: 300, low: 50, volume24h: 1_000_000_000 },
    });
    expect(parseBinanceFrame('{"result":null,"id":7}', lookup)).toEqual({ kind: 'result', id: 7, result: null });
    expect(parseBinanceFrame('{"error":{"code":2,"msg":"Invalid request"},"id":8}', lookup)).toEqual({
      kind: 'error',
      id: 8,
      code: 2,
      msg: 'Invalid request',
    });
    expect(parseBinanceFrame('{"e":"trade","s":"ETHUSDT"}', lookup)).toEqual({ kind: 'ignored' });
  });

  it('rejects malformed frames', () => {
    for (const bad of [
      'x',
      '[1]',
      '{"e":"trade","E":2,"s":"BTCUSDT","t":1,"p":1.5,"q":"1","T":1,"m":true}',
      '{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":160,"u":157,"b":[],"a":[]}',
      '{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[["abc","1"]],"a":[]}',
      '{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[["1.001","1"]],"a":[]}',
      '{"e":"weird","s":"BTCUSDT"}',
      '{"stream":"x","data":5}',
    ]) {
      expect(() => parseBinanceFrame(bad, lookup), bad).toThrow(Error);
    }
  });
});

describe('DepthSync', () => {
  const diff = (U: number, u: number, bids: Level[] = [], asks: Level[] = []): DepthDiff => ({
    market: btcUsdt,
    firstId: U,
    lastId: u,
    ts: 0,
    bids,
    asks,
  });

  it('buffers, drops what the snapshot holds, applies the straddling diff and the rest in order', () => {
    const s = new DepthSync();
    expect(s.onDiff(diff(90, 95, [[100, 1]]))).toBe('buffered');
    expect(s.onDiff(diff(96, 101, [[100, 2]]))).toBe('buffered');
    expect(s.onDiff(diff(102, 103, [[99, 5]], [[105, 1]]))).toBe('buffered');
    expect(s.onSnapshot({ lastUpdateId: 98, bids: [[100, 7]], asks: [[104, 1]] })).toBe('synced');
    expect(s.top()).toEqual({
      bids: [
        [100, 2],
        [99, 5],
      ],
      asks: [
        [104, 1],
        [105, 1],
      ],
    });
    expect(s.onDiff(diff(104, 104, [[100, 0]]))).toBe('applied');
    expect(s.top().bids).toEqual([[99, 5]]);
    expect(s.onDiff(diff(100, 104))).toBe('stale');
  });

  it('asks again when the snapshot is older than the first buffered diff', () => {
    const s = new DepthSync();
    s.onDiff(diff(200, 210));
    expect(s.onSnapshot({ lastUpdateId: 150, bids: [], asks: [] })).toBe('too-old');
    expect(s.isSynced).toBe(false);
    expect(s.onSnapshot({ lastUpdateId: 205, bids: [], asks: [] })).toBe('synced');
  });

  it('discards the book on a gap and keeps the diff for the next snapshot', () => {
    const s = new DepthSync();
    s.onSnapshot({ lastUpdateId: 10, bids: [[1, 1]], asks: [] });
    expect(s.onDiff(diff(11, 12))).toBe('applied');
    expect(s.onDiff(diff(14, 15))).toBe('gap');
    expect(s.isSynced).toBe(false);
    expect(s.top()).toEqual({ bids: [], asks: [] });
    expect(s.onSnapshot({ lastUpdateId: 14, bids: [[2, 2]], asks: [] })).toBe('synced');
    expect(s.lastUpdateId).toBe(15);
  });
});

describe('backoff', () => {
  it('is exponential with full jitter and capped', () => {
    const p = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(p, 0, () => 0.999)).toBe(99);
    expect(backoffDelay(p, 3, () => 0.5)).toBe(400);
    expect(backoffDelay(p, 10, () => 0.5)).toBe(500);
    expect(backoffDelay(p, 50, () => 0)).toBe(0);
  });
});
