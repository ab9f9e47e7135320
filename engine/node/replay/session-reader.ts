/**
 * Reads a recorded-session file (./session-format) into memory, validating every frame.
 *
 * A session file may come from anywhere the user found one, so reading it is bounded: the file as stored
 * (MAX_SESSION_FILE_BYTES) and what it decompresses to (MAX_SESSION_DATA_BYTES) — a small gzip bomb cannot
 * make the app allocate more than that. Only regular files are read (a FIFO or a device would block or never
 * end), and the file is read through one descriptor, so one growing meanwhile cannot slip past the bound.
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { MAX_SESSION_FILE_BYTES } from '../../protocol/session-files';
import {
  SESSION_MAGIC,
  SessionFileError,
  decodeEvent,
  parseHeader,
  splitFrames,
  unpack,
  type SessionHeader,
  type SessionRecord,
} from './session-format';

export interface Session {
  header: SessionHeader;
  /** Oldest first, `at` never decreasing. */
  records: SessionRecord[];
  /**
   * The file ended inside a frame (or inside its compression stream), as a recorder killed mid-write leaves it;
   * everything before the cut is here.
   */
  truncated: boolean;
}

// Largest session file read, as stored (64 MiB, an hour of busy books gzipped): the bound uploads are held to.
export { MAX_SESSION_FILE_BYTES };
/** Largest session once decompressed: 256 MiB (the sample is 0.5 MiB; an hour of 30-level books ~40 MiB). */
export const MAX_SESSION_DATA_BYTES = 256 * 1024 * 1024;

/** Bounds of one read; tests lower them, callers keep the defaults. */
export interface SessionLimits {
  maxFileBytes?: number;
  maxDataBytes?: number;
}

export function readSessionFile(path: string, limits: SessionLimits = {}): Session {
  let bytes: Buffer;
  try {
    bytes = readBounded(path, limits.maxFileBytes ?? MAX_SESSION_FILE_BYTES);
  } catch (err) {
    if (err instanceof SessionFileError) throw new SessionFileError(`session ${path}: ${err.message}`);
    throw new SessionFileError(`cannot read session ${path}: ${(err as Error).message}`);
  }
  try {
    return parseSession(bytes, limits);
  } catch (err) {
    if (err instanceof SessionFileError) throw new SessionFileError(`session ${path}: ${err.message}`);
    throw err;
  }
}

/** A regular file's bytes, refused (SessionFileError) past `max`. */
function readBounded(path: string, max: number): Buffer {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below); no effect on regular files.
  const fd = openSync(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new SessionFileError('not a regular file');
    if (stat.size > max) throw tooLarge('the file', stat.size, max);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte past the bound is enough to know the file grew past it.
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > max) throw tooLarge('the file', total, max);
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(what: string, size: number | undefined, max: number): SessionFileError {
  const limit = max % (1024 * 1024) === 0 ? `${max / (1024 * 1024)} MiB` : `${max.toLocaleString('en-US')} bytes`;
  return new SessionFileError(
    `${what} is too large for a session${size !== undefined ? ` (${size.toLocaleString('en-US')} bytes)` : ''}: at most ${limit} is read`,
  );
}

export function parseSession(raw: Buffer, limits: SessionLimits = {}): Session {
  const maxFile = limits.maxFileBytes ?? MAX_SESSION_FILE_BYTES;
  const maxData = limits.maxDataBytes ?? MAX_SESSION_DATA_BYTES;
  if (raw.length > maxFile) throw tooLarge('the file', raw.length, maxFile);
  let bytes = raw;
  let cutCompressed = false;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    const gunzip = (cut: boolean) => {
      try {
        return gunzipSync(raw, { maxOutputLength: maxData, ...(cut ? { finishFlush: constants.Z_SYNC_FLUSH } : {}) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
          throw tooLarge('its decompressed content', undefined, maxData);
        throw err;
      }
    };
    try {
      bytes = gunzip(false);
    } catch (err) {
      if (err instanceof SessionFileError) throw err;
      // A gzip stream cut short (recorder killed): take everything that decompresses.
      try {
        bytes = gunzip(true);
        cutCompressed = true;
      } catch (err2) {
        if (err2 instanceof SessionFileError) throw err2;
        throw new SessionFileError(`not a readable gzip stream (${(err2 as Error).message})`);
      }
    }
  }
  if (bytes.length < SESSION_MAGIC.length || !bytes.subarray(0, SESSION_MAGIC.length).equals(SESSION_MAGIC)) {
    throw new SessionFileError('not a session file (wrong magic bytes)');
  }
  const { payloads, offsets, truncated } = splitFrames(bytes, SESSION_MAGIC.length);
  if (!payloads.length) throw new SessionFileError('no header: the file was cut before its first frame');
  let header: SessionHeader;
  try {
    header = parseHeader(unpack(payloads[0]));
  } catch (err) {
    throw new SessionFileError(`bad header (${(err as Error).message})`);
  }
  const records: SessionRecord[] = new Array(payloads.length - 1);
  let lastAt = 0;
  for (let i = 1; i < payloads.length; i++) {
    try {
      const record = decodeEvent(header, unpack(payloads[i]));
      if (record.at < lastAt) throw new Error(`time ${record.at} goes back from ${lastAt}`);
      lastAt = record.at;
      records[i - 1] = record;
    } catch (err) {
      throw new SessionFileError(`record ${i} at byte ${offsets[i]} is invalid (${(err as Error).message})`);
    }
  }
  return { header, records, truncated: truncated || cutCompressed };
}
