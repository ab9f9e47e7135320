import type { Migration } from '../node/db/database';

/** Schema of the app's local database (app.db). Append new steps; never edit a released one. */
export const appMigrations: Migration[] = [
  {
    version: 1,
    name: 'settings',
    up: (db) => {
      db.exec(`CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      )`);
    },
  },
];
