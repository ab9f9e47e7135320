/**
 * Cloud sync between real app hosts (each with its own data folder) signed in to one real sync server as the
 * same user: what one device changes — settings, the price source, the market list's favourites, price alerts, its practice
 * history — reaches the other; edits made offline merge by the hybrid logical clock, a device an hour behind
 * included; a fresh data folder restores everything on sign-in; a device can sign another one out.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppHost } from '../engine/host/app-host';
import type { Method, Params, Result, Settings } from '../engine/protocol/api';
import type { CloudStatus } from '../engine/protocol/cloud-api';
import type { CloudPage } from '../engine/protocol/cloud';
import type { FromHost } from '../engine/protocol/host-channel';
import type { ResponseFrame } from '../engine/protocol/wire';
import { forkHost } from '../engine/host/testing/fork-host';
import { eventually, http, LPJ, startTestServer, tempDir, type TestServer } from './testing/harness';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const HOUR = 3_600_000;

function openApp(serverUrl: string, name: string, skewMs = 0): AppHost {
  const dir = tempDir('lpj-cloud-app-');
  const host = AppHost.open({
    dataDir: dir.path,
    appVersion: '0.0.0',
    mode: 'web',
    practice: { ticksPerSecond: 0 },
    live: { defaultServerUrl: serverUrl, backoff: { baseMs: 50, maxMs: 200 }, publishEveryMs: 20, backupDelayMs: 50 },
    cloud: { deviceName: name, retryMs: 200, now: () => Date.now() + skewMs },
  });
  cleanups.push(() => dir.remove());
  cleanups.push(() => host.close());
  return host;
}

async function server(): Promise<TestServer> {
  const dir = tempDir();
  const s = await startTestServer(dir.path);
  cleanups.push(() => dir.remove());
  cleanups.push(() => s.close());
  return s;
}

interface Relay {
  url: string;
  /** Drops every connection and stops listening: the device is offline. */
  cut(): Promise<void>;
  /** Listens on the same port again. */
  restore(): Promise<void>;
  /** Whether the server's answers are thrown away (requests still reach it): an answer lost on the way. */
  deaf: boolean;
}

/** A TCP relay to the server on a port of its own, which a test can cut or make deaf. */
async function relay(target: string): Promise<Relay> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  let listener: Server | undefined;
  let port = 0;
  const listen = async () => {
    listener = createServer((client) => {
      const upstream = connect(Number(to.port), to.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => {
        if (!r.deaf) client.write(chunk);
      });
      upstream.on('end', () => client.end());
    });
    await new Promise<void>((r) => listener!.listen(port, '127.0.0.1', r));
    port = (listener.address() as { port: number }).port;
  };
  const cut = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => listener?.close(r));
    listener = undefined;
  };
  await listen();
  cleanups.push(cut);
  const r: Relay = { url: `http://127.0.0.1:${port}`, cut, restore: listen, deaf: false };
  return r;
}

const call = <M extends Method>(host: AppHost, method: M, params: Params<M>) =>
  host.invoke(method, params) as Promise<Result<M>>;
const settings = (host: AppHost) => call(host, 'settings.get', {}) as Promise<Settings>;
const cloudStatus = (host: AppHost) => call(host, 'cloud.status', {}) as Promise<CloudStatus>;
/** Waits until the host says synced; fails with the status it shows instead. */
async function synced(host: AppHost): Promise<void> {
  try {
    await eventually(async () => (await cloudStatus(host)).state === 'synced', 'synced', 15_000);
  } catch {
    throw new Error(`not synced: ${JSON.stringify(await cloudStatus(host))}`);
  }
}
/** The stamp a device holds for a field, read from its own download of its data. */
async function stampOf(host: AppHost, kind: string, key: string): Promise<string> {
  const doc = JSON.parse((await call(host, 'cloud.export', {})).json) as {
    fields: { kind: string; key: string; hlc: string }[];
  };
  return doc.fields.find((f) => f.kind === kind && f.key === key)!.hlc;
}

