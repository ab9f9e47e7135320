import { Settings } from '../protocol/api';
import type { Db } from '../node/db/database';

/** What a new install starts with: Korean colours, every kind of notification on. */
export const DEFAULT_SETTINGS: Settings = {
  language: 'en',
  theme: 'dark',
  colours: 'red-up',
  notify: { fills: true, stops: true, alerts: true, copy: true },
};

/**
 * User preferences, one row per key, each value JSON. A stored value that no longer validates falls back.
 * Listeners hear every write made here (not those `applyRemote` makes), inside its transaction: cloud sync
 * queues the change in the same commit as the value, so a crash cannot keep one without the other.
 */
export class SettingsStore {
  private readonly selectAll;
  private readonly upsert;
  private readonly selectOne;
  private readonly listeners = new Set<(key: string, value: unknown) => void>();

  constructor(private readonly db: Db) {
    this.selectAll = db.prepare('SELECT key, value FROM settings');
    this.selectOne = db.prepare('SELECT value FROM settings WHERE key = ?');
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
    const result = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
      const parsed = Settings.shape[key].safeParse(stored[key]);
      if (parsed.success) (result as Record<string, unknown>)[key] = parsed.data;
    }
    return result;
  }

  /**
   * A host-side preference kept beside the user's Settings (e.g. the feed source), read through its own
   * schema: missing, unreadable or no longer valid values give `fallback`.
   */
  getValue<T>(
    key: string,
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
    fallback: T,
  ): T {
    const row = this.selectOne.get(key) as { value: string } | undefined;
    if (!row) return fallback;
    try {
      const parsed = schema.safeParse(JSON.parse(row.value));
      return parsed.success ? parsed.data : fallback;
    } catch {
      return fallback;
    }
  }

  setValue(key: string, value: unknown): void {
    this.db.transaction(() => {
      this.upsert.run(key, JSON.stringify(value));
      for (const l of this.listeners) l(key, value);
    })();
  }

  update(patch: Partial<Settings>): Settings {
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        this.upsert.run(key, JSON.stringify(value));
        for (const l of this.listeners) l(key, value);
      }
    })();
    return this.get();
  }

  /** Writes a value another device set (cloud sync): no listener hears it, so it is not sent back. */
  applyRemote(key: string, value: unknown): void {
    this.upsert.run(key, JSON.stringify(value));
  }

  /** Calls `listener` inside the transaction of every write; returns the way to stop. */
  onWrite(listener: (key: string, value: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
