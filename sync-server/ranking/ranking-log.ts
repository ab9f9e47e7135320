/**
 * The ranking's record stream in server.db: every record in the order the live ranking applied it, and the journal
 * position each stream has been turned into records up to. (`ranking_pending` holds coin deposits that earlier
 * versions kept waiting for their market's first trade; they are now valued at the listing price, so the table
 * is only read once, at start-up, and emptied.)
 * Start-up and the batch recompute both read the stream back, so they see exactly what the live boards saw.
 *
 * Records reach the log in the order the ranking applied them, by one of two ways: queued behind the other
 * read models (`append`, for records derived from the journal, which a restart can derive again), or written at
 * once inside the caller's own transaction (`insertNow`, for copy trading's records, which must be durable
 * exactly when the operation that made them is). The second way first waits for the queue to commit, so the
 * log's order stays the order of application.
 */
import type { Db } from '../../engine/node/db/database';
import type { RankingRecord } from '../../engine/core/ranking';
import type { WriteBehind } from '../db/write-behind';

const PAGE = 10_000;
const INSERT = 'INSERT INTO ranking_log (record) VALUES (?)';
const SET_CURSOR =
  'INSERT INTO ranking_cursor (stream, seq) VALUES (?, ?) ON CONFLICT(stream) DO UPDATE SET seq = excluded.seq';
const CLEAR_PENDING = 'DELETE FROM ranking_pending';

export class RankingLog {
  /** Statement ids in the write-behind queue; none for a log opened to be read only. */
  private readonly statements: { insert: number; setCursor: number; clearPending: number } | undefined;
  private insertNowStatement: ReturnType<Db['prepare']> | undefined;

  /** @param writes where appends queue behind the other read models' writes; without it the log is read only. */
  constructor(
    private readonly db: Db,
    private readonly writes?: WriteBehind,
  ) {
    this.statements = writes && {
      insert: writes.statement(INSERT),
      setCursor: writes.statement(SET_CURSOR),
      clearPending: writes.statement(CLEAR_PENDING),
    };
  }

  /**
   * Appends records and moves journal cursors. They are queued in one turn of the event loop, so they commit in
   * one transaction (see WriteBehind.run) and a crash keeps the two consistent.
   */
  append(
    records: readonly RankingRecord[],
    cursors: ReadonlyMap<string, number> = new Map(),
    opts: { clearPending?: boolean } = {},
  ): void {
    const w = this.writes;
    const st = this.statements;
    if (!w || !st) throw new Error('this ranking log was opened to be read only');
    for (const r of records) w.run(st.insert, [JSON.stringify(r)]);
    for (const [stream, seq] of cursors) w.run(st.setCursor, [stream, seq]);
    if (opts.clearPending) w.run(st.clearPending, []);
  }

  /**
   * Writes records on the main connection, at once: call it inside the transaction that must hold them, after
   * `flushQueued` (a queued record applied earlier must not land after these).
   */
  insertNow(records: readonly RankingRecord[]): void {
    if (records.length === 0) return;
    const insert = (this.insertNowStatement ??= this.db.prepare(INSERT));
    for (const r of records) insert.run(JSON.stringify(r));
  }

  /** Waits until every queued append has committed. */
  flushQueued(): void {
    this.writes?.flush();
  }

  cursors(): Map<string, number> {
    this.writes?.flush();
    const rows = this.db.prepare('SELECT stream, seq FROM ranking_cursor').all() as { stream: string; seq: number }[];
    return new Map(rows.map((r) => [r.stream, r.seq]));
  }

  pending(): RankingRecord[] {
    this.writes?.flush();
    return (this.db.prepare('SELECT record FROM ranking_pending ORDER BY id').all() as { record: string }[]).map(
      (r) => JSON.parse(r.record) as RankingRecord,
    );
  }

  count(): number {
    this.writes?.flush();
    return (this.db.prepare('SELECT count(*) AS n FROM ranking_log').get() as { n: number }).n;
  }

  /** Every record in log order, read in pages so a long history never sits in memory at once. */
  *records(): Generator<RankingRecord> {
    this.writes?.flush();
    const page = this.db.prepare('SELECT id, record FROM ranking_log WHERE id > ? ORDER BY id LIMIT ?');
    let after = 0;
    for (;;) {
      const rows = page.all(after, PAGE) as { id: number; record: string }[];
      for (const r of rows) yield JSON.parse(r.record) as RankingRecord;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }
}
