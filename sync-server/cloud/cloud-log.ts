/**
 * Cloud sync's store: each account's synced state as a log of changes (see docs/cloud-sync.md and
 * engine/protocol/cloud). The log keeps one change per field (kind, key) — the one with the newest HLC stamp —
 * so a field written a thousand times takes one row, and a device that pulls after its cursor gets each
 * field's current value once.
 *
 * Rules:
 * - Every change is checked (`checkChange`: kind, key, value, size, stamp, the device owning the key) and a
 *   refused one is answered with its code; the others of the upload are still stored.
 * - Within an upload a device's stamps must rise (OUT_OF_ORDER otherwise): its clock never goes back.
 * - Idempotent: a change id the account already holds is a duplicate; an older change of a field than the
 *   one held is superseded (it could never win), so an upload sent twice stores nothing the second time.
 * - Change ids are the account's own: another account's ids reach nothing of that account.
 * - Bounded per account (`limits.cloudChanges` fields, `limits.cloudBytes` bytes of ids, keys and values):
 *   an upload that would pass either is refused whole with QUOTA_EXCEEDED and nothing of it is stored.
 * - Devices are recorded with every upload and pull (name, last seen, the sign-in they use), so the account
 *   can list them and end a device's sign-in.
 */
import type { Db } from '../../engine/node/db/database';
import { CLOUD_BATCH_MAX, checkChange, type CloudChange, type CloudResult } from '../../engine/protocol/cloud';
import type { ServerLimits } from '../config';

export class CloudRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type CloudLimits = Pick<ServerLimits, 'cloudChanges' | 'cloudBytes' | 'cloudClockDriftMs'>;

interface Row {
  seq: number;
  change_id: string;
  kind: string;
  key: string;
  hlc: string;
  device: string;
  value: string;
}

export interface DeviceRow {
  id: string;
  name: string;
  lastSeen: number;
  familyId: number | null;
  signedIn: boolean;
}

/** Devices kept per account: past it the one seen longest ago is forgotten (it is listed again once it syncs). */
export const CLOUD_DEVICES_MAX = 50;

