/**
 * Reading JSON frames straight from their bytes, for the feed's fast paths: no string for the whole frame, no
 * JSON.parse, no object per key, no double per number. A fast path walks the frame once, checking it against
 * the JSON grammar as it goes, keeps the few fields it needs and skips (still checking) everything else.
 *
 * It takes the common shape only: strings of plain ASCII without escapes, nesting up to 64 levels. On anything
 * else (an escape, a non-ASCII or control byte, invalid JSON, a field of an unexpected type) the fast path
 * gives up without having emitted anything, and the frame goes to the JSON.parse path, which handles it or
 * says what is wrong with it. So a malformed frame is always judged (and logged) by the full parser.
 *
 * Numbers: an unsigned JSON number without exponent whose digits, fraction zeros at the end left out, make an
 * integer below 10^15 is kept as that integer `m` and its count of fraction digits `frac` (value = m·10^-frac,
 * exactly). Its units at `decimals` places, m·10^(decimals-frac), are then exactly what numberToUnits gives for
 * the double JSON.parse makes of it (a decimal of at most 15 significant digits is exactly what that double
 * prints back as; see decimal.ts). Every other number takes that very route, numberToUnits(Number(text)).
 */
import { numberToUnits, parseDecimalUnits } from '../../core/market-data/decimal';

const MAX_DEPTH = 64;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const POW10: number[] = [];
for (let i = 0, p = 1; i <= 22; i++, p *= 10) POW10.push(p);

export const QUOTE = 0x22;
const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const LBRACKET = 0x5b;
export const RBRACKET = 0x5d;
const MINUS = 0x2d;
const DOT = 0x2e;
const D0 = 0x30;
const D9 = 0x39;

/** 1 for JSON whitespace (space, tab, LF, CR). */
export const WS = new Uint8Array(256);
WS[0x20] = WS[0x0a] = WS[0x0d] = WS[0x09] = 1;
/** 1 for the bytes that end the plain part of a string: the closing quote, an escape, a control or non-ASCII byte. */
const STR_END = new Uint8Array(256);
for (let c = 0; c < 256; c++) if (c === QUOTE || c === BACKSLASH || c < 0x20 || c >= 0x80) STR_END[c] = 1;

const INTERN_SLOTS = 256;
/** An unused slot of the intern table: it holds the empty text, which is right for the empty text. */
const NO_BYTES = new Uint8Array(0);

/** What a value turned out to be (a fast path records this for the fields it keeps). */
export const V_NONE = 0;
export const V_STRING = 1;
export const V_NUMBER = 2;
export const V_TRUE = 3;
export const V_FALSE = 4;
export const V_OTHER = 5;
/** An array a fast path read into its own storage. */
export const V_ARRAY = 6;

/**
 * A cursor over one frame's bytes. Each step takes the index of the first byte of what it reads and returns
 * the index after it, or -1 when the bytes are not (plain) JSON there; details land in the fields below.
 */
export class ByteReader {
  b: Uint8Array = new Uint8Array(0);
  len = 0;
  /** Last string: content from `s` to the closing quote at `e`. */
  s = 0;
  e = 0;
  /**
   * Last number: when it is of the simple kind (see the module notes), its digits as an integer (fraction
   * zeros at the end left out) and `frac` the count of fraction digits among them, so the value is exactly
   * m·10^-frac. Otherwise `frac` is -1 and `m` the index where the number starts (see numberValue).
   */
  m = 0;
  frac = 0;
  /** The id of the key last read by KeyTable.key(). */
  key = -1;
  /** The literal last read by literal(). */
  lastLiteral = V_NONE;
  /** Short texts seen lately, by hash (see text()). */
  private readonly internBytes: Uint8Array[] = new Array<Uint8Array>(INTERN_SLOTS).fill(NO_BYTES);
  private readonly internText: string[] = new Array<string>(INTERN_SLOTS).fill('');

  reset(b: Uint8Array): void {
    this.b = b;
    this.len = b.length;
  }

  /** Skips whitespace. */
  ws(i: number): number {
    const b = this.b;
    const len = this.len;
    while (i < len && WS[b[i]] === 1) i++;
    return i;
  }

  /** A string at `i` (its opening quote). */
  string(i: number): number {
    const b = this.b;
    const len = this.len;
    if (i >= len || b[i] !== QUOTE) return -1;
    const s = ++i;
    let c = 0;
    while (i < len && STR_END[(c = b[i])] === 0) i++;
    if (i >= len || c !== QUOTE) return -1;
    this.s = s;
    this.e = i;
    return i + 1;
  }

