import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../node/db/database';
import { ApiError } from '../protocol/errors';
import { ENGINE_VERSION } from '../core/version';
import { AppHost } from './app-host';
import { appMigrations } from './migrations';
import { DEFAULT_SETTINGS } from './settings-store';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lpj-host-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function open(dataDir: string) {
  return AppHost.open({ dataDir, appVersion: '9.9.9', mode: 'web' });
}

describe('AppHost', () => {
  it('creates its database in WAL mode under the data folder and reports ready with the engine version', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const host = open(dir);
    const info = (await host.invoke('app.info', {})) as { engineVersion: string; dbPath: string; version: string };
    expect(info.engineVersion).toBe(ENGINE_VERSION);
    expect(info.version).toBe('9.9.9');
    expect(info.dbPath).toBe(join(dir, 'app.db'));
    expect(await host.invoke('app.health', {})).toMatchObject({ status: 'ready', schemaVersion: appMigrations.length });
    host.close();
    const db = new Database(join(dir, 'app.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps settings across reopen and applies migrations once', async () => {
    const dir = tempDir();
    const first = open(dir);
    expect(await first.invoke('settings.get', {})).toEqual({ ...DEFAULT_SETTINGS, language: 'en', theme: 'dark' });
    await first.invoke('settings.update', { language: 'ko', colours: 'green-up' });
    await first.invoke('settings.update', { notify: { fills: false, stops: true, alerts: true, copy: false } });
    first.close();

    const second = open(dir);
    expect(await second.invoke('settings.get', {})).toEqual({
      language: 'ko',
      theme: 'dark',
      colours: 'green-up',
      notify: { fills: false, stops: true, alerts: true, copy: false },
    });
    second.close();
    const db = new Database(join(dir, 'app.db'), { readonly: true });
    const rows = db.prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toHaveLength(appMigrations.length);
    db.close();
  });

  it('refuses a database written by a newer schema instead of misreading it', () => {
    const dir = tempDir();
    open(dir).close();
    const db = new Database(join(dir, 'app.db'));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('future');
    db.close();
    expect(() => open(dir)).toThrow(/schema version 999, newer than this app knows/);
  });

  it('rejects malformed params with a clear error before any handler runs, changing nothing', async () => {
    const host = open(tempDir());
    const bad = [
      { method: 'settings.update', params: { language: 'fr' }, path: 'language' },
      { method: 'settings.update', params: { theme: 42 }, path: 'theme' },
      { method: 'settings.update', params: { language: 'ko', admin: true }, path: '(params)' },
      { method: 'settings.update', params: 'ko', path: '(params)' },
      { method: 'settings.update', params: { colours: 'purple-up' }, path: 'colours' },
      { method: 'settings.update', params: { notify: { fills: false } }, path: 'notify.stops' },
      {
        method: 'settings.update',
        params: { notify: { fills: 1, stops: true, alerts: true, copy: true } },
        path: 'notify.fills',
      },
      {
        method: 'settings.update',
        params: { notify: { fills: true, stops: true, alerts: true, copy: true, spam: true } },
        path: 'notify',
      },
    ];
    for (const { method, params, path } of bad) {
      const err = await host.invoke(method, params).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('BAD_REQUEST');
      expect((err as ApiError).issues?.map((i) => i.path)).toContain(path);
    }
    await expect(host.invoke('wallet.drain', {})).rejects.toMatchObject({ code: 'UNKNOWN_METHOD' });
    expect(await host.invoke('settings.get', {})).toEqual({ ...DEFAULT_SETTINGS, language: 'en', theme: 'dark' });
    host.close();
  });

  it('pushes settings.changed to subscribers and stops after unsubscribe', async () => {
    const host = open(tempDir());
    const seen: unknown[] = [];
    // Cloud sync's status (a change waiting for a sign-in) is pushed beside it.
    const off = host.onEvent((e) => e.name === 'settings.changed' && seen.push(e));
    await host.invoke('settings.update', { theme: 'light' });
    off();
    await host.invoke('settings.update', { theme: 'dark' });
    expect(seen).toEqual([
      { name: 'settings.changed', payload: { ...DEFAULT_SETTINGS, language: 'en', theme: 'light' } },
    ]);
    host.close();
  });

  it('ignores a corrupted stored setting and falls back to the default', async () => {
    const dir = tempDir();
    open(dir).close();
    const db = openDatabase(join(dir, 'app.db'), appMigrations);
    db.prepare("INSERT INTO settings (key, value) VALUES ('language', '{not json')").run();
    db.prepare("INSERT INTO settings (key, value) VALUES ('theme', '\"neon\"')").run();
    db.prepare("INSERT INTO settings (key, value) VALUES ('colours', '\"rainbow\"')").run();
    db.prepare('INSERT INTO settings (key, value) VALUES (\'notify\', \'{"fills":"yes"}\')').run();
    db.close();
    const host = open(dir);
    expect(await host.invoke('settings.get', {})).toEqual({ ...DEFAULT_SETTINGS, language: 'en', theme: 'dark' });
    host.close();
  });
});

describe('openDatabase', () => {
  it('rejects duplicate migration versions', () => {
    const path = join(tempDir(), 'x.db');
    writeFileSync(path, '');
    const m = { version: 1, name: 'a', up: () => {} };
    expect(() => openDatabase(path, [m, { ...m, name: 'b' }])).toThrow(/duplicate migration version 1/);
  });
});
