/**
 * Backup of the app's offline practice journal (local orders and fills), so it survives a lost machine and is
 * visible from another one. Kept in its own table, apart from the ranked live account: nothing here touches
 * the ledger or the leaderboards. Uploading an entry again (same local id) changes nothing.
 *
 * Bounded per account (`limits.practiceEntries` entries, `limits.practiceBytes` bytes of ids and data): an
 * upload that would pass either is refused whole with QUOTA_EXCEEDED, and nothing of it is stored — a backup is
 * the user's history, so nothing is dropped to make room. The account makes room by deleting its entries up to
 * a time (`deleteBefore`). What each account holds is kept in practice_usage with every change, so the check
 * reads one row.
 */
import type { Db } from '../../engine/node/db/database';
import type { PracticeEntry } from '../../engine/protocol/sync';
import type { ServerLimits } from '../config';

export class QuotaExceeded extends Error {
  readonly code = 'QUOTA_EXCEEDED';
}

interface Row {
  local_id: string;
  kind: PracticeEntry['kind'];
  market: string;
  ts: number;
  data: string;
}

export class PracticeJournal {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly limits: Pick<ServerLimits, 'practiceEntries' | 'practiceBytes'>,
  ) {}

  upload(accountId: number, entries: PracticeEntry[]): { stored: number; duplicates: number } {
    const exists = this.db.prepare('SELECT 1 FROM practice_entries WHERE account_id = ? AND local_id = ?').pluck();
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO practice_entries (account_id, local_id, kind, market, ts, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const received = this.now();
    return this.db
      .transaction(() => {
        // What is new in this upload (an id sent twice in one upload counts once), and what it would take.
        const fresh = new Map<string, { entry: PracticeEntry; data: string }>();
        for (const e of entries)
          if (!fresh.has(e.localId) && !exists.get(accountId, e.localId))
            fresh.set(e.localId, { entry: e, data: JSON.stringify(e.data) });
        let bytes = 0;
        for (const { entry, data } of fresh.values()) bytes += entryBytes(entry.localId, data);
        const used = this.usage(accountId);
        const { practiceEntries, practiceBytes } = this.limits;
        if (used.entries + fresh.size > practiceEntries || used.bytes + bytes > practiceBytes) {
          throw new QuotaExceeded(
            `the practice backup holds ${used.entries} of ${practiceEntries} entries (${used.bytes} of ${practiceBytes} bytes) and this upload adds ` +
              `${fresh.size} (${bytes} bytes): delete old entries (DELETE /api/v1/practice/journal?beforeTs=) and upload again`,
          );
        }
        for (const { entry: e, data } of fresh.values())
          insert.run(accountId, e.localId, e.kind, e.market, e.ts, data, received);
        if (fresh.size > 0) this.addUsage(accountId, fresh.size, bytes);
        return { stored: fresh.size, duplicates: entries.length - fresh.size };
      })
      .immediate(); // takes the write lock up front: the read models' writer shares the file (see WriteBehind)
  }

  /** Entries after the cursor (time, then local id), oldest first. */
  list(accountId: number, after: { ts: number; localId?: string }, limit: number): PracticeEntry[] {
    const rows = (
      after.localId === undefined
        ? this.db
            .prepare(
              'SELECT local_id, kind, market, ts, data FROM practice_entries WHERE account_id = ? AND ts > ? ORDER BY ts, local_id LIMIT ?',
            )
            .all(accountId, after.ts, limit)
        : this.db
            .prepare(
              'SELECT local_id, kind, market, ts, data FROM practice_entries WHERE account_id = ? AND (ts, local_id) > (?, ?) ORDER BY ts, local_id LIMIT ?',
            )
            .all(accountId, after.ts, after.localId, limit)
    ) as Row[];
    return rows.map((r) => ({
      localId: r.local_id,
      kind: r.kind,
      market: r.market,
      ts: r.ts,
      data: JSON.parse(r.data) as PracticeEntry['data'],
    }));
  }

  /** Deletes the account's entries with a time before `beforeTs` (all of them with none given). */
  deleteBefore(accountId: number, beforeTs = Number.MAX_SAFE_INTEGER): { deleted: number } {
    return this.db
      .transaction(() => {
        const gone = this.db
          .prepare(
            'SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(CAST(local_id AS BLOB)) + LENGTH(CAST(data AS BLOB))), 0) AS bytes FROM practice_entries WHERE account_id = ? AND ts < ?',
          )
          .get(accountId, beforeTs) as { n: number; bytes: number };
        if (gone.n === 0) return { deleted: 0 };
        this.db.prepare('DELETE FROM practice_entries WHERE account_id = ? AND ts < ?').run(accountId, beforeTs);
        this.addUsage(accountId, -gone.n, -gone.bytes);
        return { deleted: gone.n };
      })
      .immediate();
  }

  usage(accountId: number): { entries: number; bytes: number } {
    const row = this.db.prepare('SELECT entries, bytes FROM practice_usage WHERE account_id = ?').get(accountId) as
      { entries: number; bytes: number } | undefined;
    return row ?? { entries: 0, bytes: 0 };
  }

  private addUsage(accountId: number, entries: number, bytes: number): void {
    this.db
      .prepare(
        'INSERT INTO practice_usage (account_id, entries, bytes) VALUES (?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET entries = entries + excluded.entries, bytes = bytes + excluded.bytes',
      )
      .run(accountId, entries, bytes);
  }
}

/** What an entry counts against the byte quota: its id and its data, in UTF-8 (as SQLite measures a BLOB). */
function entryBytes(localId: string, data: string): number {
  return Buffer.byteLength(localId) + Buffer.byteLength(data);
}
