import type { Migration } from '../db/database';

/**
 * Schema of the candle database. It is meant to live in its own file, `candles.db` next to app.db: candle
 * history is a cache that can grow to hundreds of MB and can always be fetched again, so it is kept apart from
 * the user's settings (app.db) — it can be deleted, vacuumed or rebuilt without touching them, and its
 * migration versions count on their own. (openDatabase keeps one version sequence per file, so these steps
 * must not be mixed into appMigrations.) Append new steps; never edit a released one.
 *
 * - candle_markets: one row per (exchange, market id), giving the small integer the other tables key on.
 * - candle_days: one row per market and UTC day (day = floor(openTime / 86,400,000)) holding that day's 1m
 *   candles in the compact byte format of ./day-chunk, with a CRC-32 over the bytes and the row's key.
 * - candle_known: which minutes are known, as merged half-open ranges [start_minute, end_minute) in minutes since
 *   the epoch. A minute inside a known range with no candle had no trade; a minute outside is simply unknown.
 *   It is updated in the same transaction as the candles it vouches for.
 */
export const candleMigrations: Migration[] = [
  {
    version: 1,
    name: 'candles',
    up: (db) => {
      db.exec(`
        CREATE TABLE candle_markets (
          id INTEGER PRIMARY KEY,
          exchange TEXT NOT NULL,
          market TEXT NOT NULL,
          UNIQUE (exchange, market)
        );
        -- A rowid table: rows of several KB belong in a rowid table's leaves, not in a WITHOUT ROWID index.
        CREATE TABLE candle_days (
          market INTEGER NOT NULL REFERENCES candle_markets(id),
          day INTEGER NOT NULL,
          count INTEGER NOT NULL,
          candles BLOB NOT NULL,
          checksum INTEGER NOT NULL,
          PRIMARY KEY (market, day)
        );
        CREATE TABLE candle_known (
          market INTEGER NOT NULL REFERENCES candle_markets(id),
          start_minute INTEGER NOT NULL,
          end_minute INTEGER NOT NULL,
          PRIMARY KEY (market, start_minute)
        ) WITHOUT ROWID;
      `);
    },
  },
];
