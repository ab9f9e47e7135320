/**
 * Session files the user picked for the replay, known to the host by opaque handle.
 *
 * Rules:
 * - The UI never names a path. A path from the renderer could be anything on the disk (a web page reaching
 *   the local app, a compromised renderer), so files come only from the user's own choice:
 *   - desktop: the main process shows the native open dialog and registers the chosen path (`pickedFile`);
 *   - web mode: the page uploads the chosen file's bytes (at most MAX_SESSION_FILE_BYTES), which are checked
 *     as a session and kept under the data folder (`replay-sessions/`, named by content hash) (`uploaded`).
 *   Either way the UI gets a handle and passes it to `feed.setSource`; the host resolves it here.
 * - A handle is 128 random bits, valid while the app runs; only the newest MAX_HANDLES are kept.
 * - Uploaded copies are kept only while a live handle or the current replay refers to them: disk use stays
 *   bounded at (MAX_HANDLES + 1) session files.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { PickedSession } from '../protocol/api';
import { ApiError } from '../protocol/errors';
import { MAX_SESSION_FILE_BYTES, parseSession, SessionFileError } from '../node/replay';

/** Picks remembered at once: enough to pick again after a mistake, few enough to bound the uploads kept. */
export const MAX_HANDLES = 4;
const UPLOAD_EXT = '.p777s';

export class SessionPicks {
  private readonly handles = new Map<string, { path: string; name: string }>();
  /** Files the app wrote itself (recordings), by handle, one handle per path; bounded by their owner's pruning. */
  private readonly own = new Map<string, { path: string; name: string }>();
  private readonly ownByPath = new Map<string, string>();

  constructor(
    /** Where uploaded session files are kept. */
    private readonly uploadDir: string,
    /** The session file the replay source uses now (kept whatever else is pruned). */
    private readonly inUse: () => string | undefined,
  ) {}

  /** A file the user chose in the desktop shell's open dialog. */
  pickedFile(path: string): PickedSession {
    if (!isAbsolute(path)) throw new ApiError('BAD_SESSION', 'a picked session file needs an absolute path');
    return this.register(resolve(path), basename(path));
  }

  /**
   * The bytes of a file the user chose in a web page: refused unless they are a readable session within the
   * bounds, then kept under the data folder (written whole, then renamed into place).
   */
  uploaded(bytes: Buffer, name: string): PickedSession {
    if (bytes.length > MAX_SESSION_FILE_BYTES) {
      throw new ApiError(
        'SESSION_TOO_LARGE',
        `the session file is larger than ${MAX_SESSION_FILE_BYTES / (1024 * 1024)} MiB`,
      );
    }
    try {
      parseSession(bytes);
    } catch (err) {
      if (err instanceof SessionFileError) throw new ApiError('BAD_SESSION', `${displayName(name)}: ${err.message}`);
      throw err;
    }
    mkdirSync(this.uploadDir, { recursive: true });
    const path = join(this.uploadDir, createHash('sha256').update(bytes).digest('hex').slice(0, 32) + UPLOAD_EXT);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
    const picked = this.register(path, name);
    this.pruneUploads();
    return picked;
  }

  /**
   * A file the app wrote itself under its data folder (a recording): the same handle each time it is asked for.
   * `paths` is every such file that exists now; handles of the others are forgotten.
   */
  ownFile(path: string, paths: readonly string[]): PickedSession {
    const keep = new Set(paths.map((p) => resolve(p)));
    for (const [p, h] of this.ownByPath)
      if (!keep.has(p)) {
        this.ownByPath.delete(p);
        this.own.delete(h);
      }
    const full = resolve(path);
    let session = this.ownByPath.get(full);
    if (!session) {
      session = randomBytes(16).toString('base64url');
      this.ownByPath.set(full, session);
      this.own.set(session, { path: full, name: displayName(path) });
    }
    return { session, name: this.own.get(session)!.name };
  }

  /** The file behind a handle; an unknown or expired handle is refused. */
  resolve(handle: string): { path: string; name: string } {
    const entry = this.handles.get(handle) ?? this.own.get(handle);
    if (!entry)
      throw new ApiError('UNKNOWN_SESSION', 'this session file is no longer known to the app: choose it again');
    return entry;
  }

  private register(path: string, name: string): PickedSession {
    const session = randomBytes(16).toString('base64url');
    const shown = displayName(name);
    this.handles.set(session, { path, name: shown });
    while (this.handles.size > MAX_HANDLES) this.handles.delete(this.handles.keys().next().value!);
    return { session, name: shown };
  }

  /** Removes uploaded copies nothing refers to any more. */
  private pruneUploads(): void {
    const kept = new Set([...this.handles.values(), ...this.own.values()].map((h) => h.path));
    const current = this.inUse();
    if (current) kept.add(resolve(current));
    let entries: string[];
    try {
      entries = readdirSync(this.uploadDir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(this.uploadDir, entry);
      if (!kept.has(path)) rmSync(path, { force: true });
    }
  }
}

/** A file name fit to show: its last part, no control characters, at most 255 characters. */
function displayName(name: string): string {
  const clean = basename(name.replace(/\\/g, '/'))
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, 255);
  return clean || 'session';
}
