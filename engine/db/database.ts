import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

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
    // NORMAL is durable against a crash of this process under WAL (only power loss can drop the last commits).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
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
    if (sorted[i].version === sorted[i - 1].version) throw new Error(`duplicate migration version ${sorted[i].version}`);
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

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
