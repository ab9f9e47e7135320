/**
 * Cloud sync's wire format between the app and the sync server (/api/v1/cloud, see docs/cloud-sync.md): the
 * account's synced state is a set of fields, each (kind, key) holding one JSON value; a change sets one field,
 * stamped with a hybrid logical clock (HLC) and an id of its own. The newest stamp of a field wins, on the
 * server and on every device alike, so they all end up with the same values whatever order changes arrive in.
 *
 * Both sides validate a change with `checkChange`: the server before it stores one, the app before it applies
 * one it pulled. A new kind of synced state is one more entry in CLOUD_KINDS.
 */
import { z } from 'zod';
import { FeedSource, Language, NotifySwitches, Theme, UpDownColours } from './api';
import { AlertCondition, AlertMarket } from './alerts';
import { ChartIndicators } from './chart-indicators';
import { PracticeEntry } from './sync';
import { MAX_FAVOURITES, WatchKey } from './watchlist';
import { CloudDevice } from './cloud-api';
import { PaperPortfolio } from './paper-portfolios';

const int = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** `<wall ms, 15 digits>:<counter, 6 digits>:<device id>`: stamps compare as text (see core/cloud/hlc). */
export const HLC_PATTERN = /^\d{15}:\d{6}:[A-Za-z0-9-]{1,40}$/;
export const Hlc = z.string().regex(HLC_PATTERN, 'an HLC stamp <wall>:<counter>:<device>');
/** A device's id: chosen by the app once per data folder. */
export const DeviceId = z.string().regex(/^[A-Za-z0-9-]{1,40}$/);
/** A change's id: unique per account; sending it again changes nothing. */
export const ChangeId = z.string().regex(/^[A-Za-z0-9:._/-]{1,120}$/);

/** Largest value of one change, as JSON bytes. */
export const CLOUD_VALUE_MAX_BYTES = 4_096;
/** Most changes in one upload. */
export const CLOUD_BATCH_MAX = 500;
/** Most changes in one pull page. */
export const CLOUD_PAGE_MAX = 5_000;

/** The synced settings: each key's value schema. The favourites of the market list are one of them. */
export const SYNCED_SETTINGS = {
  language: Language,
  theme: Theme,
  colours: UpDownColours,
  notify: NotifySwitches,
  'watchlist.favourites': z.array(WatchKey).max(MAX_FAVOURITES),
  'chart.indicators': ChartIndicators,
  /** The price source of real-coin markets and the replay speed; a replay's session file stays on its device. */
  'feed.source': z.object({ source: FeedSource, speed: z.number().min(1).max(100) }).strict(),
} as const satisfies Record<string, z.ZodType>;
export type SyncedSetting = keyof typeof SYNCED_SETTINGS;
export const isSyncedSetting = (key: string): key is SyncedSetting => Object.hasOwn(SYNCED_SETTINGS, key);

/** A price alert as synced (key: the alert's id across devices). Null: deleted. */
export const CloudAlert = z
  .object({
    market: AlertMarket,
    condition: AlertCondition,
    basePrice: int,
    createdAt: int,
    firedAt: int.nullable(),
    firedPrice: int.nullable(),
  })
  .strict();
export type CloudAlert = z.output<typeof CloudAlert>;
export const AlertUid = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/**
 * A paper portfolio's definition as synced (key: its id across devices). Its local id stays per device, as the
 * folder of its journal; null: deleted.
 */
export const CloudPortfolio = PaperPortfolio.omit({ id: true }).strict();
export type CloudPortfolio = z.output<typeof CloudPortfolio>;
/** A portfolio's id across devices: a UUID made when it is created, or `first` for every device's first one. */
export const PortfolioUid = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/**
 * The kinds of synced state: what a key may be and what its value must be. `owned`: the key starts with the
 * id of the device that wrote it (`<device>/…`), and only that device may write it (a practice entry belongs
 * to the practice market of the device it happened on).
 */
export const CLOUD_KINDS = {
  setting: { key: (k: string) => isSyncedSetting(k), value: (k: string) => SYNCED_SETTINGS[k as SyncedSetting] },
  alert: { key: (k: string) => AlertUid.safeParse(k).success, value: () => CloudAlert.nullable() },
  portfolio: { key: (k: string) => PortfolioUid.safeParse(k).success, value: () => CloudPortfolio.nullable() },
  practice: {
    key: (k: string) => /^[A-Za-z0-9-]{1,40}\/[^\s]{1,100}$/.test(k),
    value: () => PracticeEntry,
    owned: true,
  },
} as const satisfies Record<string, { key: (k: string) => boolean; value: (k: string) => z.ZodType; owned?: boolean }>;
export type CloudKind = keyof typeof CLOUD_KINDS;
export const CloudKindName = z.enum(Object.keys(CLOUD_KINDS) as [CloudKind, ...CloudKind[]]);

/** A change as uploaded: the kind and value are checked by `checkChange`, not here, so each refusal has a code. */
export const CloudChange = z
  .object({
    id: ChangeId,
    kind: z.string().max(40),
    key: z.string().min(1).max(160),
    hlc: z.string().max(80),
    value: z.unknown(),
  })
  .strict();
export type CloudChange = { id: string; kind: string; key: string; hlc: string; value: unknown };

export const CloudUpload = z
  .object({
    device: z.object({ id: DeviceId, name: z.string().min(1).max(60) }).strict(),
    changes: z.array(CloudChange),
  })
  .strict();
export type CloudUpload = z.output<typeof CloudUpload>;

