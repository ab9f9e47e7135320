/**
 * The byte-level fast parsers against the JSON.parse ones. The rule they must keep: for any frame the fast
 * parser either declines (undefined, nothing emitted) or gives exactly what the full parser gives; a frame the
 * full parser rejects is always declined, so it is counted and logged there.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BinanceFrame, parseBinanceFrame, parseBinanceFrameFast } from './binance/binance-protocol';
import { numberToUnits, parseDecimalUnits } from '../../core/market-data/decimal';
import { ByteReader } from './json-bytes';
import { resolveMarket } from '../../core/market-data/markets';
import { binanceDepthUpdate, binanceTicker, binanceTrade } from '../../tools/mock-exchange/binance-wire';
import { INSTRUMENTS } from '../../tools/mock-exchange/instruments';
import { SimMarket } from '../../tools/mock-exchange/sim-market';
import {
  encodeUpbit,
  upbitOrderbook,
  upbitTicker,
  upbitTrade,
  type UpbitWireFormat,
} from '../../tools/mock-exchange/upbit-wire';
import type { FeedMarket } from '../../core/market-data/types';
import { parseUpbitFrame, parseUpbitFrameFast, type UpbitEvent } from './upbit/upbit-protocol';

const upbitMarkets = new Map<string, FeedMarket>(
  ['BTC-KRW', 'ETH-KRW', 'XRP-KRW', 'SOL-KRW'].map((id) => [
    resolveMarket('upbit', id).symbol,
    resolveMarket('upbit', id),
  ]),
);
const binanceMarkets = new Map<string, FeedMarket>(
  ['BTC-USDT', 'ETH-USDT', 'XRP-USDT', 'SOL-USDT'].map((id) => [
    resolveMarket('binance', id).symbol,
    resolveMarket('binance', id),
  ]),
);
const upbitLookup = (code: string): FeedMarket | undefined => upbitMarkets.get(code);
const binanceLookup = (symbol: string): FeedMarket | undefined => binanceMarkets.get(symbol);

type Outcome = { events: UpbitEvent[] } | { rejected: true } | { declined: true };

function upbitFull(bytes: Uint8Array): Outcome {
  const events: UpbitEvent[] = [];
  try {
    parseUpbitFrame(
      Buffer.from(bytes).toString('utf8'),
      upbitLookup,
      (e) => events.push(e),
      () => {},
    );
  } catch {
    return { rejected: true };
  }
  return { events };
}

function upbitFast(bytes: Uint8Array): Outcome {
  const events: UpbitEvent[] = [];
  const kind = parseUpbitFrameFast(bytes, upbitLookup, (e) => events.push(e));
  if (kind === undefined) {
    expect(events).toEqual([]);
    return { declined: true };
  }
  return { events };
}

function binanceFull(bytes: Uint8Array): BinanceFrame | 'rejected' {
  try {
    return parseBinanceFrame(Buffer.from(bytes).toString('utf8'), binanceLookup);
  } catch {
    return 'rejected';
  }
}

/** The rule, for one frame. Returns whether the fast parser took it. */
function checkUpbit(frame: string | Uint8Array): boolean {
  const bytes = typeof frame === 'string' ? Buffer.from(frame) : frame;
  const fast = upbitFast(bytes);
  if ('declined' in fast) return false;
  expect(fast).toEqual(upbitFull(bytes));
  return true;
}

function checkBinance(frame: string | Uint8Array): boolean {
  const bytes = typeof frame === 'string' ? Buffer.from(frame) : frame;
  const fast = parseBinanceFrameFast(bytes, binanceLookup);
  if (fast === undefined) return false;
  expect(fast).toEqual(binanceFull(bytes));
  return true;
}

/** Frames as the mock exchange writes them, from a few hundred simulated steps. */
function mockFrames(): { upbit: string[]; binance: string[] } {
  const upbit: string[] = [];
  const binance: string[] = [];
  let now = 1_795_000_000_000;
  for (const inst of INSTRUMENTS) {
    const m = new SimMarket(inst, 777, 40);
    for (let step = 0; step < 150; step++) {
      now += 37;
      const r = m.step(now);
      if (inst.exchange === 'upbit') {
        const formats: UpbitWireFormat[] = ['SIMPLE', 'DEFAULT'];
        for (const f of formats) {
          for (const t of r.trades) upbit.push(encodeUpbit(upbitTrade(m, t, now, 'REALTIME'), f));
          upbit.push(encodeUpbit(upbitOrderbook(m, step % 2 ? 15 : 30, now, step ? 'REALTIME' : 'SNAPSHOT'), f));
          if (step % 10 === 0) upbit.push(encodeUpbit(upbitTicker(m, now, 'REALTIME'), f));
        }
      } else {
        const s = inst.symbol.toLowerCase();
        for (const t of r.trades) binance.push(`{"stream":"${s}@trade","data":${binanceTrade(m, t, now)}}`);
        if (r.firstUpdateId <= r.lastUpdateId)
          binance.push(
            `{"stream":"${s}@depth@100ms","data":${binanceDepthUpdate(m, now, r.firstUpdateId, r.lastUpdateId, r.bidChanges, r.askChanges)}}`,
          );
        if (step % 10 === 0) binance.push(`{"stream":"${s}@ticker","data":${binanceTicker(m, now)}}`);
      }
    }
  }
  return { upbit, binance };
}

