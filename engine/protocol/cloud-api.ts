/**
 * What the UI asks and hears about cloud sync (the wire format of the changes themselves is in ./cloud): the
 * sync status the status bar shows, the devices signed in to the account, and the download of my data. Kept
 * apart from ./api so that ./cloud can read the settings' schemas without a cycle.
 */
import { z } from 'zod';

const int = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * Where sync stands: `synced` (nothing waits), `syncing` (`pending` changes wait for the server), `offline`
 * (the server is not reachable: changes wait), `error` (the server refused something: `code` and `reason`
 * say what), `signed_out` (nothing is synced until a sign-in; changes made meanwhile wait).
 */
export const CloudStatus = z.object({
  state: z.enum(['synced', 'syncing', 'offline', 'error', 'signed_out']),
  pending: int,
  code: z.string().max(60).optional(),
  reason: z.string().max(500).optional(),
  /** When this device last heard from the server (ms since epoch). */
  lastSyncAt: int.optional(),
});
export type CloudStatus = z.output<typeof CloudStatus>;

/** A device that synced with the account: its sign-in can be ended from any other device. */
export const CloudDevice = z.object({
  id: z.string().max(40),
  name: z.string().max(60),
  lastSeen: int,
  /** Whether its sign-in still works (false once signed out, from it or from another device). */
  signedIn: z.boolean(),
  /** This device. */
  current: z.boolean(),
});
export type CloudDevice = z.output<typeof CloudDevice>;

/** A practice order, fill or cancel as synced: which device's practice market it happened on. */
export const CloudPracticeRow = z.object({
  device: z.string().max(40),
  deviceName: z.string().max(60),
  kind: z.string().max(20),
  market: z.string().max(40),
  ts: int,
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type CloudPracticeRow = z.output<typeof CloudPracticeRow>;

export const cloudMethods = {
  'cloud.status': { params: z.object({}).strict(), result: CloudStatus },
  /** Uploads and pulls now (also done on its own whenever something changes or the server is back). */
  'cloud.syncNow': { params: z.object({}).strict(), result: CloudStatus },
  /** The devices of the signed-in account, the most recently seen first. */
  'cloud.devices': { params: z.object({}).strict(), result: z.object({ items: z.array(CloudDevice) }) },
  /** Ends the sign-in of another device (it keeps its data, and syncs again once signed in again). */
  'cloud.signOutDevice': {
    params: z.object({ id: z.string().min(1).max(40) }).strict(),
    result: z.object({ items: z.array(CloudDevice) }),
  },
  /** The offline practice history of every device of the account, newest first, per device of origin. */
  'cloud.practiceHistory': {
    params: z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    result: z.object({ items: z.array(CloudPracticeRow) }),
  },
  /** Everything synced, as one JSON document (the format is described in docs/cloud-sync.md). */
  'cloud.export': {
    params: z.object({}).strict(),
    result: z.object({ filename: z.string(), json: z.string(), changes: int }),
  },
} as const;

export const cloudEvents = {
  'cloud.status': CloudStatus,
} as const;
