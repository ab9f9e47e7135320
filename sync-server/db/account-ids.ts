/**
 * Account ids are never handed out twice. An account's id is also its ledger account's id, and the two live in
 * different files: the account row in server.db, the ledger account in markets.db (written after it). Should
 * server.db lose its last commits while markets.db keeps them (a power cut between the two files' syncs, a
 * restored backup), SQLite would give the lost id to the next sign-up, who would inherit someone else's ledger
 * account with its balance and orders. So at start-up the next id is raised above every ledger account the
 * journal has; the accounts table keeps the highest id it ever gave in sqlite_sequence (AUTOINCREMENT, see
 * migration 5), so a deleted or lost row's id is not given again either.
 */
import type { Db } from '../../engine/node/db/database';

/** Makes the next account id SQLite gives out greater than `highestTaken`; true when it had to be raised. */
export function keepAccountIdsAbove(db: Db, highestTaken: number): boolean {
  if (!Number.isSafeInteger(highestTaken) || highestTaken < 0)
    throw new RangeError(`highestTaken must be a non-negative safe integer, got ${highestTaken}`);
  return db
    .transaction(() => {
      const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'accounts'").get() as
        { seq: number } | undefined;
      const max = (db.prepare('SELECT max(id) AS id FROM accounts').get() as { id: number | null }).id ?? 0;
      const next = Math.max(row?.seq ?? 0, max);
      if (next >= highestTaken) return false;
      if (row) db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'accounts'").run(highestTaken);
      else db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('accounts', ?)").run(highestTaken);
      return true;
    })
    .immediate(); // the read models' writer shares the file (see WriteBehind)
}
