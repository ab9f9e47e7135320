/**
 * The recorded-session file format.
 *
 *   8 bytes  magic "P777SES\n"
 *   frames   u32 LE payload length, u32 LE CRC-32 of the payload, payload (one MessagePack value)
 *
 * The first frame is the header (SessionHeader); every later frame is one event as a compact tuple (below),
 * with the market as an index into the header's market list. A recorder killed mid-write leaves at most one
 * incomplete frame at the end, which the reader drops and reports; a complete frame whose checksum or content
 * is wrong is an error that names the frame. The whole file may be gzip-compressed (detected by its magic).
 *
 * Event tuples: [at, kind, market index, …], `at` = ms since the session's start on the recorder's clock (when
 * the event arrived — replay timing follows it); `dts` = the event's own ts − (startTime + at), usually small.
 *   ticker 0: [at, 0, m, dts, last, open, high, low, prevClose, volume24h]
 *   trade  1: [at, 1, m, dts, price, size, side (0 buy, 1 sell), tradeId]
 *   book   2: [at, 2, m, dts, [bidPrice, bidSize, …], [askPrice, askSize, …]]   (whole book, best first)
 *   candle 3: [at, 3, m, interval index, openTime, open, high, low, close, volume]
 *   status 4: [at, 4, m, status index, reason | null]
 */
import { Packr, Unpackr } from 'msgpackr';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import type { FeedEvent, FeedMarket, FeedStatus, Level } from '../../core/market-data/types';
import type { SessionRecord } from '../../core/replay/session-record';
import { CANDLE_INTERVALS } from '../../core/candles/intervals';

export type { SessionRecord };

export const SESSION_MAGIC = Buffer.from('P777SES\n', 'latin1');
export const SESSION_FORMAT_VERSION = 1;
const FRAME_HEADER = 8;
/** A frame larger than this is damage, not data (a whole 30-level book is about 1 KB). */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

const STATUSES: readonly FeedStatus[] = ['live', 'reconnecting', 'stale', 'offline'];

// Loose: fields FeedMarket may gain later are kept as recorded, not stripped.
const feedMarketSchema = z.looseObject({
  exchange: z.enum(['upbit', 'binance']),
  id: z.string().min(1),
  symbol: z.string().min(1),
  base: z.string().min(1),
  quote: z.string().min(1),
  priceDecimals: z.number().int().min(0).max(18),
  sizeDecimals: z.number().int().min(0).max(18),
});

export const sessionHeaderSchema = z.object({
  format: z.literal(SESSION_FORMAT_VERSION),
  /** 'recorded': captured from a live feed; 'generated': made by a program (made-up prices to paper trade on, not market data). */
  kind: z.enum(['recorded', 'generated']),
  markets: z.array(feedMarketSchema).min(1),
  /** ms UTC when recording began; every record's `at` counts from here. */
  startTime: z.number().int().min(0),
  /** Free text: where the session came from. */
  note: z.string().optional(),
});
export interface SessionHeader {
  format: typeof SESSION_FORMAT_VERSION;
  kind: 'recorded' | 'generated';
  markets: FeedMarket[];
  startTime: number;
  note?: string;
}

/** Validates a decoded header; throws with every problem listed. */
export function parseHeader(value: unknown): SessionHeader {
  const parsed = sessionHeaderSchema.safeParse(value);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  // The schema checks every FeedMarket field this code relies on.
  return parsed.data as SessionHeader;
}

export class SessionFileError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'SessionFileError';
  }
}

// Plain MessagePack (no record extension): every frame must decode on its own, even after a damaged one.
const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false });

