/**
 * The desktop host process, forked under Node and driven over its IPC channel with the messages the Electron
 * main process sends it: it starts, answers requests, pushes events, refuses whatever is not a valid message
 * without falling over, closes its data cleanly when asked or when its parent goes away.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo, Health, OrderOutcome, PracticeState } from '../protocol/api';
import type { FromHost } from '../protocol/host-channel';
import type { PushFrame, ResponseFrame } from '../protocol/wire';
import { waitFor } from '../node/feed/testing/helpers';
import { forkHost, type ForkedHost } from './testing/fork-host';
import { DEFAULT_SETTINGS } from './settings-store';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lpj-host-process-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function started(): ForkedHost {
  const host = forkHost();
  cleanups.push(() => host.process.kill('SIGKILL'));
  return host;
}

const messages = (host: ForkedHost) => host.received as FromHost[];
const responses = (host: ForkedHost) => messages(host).filter((m): m is ResponseFrame => m.type === 'response');

async function ready(host: ForkedHost, dataDir: string): Promise<Health> {
  host.send({ type: 'start', dataDir, appVersion: '7.7.7', practice: { ticksPerSecond: 0 } });
  await waitFor(
    () => messages(host).some((m) => m.type === 'ready' || m.type === 'failed'),
    20_000,
    'the host to start',
  );
  const answer = messages(host).find((m) => m.type === 'ready' || m.type === 'failed')!;
  if (answer.type !== 'ready') throw new Error(`the host did not start: ${JSON.stringify(answer)}`);
  return answer.health;
}

let nextId = 1;
/** Sends a request frame and waits for the response with its id. */
async function call(host: ForkedHost, method: string, params: unknown = {}): Promise<ResponseFrame> {
  const id = nextId++;
  host.send({ type: 'request', id, method, params });
  await waitFor(() => responses(host).some((r) => r.id === id), 10_000, `the answer to ${method}`);
  return responses(host).find((r) => r.id === id)!;
}

