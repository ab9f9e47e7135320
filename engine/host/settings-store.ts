import { Settings } from '../protocol/api';
import type { Db } from '../db/database';

const DEFAULTS: Settings = { language: 'en', theme: 'dark' };

/** User preferences, one row per key, each value JSON. A stored value that no longer validates falls back. */
export class SettingsStore {
  private readonly selectAll;
  private readonly upsert;

  constructor(private readonly db: Db) {
    this.selectAll = db.prepare('SELECT key, value FROM settings');
    this.upsert = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
  }

  get(): Settings {
    const stored: Record<string, unknown> = {};
    for (const row of this.selectAll.all() as { key: string; value: string }[]) {
      try {
        stored[row.key] = JSON.parse(row.value);
      } catch {
        // A hand-edited or truncated value: ignore it and keep the default for that key.
      }
    }
    const result = { ...DEFAULTS };
    for (const key of Object.keys(DEFAULTS) as (keyof Settings)[]) {
      const parsed = Settings.shape[key].safeParse(stored[key]);
      if (parsed.success) (result as Record<string, unknown>)[key] = parsed.data;
    }
    return result;
  }

  update(patch: Partial<Settings>): Settings {
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) this.upsert.run(key, JSON.stringify(value));
      }
    })();
    return this.get();
  }
}