export class CloudLog {
  private readonly byId;
  private readonly byField;
  private readonly insert;
  private readonly remove;
  private readonly touchDevice;
  private readonly listeners = new Set<(accountId: number, cursor: number, device: string) => void>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly limits: CloudLimits,
  ) {
    this.byId = db.prepare('SELECT seq FROM cloud_changes WHERE account_id = ? AND change_id = ?').pluck();
    this.byField = db.prepare(
      'SELECT seq, hlc, bytes FROM cloud_changes WHERE account_id = ? AND kind = ? AND key = ?',
    );
    this.insert = db.prepare(
      'INSERT INTO cloud_changes (account_id, change_id, kind, key, hlc, device, value, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.remove = db.prepare('DELETE FROM cloud_changes WHERE seq = ?');
    this.touchDevice = db.prepare(
      `INSERT INTO cloud_devices (account_id, device_id, name, last_seen, family_id) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, device_id) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen,
         family_id = excluded.family_id`,
    );
  }

  /** Calls `listener` after an upload stored something: another device of the account may pull. */
  onStored(listener: (accountId: number, cursor: number, device: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores what may be stored of an upload; answers each change's outcome and the account's cursor. */
  upload(
    accountId: number,
    sessionId: number,
    device: { id: string; name: string },
    changes: CloudChange[],
  ): { results: CloudResult[]; cursor: number } {
    if (changes.length > CLOUD_BATCH_MAX)
      throw new CloudRefused(413, 'BATCH_TOO_LARGE', `${changes.length} changes: at most ${CLOUD_BATCH_MAX} an upload`);
    const now = this.now();
    let stored = 0;
    const out = this.db
      .transaction(() => {
        this.seen(accountId, sessionId, device, now);
        const results: CloudResult[] = [];
        let fields = 0;
        let bytes = 0;
        let lastHlc = '';
        for (const c of changes) {
          if (this.byId.get(accountId, c.id) !== undefined) {
            results.push({ id: c.id, status: 'duplicate' });
            continue;
          }
          const check = checkChange(c, device.id, now, this.limits.cloudClockDriftMs);
          if (!check.ok) {
            results.push({ id: c.id, status: 'refused', code: check.code, message: check.message });
            continue;
          }
          if (c.hlc <= lastHlc) {
            results.push({
              id: c.id,
              status: 'refused',
              code: 'OUT_OF_ORDER',
              message: 'a device sends its changes in the order of their stamps',
            });
            continue;
          }
          lastHlc = c.hlc;
          const held = this.byField.get(accountId, c.kind, c.key) as
            { seq: number; hlc: string; bytes: number } | undefined;
          if (held && held.hlc >= c.hlc) {
            results.push({ id: c.id, status: 'superseded' });
            continue;
          }
          if (held) {
            this.remove.run(held.seq);
            fields--;
            bytes -= held.bytes;
          }
          this.insert.run(accountId, c.id, c.kind, c.key, c.hlc, device.id, check.json, check.bytes);
          fields++;
          bytes += check.bytes;
          stored++;
          results.push({ id: c.id, status: 'stored' });
        }
        const used = this.usage(accountId);
        const { cloudChanges, cloudBytes } = this.limits;
        if (used.changes + fields > cloudChanges || used.bytes + bytes > cloudBytes)
          // Thrown inside the transaction: nothing of the upload is kept.
          throw new CloudRefused(
            413,
            'QUOTA_EXCEEDED',
            `the account's synced data holds ${used.changes} of ${cloudChanges} fields (${used.bytes} of ${cloudBytes} bytes) and this upload adds ${fields} (${bytes} bytes)`,
          );
        if (fields !== 0 || bytes !== 0)
          this.db
            .prepare(
              `INSERT INTO cloud_usage (account_id, changes, bytes) VALUES (?, ?, ?) ON CONFLICT (account_id)
               DO UPDATE SET changes = changes + excluded.changes, bytes = bytes + excluded.bytes`,
            )
            .run(accountId, fields, bytes);
        return { results, cursor: this.cursor(accountId) };
      })
      .immediate(); // takes the write lock up front: the read models' writer shares the file (see WriteBehind)
    if (stored > 0) for (const l of this.listeners) l(accountId, out.cursor, device.id);
    return out;
  }

  /**
   * The account's changes after `after`, in log order, as the JSON of a CloudPage without `serverHlc` (values are
   * stored as checked JSON text: a restore of many changes is sent without parsing and writing each again).
   */
  pullJson(
    accountId: number,
    sessionId: number,
    device: { id: string; name: string },
    after: number,
    limit: number,
  ): string {
    this.db.transaction(() => this.seen(accountId, sessionId, device, this.now())).immediate();
    const rows = this.db
      .prepare(
        'SELECT seq, change_id, kind, key, hlc, device, value FROM cloud_changes WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      )
      .all(accountId, after, limit + 1) as Row[];
    const more = rows.length > limit;
    if (more) rows.pop();
    const changes = rows.map(
      (r) =>
        `{"seq":${r.seq},"id":${JSON.stringify(r.change_id)},"kind":${JSON.stringify(r.kind)},"key":${JSON.stringify(r.key)},"hlc":${JSON.stringify(r.hlc)},"device":${JSON.stringify(r.device)},"value":${r.value}}`,
    );
    const devices: Record<string, string> = {};
    for (const d of this.devices(accountId)) devices[d.id] = d.name;
    const cursor = more ? rows[rows.length - 1].seq : Math.max(after, this.cursor(accountId));
    return `{"changes":[${changes.join(',')}],"cursor":${cursor},"more":${more},"devices":${JSON.stringify(devices)}}`;
  }

  /** The account's devices, the most recently seen first; signed in while a session of their sign-in lives. */
  devices(accountId: number): DeviceRow[] {
    return (
      this.db
        .prepare(
          `SELECT d.device_id, d.name, d.last_seen, d.family_id,
             EXISTS (SELECT 1 FROM sessions s WHERE s.family_id = d.family_id AND s.account_id = d.account_id
               AND s.revoked_at IS NULL AND s.refresh_expires_at > ?) AS signed_in
           FROM cloud_devices d WHERE d.account_id = ? ORDER BY d.last_seen DESC, d.device_id`,
        )
        .all(this.now(), accountId) as {
        device_id: string;
        name: string;
        last_seen: number;
        family_id: number | null;
        signed_in: number;
      }[]
    ).map((r) => ({
      id: r.device_id,
      name: r.name,
      lastSeen: r.last_seen,
      familyId: r.family_id,
      signedIn: r.signed_in === 1,
    }));
  }

  usage(accountId: number): { changes: number; bytes: number } {
    const row = this.db.prepare('SELECT changes, bytes FROM cloud_usage WHERE account_id = ?').get(accountId) as
      { changes: number; bytes: number } | undefined;
    return row ?? { changes: 0, bytes: 0 };
  }

  /** The last position of the account's log. */
  cursor(accountId: number): number {
    return (
      (this.db.prepare('SELECT MAX(seq) FROM cloud_changes WHERE account_id = ?').pluck().get(accountId) as
        number | null) ?? 0
    );
  }

  /** Records that a device was seen (name, time, the sign-in it uses); call inside a transaction. */
  seen(accountId: number, sessionId: number, device: { id: string; name: string }, now: number): void {
    const family = this.db.prepare('SELECT family_id FROM sessions WHERE id = ?').pluck().get(sessionId) as
      number | null | undefined;
    this.touchDevice.run(accountId, device.id, device.name, now, family ?? null);
    // The device just seen is never the one forgotten; among equal times the one first listed goes first.
    this.db
      .prepare(
        `DELETE FROM cloud_devices WHERE account_id = ? AND device_id <> ? AND device_id IN (SELECT device_id
           FROM cloud_devices WHERE account_id = ? ORDER BY last_seen DESC, rowid DESC LIMIT -1 OFFSET ?)`,
      )
      .run(accountId, device.id, accountId, CLOUD_DEVICES_MAX);
  }
}
