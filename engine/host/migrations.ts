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
  {
    version: 2,
    name: 'portfolio equity',
    // The portfolio's total over time (./portfolio-equity): exact integer text at the decimals it was taken in.
    up: (db) => {
      db.exec(`CREATE TABLE portfolio_equity (
        ts INTEGER PRIMARY KEY,
        value TEXT NOT NULL,
        decimals INTEGER NOT NULL
      )`);
    },
  },
];
