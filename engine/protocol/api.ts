/**
 * The one contract between the UI and the app host, whichever transport carries it (Electron IPC or the web
 * mode WebSocket). Every method names its params and result schema; every pushed event names its payload.
 * The host validates every incoming request against these schemas before any handler sees it.
 */
import { z } from 'zod';

export const Language = z.enum(['en', 'ko']);
export const Theme = z.enum(['dark', 'light']);

export const Settings = z.object({
  language: Language,
  theme: Theme,
});

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  engineVersion: z.string(),
  /** Which transport serves this UI: the desktop shell or a browser over the web bridge. */
  mode: z.enum(['desktop', 'web']),
  platform: z.string(),
  dataDir: z.string(),
  dbPath: z.string(),
});

export const EngineStatus = z.enum(['starting', 'ready', 'error']);

export const Health = z.object({
  status: EngineStatus,
  schemaVersion: z.number().int(),
  uptimeMs: z.number().int().nonnegative(),
  message: z.string().optional(),
});

const NoParams = z.object({}).strict();

export const methods = {
  'app.info': { params: NoParams, result: AppInfo },
  'app.health': { params: NoParams, result: Health },
  'settings.get': { params: NoParams, result: Settings },
  'settings.update': { params: Settings.partial().strict(), result: Settings },
} as const;

export const events = {
  'engine.status': Health,
  'settings.changed': Settings,
} as const;

export type Methods = typeof methods;
export type Method = keyof Methods;
export type Params<M extends Method> = z.input<Methods[M]['params']>;
export type Result<M extends Method> = z.output<Methods[M]['result']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
/** A pushed event as it crosses a boundary: the name tells the payload's type. */
export type EventFrame = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export type Settings = z.output<typeof Settings>;
export type Language = z.output<typeof Language>;
export type Theme = z.output<typeof Theme>;
export type AppInfo = z.output<typeof AppInfo>;
export type Health = z.output<typeof Health>;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(methods, name);
}
