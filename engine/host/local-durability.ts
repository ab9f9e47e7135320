/**
 * What the app's local databases survive, for Settings: each file of LOCAL_DATABASES with the durability it is
 * opened with. app.db's figures are read from its open connection (the pragmas as SQLite applies them); the
 * journals are opened by the same opener with the level LOCAL_DATABASES names, which is what they report.
 */
import { join } from 'node:path';
import { LOCAL_DATABASES, type Db } from '../node/db/database';
import type { LocalDatabaseDurability } from '../protocol/api';

/** SQLite's `PRAGMA synchronous` numbers: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA (FULL and more). */
function synchronousOf(db: Db): LocalDatabaseDurability['synchronous'] {
  const level = Number(db.pragma('synchronous', { simple: true }));
  return level >= 2 ? 'full' : level === 1 ? 'normal' : 'off';
}

/** Every local database in `dataDir` with its journal mode and commit durability; `appDb` is app.db, open. */
export function localDurability(dataDir: string, appDb: Db): LocalDatabaseDurability[] {
  const journalMode = String(appDb.pragma('journal_mode', { simple: true })).toLowerCase();
  return LOCAL_DATABASES.map((d) => ({
    file: d.file,
    path: join(dataDir, d.file),
    journalMode,
    synchronous: d.file === 'app.db' ? synchronousOf(appDb) : d.synchronous,
  }));
}