async function result<T>(host: ForkedHost, method: string, params: unknown = {}): Promise<T> {
  const reply = await call(host, method, params);
  if (!reply.ok) throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

/** The check every attack here ends with: the user can still place a practice order and see it rest. */
async function honestOrderRests(host: ForkedHost, price: number): Promise<void> {
  const placed = await result<OrderOutcome>(host, 'practice.place', {
    side: 'buy',
    orderType: 'limit',
    price,
    quantity: 100_000_000,
  });
  expect(placed).toMatchObject({ status: 'accepted', fills: 0 });
  const state = await result<PracticeState>(host, 'practice.state');
  expect(state.openOrders.map((o) => o.id)).toContain(placed.orderId);
}

describe('the desktop host process', () => {
  it('starts on its data folder, answers app.info and a practice order, and pushes the book change', async () => {
    const dataDir = tempDir();
    const host = started();
    const health = await ready(host, dataDir);
    expect(health).toMatchObject({ status: 'ready' });
    expect(health.schemaVersion).toBeGreaterThan(0);

    const info = await result<AppInfo>(host, 'app.info');
    expect(info).toMatchObject({
      name: 'Playground 777',
      version: '7.7.7',
      mode: 'desktop',
      dataDir,
      dbPath: join(dataDir, 'app.db'),
    });

    const placed = await result<OrderOutcome>(host, 'practice.place', {
      side: 'buy',
      orderType: 'limit',
      price: 9_000,
      quantity: 100_000_000,
    });
    expect(placed).toMatchObject({ status: 'accepted', fills: 0 });
    const bookHasIt = () =>
      messages(host).some(
        (m): m is PushFrame =>
          m.type === 'event' && m.name === 'practice.update' && m.payload.bids.some(([price]) => price === 9_000),
      );
    await waitFor(bookHasIt, 10_000, 'a practice.update push with the new bid');
  });

  it('answers every malformed or hostile message with an error, changes nothing, and keeps trading', async () => {
    const dataDir = tempDir();
    const host = started();
    await ready(host, dataDir);
    const before = responses(host).length;
    const cases: [unknown, number, RegExp][] = [
      ['not an object', -1, /malformed/],
      [42, -1, /malformed/],
      [null, -1, /malformed/],
      [[{ type: 'request', id: 1, method: 'app.info', params: {} }], -1, /malformed/],
      [new Map([['type', 'request']]), -1, /malformed/],
      [{}, -1, /malformed/],
      [{ type: 'nope', id: 900_000 }, 900_000, /malformed/],
      [{ type: 'request', id: -3, method: 'app.info', params: {} }, -1, /id/],
      [{ type: 'request', id: 1.5, method: 'app.info', params: {} }, -1, /id/],
      [{ type: 'request', id: 2 ** 60, method: 'app.info', params: {} }, -1, /id/],
      [{ type: 'request', id: 10n, method: 'app.info', params: {} }, -1, /id/],
      [{ type: 'request', id: 900_001, method: 'x'.repeat(101), params: {} }, 900_001, /method/],
      [{ type: 'request', id: 900_002, method: 'wallet.drain', params: {} }, 900_002, /unknown method/],
      [{ type: 'request', id: 900_003, method: 'app.info', params: {}, admin: true }, 900_003, /admin|unrecognized/i],
      [
        {
          type: 'request',
          id: 900_004,
          method: 'practice.place',
          params: { side: 'buy', orderType: 'limit', price: 2 ** 60, quantity: 1 },
        },
        900_004,
        /price/,
      ],
      [
        {
          type: 'request',
          id: 900_005,
          method: 'practice.place',
          params: { side: 'buy', orderType: 'limit', price: 9_000n, quantity: 1n },
        },
        900_005,
        /price/,
      ],
      [
        { type: 'request', id: 900_006, method: 'settings.update', params: { language: 'x'.repeat(5_000_000) } },
        900_006,
        /language/,
      ],
      // The UI never names a path: a relative one is refused, and a session only comes from the main process.
      [{ type: 'session.picked', id: 900_007, path: 'sessions/../../secret' }, 900_007, /absolute/],
      [{ type: 'session.picked', id: 900_008, path: '' }, 900_008, /path/],
      // A second start must not open a second host on another folder.
      [{ type: 'start', dataDir: tempDir(), appVersion: '6.6.6' }, -1, /already started/],
      // A shutdown with anything extra is not a shutdown.
      [{ type: 'shutdown', now: true }, -1, /malformed/],
    ];
    for (const [message, id, why] of cases) {
      const count = responses(host).length;
      host.send(message);
      await waitFor(
        () => responses(host).length > count,
        10_000,
        `an answer to ${String(JSON.stringify(message, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))?.slice(0, 80)}`,
      );
      const reply = responses(host).at(-1)!;
      expect(reply.ok, String(why)).toBe(false);
      expect(reply.id).toBe(id);
      if (!reply.ok) expect(reply.error.message).toMatch(why);
    }
    expect(responses(host).length).toBe(before + cases.length);

    // Nothing changed: same folder, same settings, and the user can still trade.
    expect(await result<AppInfo>(host, 'app.info')).toMatchObject({ version: '7.7.7', dataDir });
    expect(await result(host, 'settings.get')).toEqual({ ...DEFAULT_SETTINGS, language: 'en', theme: 'dark' });
    await honestOrderRests(host, 9_100);
  });

  it('answers NOT_READY before it is started, and reports a data folder it cannot open instead of dying', async () => {
    const notAFolder = join(tempDir(), 'file');
    writeFileSync(notAFolder, 'a file where the data folder should be');
    const host = started();
    const early = await call(host, 'app.info');
    expect(early).toMatchObject({ ok: false, error: { code: 'NOT_READY' } });

    host.send({ type: 'start', dataDir: notAFolder, appVersion: '7.7.7' });
    await waitFor(() => messages(host).some((m) => m.type === 'failed'), 20_000, 'the host to report it failed');
    const failed = messages(host).find((m) => m.type === 'failed');
    expect(failed).toMatchObject({
      type: 'failed',
      error: { message: expect.stringMatching(/ENOTDIR|EEXIST|not a directory|file already exists/i) },
    });
    const later = await call(host, 'app.info');
    expect(later).toMatchObject({
      ok: false,
      error: { code: 'NOT_READY', message: expect.stringMatching(/could not start/) },
    });
    expect(host.process.exitCode).toBeNull();
  });

  it('closes its databases and exits 0 when told to shut down; a new process on the folder has the order', async () => {
    const dataDir = tempDir();
    const first = started();
    await ready(first, dataDir);
    const placed = await result<OrderOutcome>(first, 'practice.place', {
      side: 'buy',
      orderType: 'limit',
      price: 9_200,
      quantity: 100_000_000,
    });
    first.send({ type: 'shutdown' });
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.stderr()).toBe('');

    const second = started();
    await ready(second, dataDir);
    const state = await result<PracticeState>(second, 'practice.state');
    expect(state.openOrders.map((o) => o.id)).toEqual([placed.orderId]);
    await honestOrderRests(second, 9_300);
  });

  it('closes and ends itself when its parent goes away', async () => {
    const host = started();
    await ready(host, tempDir());
    host.process.disconnect();
    const exited = await host.exited;
    expect(exited, host.stderr()).toEqual({ code: 0, signal: null });
  });
});