/** Why a change was not stored. */
export type CloudRefusal =
  | 'UNKNOWN_KIND'
  | 'UNKNOWN_KEY'
  | 'INVALID_VALUE'
  | 'VALUE_TOO_LARGE'
  | 'BAD_CLOCK'
  | 'CLOCK_AHEAD'
  | 'OUT_OF_ORDER'
  | 'NOT_YOUR_DEVICE';

/**
 * What became of each change of an upload: `stored` (it is the field's value now), `duplicate` (stored before),
 * `superseded` (the field holds a newer change: nothing to do), `refused` (with a code and why).
 */
export const CloudResult = z.object({
  id: z.string(),
  status: z.enum(['stored', 'duplicate', 'superseded', 'refused']),
  code: z.string().optional(),
  message: z.string().optional(),
});
export type CloudResult = z.output<typeof CloudResult>;
export const CloudUploadAnswer = z.object({ results: z.array(CloudResult), cursor: int, serverHlc: Hlc });

/** A stored change as pulled: `seq` orders the account's log, `device` wrote it. */
export const CloudStored = z.object({
  seq: int,
  id: ChangeId,
  kind: z.string(),
  key: z.string(),
  hlc: Hlc,
  device: DeviceId,
  value: z.unknown(),
});
export type CloudStored = z.output<typeof CloudStored>;
export const CloudPage = z.object({
  changes: z.array(CloudStored),
  /** Pull again after this to get what is newer. */
  cursor: int,
  /** More changes wait after `cursor`. */
  more: z.boolean(),
  /** The server's clock as a stamp: taken into the device's clock, so a slow clock still stamps after it. */
  serverHlc: Hlc,
  /** Device names, for showing who wrote what. */
  devices: z.record(z.string(), z.string()),
});
export type CloudPage = z.output<typeof CloudPage>;
export const CloudDevices = z.object({ items: z.array(CloudDevice.omit({ current: true })) });

/**
 * A paper portfolio's lease: the one device that trades it (docs/cloud-sync.md, "Leases"). `epoch` rises at
 * each take-over, so what a device did under an older one is known as done without the lease.
 */
export const CloudLease = z.object({
  portfolio: PortfolioUid,
  device: DeviceId,
  deviceName: z.string(),
  epoch: int,
  /** When this device took it (server ms). */
  since: int,
});
export type CloudLease = z.output<typeof CloudLease>;
/** Asks for a portfolio's lease: granted if free or held by the asker already, or with `takeOver`. */
export const CloudLeaseRequest = z
  .object({
    device: z.object({ id: DeviceId, name: z.string().min(1).max(60) }).strict(),
    portfolio: PortfolioUid,
    takeOver: z.boolean().default(false),
  })
  .strict();
/** `granted`: the asker holds `lease` now; otherwise `lease` says who does. */
export const CloudLeaseAnswer = z.object({ granted: z.boolean(), lease: CloudLease });
export type CloudLeaseAnswer = z.output<typeof CloudLeaseAnswer>;
export const CloudLeases = z.object({ items: z.array(CloudLease) });

/**
 * Whether a change may be stored (or applied): its kind, key, value, size and stamp. `device` is who sends it;
 * `now` and `maxDriftMs`: a stamp further ahead of the receiver's clock is refused (CLOCK_AHEAD), since a
 * stamp from the future would win every later change until that time came.
 */
export function checkChange(
  c: CloudChange,
  device: string,
  now: number,
  maxDriftMs: number,
): { ok: true; value: unknown; json: string; bytes: number } | { ok: false; code: CloudRefusal; message: string } {
  if (!Object.hasOwn(CLOUD_KINDS, c.kind))
    return { ok: false, code: 'UNKNOWN_KIND', message: `no kind "${c.kind.slice(0, 40)}" is synced` };
  const kind = CLOUD_KINDS[c.kind as CloudKind];
  if (!kind.key(c.key))
    return { ok: false, code: 'UNKNOWN_KEY', message: `"${c.key.slice(0, 60)}" is not a ${c.kind} that syncs` };
  if ('owned' in kind && kind.owned && !c.key.startsWith(`${device}/`))
    return { ok: false, code: 'NOT_YOUR_DEVICE', message: `${c.kind} ${c.key.slice(0, 60)} belongs to another device` };
  const text = JSON.stringify(c.value ?? null);
  const bytes = byteLength(text);
  if (bytes > CLOUD_VALUE_MAX_BYTES)
    return { ok: false, code: 'VALUE_TOO_LARGE', message: `${bytes} bytes: at most ${CLOUD_VALUE_MAX_BYTES}` };
  const parsed = kind.value(c.key).safeParse(c.value ?? null);
  if (!parsed.success)
    return {
      ok: false,
      code: 'INVALID_VALUE',
      message: `${c.kind} ${c.key.slice(0, 60)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    };
  if (!HLC_PATTERN.test(c.hlc) || !c.hlc.endsWith(`:${device}`))
    return { ok: false, code: 'BAD_CLOCK', message: `the stamp must be <wall>:<counter>:${device}` };
  const wall = Number(c.hlc.slice(0, 15));
  if (wall > now + maxDriftMs)
    return {
      ok: false,
      code: 'CLOCK_AHEAD',
      message: `stamped ${Math.round((wall - now) / 1000)} s ahead of the server's clock (at most ${maxDriftMs / 1000} s): set this computer's clock right`,
    };
  // `text` is what was checked: the schemas are strict, so it holds nothing the parsed value does not.
  return { ok: true, value: parsed.data, json: text, bytes: bytes + byteLength(c.id) + byteLength(c.key) };
}

/** UTF-8 length, counted without encoding (the protocol runs in the renderer too, without Buffer). */
function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
