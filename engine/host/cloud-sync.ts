/**
 * Cloud sync in the app host: the account's synced state (settings, the market list's favourites, price alerts,
 * paper portfolios' definitions, the offline practice history) follows the user to every device signed in to the same account. The rules and
 * the wire format are in docs/cloud-sync.md; in short:
 *
 * - Local first: a change is written here first, in the same SQLite transaction as an outbox row holding it, so
 *   the app works offline and a crash keeps both or neither. The practice history is copied from the practice
 *   market's journal into the outbox in the transaction that moves its cursor on.
 * - The outbox is uploaded in order while signed in and connected, and a row leaves it only once the server has
 *   answered for it (stored, duplicate, superseded or refused): a crash between the upload and the answer sends
 *   it again, and the server knows it by its id.
 * - Every field holds its newest change by hybrid logical clock (core/cloud/hlc): pulled changes older than what
 *   a field holds are dropped, so the order changes arrive in does not matter, nor whose clock is wrong.
 * - Pulled changes are checked like the server checks them before anything is applied; one that does not check
 *   is skipped, never thrown on.
 * - Status: synced / syncing n / offline / signed out / error with the server's code and reason.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { Db } from '../node/db/database';
import { HybridClock } from '../core/cloud/hlc';
import {
  CLOUD_BATCH_MAX,
  checkChange,
  DeviceId,
  isSyncedSetting,
  type CloudAlert,
  type CloudChange,
  type CloudKind,
  type CloudPortfolio,
  type CloudStored,
} from '../protocol/cloud';
import type { CloudDevice, CloudPracticeRow, CloudStatus } from '../protocol/cloud-api';
import { PracticeEntry } from '../protocol/sync';
import { ApiError } from '../protocol/errors';
import { SyncHttpError } from '../node/sync/sync-http';
import { listDevices, pullChanges, signOutDevice, uploadChanges, type DeviceName } from './cloud-http';
import { PracticeJournalOutbox } from './live-practice-outbox';
import type { LiveMarket } from './live-market';
import type { PracticeMarket } from './practice-market';
import type { SettingsStore } from './settings-store';

const DEVICE_KEY = 'cloud.device';
const CLOCK_KEY = 'cloud.hlc';
const NAMES_KEY = 'cloud.deviceNames';
const StoredDevice = z.object({ id: DeviceId, name: z.string().min(1).max(60) });
/** Bytes of changes per upload: well under the server's request body limit (256 KiB). */
const UPLOAD_MAX_BYTES = 160 * 1024;
/** Changes per pull page (the server's most). */
const PULL_PAGE = 5_000;
/** Practice entries copied into the outbox per step. */
const PRACTICE_STEP = 500;

/** What a pulled change does beyond its field: the host applies it to the store that shows it. */
export interface CloudEffects {
  /**
   * Settings changed by another device (written to the settings store already, but for the price source, which
   * the host switches to: `feedSource`).
   */
  settings(keys: string[], feedSource?: { source: 'upbit' | 'binance' | 'replay'; speed: number }): void;
  /** An alert set, changed or deleted (null) by another device. */
  alert(uid: string, value: CloudAlert | null): void;
  /** A paper portfolio's definition created, changed or deleted (null) by another device. */
  portfolio(uid: string, value: CloudPortfolio | null): void;
}

export interface CloudSyncOptions {
  db: Db;
  settings: SettingsStore;
  practice: PracticeMarket;
  live: LiveMarket;
  effects: CloudEffects;
  emit: (status: CloudStatus) => void;
  /** This device's name as other devices list it (default: the computer's name). */
  deviceName?: string;
  now?: () => number;
  /** Wait before an upload after a change, so a burst goes up together (ms). */
  debounceMs?: number;
  /** Wait before trying again after a failure (ms). */
  retryMs?: number;
}

interface OutboxRow {
  n: number;
  id: string;
  kind: string;
  key: string;
  hlc: string;
  value: string;
}

