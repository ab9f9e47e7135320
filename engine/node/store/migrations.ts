import type { Migration } from '../db/database';

/**
 * Schema of a journal database (one file per journal, e.g. markets.db — never shared with app.db, whose
 * migration list is separate). Append new steps; never edit a released one.
 *
 * The command log is stored one row per group commit rather than one row per command: a batch of a few
 * thousand commands costs one B-tree insert and one encoded value instead of thousands. Events are stored the
 * same way, one row per batch and market, keyed by (market, last_seq) so that `eventsSince` is an index range
 * scan.
 *
 * Every row carries a CRC-32 over its content, so a damaged row is named instead of being replayed or served.
 */
export const journalMigrations: Migration[] = [
  {
    version: 1,
    name: 'journal',
    up: (db) => {
      db.exec(`
        CREATE TABLE journal_batches (
          id INTEGER PRIMARY KEY,            -- 1, 2, 3, … in commit order
          first_command INTEGER NOT NULL,    -- 0-based position of its first command in the whole log
          command_count INTEGER NOT NULL,
          commands BLOB NOT NULL,            -- array, encoded by ./codec
          checksum INTEGER NOT NULL          -- CRC-32, see ./codec
        );
        CREATE TABLE journal_events (
          market TEXT NOT NULL,
          last_seq INTEGER NOT NULL,
          first_seq INTEGER NOT NULL,
          batch INTEGER NOT NULL REFERENCES journal_batches(id),
          events BLOB NOT NULL,              -- array of this market's events first_seq..last_seq
          checksum INTEGER NOT NULL,
          PRIMARY KEY (market, last_seq)
        ) WITHOUT ROWID;
        CREATE INDEX journal_events_by_batch ON journal_events(batch);
        CREATE TABLE journal_snapshots (
          id INTEGER PRIMARY KEY,
          batch INTEGER NOT NULL,            -- state after this batch (0: before any command)
          command_count INTEGER NOT NULL,    -- commands applied to reach it
          state BLOB NOT NULL,
          checksum INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        );
      `);
    },
  },
];
