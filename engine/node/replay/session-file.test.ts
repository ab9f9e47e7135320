import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { FeedEvent } from '../../core/market-data/types';
import { useTempDirs } from '../candles/testing/temp-dir';
import { GENERATED_PAPER_MARKET } from '../../core/replay/generated-paper-market';
import { SESSION_MAGIC, SessionFileError, frame } from './session-format';
import { parseSession, readSessionFile } from './session-reader';
import { SessionRecorder } from './session-recorder';

const tempDir = useTempDirs('session-file-');
const ETH = { ...GENERATED_PAPER_MARKET, id: 'ETH-KRW', symbol: 'KRW-ETH', base: 'ETH' };
const START = Date.UTC(2025, 2, 1, 12, 0);

const EVENTS: { at: number; event: FeedEvent }[] = [
  { at: 0, event: { type: 'status', market: 'BTC-KRW', status: 'live' } },
  {
    at: 5,
    event: {
      type: 'ticker',
      market: 'BTC-KRW',
      ts: START + 2,
      last: 140_000_000,
      open: 139_000_000,
      high: 141_000_000,
      low: 138_500_000,
      prevClose: 139_000_000,
      volume24h: 312_345_678_901,
    },
  },
  {
    at: 7,
    event: {
      type: 'trade',
      market: 'ETH-KRW',
      ts: START + 6,
      price: 5_000_000,
      size: 123_456_789,
      side: 'sell',
      tradeId: '17100000000001',
    },
  },
  {
    at: 7,
    event: {
      type: 'book',
      market: 'BTC-KRW',
      ts: START + 7,
      bids: [
        [139_999_000, 5],
        [139_998_000, 7],
      ],
      asks: [[140_001_000, 1]],
    },
  },
  {
    at: 9,
    event: {
      type: 'candle',
      market: 'ETH-KRW',
      interval: '15m',
      candle: { openTime: START, open: 1, high: 3, low: 1, close: 2, volume: 9 },
    },
  },
  { at: 20, event: { type: 'status', market: 'ETH-KRW', status: 'stale', reason: 'no data for 10 s' } },
  { at: 25, event: { type: 'book', market: 'ETH-KRW', ts: START + 30, bids: [], asks: [] } },
];

async function record(path: string, gzip = false) {
  const recorder = new SessionRecorder(path, {
    markets: [GENERATED_PAPER_MARKET, ETH],
    now: () => START,
    gzip,
    note: 'test',
  });
  for (const { at, event } of EVENTS) recorder.record(event, at);
  await recorder.close();
}