export class CloudSync {
  readonly device: DeviceName;
  private readonly clock: HybridClock;
  private readonly now: () => number;
  /** The server's clock minus this computer's, as last answered (ms); undefined before any answer. */
  private serverOffset: number | undefined;
  private readonly offSettings: () => void;
  private readonly offLink: () => void;
  private readonly offPractice: () => void;
  private readonly q;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private error: { code: string; reason: string } | undefined;
  private lastSyncAt: number | undefined;
  /** The server and account (origin#id) last pulled from in full: until then a sign-in is still syncing. */
  private pulledFor: string | undefined;
  private lastStatus = '';
  private closed = false;

  constructor(private readonly o: CloudSyncOptions) {
    this.now = o.now ?? Date.now;
    const stored = o.settings.getValue(DEVICE_KEY, StoredDevice.nullable(), null);
    const name = (o.deviceName ?? stored?.name ?? hostname()).slice(0, 60) || 'device';
    this.device = { id: stored?.id ?? randomUUID(), name };
    if (!stored || stored.name !== name) o.settings.applyRemote(DEVICE_KEY, this.device);
    this.clock = new HybridClock(
      this.device.id,
      () => this.wallNow(),
      o.settings.getValue(CLOCK_KEY, z.string(), '') || undefined,
    );
    const db = o.db;
    this.q = {
      fieldValue: db.prepare('SELECT value FROM cloud_fields WHERE kind = ? AND key = ?').pluck(),
      // Takes a pulled change only if it is newer than what the field holds (changes = 0 otherwise).
      takeNewer: db.prepare(
        `INSERT INTO cloud_fields (kind, key, hlc, device, value) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, device = excluded.device, value = excluded.value
         WHERE excluded.hlc > cloud_fields.hlc`,
      ),
      setField: db.prepare(
        `INSERT INTO cloud_fields (kind, key, hlc, device, value) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, key) DO UPDATE SET hlc = excluded.hlc, device = excluded.device, value = excluded.value`,
      ),
      queue: db.prepare('INSERT INTO cloud_outbox (id, kind, key, hlc, value) VALUES (?, ?, ?, ?, ?)'),
      outbox: db.prepare('SELECT n, id, kind, key, hlc, value FROM cloud_outbox ORDER BY n LIMIT ?'),
      unqueue: db.prepare('DELETE FROM cloud_outbox WHERE id = ?'),
      pending: db.prepare('SELECT COUNT(*) FROM cloud_outbox').pluck(),
    };
    this.offSettings = o.settings.onWrite((key, value) => {
      if (!isSyncedSetting(key)) return;
      const synced = syncedSetting(key, value);
      // The value the field holds already (an echo of a pulled change, a setting chosen again): nothing changed.
      if (this.q.fieldValue.get('setting', key) === JSON.stringify(synced)) return;
      this.record('setting', key, synced);
    });
    this.offLink = o.live.onLink((m) => {
      if (m && m.device === this.device.id) return; // my own upload
      this.soon(0);
    });
    // My practice orders and fills are read from the journal at the next sync: a burst goes up together.
    this.offPractice = o.practice.onUpdate((u) => {
      if (u.mine) this.soon(Math.max(this.o.debounceMs ?? 20, 200));
    });
    this.soon(0);
  }

  // ------------------------------------------------------------------ local changes

  /**
   * Records a change made here: its field and its outbox row, in the caller's transaction if there is one
   * (settings writes call this inside theirs). Uploaded soon after.
   */
  record(kind: CloudKind, key: string, value: unknown): void {
    this.o.db.transaction(() => {
      const hlc = this.clock.tick();
      const json = JSON.stringify(value ?? null);
      this.q.setField.run(kind, key, hlc, this.device.id, json);
      this.q.queue.run(hlc, kind, key, hlc, json);
      this.o.settings.applyRemote(CLOCK_KEY, this.clock.last());
    })();
    this.soon(this.o.debounceMs ?? 20);
    this.publish();
  }

  /** The value a field holds here (parsed), or undefined when it holds none. */
  held(kind: CloudKind, key: string): unknown {
    const text = this.q.fieldValue.get(kind, key) as string | undefined;
    return text === undefined ? undefined : safeJson(text);
  }

  // ------------------------------------------------------------------ reads