const frames = mockFrames();

describe('fast frame parsers', () => {
  it('take every orderbook and trade the mock exchange writes, with the same events as the full parsers', () => {
    let took = 0;
    for (const f of frames.upbit) {
      const isData = !f.includes('ticker');
      const fast = checkUpbit(f);
      expect(fast, f.slice(0, 80)).toBe(isData);
      if (fast) took++;
    }
    expect(took).toBeGreaterThan(1000);
    took = 0;
    for (const f of frames.binance) {
      const isData = !f.includes('24hrTicker');
      expect(checkBinance(f), f.slice(0, 80)).toBe(isData);
      if (isData) took++;
    }
    expect(took).toBeGreaterThan(1000);
  });

  it('read the same frames whatever the key order and whitespace', () => {
    const shuffle = (o: unknown, seed: number): unknown => {
      if (Array.isArray(o)) return o.map((v, i) => shuffle(v, seed + i));
      if (typeof o !== 'object' || o === null) return o;
      const entries = Object.entries(o).map(([k, v], i) => [k, shuffle(v, seed * 31 + i)] as const);
      entries.sort((a, b) => ((a[0].charCodeAt(0) * seed) % 7) - ((b[0].charCodeAt(0) * seed) % 7));
      return Object.fromEntries(entries);
    };
    for (const [i, f] of frames.upbit.slice(0, 200).entries()) {
      for (const variant of [
        JSON.stringify(shuffle(JSON.parse(f), i + 2)),
        JSON.stringify(JSON.parse(f), null, 2),
        ` \r\n\t${f}\n`,
      ]) {
        expect(checkUpbit(variant)).toBe(!f.includes('ticker'));
      }
    }
    for (const [i, f] of frames.binance.slice(0, 200).entries()) {
      for (const variant of [JSON.stringify(shuffle(JSON.parse(f), i + 2)), JSON.stringify(JSON.parse(f), null, 1)]) {
        expect(checkBinance(variant)).toBe(!f.includes('24hrTicker'));
      }
    }
  });

  it('decline malformed frames, leaving them to the full parsers', () => {
    const upbitBad = [
      '',
      'nope',
      '{"ty":"trade"',
      '{"type":"trade","code":"KRW-BTC","trade_price":"95000000","trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000.5,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":1,"ask_bid":"XX","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":0,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":0,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1.5}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}x',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":01}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":1e999,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":-95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":0.000000001,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":-1,"bid_size":1}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":1100,"ask_size":1,"bid_size":1}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":1},{"ask_price":999,"bid_price":800,"ask_size":1,"bid_size":1}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":1},{"ask_price":1001,"bid_price":900,"ask_size":1,"bid_size":1}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[[1000,900,1,1]]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":{}}',
      '{"type":"orderbook","code":"KRW-BTC","orderbook_units":[]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":1,}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":1}],}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":1}]',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":1}]}}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":1.}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":.5}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":1e}]}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":1,"bid_size":tru}]}',
      '{"type":"mystery","code":"KRW-BTC"}',
      '\uFEFF{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
    ];
    for (const text of upbitBad) {
      expect(upbitFull(Buffer.from(text)), text).toEqual({ rejected: true });
      expect(checkUpbit(text), text).toBe(false);
    }
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"type":"trade","code":"KRW-BTC","x":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}'),
    ]);
    expect(checkUpbit(invalidUtf8)).toBe(false);

    const binanceBad = [
      'x',
      '[1]',
      '{"stream":"btcusdt@trade","data":{"e":"trade","E":2,"s":"BTCUSDT","t":1,"p":1.5,"q":"1","T":1,"m":true}}',
      '{"stream":"btcusdt@trade","data":{"e":"trade","E":2,"s":"BTCUSDT","t":1,"p":"1.5","q":"1","T":1,"m":1}}',
      '{"stream":"btcusdt@trade","data":{"e":"trade","E":2,"s":"BTCUSDT","t":-1,"p":"1.5","q":"1","T":1,"m":true}}',
      '{"stream":"btcusdt@trade","data":{"e":"trade","E":2,"s":"BTCUSDT","t":1,"p":"1.505","q":"1","T":1,"m":true}}',
      '{"stream":"btcusdt@trade","data":{"e":"trade","E":2,"s":"BTCUSDT","t":1,"p":"-1.5","q":"1","T":1,"m":true}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":160,"u":157,"b":[],"a":[]}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[["abc","1"]],"a":[]}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[["1.001","1"]],"a":[]}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[["0","1"]],"a":[]}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[["1"]],"a":[]}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[["1",1]],"a":[]}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[["1","1"]]}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":5,"a":[]}}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[]}',
      '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[],}}',
      '{"stream":"x","data":5}',
      '{"stream":"x","data":[]}',
      '{"stream":5,"data":{"e":"trade","E":2,"s":"BTCUSDT","t":1,"p":"1.5","q":"1","T":1,"m":true}}',
      '{"stream":"x","data":{"e":"weird","s":"BTCUSDT"}}',
    ];
    for (const text of binanceBad) {
      expect(binanceFull(Buffer.from(text)), text).toBe('rejected');
      expect(checkBinance(text), text).toBe(false);
    }
  });

  it('decline what they leave to the full parsers, and agree with them on the odd frames they take', () => {
    // Declined: escapes, non-ASCII text, duplicate fields, lists, control replies, other markets.
    for (const text of [
      '{"type":"trade","code":"KRW-\\u0042TC","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","note":"ü","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '{"type":"trade","code":"KRW-BTC","trade_price":1,"trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      '[{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}]',
      '{"status":"UP"}',
      '{"type":"trade","code":"KRW-DOGE","trade_price":95000000,"trade_volume":1,"ask_bid":"BID","trade_timestamp":1,"sequential_id":1}',
      // The other format's unit field, not a number: ignored by the full parser, declined here.
      '{"ty":"orderbook","cd":"KRW-BTC","tms":1,"obu":[{"ap":95001000,"bp":95000000,"as":0.5,"bs":0.25,"ask_price":"x"}]}',
    ]) {
      expect(checkUpbit(text), text).toBe(false);
      expect(upbitFull(Buffer.from(text)), text).not.toEqual({ rejected: true });
    }
    // Taken, and read as JSON.parse + numberToUnits read them.
    for (const text of [
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000.0,"trade_volume":1.000000000,"ask_bid":"ASK","trade_timestamp":1700000000000,"sequential_id":17000000000001}',
      '{"type":"trade","code":"KRW-BTC","trade_price":9.5E7,"trade_volume":1e-7,"ask_bid":"ASK","trade_timestamp":1.7e12,"sequential_id":-3}',
      '{"type":"trade","code":"KRW-BTC","trade_price":95000000,"trade_volume":0.123456780000000000000000000000,"ask_bid":"BID","trade_timestamp":1,"sequential_id":0}',
      '{"ty":"trade","cd":"KRW-BTC","type":5,"tp":95000000,"tv":12345678.12345678,"ab":"BID","ttms":1,"sid":1,"extra":{"a":[1,{"b":null}],"c":true}}',
      '{"type":"orderbook","code":"KRW-BTC","timestamp":1,"orderbook_units":[],"obu":5}',
      '{"type":"orderbook","code":"KRW-XRP","timestamp":1,"orderbook_units":[{"ask_price":310.1,"bid_price":309.9,"ask_size":-0,"bid_size":3}]}',
    ]) {
      expect(checkUpbit(text), text).toBe(true);
    }
    expect(
      checkBinance(
        '{"data":{"M":true,"m":false,"T":1,"q":"1.","p":".5","t":1,"s":"BTCUSDT","E":2,"e":"trade"},"stream":"btcusdt@trade","extra":[1]}',
      ),
    ).toBe(true);
    expect(
      checkBinance(
        '{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":5,"s":"BTCUSDT","U":1,"u":2,"b":[["1.5","1e2",{"x":1}]],"a":[["+2","1"]]}}',
      ),
    ).toBe(true);
    expect(
      checkBinance(
        '{"stream":"btcusdt@trade","data":{"e":"trade","E":2,"s":"BTCUSDT","t":1,"t":2,"p":"1","q":"1","T":1,"m":true}}',
      ),
    ).toBe(false);
    expect(checkBinance('{"e":"trade","E":2,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":true}')).toBe(false);
    expect(checkBinance('{"result":null,"id":7}')).toBe(false);
  });

  it('never disagree with the full parsers on damaged frames', () => {
    const upbitSample = frames.upbit.filter((_, i) => i % 7 === 0);
    const binanceSample = frames.binance.filter((_, i) => i % 7 === 0);
    const damage = fc.record({
      which: fc.nat(),
      at: fc.nat(),
      kind: fc.integer({ min: 0, max: 3 }),
      byte: fc.constantFrom(...'0123456789.,:-+eE"{}[] \\x\u00e9'.split('').map((c) => c.charCodeAt(0) & 0xff)),
    });
    const apply = (text: string, d: { at: number; kind: number; byte: number }): Uint8Array => {
      const b = Buffer.from(text);
      const at = d.at % b.length;
      if (d.kind === 0) b[at] = d.byte;
      else if (d.kind === 1) return Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
      else if (d.kind === 2) return Buffer.concat([b.subarray(0, at), Buffer.from([d.byte]), b.subarray(at)]);
      else return b.subarray(0, at);
      return b;
    };
    fc.assert(
      fc.property(damage, (d) => {
        checkUpbit(apply(upbitSample[d.which % upbitSample.length], d));
        checkBinance(apply(binanceSample[d.which % binanceSample.length], d));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('ByteReader numbers', () => {
  const r = new ByteReader();
  const read = (text: string): { units: (d: number) => number; integer: () => number } => {
    r.reset(Buffer.from(text));
    const end = r.number(0);
    expect(end).toBe(text.length);
    const m = r.m;
    const frac = r.frac;
    return { units: (d) => r.units(m, frac, d), integer: () => r.integer(m, frac) };
  };
  const reference = (text: string, d: number): number => {
    try {
      return numberToUnits(JSON.parse(text) as number, d);
    } catch {
      return NaN;
    }
  };

  it('convert JSON numbers to units exactly as numberToUnits(JSON.parse(text)) does', () => {
    for (const [text, d] of [
      ['0.29', 2],
      ['1.005', 3],
      ['0.00012345', 8],
      ['11436000.0', 0],
      ['1e-7', 8],
      ['0', 8],
      ['-0', 8],
      ['-0.0', 2],
      ['12345678.12345678', 8],
      ['123456789012345', 0],
      ['1234567890123456', 0],
      ['99999999999999999', 0],
      ['0.1', 0],
      ['1234.5600000000002', 8],
      ['9007199254740993', 0],
      ['0.000000000000000000000001', 30],
    ] as const) {
      expect(read(text).units(d), `${text} at ${d}`).toBe(reference(text, d));
    }
    const digits = fc.stringMatching(/^(0|[1-9][0-9]{0,17})$/);
    const fracDigits = fc.stringMatching(/^[0-9]{0,20}$/);
    fc.assert(
      fc.property(
        fc.boolean(),
        digits,
        fracDigits,
        fc.option(fc.integer({ min: -30, max: 30 })),
        fc.integer({ min: 0, max: 12 }),
        (neg, int, frac, exp, d) => {
          const text = `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}${exp === null ? '' : `e${exp}`}`;
          expect(
            Object.is(read(text).units(d), reference(text, d)) || read(text).units(d) === reference(text, d),
            `${text} at ${d}`,
          ).toBe(true);
          const v = JSON.parse(text) as number;
          const int2 = read(text).integer();
          if (Number.isSafeInteger(v)) expect(int2).toBe(v);
          else expect(int2).toBeNaN();
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('keep their own copy of the texts they intern', () => {
    const b = Buffer.from('"KRW-BTC"');
    r.reset(b);
    r.string(0);
    const first = r.text(r.s, r.e);
    b.write('"KRW-ETH"');
    r.reset(b);
    r.string(0);
    expect(r.text(r.s, r.e)).toBe('KRW-ETH');
    r.reset(Buffer.from('"KRW-BTC"'));
    r.string(0);
    expect(r.text(r.s, r.e)).toBe(first);
    expect(first).toBe('KRW-BTC');
    // Many different texts (more than the table holds), each read back right, again and again.
    const codes = Array.from({ length: 2000 }, (_, k) => `KRW-C${k.toString(36).toUpperCase()}`);
    for (let round = 0; round < 3; round++) {
      for (const code of codes) {
        r.reset(Buffer.from(`"${code}"`));
        r.string(0);
        expect(r.text(r.s, r.e)).toBe(code);
      }
    }
    r.reset(Buffer.from('""'));
    r.string(0);
    expect(r.text(r.s, r.e)).toBe('');
  });

  it('convert decimal text to units exactly as parseDecimalUnits does', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[-+]?[0-9]{0,19}(\.[0-9]{0,20})?([eE][-+]?[0-9]{1,2})?$/),
        fc.integer({ min: 0, max: 12 }),
        (text, d) => {
          r.reset(Buffer.from(text));
          let want: number;
          try {
            want = parseDecimalUnits(text, d);
          } catch {
            want = NaN;
          }
          expect(r.decimalUnits(0, text.length, d), `${text} at ${d}`).toBe(want);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