describe('session files', () => {
  it.each([false, true])('round-trip every event kind (gzip %s)', async (gzip) => {
    const path = join(tempDir(), 's.p777s');
    await record(path, gzip);
    const bytes = readFileSync(path);
    expect(bytes[0] === 0x1f).toBe(gzip);
    const session = readSessionFile(path);
    expect(session.truncated).toBe(false);
    expect(session.header).toEqual({
      format: 1,
      kind: 'recorded',
      markets: [GENERATED_PAPER_MARKET, ETH],
      startTime: START,
      note: 'test',
    });
    expect(session.records).toEqual(EVENTS);
  });

  it('keeps every whole record of a file cut anywhere, and says it was cut', async () => {
    const path = join(tempDir(), 's.p777s');
    await record(path);
    const bytes = readFileSync(path);
    const full = parseSession(bytes).records;
    const headerEnd = SESSION_MAGIC.length + frame(parseSession(bytes).header).length;
    // Where each frame ends: a cut exactly there is a shorter whole file, anywhere else a cut one.
    const boundaries = new Set<number>([headerEnd]);
    let end = headerEnd;
    while (end < bytes.length) boundaries.add((end += 8 + bytes.readUInt32LE(end)));
    for (let cut = headerEnd; cut < bytes.length; cut++) {
      const s = parseSession(bytes.subarray(0, cut));
      expect(full.slice(0, s.records.length)).toEqual(s.records);
      expect(s.truncated).toBe(!boundaries.has(cut));
    }
    // A cut inside the last record loses exactly that record.
    expect(parseSession(bytes.subarray(0, bytes.length - 3))).toMatchObject({
      truncated: true,
      records: full.slice(0, -1),
    });
    expect(() => parseSession(bytes.subarray(0, 12))).toThrow(/no header/);
  });

  it('reads what a gzip stream cut short (a killed recorder) still holds', async () => {
    const path = join(tempDir(), 's.p777s');
    await record(path, true);
    const bytes = readFileSync(path);
    // The stream's trailer (CRC + length, 8 bytes) and a bit of the data are gone.
    const s = parseSession(bytes.subarray(0, bytes.length - 12));
    expect(s.truncated).toBe(true);
    expect(EVENTS.slice(0, s.records.length)).toEqual(s.records);
    // An uncompressed file gzipped in one go and cut anywhere: a prefix of the records or a clear error.
    const plain = join(tempDir(), 'plain.p777s');
    await record(plain);
    const zipped = gzipSync(readFileSync(plain));
    for (let cut = 1; cut < zipped.length; cut += 7) {
      const part = parseSessionSafe(zipped.subarray(0, cut));
      if (part) expect(EVENTS.slice(0, part.records.length)).toEqual(part.records);
    }
  });

  it('names a damaged record instead of returning garbage', async () => {
    const path = join(tempDir(), 's.p777s');
    await record(path);
    const bytes = readFileSync(path);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 20] ^= 0xff; // inside the last (complete) record
    expect(() => parseSession(damaged)).toThrow(SessionFileError);
    expect(() => parseSession(damaged)).toThrow(/frame \d at byte \d+ fails its checksum: the file is damaged/);
    const huge = Buffer.from(bytes);
    huge.writeUInt32LE(0xfffffff0, SESSION_MAGIC.length);
    expect(() => parseSession(huge)).toThrow(/claims \d+ bytes/);
    expect(() => parseSession(Buffer.from('hello world, not a session'))).toThrow(/wrong magic/);
    const badPath = join(tempDir(), 'bad.p777s');
    writeFileSync(badPath, damaged);
    expect(() => readSessionFile(badPath)).toThrow(new RegExp(`session ${badPath}: frame \\d`));
    expect(() => readSessionFile(join(tempDir(), 'missing.p777s'))).toThrow(/cannot read session/);
  });

  it('validates the header and each record’s content, not just the checksums', () => {
    const header = { format: 1, kind: 'recorded', markets: [GENERATED_PAPER_MARKET], startTime: START };
    const file = (...frames: unknown[]) => Buffer.concat([SESSION_MAGIC, ...frames.map((f) => frame(f))]);
    expect(parseSession(file(header, [0, 1, 0, 0, 5, 6, 0, 'a'])).records[0].event).toMatchObject({
      type: 'trade',
      price: 5,
      size: 6,
    });
    expect(() => parseSession(file({ ...header, format: 2 }))).toThrow(/bad header \(format/);
    expect(() => parseSession(file({ ...header, markets: [] }))).toThrow(/bad header/);
    expect(() => parseSession(file(header, [0, 1, 0, 0, 5.5, 6, 0, 'a']))).toThrow(
      /record 1 .*price is not an integer/,
    );
    expect(() => parseSession(file(header, [0, 1, 3, 0, 5, 6, 0, 'a']))).toThrow(/market index 3 out of range/);
    expect(() => parseSession(file(header, [0, 9, 0, 0]))).toThrow(/unknown event kind 9/);
    expect(() => parseSession(file(header, [0, 2, 0, 0, [1, 2, 3], []]))).toThrow(/price, size pairs/);
    expect(() => parseSession(file(header, [5, 4, 0, 0, null], [4, 4, 0, 0, null]))).toThrow(/record 2 .*goes back/);
    expect(() => parseSession(file(header, 'not a tuple'))).toThrow(/record 1 .*not an event tuple/);
  });

  it('the recorder refuses events the reader would refuse, and never lets time go back', async () => {
    let now = START;
    const path = join(tempDir(), 's.p777s');
    const recorder = new SessionRecorder(path, { markets: [GENERATED_PAPER_MARKET], now: () => now });
    expect(() =>
      recorder.record({ ...(EVENTS[2].event as FeedEvent), market: 'BTC-KRW', price: 1.5 } as FeedEvent),
    ).toThrow(/price is not an integer/);
    expect(() => recorder.record(EVENTS[2].event)).toThrow(/ETH-KRW is not in this session/);
    now = START + 100;
    recorder.record(EVENTS[0].event);
    now = START + 50; // the wall clock stepped back
    recorder.record(EVENTS[0].event);
    await recorder.close();
    expect(readSessionFile(path).records.map((r) => r.at)).toEqual([100, 100]);
    // Never appends to (or overwrites) an existing session.
    expect(() => new SessionRecorder(path, { markets: [GENERATED_PAPER_MARKET] })).toThrow(/EEXIST/);
  });
});

function parseSessionSafe(bytes: Buffer) {
  try {
    return parseSession(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(SessionFileError);
    return undefined;
  }
}