  status(): CloudStatus {
    const pending = this.q.pending.get() as number;
    const at = this.lastSyncAt !== undefined ? { lastSyncAt: this.lastSyncAt } : {};
    const live = this.o.live.status();
    if (!live.account) return { state: 'signed_out', pending, ...at };
    if (this.error) return { state: 'error', pending, code: this.error.code, reason: this.error.reason, ...at };
    const link = this.o.live.syncLink();
    if (!link) return { state: 'offline', pending, reason: live.reason, ...at };
    const restored = this.pulledFor === `${link.origin}#${live.account.id}`;
    return { state: pending > 0 || this.running || !restored ? 'syncing' : 'synced', pending, ...at };
  }

  /** The practice history of every device (this one's included), newest first. */
  practiceHistory(limit: number): CloudPracticeRow[] {
    const names = this.names();
    const rows = this.o.db.prepare("SELECT key, value FROM cloud_fields WHERE kind = 'practice'").all() as {
      key: string;
      value: string;
    }[];
    const out: CloudPracticeRow[] = [];
    for (const r of rows) {
      const entry = PracticeEntry.safeParse(safeJson(r.value));
      if (!entry.success) continue;
      const device = r.key.slice(0, r.key.indexOf('/'));
      out.push({
        device,
        deviceName: device === this.device.id ? this.device.name : (names[device] ?? device.slice(0, 8)),
        kind: entry.data.kind,
        market: entry.data.market,
        ts: entry.data.ts,
        data: entry.data.data,
      });
    }
    return out.sort((a, b) => b.ts - a.ts).slice(0, limit);
  }

  /**
   * Everything synced as one JSON document (docs/cloud-sync.md, "Download my data"): every field with its value,
   * stamp and device, and the changes not yet uploaded.
   */
  exportJson(): { filename: string; json: string; changes: number } {
    const fields = (
      this.o.db.prepare('SELECT kind, key, hlc, device, value FROM cloud_fields ORDER BY kind, key').all() as {
        kind: string;
        key: string;
        hlc: string;
        device: string;
        value: string;
      }[]
    ).map((f) => ({ ...f, value: safeJson(f.value) }));
    const pending = (this.q.outbox.all(Number.MAX_SAFE_INTEGER) as OutboxRow[]).map((r) => ({
      id: r.id,
      kind: r.kind,
      key: r.key,
      hlc: r.hlc,
      value: safeJson(r.value),
    }));
    const live = this.o.live.status();
    const doc = {
      format: 'playground777-cloud-data',
      version: 1,
      exportedAt: new Date(this.now()).toISOString(),
      account: live.account ? { server: live.serverUrl, id: live.account.id, nickname: live.account.nickname } : null,
      device: this.device,
      devices: this.names(),
      fields,
      pending,
    };
    const day = new Date(this.now()).toISOString().slice(0, 10);
    return { filename: `playground777-data-${day}.json`, json: JSON.stringify(doc, null, 1), changes: fields.length };
  }

  async devices(): Promise<CloudDevice[]> {
    const link = this.requireLink();
    try {
      const r = await link.client.withFreshToken((t) => listDevices(link.origin, t));
      return r.items.map((d) => ({ ...d, current: d.id === this.device.id }));
    } catch (err) {
      throw apiError(err);
    }
  }

  async signOutDevice(id: string): Promise<CloudDevice[]> {
    if (id === this.device.id) throw new ApiError('THIS_DEVICE', 'sign this device out from the account panel');
    const link = this.requireLink();
    try {
      const r = await link.client.withFreshToken((t) => signOutDevice(link.origin, t, id));
      return r.items.map((d) => ({ ...d, current: d.id === this.device.id }));
    } catch (err) {
      throw apiError(err);
    }
  }

  // ------------------------------------------------------------------ syncing

  /** Uploads and pulls now; resolves when done (or failed: the status says why). */
  async syncNow(): Promise<CloudStatus> {
    this.error = undefined;
    await this.sync();
    return this.status();
  }

