/**
 * Reading a session file someone handed the app: the worst files (too large, a gzip bomb, something that is
 * not a file at all) are refused with a clear error before they can take the app's memory or hang it, and a
 * good file still reads after each.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../candles/testing/temp-dir';
import { SAMPLE_SESSION_PATH } from './sample-session';
import { SESSION_MAGIC, SessionFileError } from './session-format';
import { MAX_SESSION_DATA_BYTES, MAX_SESSION_FILE_BYTES, parseSession, readSessionFile } from './session-reader';

const tempDir = useTempDirs('session-reader-');

/** The honest path: the shipped session reads whole. */
function sampleStillReads(): void {
  const session = readSessionFile(SAMPLE_SESSION_PATH);
  expect(session.truncated).toBe(false);
  expect(session.records.length).toBeGreaterThan(1000);
}

describe('session reader bounds', () => {
  it('refuses a file larger than the bound before reading it', () => {
    const path = join(tempDir(), 'huge.p777s');
    // Sparse: 64 MiB + 1 byte of size costs no disk.
    const fd = openSync(path, 'w');
    ftruncateSync(fd, MAX_SESSION_FILE_BYTES + 1);
    closeSync(fd);
    expect(() => readSessionFile(path)).toThrow(SessionFileError);
    expect(() => readSessionFile(path)).toThrow(/too large for a session \(67,108,865 bytes\): at most 64 MiB is read/);
    // The same bytes handed over in memory (an upload) are refused by the same bound.
    expect(() => parseSession(Buffer.alloc(MAX_SESSION_FILE_BYTES + 1))).toThrow(/too large for a session/);
    sampleStillReads();
  });

  it('stops decompressing a gzip bomb at the bound instead of inflating it', () => {
    // 300 MiB of zeros after a valid magic compresses to ~300 KB.
    const bomb = gzipSync(Buffer.concat([SESSION_MAGIC, Buffer.alloc(300 * 1024 * 1024)]), { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(MAX_SESSION_DATA_BYTES).toBeLessThan(300 * 1024 * 1024);
    const path = join(tempDir(), 'bomb.p777s');
    writeFileSync(path, bomb);
    expect(() => readSessionFile(path)).toThrow(
      /its decompressed content is too large for a session: at most 256 MiB is read/,
    );
    // Cut short as well (the reader's second, forgiving pass for killed recorders is bounded too).
    expect(() => parseSession(bomb.subarray(0, bomb.length - 100))).toThrow(/decompressed content is too large/);
    sampleStillReads();
  });

  it('applies lower bounds a caller asks for, to the file and to what it decompresses to', () => {
    const bytes = readFileSync(SAMPLE_SESSION_PATH);
    expect(() => parseSession(bytes, { maxFileBytes: bytes.length - 1 })).toThrow(/too large/);
    expect(() => parseSession(bytes, { maxDataBytes: 64 * 1024 })).toThrow(/decompressed content is too large/);
    expect(parseSession(bytes, { maxFileBytes: bytes.length }).truncated).toBe(false);
  });

  it('refuses what is not a regular file without blocking on it', () => {
    const dir = tempDir();
    expect(() => readSessionFile(dir)).toThrow(/not a regular file/);
    expect(() => readSessionFile('/dev/zero')).toThrow(/not a regular file/);
    if (process.platform !== 'win32') {
      // A FIFO nobody writes to would hang a plain read forever.
      const fifo = join(dir, 'pipe.p777s');
      execFileSync('mkfifo', [fifo]);
      expect(() => readSessionFile(fifo)).toThrow(/not a regular file/);
      // A link to a file is the file it points at.
      const link = join(dir, 'link.p777s');
      symlinkSync(SAMPLE_SESSION_PATH, link);
      expect(readSessionFile(link).truncated).toBe(false);
    }
    sampleStillReads();
  });
});
