/**
 * Attacks on cloud sync (/api/v1/cloud): the worst uploads a signed-in client can send — too many changes,
 * unknown kinds and keys, values that are not what the kind holds (paper portfolios a journal could not hold), another account's change ids, another
 * device's practice entries, stamps forged far into the future, replays, and an account filling its storage —
 * each refused with its reason, nothing of another account touched, and two honest traders still trading.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../../engine/protocol/sync';
import type { CloudChange, CloudPage, CloudResult } from '../../engine/protocol/cloud';
import { formatHlc } from '../../engine/core/cloud/hlc';
import { defaultLimits, type ServerLimits } from '../config';
import { honestPairTrades, http, signUp } from '../testing/harness';
import { serverPerTest } from '../testing/per-test';

const t = serverPerTest();
const limits = (l: Partial<ServerLimits>) => ({ limits: { ...defaultLimits(), ...l } });

const stamp = (device: string, wall = Date.now(), counter = 0) => formatHlc({ wall, counter, node: device });

interface UploadAnswer {
  results: CloudResult[];
  cursor: number;
  error?: { code: string; message: string };
}

function upload(me: Session, device: string, changes: CloudChange[]) {
  return http<UploadAnswer>(t.server.url, 'POST', '/api/v1/cloud/changes', {
    token: me.accessToken,
    body: { device: { id: device, name: `box ${device}` }, changes },
  });
}

async function pull(me: Session, device: string, after = 0) {
  const r = await http<CloudPage>(
    t.server.url,
    'GET',
    `/api/v1/cloud/changes?after=${after}&device=${device}&name=box`,
    { token: me.accessToken },
  );
  expect(r.status).toBe(200);
  return r.body;
}

const theme = (id: string, device: string, value: unknown, wall?: number, counter?: number): CloudChange => ({
  id,
  kind: 'setting',
  key: 'theme',
  hlc: stamp(device, wall, counter),
  value,
});

describe('cloud sync under attack', () => {
  it('refuses an upload of more changes than a batch holds, whole, and stores nothing of it', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'flooder');
    const base = Date.now();
    const changes = Array.from({ length: 501 }, (_, i) => theme(`c${i}`, 'dev-a', 'light', base, i));
    const r = await upload(me, 'dev-a', changes);
    expect(r.status).toBe(413);
    expect(r.body.error?.code).toBe('BATCH_TOO_LARGE');
    expect((await pull(me, 'dev-a')).changes).toEqual([]);
    await honestPairTrades(t.server);
  });

  it('refuses unknown kinds, unknown keys, wrong values, oversized values and bad stamps each with its code, and stores the good change beside them', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'sloppy');
    const now = Date.now();
    const r = await upload(me, 'dev-a', [
      { id: 'k1', kind: 'wallet', key: 'theme', hlc: stamp('dev-a', now, 1), value: 'light' },
      { id: 'k2', kind: 'setting', key: 'live.session:http://x', hlc: stamp('dev-a', now, 2), value: {} },
      { id: 'k3', kind: 'setting', key: 'theme', hlc: stamp('dev-a', now, 3), value: 'neon' },
      { id: 'k4', kind: 'alert', key: 'a1', hlc: stamp('dev-a', now, 4), value: { junk: 'x'.repeat(5_000) } },
      { id: 'k5', kind: 'setting', key: 'theme', hlc: '12:0:dev-a', value: 'light' },
      { id: 'k6', kind: 'setting', key: 'theme', hlc: stamp('dev-b', now, 6), value: 'light' },
      { id: 'k7', kind: 'setting', key: 'language', hlc: stamp('dev-a', now, 7), value: 'ko' },
    ]);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x) => [x.id, x.status, x.code])).toEqual([
      ['k1', 'refused', 'UNKNOWN_KIND'],
      ['k2', 'refused', 'UNKNOWN_KEY'],
      ['k3', 'refused', 'INVALID_VALUE'],
      ['k4', 'refused', 'VALUE_TOO_LARGE'],
      ['k5', 'refused', 'BAD_CLOCK'],
      ['k6', 'refused', 'BAD_CLOCK'],
      ['k7', 'stored', undefined],
    ]);
    const page = await pull(me, 'dev-a');
    expect(page.changes.map((c) => [c.key, c.value])).toEqual([['language', 'ko']]);
    await honestPairTrades(t.server);
  });

  it('refuses paper portfolio definitions a journal could not hold, each with its code, and stores the honest one', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'forger');
    const now = Date.now();
    const good = {
      name: 'Swing',
      exchange: 'upbit',
      startingBalances: { KRW: 1_000_000_0000 },
      makerFeeBps: 5,
      takerFeeBps: 5,
      latencyMs: 300,
      fillModel: 'queue',
      createdAt: now,
    };
    const portfolio = (id: string, key: string, value: unknown, counter: number): CloudChange => ({
      id,
      kind: 'portfolio',
      key,
      hlc: stamp('dev-a', now, counter),
      value,
    });
    const r = await upload(me, 'dev-a', [
      portfolio('p1', 'a/b', good, 1),
      portfolio('p2', 'p-1', { ...good, startingBalances: { KRW: Number.MAX_SAFE_INTEGER } }, 2),
      portfolio('p3', 'p-1', { ...good, startingBalances: { KRW: 1.5 } }, 3),
      portfolio('p4', 'p-1', { ...good, takerFeeBps: -1 }, 4),
      portfolio('p5', 'p-1', { ...good, name: 'Swing\u202eniwS' }, 5),
      portfolio('p6', 'p-1', { ...good, id: 1 }, 6),
      portfolio('p7', 'p-1', { ...good, latencyMs: 86_400_000 }, 7),
      portfolio('p8', 'p-1', { ...good, fillModel: 'magic' }, 8),
      portfolio('p9', 'p-1', { ...good, name: 'x'.repeat(5_000) }, 9),
      portfolio('p10', 'p-1', good, 10),
      portfolio('p11', 'p-2', null, 11),
    ]);
    expect(r.status).toBe(200);
    expect(r.body.results.map((x) => [x.id, x.status, x.code])).toEqual([
      ['p1', 'refused', 'UNKNOWN_KEY'],
      ['p2', 'refused', 'INVALID_VALUE'],
      ['p3', 'refused', 'INVALID_VALUE'],
      ['p4', 'refused', 'INVALID_VALUE'],
      ['p5', 'refused', 'INVALID_VALUE'],
      ['p6', 'refused', 'INVALID_VALUE'],
      ['p7', 'refused', 'INVALID_VALUE'],
      ['p8', 'refused', 'INVALID_VALUE'],
      ['p9', 'refused', 'VALUE_TOO_LARGE'],
      ['p10', 'stored', undefined],
      ['p11', 'stored', undefined],
    ]);
    const page = await pull(me, 'dev-a');
    expect(page.changes.map((c) => [c.key, c.value])).toEqual([
      ['p-1', good],
      ['p-2', null],
    ]);
    await honestPairTrades(t.server);
  });

  it("never lets another account's change ids or stamps reach the victim's fields", async () => {
    await t.start();
    const victim = await signUp(t.server.url, 'victim');
    const mallory = await signUp(t.server.url, 'mallory');
    const now = Date.now();
    expect((await upload(victim, 'v-dev', [theme('v-1', 'v-dev', 'light', now)])).body.results[0].status).toBe(
      'stored',
    );
    // Mallory sends the victim's change id with a newer stamp and the victim's device name in the stamp.
    const r = await upload(mallory, 'v-dev', [theme('v-1', 'v-dev', 'dark', now, 5)]);
    expect(r.body.results[0].status).toBe('stored'); // in Mallory's own account
    const mine = await pull(victim, 'v-dev');
    expect(mine.changes.map((c) => [c.id, c.value])).toEqual([['v-1', 'light']]);
    await honestPairTrades(t.server);
  });

  it("refuses a practice entry keyed to another device: a device's practice history is its own", async () => {
    await t.start();
    const me = await signUp(t.server.url, 'practiser');
    const entry = { localId: 'LPJ-KRW:5:1', kind: 'fill', market: 'LPJ-KRW', ts: 1, data: { price: 100 } };
    const r = await upload(me, 'dev-a', [
      { id: 'p1', kind: 'practice', key: 'dev-b/LPJ-KRW:5:1', hlc: stamp('dev-a'), value: entry },
    ]);
    expect(r.body.results[0]).toMatchObject({ status: 'refused', code: 'NOT_YOUR_DEVICE' });
    await honestPairTrades(t.server);
  });

  it('refuses a stamp forged far into the future (it would win every later change), and takes one within the drift', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'timetraveller');
    const now = Date.now();
    const r = await upload(me, 'dev-a', [
      theme('f1', 'dev-a', 'light', now + 365 * 24 * 3_600_000),
      theme('f2', 'dev-a', 'light', now + defaultLimits().cloudClockDriftMs + 60_000),
      theme('f3', 'dev-a', 'dark', now + 60_000),
    ]);
    expect(r.body.results.map((x) => x.code ?? x.status)).toEqual(['CLOCK_AHEAD', 'CLOCK_AHEAD', 'stored']);
    expect(r.body.results[0].message).toMatch(/ahead of the server's clock/);
    await honestPairTrades(t.server);
  });

  it('stores a replayed upload once: the second time every change is a duplicate and the log does not grow', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'replayer');
    const now = Date.now();
    const batch = [theme('r1', 'dev-a', 'light', now, 1), theme('r2', 'dev-a', 'dark', now, 2)];
    const first = await upload(me, 'dev-a', batch);
    expect(first.body.results.map((x) => x.status)).toEqual(['stored', 'stored']);
    const again = await upload(me, 'dev-a', batch);
    // r2 is held; r1 was replaced by r2 in the log, so it can never win again.
    expect(again.body.results.map((x) => x.status)).toEqual(['superseded', 'duplicate']);
    expect(again.body.cursor).toBe(first.body.cursor);
    const page = await pull(me, 'dev-a');
    expect(page.changes.map((c) => [c.id, c.value])).toEqual([['r2', 'dark']]);
    // Out of order within an upload: the device's clock went back.
    const back = await upload(me, 'dev-a', [
      theme('o1', 'dev-a', 'light', now, 9),
      theme('o2', 'dev-a', 'dark', now, 8),
    ]);
    expect(back.body.results.map((x) => x.code ?? x.status)).toEqual(['stored', 'OUT_OF_ORDER']);
    await honestPairTrades(t.server);
  });

  it("refuses an upload past the account's storage bound whole, while rewriting a field it holds still works", async () => {
    await t.start(limits({ cloudChanges: 3 }));
    const me = await signUp(t.server.url, 'hoarder');
    const now = Date.now();
    const alert = (i: number, counter: number): CloudChange => ({
      id: `a${i}-${counter}`,
      kind: 'alert',
      key: `alert-${i}`,
      hlc: stamp('dev-a', now, counter),
      value: null,
    });
    expect(
      (await upload(me, 'dev-a', [alert(1, 1), alert(2, 2), alert(3, 3)])).body.results.map((x) => x.status),
    ).toEqual(['stored', 'stored', 'stored']);
    const full = await upload(me, 'dev-a', [alert(1, 4), alert(4, 5)]);
    expect(full.status).toBe(413);
    expect(full.body.error?.code).toBe('QUOTA_EXCEEDED');
    expect(full.body.error?.message).toMatch(/holds 3 of 3 fields/);
    // Nothing of the refused upload was kept (alert-1 still holds its first change).
    expect((await pull(me, 'dev-a')).changes.map((c) => c.id)).toEqual(['a1-1', 'a2-2', 'a3-3']);
    expect((await upload(me, 'dev-a', [alert(1, 6)])).body.results[0].status).toBe('stored');
    await honestPairTrades(t.server);
  });

  it('remembers at most 50 devices of an account however many ids it sprays, the most recently seen kept', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'sprayer');
    for (let i = 0; i < 60; i++) expect((await upload(me, `spray-${i}`, [])).status).toBe(200);
    const devices = await http<{ items: { id: string }[] }>(t.server.url, 'GET', '/api/v1/cloud/devices', {
      token: me.accessToken,
    });
    expect(devices.body.items).toHaveLength(50);
    expect(devices.body.items.map((d) => d.id)).toContain('spray-59');
    expect(devices.body.items.map((d) => d.id)).not.toContain('spray-0');
    // A page larger than the largest the server sends is refused, not served.
    const huge = await http(t.server.url, 'GET', '/api/v1/cloud/changes?limit=1000000&device=d&name=n', {
      token: me.accessToken,
    });
    expect(huge.status).toBe(400);
    await honestPairTrades(t.server);
  });

  it('refuses bodies that are not an upload, and pulls without a device, with BAD_REQUEST', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'garbler');
    const bad = await http<UploadAnswer>(t.server.url, 'POST', '/api/v1/cloud/changes', {
      token: me.accessToken,
      body: { device: { id: 'x y', name: '' }, changes: 'all' },
    });
    expect(bad.status).toBe(400);
    const noDevice = await http<UploadAnswer>(t.server.url, 'GET', '/api/v1/cloud/changes?after=-1', {
      token: me.accessToken,
    });
    expect(noDevice.status).toBe(400);
    const anon = await http<UploadAnswer>(t.server.url, 'GET', '/api/v1/cloud/devices');
    expect(anon.status).toBe(401);
    await honestPairTrades(t.server);
  });
});
