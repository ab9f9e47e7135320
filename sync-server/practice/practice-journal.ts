/**
 * Backup of the app's offline practice journal (local orders and fills), so it survives a lost machine and is
 * visible from another one. Kept in its own table, apart from the ranked live account: nothing here touches
 * the ledger or the leaderboards. Uploading an entry again (same local id) changes nothing.
 */
import type { Db } from '../../engine/db/database';
import type { PracticeEntry } from '../../engine/protocol/sync';

export class PracticeJournal {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  upload(accountId: number, entries: PracticeEntry[]): { stored: number; duplicates: number } {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO practice_entries (account_id, local_id, kind, market, ts, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const received = this.now();
    return this.db.transaction(() => {
      let stored = 0;
      for (const e of entries) stored += insert.run(accountId, e.localId, e.kind, e.market, e.ts, JSON.stringify(e.data), received).changes;
      return { stored, duplicates: entries.length - stored };
    }).immediate(); // takes the write lock up front: the read models' writer shares the file (see WriteBehind)
  }

  list(accountId: number, afterTs: number, limit: number): PracticeEntry[] {
    const rows = this.db
      .prepare('SELECT local_id, kind, market, ts, data FROM practice_entries WHERE account_id = ? AND ts > ? ORDER BY ts, local_id LIMIT ?')
      .all(accountId, afterTs, limit) as { local_id: string; kind: PracticeEntry['kind']; market: string; ts: number; data: string }[];
    return rows.map((r) => ({ localId: r.local_id, kind: r.kind, market: r.market, ts: r.ts, data: JSON.parse(r.data) as PracticeEntry['data'] }));
  }
}