export function frame(value: unknown): Buffer {
  const payload = packr.pack(value);
  const out = Buffer.allocUnsafe(FRAME_HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  payload.copy(out, FRAME_HEADER);
  return out;
}

/** Indexes a session's markets for encoding. */
export class EventEncoder {
  private readonly index = new Map<string, number>();
  constructor(readonly header: SessionHeader) {
    header.markets.forEach((m, i) => this.index.set(m.id, i));
  }

  encode(at: number, e: FeedEvent): unknown[] {
    const m = this.index.get(e.market);
    if (m === undefined) throw new RangeError(`market ${e.market} is not in this session's header`);
    const base = this.header.startTime + at;
    switch (e.type) {
      case 'ticker':
        return [at, 0, m, e.ts - base, e.last, e.open, e.high, e.low, e.prevClose, e.volume24h];
      case 'trade':
        return [at, 1, m, e.ts - base, e.price, e.size, e.side === 'buy' ? 0 : 1, e.tradeId];
      case 'book':
        return [at, 2, m, e.ts - base, flatten(e.bids), flatten(e.asks)];
      case 'candle': {
        const c = e.candle;
        return [at, 3, m, CANDLE_INTERVALS.indexOf(e.interval), c.openTime, c.open, c.high, c.low, c.close, c.volume];
      }
      case 'status':
        return [at, 4, m, STATUSES.indexOf(e.status), e.reason ?? null];
    }
  }
}

function flatten(levels: readonly Level[]): number[] {
  const out = new Array<number>(levels.length * 2);
  for (let i = 0; i < levels.length; i++) {
    out[2 * i] = levels[i][0];
    out[2 * i + 1] = levels[i][1];
  }
  return out;
}

/** Decodes and validates one event tuple; throws a plain message (the caller adds where). */
export function decodeEvent(header: SessionHeader, value: unknown): SessionRecord {
  if (!Array.isArray(value) || value.length < 4) throw new Error('not an event tuple');
  const t = value as unknown[];
  const at = int(t[0], 'at');
  if (at < 0) throw new Error('negative time');
  const kind = t[1];
  const market = header.markets[int(t[2], 'market index')]?.id;
  if (market === undefined) throw new Error(`market index ${String(t[2])} out of range`);
  const base = header.startTime + at;
  const want = (n: number) => {
    if (t.length !== n) throw new Error(`kind ${String(kind)} needs ${n} fields, has ${t.length}`);
  };
  switch (kind) {
    case 0: {
      want(10);
      return {
        at,
        event: {
          type: 'ticker',
          market,
          ts: base + int(t[3], 'ts'),
          last: uint(t[4], 'last'),
          open: uint(t[5], 'open'),
          high: uint(t[6], 'high'),
          low: uint(t[7], 'low'),
          prevClose: uint(t[8], 'prevClose'),
          volume24h: uint(t[9], 'volume24h'),
        },
      };
    }
    case 1: {
      want(8);
      if (t[6] !== 0 && t[6] !== 1) throw new Error(`side ${String(t[6])}`);
      if (typeof t[7] !== 'string' || !t[7]) throw new Error('tradeId is not text');
      return {
        at,
        event: {
          type: 'trade',
          market,
          ts: base + int(t[3], 'ts'),
          price: uint(t[4], 'price'),
          size: uint(t[5], 'size'),
          side: t[6] === 0 ? 'buy' : 'sell',
          tradeId: t[7],
        },
      };
    }
    case 2: {
      want(6);
      return {
        at,
        event: {
          type: 'book',
          market,
          ts: base + int(t[3], 'ts'),
          bids: levels(t[4], 'bids'),
          asks: levels(t[5], 'asks'),
        },
      };
    }
    case 3: {
      want(10);
      const interval = CANDLE_INTERVALS[int(t[3], 'interval')];
      if (!interval) throw new Error(`interval index ${String(t[3])}`);
      const candle = {
        openTime: uint(t[4], 'openTime'),
        open: uint(t[5], 'open'),
        high: uint(t[6], 'high'),
        low: uint(t[7], 'low'),
        close: uint(t[8], 'close'),
        volume: uint(t[9], 'volume'),
      };
      if (candle.low > Math.min(candle.open, candle.close) || candle.high < Math.max(candle.open, candle.close)) {
        throw new Error('candle prices out of order');
      }
      return { at, event: { type: 'candle', market, interval, candle } };
    }
    case 4: {
      want(5);
      const status = STATUSES[int(t[3], 'status')];
      if (!status) throw new Error(`status index ${String(t[3])}`);
      if (t[4] !== null && typeof t[4] !== 'string') throw new Error('reason is not text');
      return { at, event: { type: 'status', market, status, ...(t[4] !== null ? { reason: t[4] } : {}) } };
    }
    default:
      throw new Error(`unknown event kind ${String(kind)}`);
  }
}

function int(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`${name} is not an integer`);
  return v;
}
function uint(v: unknown, name: string): number {
  const n = int(v, name);
  if (n < 0) throw new Error(`${name} is negative`);
  return n;
}
function levels(v: unknown, name: string): Level[] {
  if (!Array.isArray(v) || v.length % 2 !== 0) throw new Error(`${name} is not a flat list of price, size pairs`);
  const out: Level[] = new Array(v.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = [uint(v[2 * i], name), uint(v[2 * i + 1], name)];
  return out;
}

export interface ParsedFrames {
  payloads: Buffer[];
  /** Byte offset of each payload's frame, for error messages. */
  offsets: number[];
  /** An incomplete frame was found at the end and dropped. */
  truncated: boolean;
}

/** Splits the bytes after the magic into frames, checking each checksum. */
export function splitFrames(bytes: Buffer, start: number): ParsedFrames {
  const payloads: Buffer[] = [];
  const offsets: number[] = [];
  let pos = start;
  while (pos < bytes.length) {
    if (bytes.length - pos < FRAME_HEADER) return { payloads, offsets, truncated: true };
    const length = bytes.readUInt32LE(pos);
    if (length > MAX_FRAME_BYTES) {
      throw new SessionFileError(`frame ${payloads.length} at byte ${pos} claims ${length} bytes: the file is damaged`);
    }
    if (bytes.length - pos - FRAME_HEADER < length) return { payloads, offsets, truncated: true };
    const payload = bytes.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + length);
    if (crc32(payload) !== bytes.readUInt32LE(pos + 4)) {
      throw new SessionFileError(`frame ${payloads.length} at byte ${pos} fails its checksum: the file is damaged`);
    }
    payloads.push(payload);
    offsets.push(pos);
    pos += FRAME_HEADER + length;
  }
  return { payloads, offsets, truncated: false };
}

export function unpack(payload: Buffer): unknown {
  return unpackr.unpack(payload);
}
