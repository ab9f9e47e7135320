/**
 * Reads a recorded-session file (./session-format) into memory, validating every frame.
 */
import { readFileSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
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

export function readSessionFile(path: string): Session {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new SessionFileError(`cannot read session ${path}: ${(err as Error).message}`);
  }
  try {
    return parseSession(bytes);
  } catch (err) {
    if (err instanceof SessionFileError) throw new SessionFileError(`session ${path}: ${err.message}`);
    throw err;
  }
}

export function parseSession(raw: Buffer): Session {
  let bytes = raw;
  let cutCompressed = false;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch {
      // A gzip stream cut short (recorder killed): take everything that decompresses.
      try {
        bytes = gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
        cutCompressed = true;
      } catch (err) {
        throw new SessionFileError(`not a readable gzip stream (${(err as Error).message})`);
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
