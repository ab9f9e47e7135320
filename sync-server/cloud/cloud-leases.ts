/**
 * Paper portfolio leases (see docs/cloud-sync.md, "Leases"): per account and synced portfolio, the one device
 * that trades it, and an epoch that rises at each take-over.
 *
 * Rules:
 * - Only a portfolio the account's synced state holds (a `portfolio` field that is not deleted) has a lease:
 *   UNKNOWN_PORTFOLIO otherwise, so leases are bounded by the account's fields and no account reaches another's.
 * - A free portfolio is granted at epoch 1; the holder asking again keeps its epoch (asking is idempotent);
 *   another device is told who holds it, and takes it over only when it says so (`takeOver`): epoch + 1.
 * - Each request runs in one write transaction, so two take-overs at once end with two epochs and one holder.
 * - An epoch that would leave the safe integers is refused (EPOCH_EXHAUSTED) rather than wrapped.
 */
import type { Db } from '../../engine/node/db/database';
import type { CloudLease, CloudLeaseAnswer } from '../../engine/protocol/cloud';
import { CloudRefused, type CloudLog } from './cloud-log';

interface LeaseRow {
  portfolio: string;
  device_id: string;
  epoch: number;
  since: number;
}

export class CloudLeases {
  constructor(
    private readonly db: Db,
    private readonly log: CloudLog,
    private readonly now: () => number,
  ) {}

  /** Grants, keeps or takes over a portfolio's lease for `device`, or says who holds it. */
  request(
    accountId: number,
    sessionId: number,
    device: { id: string; name: string },
    portfolio: string,
    takeOver: boolean,
  ): CloudLeaseAnswer {
    return this.db
      .transaction((): CloudLeaseAnswer => {
        const now = this.now();
        this.log.seen(accountId, sessionId, device, now);
        const value = this.db
          .prepare("SELECT value FROM cloud_changes WHERE account_id = ? AND kind = 'portfolio' AND key = ?")
          .pluck()
          .get(accountId, portfolio) as string | undefined;
        if (value === undefined || value === 'null')
          throw new CloudRefused(404, 'UNKNOWN_PORTFOLIO', `no paper portfolio ${portfolio} is synced`);
        const held = this.row(accountId, portfolio);
        if (held && (held.device_id === device.id || !takeOver))
          return { granted: held.device_id === device.id, lease: this.lease(accountId, held) };
        const epoch = (held?.epoch ?? 0) + 1;
        if (!Number.isSafeInteger(epoch))
          throw new CloudRefused(409, 'EPOCH_EXHAUSTED', `portfolio ${portfolio} was taken over too often`);
        this.db
          .prepare(
            `INSERT INTO cloud_leases (account_id, portfolio, device_id, epoch, since) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (account_id, portfolio) DO UPDATE SET device_id = excluded.device_id,
               epoch = excluded.epoch, since = excluded.since`,
          )
          .run(accountId, portfolio, device.id, epoch, now);
        return { granted: true, lease: this.lease(accountId, { portfolio, device_id: device.id, epoch, since: now }) };
      })
      .immediate();
  }

  /** The account's leases of portfolios it still holds. */
  list(accountId: number): CloudLease[] {
    const rows = this.db
      .prepare(
        `SELECT l.portfolio, l.device_id, l.epoch, l.since FROM cloud_leases l
         JOIN cloud_changes c ON c.account_id = l.account_id AND c.kind = 'portfolio' AND c.key = l.portfolio
         WHERE l.account_id = ? AND c.value <> 'null' ORDER BY l.portfolio`,
      )
      .all(accountId) as LeaseRow[];
    return rows.map((r) => this.lease(accountId, r));
  }

  /** The lease of a portfolio as it stands, if one was granted. */
  row(accountId: number, portfolio: string): LeaseRow | undefined {
    return this.db
      .prepare('SELECT portfolio, device_id, epoch, since FROM cloud_leases WHERE account_id = ? AND portfolio = ?')
      .get(accountId, portfolio) as LeaseRow | undefined;
  }

  private lease(accountId: number, r: LeaseRow): CloudLease {
    // A holder forgotten from the device list (past the bound) is shown by its id.
    const name = this.db
      .prepare('SELECT name FROM cloud_devices WHERE account_id = ? AND device_id = ?')
      .pluck()
      .get(accountId, r.device_id) as string | undefined;
    return {
      portfolio: r.portfolio,
      device: r.device_id,
      deviceName: name ?? r.device_id,
      epoch: r.epoch,
      since: r.since,
    };
  }
}