const CREDENTIALS = { nickname: 'roamer', password: 'roamer-password' };

describe('cloud sync between two app hosts of one account', () => {
  it('carries settings, favourites, alerts and practice history across, merges offline edits by the clock, restores a fresh install and signs a device out', async () => {
    const srv = await server();
    const link = await relay(srv.url);
    const a = openApp(link.url, 'Laptop');
    const b = openApp(srv.url, 'Desk', -HOUR); // B's clock is an hour behind
    await call(a, 'live.signUp', CREDENTIALS);
    await call(b, 'live.signIn', CREDENTIALS);
    await synced(a);
    await synced(b);

    // A changes settings, stars a market, sets an alert and trades on its practice market.
    await call(a, 'settings.update', { theme: 'light', language: 'ko' });
    await call(a, 'watchlist.favourite', { key: 'upbit:BTC-KRW', favourite: true });
    await call(a, 'feed.setSource', { source: 'binance' });
    const alert = await call(a, 'alerts.create', {
      venue: 'practice',
      market: 'LPJ-KRW',
      condition: { kind: 'above', price: 250_000 },
    });
    const placed = await call(a, 'practice.place', { side: 'buy', orderType: 'limit', price: 9_000, quantity: LPJ });
    expect(placed.status).toBe('accepted');

    // B sees all of it.
    await eventually(
      async () => {
        const s = await settings(b);
        return s.theme === 'light' && s.language === 'ko';
      },
      'B has A’s settings',
      15_000,
    );
    await eventually(
      async () =>
        (await call(b, 'watchlist.favourite', { key: 'lpj', favourite: false })).favourites.includes('upbit:BTC-KRW'),
      'B has A’s favourite',
      15_000,
    );
    await eventually(
      async () => (await call(b, 'feed.source', {})).source === 'binance',
      'B prices real coins from Binance as A chose',
      15_000,
    );
    await eventually(
      async () =>
        (await call(b, 'alerts.list', {})).items.some(
          (x) => x.condition.kind === 'above' && x.condition.price === 250_000 && x.firedAt === null,
        ),
      'B has A’s alert, waiting',
      15_000,
    );
    await eventually(
      async () =>
        (await call(b, 'cloud.practiceHistory', { limit: 10 })).items.some(
          (r) => r.kind === 'order' && r.deviceName === 'Laptop' && r.data.orderId === placed.orderId,
        ),
      'B shows A’s practice order as Laptop’s',
      15_000,
    );

    // B, an hour behind, changes what it has seen from A: its change wins on both, though its wall clock
    // says an hour earlier (a plain time stamp would let A's older change win).
    await call(b, 'settings.update', { theme: 'dark' });
    await eventually(async () => (await settings(a)).theme === 'dark', 'A takes B’s later theme', 15_000);
    expect((await settings(b)).theme).toBe('dark');

    // A goes offline and changes the colours; B changes the same field meanwhile. On reconnect both hold the
    // value of the newer stamp.
    await link.cut();
    await eventually(async () => (await cloudStatus(a)).state === 'offline', 'A offline', 15_000);
    await call(a, 'settings.update', { colours: 'green-up' });
    expect(await cloudStatus(a)).toMatchObject({ state: 'offline', pending: 1 });
    await call(b, 'settings.update', { colours: 'red-up' });
    await synced(b);
    await link.restore();
    await synced(a);
    await call(b, 'cloud.syncNow', {});
    const stampA = await stampOf(a, 'setting', 'colours');
    const stampB = await stampOf(b, 'setting', 'colours');
    expect(stampA).toBe(stampB);
    const winner = stampA.endsWith(`:${a.cloud.device.id}`) ? 'green-up' : 'red-up';
    expect((await settings(a)).colours).toBe(winner);
    expect((await settings(b)).colours).toBe(winner);

    // A deletes the alert: gone on B too.
    await call(a, 'alerts.delete', { id: alert.id });
    await eventually(async () => (await call(b, 'alerts.list', {})).items.length === 0, 'alert gone on B', 15_000);

    // A third, fresh data folder signs in and restores everything.
    const c = openApp(srv.url, 'New laptop');
    await call(c, 'live.signIn', CREDENTIALS);
    await synced(c);
    const restored = await settings(c);
    expect(restored).toMatchObject({ theme: 'dark', language: 'ko', colours: winner });
    expect((await call(c, 'watchlist.list', {})).favourites).toContain('upbit:BTC-KRW');
    expect((await call(c, 'feed.source', {})).source).toBe('binance');
    expect((await call(c, 'alerts.list', {})).items).toEqual([]);
    expect(
      (await call(c, 'cloud.practiceHistory', { limit: 10 })).items.filter((r) => r.deviceName === 'Laptop'),
    ).not.toHaveLength(0);

    // C lists the devices and signs B out: B's sign-in ends, its data stays.
    const devices = (await call(c, 'cloud.devices', {})).items;
    expect(devices.map((d) => d.name).sort()).toEqual(['Desk', 'Laptop', 'New laptop']);
    expect(devices.find((d) => d.current)!.name).toBe('New laptop');
    const bId = devices.find((d) => d.name === 'Desk')!.id;
    const after = (await call(c, 'cloud.signOutDevice', { id: bId })).items;
    expect(after.find((d) => d.id === bId)!.signedIn).toBe(false);
    await eventually(async () => (await cloudStatus(b)).state === 'signed_out', 'B signed out', 15_000);
    expect((await settings(b)).theme).toBe('dark');
  }, 120_000);
});