  /** A JSON number at `i`: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  number(i: number): number {
    const b = this.b;
    const len = this.len;
    const s = i;
    let simple = true;
    let c = i < len ? b[i] : 0;
    if (c === MINUS) {
      simple = false;
      c = ++i < len ? b[i] : 0;
    }
    let m = 0;
    if (c === D0) {
      i++;
    } else if (c > D0 && c <= D9) {
      m = c - D0;
      i++;
      while (i < len && (c = b[i]) >= D0 && c <= D9) {
        m = m * 10 + (c - D0);
        i++;
      }
    } else return -1;
    let frac = 0;
    if (i < len && b[i] === DOT) {
      // Fraction zeros at the end are left out of m: m and frac stay as they were at the last non-zero digit.
      const fs = ++i;
      let all = m;
      while (i < len && (c = b[i]) >= D0 && c <= D9) {
        all = all * 10 + (c - D0);
        i++;
        if (c !== D0) {
          m = all;
          frac = i - fs;
        }
      }
      if (i === fs) return -1;
    }
    if (i < len && ((c = b[i]) === 0x65 || c === 0x45)) {
      simple = false;
      i++;
      if (i < len && ((c = b[i]) === 0x2b || c === MINUS)) i++;
      const es = i;
      while (i < len && (c = b[i]) >= D0 && c <= D9) i++;
      if (i === es) return -1;
    }
    if (simple && m < 1e15 && frac <= 22) {
      this.m = m;
      this.frac = frac;
    } else {
      this.m = s;
      this.frac = -1;
    }
    return i;
  }

  /** The value JSON.parse gives a number read by number() (its m and frac). */
  numberValue(m: number, frac: number): number {
    // m and 10^frac are exact doubles, so the one rounding of the division is the one JSON.parse makes.
    if (frac >= 0) return m / POW10[frac];
    const e = this.number(m);
    return Number(latin1(this.b, m, e));
  }

  /**
   * A number read by number() (its m and frac) in units at `decimals` places, exactly as numberToUnits(JSON
   * number) gives it ('exact'); NaN where that throws.
   */
  units(m: number, frac: number, decimals: number): number {
    if (frac >= 0 && frac <= decimals) {
      const u = m * POW10[decimals - frac];
      if (u <= MAX_SAFE) return u;
    }
    try {
      return numberToUnits(this.numberValue(m, frac), decimals);
    } catch {
      return NaN;
    }
  }

  /** A number read by number() as an integer: JSON.parse's value when that is a safe integer, else NaN. */
  integer(m: number, frac: number): number {
    const v = frac === 0 ? m : this.numberValue(m, frac);
    return Number.isSafeInteger(v) ? v : NaN;
  }

  /** Any JSON value at `i`, checked and skipped. */
  skip(i: number, depth: number): number {
    const b = this.b;
    const len = this.len;
    if (i >= len) return -1;
    const c = b[i];
    if (c === QUOTE) return this.string(i);
    if ((c >= D0 && c <= D9) || c === MINUS) return this.number(i);
    if (c === LBRACE || c === LBRACKET) {
      if (depth >= MAX_DEPTH) return -1;
      const obj = c === LBRACE;
      const close = obj ? RBRACE : RBRACKET;
      i = this.ws(i + 1);
      if (i < len && b[i] === close) return i + 1;
      for (;;) {
        if (obj) {
          i = this.string(i);
          if (i < 0) return -1;
          i = this.ws(i);
          if (i >= len || b[i] !== COLON) return -1;
          i = this.ws(i + 1);
        }
        i = this.skip(i, depth + 1);
        if (i < 0) return -1;
        i = this.ws(i);
        if (i >= len) return -1;
        if (b[i] === COMMA) i = this.ws(i + 1);
        else if (b[i] === close) return i + 1;
        else return -1;
      }
    }
    return this.literal(i);
  }

  /** true, false or null at `i`; `lastLiteral` says which (V_TRUE, V_FALSE, V_OTHER for null). */
  literal(i: number): number {
    const b = this.b;
    const len = this.len;
    const c = b[i];
    if (c === 0x74 && i + 4 <= len && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
      this.lastLiteral = V_TRUE;
      return i + 4;
    }
    if (
      c === 0x66 &&
      i + 5 <= len &&
      b[i + 1] === 0x61 &&
      b[i + 2] === 0x6c &&
      b[i + 3] === 0x73 &&
      b[i + 4] === 0x65
    ) {
      this.lastLiteral = V_FALSE;
      return i + 5;
    }
    if (c === 0x6e && i + 4 <= len && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) {
      this.lastLiteral = V_OTHER;
      return i + 4;
    }
    return -1;
  }

  /** Whether bytes s..e are exactly `key`. */
  equals(s: number, e: number, key: Uint8Array): boolean {
    const n = key.length;
    if (e - s !== n) return false;
    const b = this.b;
    for (let i = 0; i < n; i++) if (b[s + i] !== key[i]) return false;
    return true;
  }

  /**
   * Bytes s..e (ASCII) as text. Short texts (codes, symbols) are kept in a small table by a hash of their bytes,
   * so the same code in the next frame is the same string again: no new string, nothing to hash in a Map.
   */
  text(s: number, e: number): string {
    const n = e - s;
    const b = this.b;
    if (n > 32) return latin1(b, s, e);
    let h = n;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
    const slot = (h ^ (h >>> 16)) & (INTERN_SLOTS - 1);
    const cached = this.internBytes[slot];
    if (cached.length === n) {
      let j = 0;
      while (j < n && cached[j] === b[s + j]) j++;
      if (j === n) return this.internText[slot];
    }
    const text = latin1(b, s, e);
    // A copy: Buffer#slice would share (and keep alive) the frame's memory.
    this.internBytes[slot] = Uint8Array.prototype.slice.call(b, s, e);
    this.internText[slot] = text;
    return text;
  }

