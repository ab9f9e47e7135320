/**
 * The byte format of one stored day of 1m candles (one row of `candle_days`).
 *
 * Why days and not one row per minute: opening a chart over a year reads 525,600 minutes, and SQLite hands rows
 * to JavaScript at roughly a microsecond each — half a second for the read alone. One row per UTC day is 365
 * rows; decoding the bytes below into typed arrays takes a few ms.
 *
 * Layout (all integers LEB128 varints; "zz" = zigzag-encoded signed):
 *   u8 format version (1), count,
 *   then per candle, oldest first:
 *     minutes skipped since the previous candle (0 = the next minute; the first counts from the day's start),
 *     zz(open − previous close; the first against 0), zz(close − open), high − max(open, close),
 *     min(open, close) − low, volume.
 * Neighbouring candles share most of their digits, so a candle usually takes 8–14 bytes instead of 48.
 * Prices must be below 2^52 so every zigzagged difference stays an exact double.
 */
import { MINUTE_MS } from '../../core/candles/intervals';
import type { CandleColumns } from '../../core/candles/columns';

export const DAY_CHUNK_VERSION = 1;
export const MINUTES_PER_DAY = 1440;
const MAX_PRICE = 2 ** 52 - 1;

export class DayChunkError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'DayChunkError';
  }
}

/** One day's candles as columns in minutes-of-day, for the store's read-modify-write of a day. */
export interface DayCandles {
  length: number;
  /** Minute of the day, 0–1439, strictly increasing. */
  minute: Uint16Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export function allocDay(capacity = MINUTES_PER_DAY): DayCandles {
  return {
    length: 0,
    minute: new Uint16Array(capacity),
    open: new Float64Array(capacity),
    high: new Float64Array(capacity),
    low: new Float64Array(capacity),
    close: new Float64Array(capacity),
    volume: new Float64Array(capacity),
  };
}

class Writer {
  buf: Buffer;
  pos = 0;
  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }
  uint(v: number): void {
    // Bit operations are 32-bit; above 2^31 fall back to arithmetic, which is exact for safe integers.
    while (v >= 0x80) {
      this.buf[this.pos++] = (v < 0x80000000 ? v & 0x7f : v % 128) | 0x80;
      v = v < 0x80000000 ? v >>> 7 : Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }
  int(v: number): void {
    this.uint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
}

export function encodeDay(day: DayCandles): Buffer {
  const w = new Writer(2 + 10 + day.length * 6 * 8);
  w.buf[w.pos++] = DAY_CHUNK_VERSION;
  w.uint(day.length);
  let prevMinute = -1;
  let prevClose = 0;
  for (let i = 0; i < day.length; i++) {
    const m = day.minute[i];
    const o = day.open[i];
    const h = day.high[i];
    const l = day.low[i];
    const c = day.close[i];
    const v = day.volume[i];
    if (m <= prevMinute || m >= MINUTES_PER_DAY) throw new RangeError(`minute ${m} out of order in a day chunk`);
    if (!(h <= MAX_PRICE)) throw new RangeError(`price ${h} is too large to store (limit 2^52)`);
    if (!(l >= 0 && l <= Math.min(o, c) && h >= Math.max(o, c) && v >= 0 && Number.isSafeInteger(v))) {
      throw new RangeError(`invalid candle at minute ${m}: o ${o} h ${h} l ${l} c ${c} v ${v}`);
    }
    w.uint(m - prevMinute - 1);
    w.int(o - prevClose);
    w.int(c - o);
    w.uint(h - Math.max(o, c));
    w.uint(Math.min(o, c) - l);
    w.uint(v);
    prevMinute = m;
    prevClose = c;
  }
  return w.buf.subarray(0, w.pos);
}

/** Reads varints from a chunk; every read is bounds-checked so damaged bytes give an error, never garbage. */
class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  uint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new DayChunkError(`truncated at byte ${this.pos}`);
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 128;
      if (scale > 2 ** 56) throw new DayChunkError(`varint too long at byte ${this.pos}`);
    }
    if (result > Number.MAX_SAFE_INTEGER) throw new DayChunkError(`value beyond 2^53 at byte ${this.pos}`);
    return result;
  }
  int(): number {
    const z = this.uint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}

/** Number of candles in a chunk, read from its header only (to size the arrays before decoding). */
export function dayChunkCount(bytes: Uint8Array): number {
  if (bytes.length < 2 || bytes[0] !== DAY_CHUNK_VERSION) {
    throw new DayChunkError(`unknown format version ${bytes[0]}`);
  }
  const r = new Reader(bytes);
  r.pos = 1;
  const n = r.uint();
  if (n > MINUTES_PER_DAY) throw new DayChunkError(`claims ${n} candles in one day`);
  return n;
}

/**
 * Decodes a chunk of the day starting at `dayStartMs`, appending candles with dayStartMs + minute in [from, to)
 * to `out` at `out.length` (which must have room). Throws DayChunkError on any inconsistency.
 */
export function decodeDayInto(
  bytes: Uint8Array,
  dayStartMs: number,
  out: CandleColumns,
  from = -Infinity,
  to = Infinity,
): void {
  const n = dayChunkCount(bytes);
  const r = new Reader(bytes);
  r.pos = 1;
  r.uint();
  let minute = -1;
  let prevClose = 0;
  let k = out.length;
  for (let i = 0; i < n; i++) {
    minute += r.uint() + 1;
    const o = prevClose + r.int();
    const c = o + r.int();
    const h = Math.max(o, c) + r.uint();
    const l = Math.min(o, c) - r.uint();
    const v = r.uint();
    if (minute >= MINUTES_PER_DAY) throw new DayChunkError(`minute ${minute} beyond the day`);
    if (l < 0 || h > MAX_PRICE) throw new DayChunkError(`price out of range at minute ${minute}`);
    prevClose = c;
    const t = dayStartMs + minute * MINUTE_MS;
    if (t < from || t >= to) continue;
    out.openTime[k] = t;
    out.open[k] = o;
    out.high[k] = h;
    out.low[k] = l;
    out.close[k] = c;
    out.volume[k] = v;
    k++;
  }
  if (r.pos !== bytes.length) throw new DayChunkError(`${bytes.length - r.pos} stray bytes after ${n} candles`);
  out.length = k;
}

/** Decodes a whole chunk into minute-of-day columns (for merging new candles into a stored day). */
export function decodeDay(bytes: Uint8Array): DayCandles {
  const n = dayChunkCount(bytes);
  const cols: CandleColumns = {
    length: 0,
    openTime: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  decodeDayInto(bytes, 0, cols);
  const day = allocDay(n);
  for (let i = 0; i < n; i++) day.minute[i] = cols.openTime[i] / MINUTE_MS;
  day.open.set(cols.open);
  day.high.set(cols.high);
  day.low.set(cols.low);
  day.close.set(cols.close);
  day.volume.set(cols.volume);
  day.length = n;
  return day;
}