describe('a refused change in the app', () => {
  it('shows the server’s code and reason when a change was stamped by a clock far ahead, then stamps by the server’s time', async () => {
    const srv = await server();
    const dir = tempDir('lpj-cloud-app-');
    cleanups.push(() => dir.remove());
    const app = AppHost.open({
      dataDir: dir.path,
      appVersion: '0.0.0',
      mode: 'web',
      practice: { ticksPerSecond: 0 },
      live: { defaultServerUrl: srv.url, backoff: { baseMs: 50, maxMs: 200 } },
      // This computer's clock is two hours ahead.
      cloud: { deviceName: 'Fast clock', retryMs: 200, now: () => Date.now() + 2 * HOUR },
    });
    cleanups.push(() => app.close());
    // A change made before this device ever heard the server's time: stamped two hours ahead.
    await call(app, 'settings.update', { theme: 'light' });
    await call(app, 'live.signUp', { nickname: 'hasty', password: 'hasty-password' });
    await eventually(async () => (await cloudStatus(app)).state === 'error', 'the refusal shown', 15_000);
    expect(await cloudStatus(app)).toMatchObject({ state: 'error', code: 'CLOCK_AHEAD', pending: 0 });
    expect((await cloudStatus(app)).reason).toMatch(/ahead of the server's clock/);

    // Having heard the server's time, the device stamps by it: its next change goes through though the clock
    // is still two hours ahead, the error clears, and another device sees it; the refused change reached no one.
    await call(app, 'settings.update', { colours: 'green-up' });
    await synced(app);
    const other = openApp(srv.url, 'Other');
    await call(other, 'live.signIn', { nickname: 'hasty', password: 'hasty-password' });
    await synced(other);
    expect(await settings(other)).toMatchObject({ colours: 'green-up', theme: 'dark' });
  }, 60_000);
});

/** A desktop host process on a data folder, reaching the server through `serverUrl`. */
async function hostProcess(dataDir: string, serverUrl: string) {
  const host = forkHost({ LPJ_SYNC_URL: serverUrl });
  cleanups.push(() => host.process.kill('SIGKILL'));
  const frames = () => host.received as FromHost[];
  host.send({ type: 'start', dataDir, appVersion: '7.7.7', practice: { ticksPerSecond: 0 } });
  await eventually(() => frames().some((m) => m.type === 'ready' || m.type === 'failed'), 'the host to start', 30_000);
  expect(frames().find((m) => m.type === 'ready' || m.type === 'failed')!.type).toBe('ready');
  let nextId = 1;
  const request = async <T>(method: string, params: unknown = {}): Promise<T> => {
    const id = nextId++;
    host.send({ type: 'request', id, method, params });
    await eventually(() => frames().some((m) => m.type === 'response' && m.id === id), `the answer to ${method}`);
    const reply = frames().find((m): m is ResponseFrame => m.type === 'response' && m.id === id)!;
    if (!reply.ok) throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
    return reply.result as T;
  };
  return { host, request };
}

describe('cloud sync through a crash of the app host', () => {
  it('loses no change made before a kill -9, and uploads none twice when the answer to an upload was lost', async () => {
    const srv = await server();
    const link = await relay(srv.url);
    const dataDir = tempDir('lpj-cloud-crash-');
    cleanups.push(() => dataDir.remove());
    let app = await hostProcess(dataDir.path, link.url);
    await app.request('live.signUp', CREDENTIALS);
    const synced = (a: typeof app) =>
      eventually(async () => (await a.request<CloudStatus>('cloud.status')).state === 'synced', 'synced', 30_000);
    await synced(app);

    // What the server holds, read by a device of its own.
    const probe = (await http<{ accessToken: string }>(srv.url, 'POST', '/api/v1/auth/signin', { body: CREDENTIALS }))
      .body.accessToken;
    const held = async () =>
      (
        await http<CloudPage>(srv.url, 'GET', '/api/v1/cloud/changes?after=0&device=probe&name=probe', {
          token: probe,
        })
      ).body.changes.filter((c) => c.kind === 'setting');

    // Offline: the change is written, then the host is killed before it could upload. Nothing is lost.
    await link.cut();
    await eventually(async () => (await app.request<CloudStatus>('cloud.status')).state === 'offline', 'offline');
    await app.request('settings.update', { language: 'ko' });
    app.host.process.kill('SIGKILL');
    await app.host.exited;
    await link.restore();
    app = await hostProcess(dataDir.path, link.url);
    await synced(app);
    expect((await held()).map((c) => [c.key, c.value])).toEqual([['language', 'ko']]);

    // The upload reaches the server but its answer never comes back; the host is killed waiting for it.
    link.deaf = true;
    await app.request('settings.update', { theme: 'light' });
    await eventually(async () => (await held()).some((c) => c.key === 'theme'), 'the server to store the theme');
    const stored = (await held()).find((c) => c.key === 'theme')!;
    app.host.process.kill('SIGKILL');
    await app.host.exited;
    link.deaf = false;
    await link.cut();
    await link.restore();
    app = await hostProcess(dataDir.path, link.url);
    await synced(app);
    // Sent again after the restart, and known by its id: the same change at the same place in the log.
    expect(await app.request<CloudStatus>('cloud.status')).toMatchObject({ state: 'synced', pending: 0 });
    expect((await held()).find((c) => c.key === 'theme')).toEqual(stored);
    expect((await held()).map((c) => c.key).sort()).toEqual(['language', 'theme']);
    expect(await app.request<Settings>('settings.get')).toMatchObject({ language: 'ko', theme: 'light' });
  }, 120_000);
});

describe('paper portfolios follow the account', () => {
  const portfolios = (host: AppHost) => call(host, 'paper.portfolios', {});
  const named = async (host: AppHost, name: string) => (await portfolios(host)).portfolios.find((p) => p.name === name);

  it('a portfolio created, changed and deleted on one device is created, changed and deleted on the other; a fresh install restores them', async () => {
    const srv = await server();
    const a = openApp(srv.url, 'Laptop');
    const b = openApp(srv.url, 'Desk');
    // Each had a portfolio called Swing before it signed in: both go up and both are kept, under that name.
    await call(a, 'paper.createPortfolio', { name: 'Swing', exchange: 'upbit' });
    await call(b, 'paper.createPortfolio', { name: 'Swing', exchange: 'upbit' });
    await call(a, 'live.signUp', CREDENTIALS);
    await call(b, 'live.signIn', CREDENTIALS);
    await synced(a);
    await synced(b);
    const swings = async (host: AppHost) => (await portfolios(host)).portfolios.filter((p) => p.name === 'Swing');
    await eventually(async () => (await swings(a)).length === 2, 'A has B’s Swing beside its own', 15_000);
    await eventually(async () => (await swings(b)).length === 2, 'B has A’s Swing beside its own', 15_000);
    // A renames its own: B shows the new name on that one only.
    const mine = (await swings(a)).sort((x, y) => x.id - y.id)[0];
    await call(a, 'paper.updatePortfolio', { id: mine.id, change: { name: 'Swing B' } });
    await eventually(async () => (await swings(b)).length === 1, 'B has the rename', 15_000);

    const createdA = (
      await call(a, 'paper.createPortfolio', {
        name: 'Scalp',
        exchange: 'upbit',
        startingBalances: { KRW: 5_000_000_0000 },
        makerFeeBps: 3,
        takerFeeBps: 7,
        latencyMs: 120,
        fillModel: 'touch',
      })
    ).portfolios.find((p) => p.name === 'Scalp')!;
    await call(a, 'paper.updatePortfolio', { id: 1, change: { name: 'Main desk' } });

    const definition = { exchange: 'upbit', startingBalances: { KRW: 5_000_000_0000 }, makerFeeBps: 3, takerFeeBps: 7 };
    await eventually(
      async () => (await named(b, 'Scalp'))?.latencyMs === 120 && (await named(b, 'Main desk')) !== undefined,
      'B has A’s Scalp and A’s name of the first portfolio',
      15_000,
    );
    expect(await named(b, 'Scalp')).toMatchObject({ ...definition, fillModel: 'touch', createdAt: createdA.createdAt });
    expect(await named(b, 'Swing B')).toBeDefined();
    expect((await portfolios(b)).portfolios).toHaveLength(4);

    // B changes Scalp's fees and trades in it; A takes the change.
    const scalpB = (await named(b, 'Scalp'))!;
    await call(b, 'paper.selectPortfolio', { id: scalpB.id });
    await call(b, 'paper.updatePortfolio', { id: scalpB.id, change: { takerFeeBps: 9 } });
    await eventually(async () => (await named(a, 'Scalp'))?.takerFeeBps === 9, 'A has B’s fees', 15_000);

    // A deletes Scalp, which B trades in: B hands over to another portfolio and the Scalp is gone on both.
    await call(a, 'paper.deletePortfolio', { id: createdA.id });
    await eventually(async () => (await named(b, 'Scalp')) === undefined, 'Scalp gone on B', 15_000);
    const listB = await portfolios(b);
    expect(listB.portfolios.map((p) => p.id)).toContain(listB.active);

    // A fresh data folder signs in and has the same definitions.
    const c = openApp(srv.url, 'New laptop');
    await call(c, 'live.signIn', CREDENTIALS);
    await synced(c);
    await eventually(async () => (await portfolios(c)).portfolios.length === 3, 'C has three portfolios', 15_000);
    const defs = (list: Awaited<ReturnType<typeof portfolios>>) =>
      list.portfolios.map(({ id: _id, ...rest }) => rest).sort((x, y) => x.name.localeCompare(y.name));
    await eventually(
      async () => JSON.stringify(defs(await portfolios(c))) === JSON.stringify(defs(await portfolios(a))),
      'C’s definitions are A’s',
      15_000,
    );
    expect(defs(await portfolios(b))).toEqual(defs(await portfolios(a)));
  }, 120_000);
});