  /** Runs a sync (or joins the one under way and runs once more after it). */
  sync(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      this.publish();
      if (this.again && !this.closed) {
        this.again = false;
        this.soon(0);
      }
    });
    this.publish();
    return this.running;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.offSettings();
    this.offLink();
    this.offPractice();
  }

  private soon(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.sync(), ms);
  }

  private async run(): Promise<void> {
    const link = this.o.live.syncLink();
    if (!link || this.closed) return;
    try {
      await this.upload(link);
      await this.pull(link);
      this.lastSyncAt = this.now();
    } catch (err) {
      if (this.closed) return;
      if (err instanceof SyncHttpError && err.code === 'UNREACHABLE') this.error = undefined;
      else this.error = { code: err instanceof SyncHttpError ? err.code : 'INTERNAL', reason: message(err) };
      this.timer = setTimeout(() => void this.sync(), this.o.retryMs ?? 5_000);
    }
  }

  private async upload(link: { origin: string; client: LiveLink }): Promise<void> {
    let refused: { code: string; reason: string } | undefined;
    let stored = false;
    for (;;) {
      if (this.closed) return;
      this.collectPractice();
      const rows = this.q.outbox.all(CLOUD_BATCH_MAX) as OutboxRow[];
      if (rows.length === 0) break;
      const batch: CloudChange[] = [];
      let bytes = 0;
      for (const r of rows) {
        bytes += r.value.length + r.key.length + r.id.length + 60;
        if (batch.length > 0 && bytes > UPLOAD_MAX_BYTES) break;
        batch.push({ id: r.id, kind: r.kind, key: r.key, hlc: r.hlc, value: safeJson(r.value) });
      }
      const answer = await link.client.withFreshToken((t) => uploadChanges(link.origin, t, this.device, batch));
      this.o.db.transaction(() => {
        let ahead = false;
        for (const r of answer.results) {
          this.q.unqueue.run(r.id);
          if (r.status === 'refused') {
            refused = { code: r.code ?? 'REFUSED', reason: r.message ?? 'refused' };
            if (r.code === 'CLOCK_AHEAD') {
              ahead = true;
              // The field holds a stamp no one else will ever see: whatever the server holds must win it back.
              this.o.db.prepare("UPDATE cloud_fields SET hlc = '' WHERE hlc = ?").run(r.id);
            }
          } else stored = true;
        }
        this.heard(answer.serverHlc);
        if (ahead) {
          // This computer's clock ran ahead: count on from the server's time, not from the refused stamps, and
          // pull everything again so the fields those changes held take the account's values back.
          this.clock.rebase(answer.serverHlc);
          this.o.settings.applyRemote(this.cursorKey(link.origin), 0);
        } else this.clock.receive(answer.serverHlc);
        this.o.settings.applyRemote(CLOCK_KEY, this.clock.last());
      })();
      this.publish();
    }
    // A refusal stays shown until an upload goes through whole.
    if (refused) this.error = refused;
    else if (stored) this.error = undefined;
  }

  private async pull(link: { origin: string; client: LiveLink }): Promise<void> {
    const account = this.o.live.status().account;
    if (!account) return;
    const cursorKey = this.cursorKey(link.origin);
    for (;;) {
      if (this.closed) return;
      const after = this.o.settings.getValue(cursorKey, z.number().int().min(0), 0);
      const page = await link.client.withFreshToken((t) => pullChanges(link.origin, t, this.device, after, PULL_PAGE));
      const changedSettings: string[] = [];
      let feedSource: Parameters<CloudEffects['settings']>[1];
      const alerts: [string, CloudAlert | null][] = [];
      const portfolios: [string, CloudPortfolio | null][] = [];
      this.o.db.transaction(() => {
        // The clock takes the newest stamp seen: one receive of the page's newest does what one per change would.
        this.heard(page.serverHlc);
        let newest = page.serverHlc;
        for (const c of page.changes) if (c.hlc > newest) newest = c.hlc;
        this.clock.receive(newest);
        for (const c of page.changes) {
          const applied = this.apply(c);
          if (applied === 'setting') {
            changedSettings.push(c.key);
            if (c.key === FEED_SOURCE_KEY) feedSource = c.value as typeof feedSource;
          } else if (applied === 'alert') alerts.push([c.key, c.value as CloudAlert | null]);
          else if (applied === 'portfolio') portfolios.push([c.key, c.value as CloudPortfolio | null]);
        }
        this.o.settings.applyRemote(CLOCK_KEY, this.clock.last());
        this.o.settings.applyRemote(cursorKey, page.cursor);
        this.o.settings.applyRemote(NAMES_KEY, { ...this.names(), ...page.devices });
      })();
      if (changedSettings.length > 0) this.o.effects.settings(changedSettings, feedSource);
      for (const [uid, value] of alerts) this.o.effects.alert(uid, value);
      for (const [uid, value] of portfolios) this.o.effects.portfolio(uid, value);
      if (!page.more) {
        this.pulledFor = `${link.origin}#${account.id}`;
        return;
      }
    }
  }

  /** Applies a pulled change if it is newer than its field; answers its kind when it changed something. */
  private apply(c: CloudStored): CloudKind | undefined {
    if (c.device === this.device.id) return undefined; // mine: the field already holds it or something newer
    const check = checkChange(c, c.device, 0, Number.MAX_SAFE_INTEGER);
    if (!check.ok) return undefined;
    if (this.q.takeNewer.run(c.kind, c.key, c.hlc, c.device, check.json).changes === 0) return undefined;
    const kind = c.kind as CloudKind;
    // The price source is switched by the host (effects.settings), which keeps this device's replay file.
    if (kind === 'setting' && c.key !== FEED_SOURCE_KEY) this.o.settings.applyRemote(c.key, check.value);
    return kind;
  }

  /** Copies new practice journal entries of mine into the outbox, moving the journal cursor in the same commit. */
  private collectPractice(): void {
    const journal = new PracticeJournalOutbox(this.o.practice, this.o.settings, `cloud:${this.device.id}`);
    for (;;) {
      const entries = journal.pending(PRACTICE_STEP);
      if (entries.length === 0) return;
      this.o.db.transaction(() => {
        for (const e of entries) this.record('practice', `${this.device.id}/${e.localId}`, e);
        journal.markSynced(entries.map((e) => e.localId));
      })();
    }
  }

  /**
   * The wall time the clock stamps with: this computer's, unless it runs ahead of the server's (as last
   * answered) by more than a second, then the server's. So a computer whose clock is ahead still stamps within
   * what the server takes, once it has heard from the server.
   */
  private wallNow(): number {
    const local = this.now();
    if (this.serverOffset === undefined) return local;
    return Math.min(local, local + this.serverOffset + 1_000);
  }

  private heard(serverHlc: string): void {
    const wall = Number(serverHlc.slice(0, 15));
    if (Number.isSafeInteger(wall) && wall > 0) this.serverOffset = wall - this.now();
  }

  private cursorKey(origin: string): string {
    return `cloud.cursor:${origin}#${this.o.live.status().account?.id ?? 0}`;
  }

  private names(): Record<string, string> {
    return this.o.settings.getValue(NAMES_KEY, z.record(z.string(), z.string()), {});
  }

  private requireLink(): { origin: string; client: LiveLink } {
    const link = this.o.live.syncLink();
    if (!link) throw new ApiError('OFFLINE', 'sign in and connect to the sync server first');
    return link;
  }

  private publish(): void {
    if (this.closed) return;
    const s = this.status();
    const text = JSON.stringify(s);
    if (text === this.lastStatus) return;
    this.lastStatus = text;
    this.o.emit(s);
  }
}

const FEED_SOURCE_KEY = 'feed.source';

/** A setting as it syncs: the price source without this device's replay file. */
function syncedSetting(key: string, value: unknown): unknown {
  if (key !== FEED_SOURCE_KEY || typeof value !== 'object' || value === null) return value;
  const { source, speed } = value as { source?: unknown; speed?: unknown };
  return { source, speed: speed ?? 1 };
}

type LiveLink = NonNullable<ReturnType<LiveMarket['syncLink']>>['client'];

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 500);
}

function apiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof SyncHttpError) return new ApiError(err.code, err.message);
  return new ApiError('INTERNAL', message(err));
}