  /**
   * Decimal text in bytes s..e ("67000.12000000") in units, as parseDecimalUnits(text, decimals) gives it; NaN
   * where that throws. Plain unsigned text is read here; anything else goes to parseDecimalUnits itself.
   */
  decimalUnits(s: number, e: number, decimals: number): number {
    const b = this.b;
    let i = s;
    let acc = 0;
    // eslint-disable-next-line no-useless-assignment -- a number like the loop's others; this hot path changes only with a bench:feed run
    let c = 0;
    while (i < e && (c = b[i]) >= D0 && c <= D9) {
      acc = acc * 10 + (c - D0);
      i++;
    }
    let digits = i - s;
    let places = 0;
    if (i < e && b[i] === DOT) {
      i++;
      while (i < e && places < decimals && (c = b[i]) >= D0 && c <= D9) {
        acc = acc * 10 + (c - D0);
        i++;
        places++;
      }
      digits += places;
      while (i < e && b[i] === D0) {
        i++;
        digits++;
      }
    }
    if (i === e && digits > 0 && acc <= MAX_SAFE) {
      const units = places === decimals ? acc : acc * POW10[decimals - places];
      if (units <= MAX_SAFE) return units;
    }
    try {
      return parseDecimalUnits(latin1(b, s, e), decimals);
    } catch {
      return NaN;
    }
  }
}

/**
 * Maps the key names of a frame type to small ids. Exchanges send their fields in a fixed order, so the table
 * remembers which key followed each key last time and first checks whether the bytes at hand are that key
 * again (one compare, no string, no hashing); only when they are not does it read the key as a string and look
 * it up by hash. A key not listed gets id -1.
 */
export class KeyTable {
  private readonly slots = new Int16Array(1024).fill(-1);
  private readonly chain: Int16Array;
  private readonly keys: Uint8Array[];
  /** The id of the key that came after key `id` last time, at index id + 2 (index 0: first key; 1: after an unlisted key). */
  private readonly after: Int16Array;

  constructor(names: readonly string[]) {
    this.keys = names.map(keyBytes);
    this.chain = new Int16Array(names.length).fill(-1);
    this.after = new Int16Array(names.length + 2).fill(-1);
    if (new Set(names).size !== names.length) throw new Error('KeyTable: duplicate names');
    this.keys.forEach((k, id) => {
      const h = KeyTable.hash(k, 0, k.length);
      this.chain[id] = this.slots[h];
      this.slots[h] = id;
    });
  }

  private static hash(b: Uint8Array, s: number, e: number): number {
    const n = e - s;
    return n === 0 ? 0 : (n * 97 + b[s] * 31 + b[e - 1] * 7 + b[s + (n >> 1)]) & 1023;
  }

  /** The id of the key in bytes s..e, or -1. */
  id(b: Uint8Array, s: number, e: number): number {
    const n = e - s;
    for (let id = this.slots[KeyTable.hash(b, s, e)]; id >= 0; id = this.chain[id]) {
      const k = this.keys[id];
      if (k.length !== n) continue;
      let i = 0;
      while (i < n && b[s + i] === k[i]) i++;
      if (i === n) return id;
    }
    return -1;
  }

  /**
   * Reads a key at `i` (its opening quote) and the colon after it; `previous` is the id of the object's previous
   * key (KeyTable.FIRST for the first, -1 after one not listed). Sets r.key to the key's id (-1 when not
   * listed); returns the index of the value, or -1.
   */
  key(r: ByteReader, i: number, previous: number): number {
    const b = r.b;
    const len = r.len;
    const p = this.after[previous + 2];
    if (p >= 0) {
      const k = this.keys[p];
      const n = k.length;
      if (i + n + 2 < len && b[i] === QUOTE && b[i + n + 1] === QUOTE && b[i + n + 2] === COLON) {
        let j = 0;
        while (j < n && b[i + 1 + j] === k[j]) j++;
        if (j === n) {
          r.key = p;
          i += n + 3;
          return i < len && WS[b[i]] === 1 ? r.ws(i) : i;
        }
      }
    }
    i = r.string(i);
    if (i < 0) return -1;
    const id = this.id(b, r.s, r.e);
    this.after[previous + 2] = id;
    r.key = id;
    i = r.ws(i);
    if (i >= len || b[i] !== COLON) return -1;
    return r.ws(i + 1);
  }

  /** `previous` for an object's first key. */
  static readonly FIRST = -2;
}

/** ASCII text as bytes. */
export function keyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

const latin1Slice = Buffer.prototype.latin1Slice as (this: Uint8Array, start: number, end: number) => string;

function latin1(b: Uint8Array, s: number, e: number): string {
  return latin1Slice.call(b, s, e);
}
