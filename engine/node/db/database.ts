/**
 * SQLite files of the app and the server: opened in WAL mode with their schema brought up to date, a commit
 * durability chosen per file, and writers that wait for a lock (busy_timeout) instead of failing at once.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

/**
 * What a commit survives (SQLite's `synchronous` under WAL). `normal`: a crash or kill of the process, but an
 * OS crash or power loss can drop the last commits before the next checkpoint. `full`: also power loss, at
 * the cost of syncing the log on every commit.
 */
export type Synchronous = 'normal' | 'full';

/** The durability of a file opened without saying: every local database of the app uses it. */
export const DEFAULT_SYNCHRONOUS: Synchronous = 'normal';

/** How long a connection waits for another's write lock before a statement fails with SQLITE_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;

/** What a commit under each setting survives, in words a user can weigh. */
export const DURABILITY: Record<Synchronous, { survives: string; mayLose: string }> = {
  normal: {
    survives: 'the app crashing or being killed',
    mayLose: 'the last changes before a power cut or an operating-system crash',
  },
  full: {
    survives: 'the app crashing or being killed, a power cut and an operating-system crash',
    mayLose: 'nothing once a change is confirmed',
  },
};

export interface LocalDatabase {
  file: string;
  holds: string;
  synchronous: Synchronous;
}

/**
 * The app's own databases in its data folder and the durability each is opened with (all at the default:
 * they are one person's practice, written often, where a sync per commit would cost battery and latency).
 * Settings shows this list with `DURABILITY` so a user knows what a power cut can take.
 */
export const LOCAL_DATABASES: readonly LocalDatabase[] = [
  { file: 'app.db', holds: 'settings and the sign-in session', synchronous: DEFAULT_SYNCHRONOUS },
  {
    file: 'practice.db',
    holds: 'the offline practice market: its journal of orders and trades',
    synchronous: DEFAULT_SYNCHRONOUS,
  },
  {
    file: 'paper.db',
    holds: 'paper trading on real coins: its journal of balances, orders and fills',
    synchronous: DEFAULT_SYNCHRONOUS,
  },
  {
    file: 'candles.db',
    holds: 'candle history of real coins (downloaded again if lost)',
    synchronous: DEFAULT_SYNCHRONOUS,
  },
  {
    file: 'results.db',
    holds: 'results of replay runs and paper accounts, for comparing them',
    synchronous: DEFAULT_SYNCHRONOUS,
  },
];

/** One schema step. Versions are applied in ascending order, each exactly once, each in its own transaction. */
export interface Migration {
  version: number;
  name: string;
  up: (db: Db) => void;
}

export interface OpenOptions {
  /**
   * Path to a better_sqlite3.node built for the current runtime. The desktop app runs on Electron's ABI while
   * tests and web mode run on Node's; each passes the binary that fits (undefined = the package's own).
   */
  nativeBinding?: string;
  readonly?: boolean;
  /**
   * Page cache of this connection in MiB (SQLite's default is 2). A database written at a high rate with
   * indexes keyed by account touches pages all over its indexes; once those no longer fit, every commit
   * reads back pages it just wrote.
   */
  cacheMiB?: number;
  /** Leave WAL checkpoints to someone else (see wal-checkpointer.ts) instead of running them inside commits. */
  manualCheckpoints?: boolean;
  /** What a commit survives (default `DEFAULT_SYNCHRONOUS`). */
  synchronous?: Synchronous;
  /** How long to wait for another connection's lock before SQLITE_BUSY (default `DEFAULT_BUSY_TIMEOUT_MS`). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a SQLite database in WAL mode and brings its schema up to date.
 * A database written by a newer version of the app is refused rather than silently misread.
 */
export function openDatabase(path: string, migrations: readonly Migration[], options: OpenOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { nativeBinding: options.nativeBinding, readonly: options.readonly ?? false });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${(options.synchronous ?? DEFAULT_SYNCHRONOUS) === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${nonNegativeMs(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS)}`);
    if (options.manualCheckpoints) db.pragma('wal_autocheckpoint = 0');
    if (options.cacheMiB !== undefined) db.pragma(`cache_size = ${-Math.round(options.cacheMiB * 1024)}`);
    migrate(db, migrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function migrate(db: Db, migrations: readonly Migration[]): void {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].version === sorted[i - 1].version)
      throw new Error(`duplicate migration version ${sorted[i].version}`);
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const newest = sorted.length ? sorted[sorted.length - 1].version : 0;
  const unknown = [...applied].filter((v) => v > newest);
  if (unknown.length) {
    throw new Error(
      `database ${db.name} has schema version ${Math.max(...unknown)}, newer than this app knows (${newest}); ` +
        'update the app or choose another data folder',
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of sorted) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      m.up(db);
      record.run(m.version, m.name, Date.now());
    })();
  }
}

/**
 * True for SQLite's "another connection holds the lock" failures (SQLITE_BUSY, SQLITE_LOCKED and their
 * extended codes): nothing is wrong with the file and the same statement can succeed a moment later.
 */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

function nonNegativeMs(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0)
    throw new RangeError(`busyTimeoutMs must be a non-negative whole number, got ${ms}`);
  return ms;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
