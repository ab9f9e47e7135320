import type { Migration } from '../../engine/node/db/database';

/**
 * Schema of server.db: accounts and sessions (the source of truth), and read models projected from the
 * matching journal (orders, fills, notifications) that can be dropped and rebuilt from it. The journal itself
 * lives in markets.db. Append new steps; never edit a released one.
 */
export const serverMigrations: Migration[] = [
  {
    version: 1,
    name: 'accounts, sessions, order history, notifications, practice journal',
    up: (db) => {
      db.exec(`
        CREATE TABLE accounts (
          id INTEGER PRIMARY KEY,
          nickname TEXT NOT NULL,
          nickname_key TEXT NOT NULL UNIQUE,   -- case-folded, so "Kim" and "kim" are one name
          password_hash TEXT NOT NULL,         -- scrypt$N$r$p$salt$hash
          created_at INTEGER NOT NULL
        );
        CREATE TABLE sessions (
          id INTEGER PRIMARY KEY,
          account_id INTEGER NOT NULL REFERENCES accounts(id),
          access_hash BLOB NOT NULL UNIQUE,    -- SHA-256 of the token: a leaked table grants nothing
          access_expires_at INTEGER NOT NULL,
          refresh_hash BLOB NOT NULL UNIQUE,
          refresh_expires_at INTEGER NOT NULL,
          revoked_at INTEGER
        );
        CREATE INDEX sessions_by_account ON sessions(account_id);

        -- Read model of the journal: one row per order, updated as its events arrive.
        CREATE TABLE orders (
          id INTEGER PRIMARY KEY,              -- the engine's order id
          account_id INTEGER NOT NULL,
          market TEXT NOT NULL,
          client_order_id TEXT,
          side TEXT NOT NULL,
          type TEXT NOT NULL,
          time_in_force TEXT NOT NULL,
          price INTEGER NOT NULL,
          stop_price INTEGER NOT NULL,
          quantity INTEGER NOT NULL,
          quote_amount INTEGER NOT NULL,
          filled INTEGER NOT NULL,
          status TEXT NOT NULL,
          reason TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX orders_by_account ON orders(account_id, id);
        CREATE UNIQUE INDEX orders_by_client_id ON orders(account_id, client_order_id) WHERE client_order_id IS NOT NULL;
        CREATE TABLE fills (
          trade_id INTEGER NOT NULL,
          account_id INTEGER NOT NULL,
          order_id INTEGER NOT NULL,
          market TEXT NOT NULL,
          side TEXT NOT NULL,
          price INTEGER NOT NULL,
          quantity INTEGER NOT NULL,
          quote_amount INTEGER NOT NULL,
          fee INTEGER NOT NULL,
          liquidity TEXT NOT NULL,
          ts INTEGER NOT NULL,
          PRIMARY KEY (account_id, trade_id)
        ) WITHOUT ROWID;
        -- How far each journal stream has been projected, so a restart catches up exactly.
        CREATE TABLE projection_cursor (
          stream TEXT PRIMARY KEY,
          seq INTEGER NOT NULL
        );

        CREATE TABLE notifications (
          id INTEGER PRIMARY KEY,
          account_id INTEGER NOT NULL,
          ts INTEGER NOT NULL,
          kind TEXT NOT NULL,
          title TEXT NOT NULL,
          body TEXT NOT NULL,
          data TEXT
        );
        CREATE INDEX notifications_by_account ON notifications(account_id, id);

        CREATE TABLE practice_entries (
          account_id INTEGER NOT NULL,
          local_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          market TEXT NOT NULL,
          ts INTEGER NOT NULL,
          data TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          PRIMARY KEY (account_id, local_id)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    name: 'ranking log, copy trading (operations, subscriptions, settlements), deleted accounts',
    up: (db) => {
      db.exec(`
        -- Every ranking record in the order the live ranking applied it: the batch recompute and start-up read
        -- it back, so both see exactly the stream the live boards were built from.
        CREATE TABLE ranking_log (
          id INTEGER PRIMARY KEY,
          record TEXT NOT NULL
        );
        -- How far each journal stream has been turned into ranking records (a restart catches up from here).
        -- Coin deposits that arrived before their market had a price: they cannot be valued yet, so they wait
        -- here and join the log right before the market's first trade.
        CREATE TABLE ranking_pending (
          id INTEGER PRIMARY KEY,
          record TEXT NOT NULL
        );
        CREATE TABLE ranking_cursor (
          stream TEXT PRIMARY KEY,
          seq INTEGER NOT NULL
        );

        -- The copy-trading state machine is deterministic: its accepted operations, replayed in order, rebuild
        -- strategies, subscriptions, high-water marks and what is owed.
        CREATE TABLE copy_ops (
          id INTEGER PRIMARY KEY,
          op TEXT NOT NULL,
          input TEXT NOT NULL
        );
        CREATE TABLE copy_subscriptions (
          id INTEGER PRIMARY KEY,              -- the state machine's subscription id
          subscriber_id INTEGER NOT NULL,
          leader_id INTEGER NOT NULL,
          sub_account INTEGER NOT NULL UNIQUE, -- the ledger account the copy trades through
          created_at INTEGER NOT NULL,
          ended_at INTEGER,
          end_reason TEXT
        );
        CREATE INDEX copy_subscriptions_by_subscriber ON copy_subscriptions(subscriber_id, id);
        CREATE INDEX copy_subscriptions_by_leader ON copy_subscriptions(leader_id, id);
        CREATE TABLE copy_settlements (
          id INTEGER PRIMARY KEY,
          subscription_id INTEGER NOT NULL,
          period INTEGER NOT NULL,
          period_key TEXT NOT NULL UNIQUE,     -- "subscription:period", also the ledger transfer's reference
          subscriber_id INTEGER NOT NULL,
          leader_id INTEGER NOT NULL,
          profit INTEGER NOT NULL,
          fee INTEGER NOT NULL,
          paid INTEGER NOT NULL,
          owed INTEGER NOT NULL,
          high_water_mark INTEGER NOT NULL,
          profit_share_bps INTEGER NOT NULL,
          ts INTEGER NOT NULL,
          UNIQUE (subscription_id, period)
        );
        CREATE INDEX copy_settlements_by_subscriber ON copy_settlements(subscriber_id, id);
        CREATE INDEX copy_settlements_by_leader ON copy_settlements(leader_id, id);

        CREATE TABLE deleted_accounts (
          account_id INTEGER PRIMARY KEY,
          deleted_at INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 3,
    name: 'session families (refresh-token reuse), sign-in failures per nickname',
    up: (db) => {
      db.exec(`
        -- A sign-in starts a family; every refresh continues it. A refresh token used again after it was
        -- rotated (rotated_at set) means it leaked: the whole family is revoked.
        ALTER TABLE sessions ADD COLUMN family_id INTEGER;
        ALTER TABLE sessions ADD COLUMN rotated_at INTEGER;
        UPDATE sessions SET family_id = id;
        CREATE INDEX sessions_by_family ON sessions(family_id);

        -- Consecutive failed sign-ins per nickname (known or not, so a refusal tells nothing about existence).
        CREATE TABLE sign_in_failures (
          nickname_key TEXT PRIMARY KEY,
          failures INTEGER NOT NULL,
          locked_until INTEGER NOT NULL,
          last_failure_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sign_in_failures_by_age ON sign_in_failures(last_failure_at);
      `);
    },
  },
  {
    version: 4,
    name: "account kinds: the liquidity provider's accounts",
    up: (db) => {
      db.exec(`
        -- 'user' (signed up) or 'liquidity' (opened by the server's liquidity provider; no password opens it). A
        -- liquidity account trades like any other but never ranks on a board and cannot be copied.
        ALTER TABLE accounts ADD COLUMN kind TEXT NOT NULL DEFAULT 'user';
        -- The liquidity provider's agent that trades through the account ('market_maker:1'): a restart reuses it.
        ALTER TABLE accounts ADD COLUMN liquidity_role TEXT;
        CREATE UNIQUE INDEX accounts_by_liquidity_role ON accounts(liquidity_role) WHERE liquidity_role IS NOT NULL;
      `);
    },
  },
  {
    version: 5,
    name: 'account ids never reused; copy operations say where their ledger commands start',
    up: (db) => {
      // An account's id is also its ledger account's id in markets.db, so an id must never be handed out twice.
      // Plain INTEGER PRIMARY KEY takes max(id) + 1, which repeats an id whose row was lost; AUTOINCREMENT keeps
      // the highest id ever used in sqlite_sequence, and start-up raises that above every ledger account
      // (sync-server/db/account-ids.ts). SQLite cannot add AUTOINCREMENT to a table, so the table is rebuilt from
      // its own definition (columns added by earlier steps included) with its indexes. Sessions refer to it: the
      // check is deferred to the commit, by when every row is back under the same id.
      const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'accounts'").get() as {
        sql: string;
      };
      const rebuilt = table.sql.replace(/\bid INTEGER PRIMARY KEY\b/i, 'id INTEGER PRIMARY KEY AUTOINCREMENT');
      if (rebuilt === table.sql)
        throw new Error(`accounts has no "id INTEGER PRIMARY KEY" column to rebuild: ${table.sql}`);
      const indexes = db
        .prepare(
          "SELECT sql FROM sqlite_master WHERE tbl_name = 'accounts' AND type IN ('index', 'trigger') AND sql IS NOT NULL",
        )
        .all() as { sql: string }[];
      db.pragma('defer_foreign_keys = ON');
      db.exec('CREATE TEMP TABLE accounts_before AS SELECT * FROM accounts');
      db.exec('DROP TABLE accounts');
      db.exec(rebuilt);
      db.exec('INSERT INTO accounts SELECT * FROM temp.accounts_before');
      db.exec('DROP TABLE temp.accounts_before');
      for (const i of indexes) db.exec(i.sql);

      db.exec(`
        -- For an operation that books ledger commands (transfers, a sub-account's opening): the ledger stream's
        -- last committed seq when it was recorded. Its commands follow at once, so start-up can tell whether they
        -- reached the journal (see sync-server/copy/copy-operations.ts). NULL for the rest.
        ALTER TABLE copy_ops ADD COLUMN ledger_after INTEGER;
      `);
    },
  },
  {
    version: 6,
    name: 'indexes that bound history pages; practice-journal usage per account',
    up: (db) => {
      db.exec(`
        -- Every history page is read through an index in its own order, so a page costs its rows, not the
        -- account's history: open orders (the statuses OrderProjection counts as open) without stepping over
        -- closed ones, orders and fills of one market, and practice entries in time order.
        CREATE INDEX orders_open_by_account ON orders(account_id, id) WHERE status IN ('open', 'waiting');
        CREATE INDEX orders_by_account_market ON orders(account_id, market, id);
        CREATE INDEX fills_by_account_market ON fills(account_id, market, trade_id);
        CREATE INDEX practice_entries_by_ts ON practice_entries(account_id, ts, local_id);

        -- What each account's practice journal holds (entries, bytes of ids and data), kept with every upload and
        -- deletion, so the quota check reads one row.
        CREATE TABLE practice_usage (
          account_id INTEGER PRIMARY KEY,
          entries INTEGER NOT NULL,
          bytes INTEGER NOT NULL
        );
        INSERT INTO practice_usage (account_id, entries, bytes)
          SELECT account_id, COUNT(*), SUM(LENGTH(CAST(local_id AS BLOB)) + LENGTH(CAST(data AS BLOB))) FROM practice_entries GROUP BY account_id;
      `);
    },
  },
  {
    version: 7,
    name: 'order history: trailing distance, bracket exits and OCO links',
    up: (db) => {
      db.exec(`
        -- JSON of the order's trailing distance, exits, entry and OCO partner (see OrderView); NULL for plain orders.
        ALTER TABLE orders ADD COLUMN links TEXT;
      `);
    },
  },
  {
    version: 8,
    name: 'cloud sync: the synced fields of each account, their usage, and the devices that sync',
    up: (db) => {
      db.exec(`
        -- One row per synced field (kind, key) of an account: the change with the newest HLC stamp (see
        -- cloud/cloud-log). seq orders the account's log for pulls; a newer change of a field takes a new seq.
        CREATE TABLE cloud_changes (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          account_id INTEGER NOT NULL,
          change_id TEXT NOT NULL,
          kind TEXT NOT NULL,
          key TEXT NOT NULL,
          hlc TEXT NOT NULL,
          device TEXT NOT NULL,
          value TEXT NOT NULL,
          bytes INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX cloud_changes_by_id ON cloud_changes(account_id, change_id);
        CREATE UNIQUE INDEX cloud_changes_by_field ON cloud_changes(account_id, kind, key);
        CREATE INDEX cloud_changes_by_seq ON cloud_changes(account_id, seq);
        -- What each account's synced data holds (fields, bytes), kept with every upload.
        CREATE TABLE cloud_usage (
          account_id INTEGER PRIMARY KEY,
          changes INTEGER NOT NULL,
          bytes INTEGER NOT NULL
        );
        -- The devices that synced, and the sign-in (session family) each one last used.
        CREATE TABLE cloud_devices (
          account_id INTEGER NOT NULL,
          device_id TEXT NOT NULL,
          name TEXT NOT NULL,
          last_seen INTEGER NOT NULL,
          family_id INTEGER,
          PRIMARY KEY (account_id, device_id)
        );
      `);
    },
  },
  {
    version: 9,
    name: 'cloud sync: the lease of each paper portfolio',
    up: (db) => {
      db.exec(`
        -- Which device trades a synced paper portfolio (see cloud/cloud-leases); epoch rises at each take-over.
        CREATE TABLE cloud_leases (
          account_id INTEGER NOT NULL,
          portfolio TEXT NOT NULL,
          device_id TEXT NOT NULL,
          epoch INTEGER NOT NULL,
          since INTEGER NOT NULL,
          PRIMARY KEY (account_id, portfolio)
        );
      `);
    },
  },
];
