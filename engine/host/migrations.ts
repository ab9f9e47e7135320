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
    name: 'price alerts and app notifications',
    up: (db) => {
      // An alert keeps the units of its market as resolved when it was set, so the list and the notice it
      // fires read without the market being open (or known to the current feed source).
      db.exec(`CREATE TABLE price_alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        market TEXT NOT NULL,
        condition TEXT NOT NULL,
        base_price INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        fired_at INTEGER,
        fired_price INTEGER
      )`);
      db.exec(`CREATE TABLE app_notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ts INTEGER NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0
      )`);
    },
  },
  {
    version: 3,
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
  {
    version: 4,
    name: 'cloud sync: synced fields, the outbox, alert ids across devices',
    // See ./cloud-sync: every synced field's value with its HLC stamp (the newest stamp wins), and the changes
    // made here that the server has not acknowledged yet, in the order they were made.
    up: (db) => {
      db.exec(`CREATE TABLE cloud_fields (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        hlc TEXT NOT NULL,
        device TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (kind, key)
      )`);
      db.exec(`CREATE TABLE cloud_outbox (
        n INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        hlc TEXT NOT NULL,
        value TEXT NOT NULL
      )`);
      // An alert's id on every device of the account (the local row id differs from device to device).
      db.exec('ALTER TABLE price_alerts ADD COLUMN uid TEXT');
      db.exec("UPDATE price_alerts SET uid = 'local-' || id");
      db.exec('CREATE UNIQUE INDEX price_alerts_by_uid ON price_alerts(uid)');
    },
  },
];
