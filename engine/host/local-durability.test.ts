/** What Settings is told about each local database is what SQLite was actually set to. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../node/db/database';
import type { LocalDatabaseDurability } from '../protocol/api';
import { AppHost } from './app-host';
import { localDurability } from './local-durability';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'durability-'));
  dirs.push(d);
  return d;
};

describe('local database durability', () => {
  it('the host reports each local database: WAL, commits synced at checkpoints (normal)', async () => {
    const dataDir = tempDir();
    const host = AppHost.open({
      dataDir,
      appVersion: '0.0.0',
      mode: 'web',
      practice: { ticksPerSecond: 0 },
      realMarkets: { env: {} },
    });
    try {
      const { databases } = (await host.invoke('app.durability', {})) as { databases: LocalDatabaseDurability[] };
      expect(databases).toEqual(
        ['app.db', 'practice.db', 'paper.db', 'candles.db', 'results.db'].map((file) => ({
          file,
          path: join(dataDir, file),
          journalMode: 'wal',
          synchronous: 'normal',
        })),
      );
    } finally {
      host.close();
    }
  });

  it('reads app.db’s level from its open connection, not from what was meant', () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'app.db'), [], { synchronous: 'full' });
    try {
      expect(localDurability(dir, db).find((d) => d.file === 'app.db')).toMatchObject({
        journalMode: 'wal',
        synchronous: 'full',
      });
      db.pragma('synchronous = OFF');
      expect(localDurability(dir, db)[0].synchronous).toBe('off');
    } finally {
      db.close();
    }
  });
});
