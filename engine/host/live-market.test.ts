/**
 * The live market's pieces that need no sync server: the SSE parser, the practice outbox, the stored server
 * address and the offline behaviour. Against a real server: sync-server/app-live.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../node/db/database';
import { AppHost } from './app-host';
import { AppNotification } from '../protocol/api';
import { plainData } from './live-notifications';
import { PracticeJournalOutbox } from './live-practice-outbox';
import { appMigrations } from './migrations';
import { PracticeMarket } from './practice-market';
import { DEFAULT_SETTINGS, SettingsStore } from './settings-store';
import { openSse, SseHttpError, SseParser, type SseEvent } from './sse-reader';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lpj-live-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe('SseParser', () => {
  it('parses ids, event names, multi-line data and comments, whatever the chunking and line endings', () => {
    const text =
      'retry: 3000\r\n\r\n: keep-alive\n\nid: 7\nevent: fill\ndata: {"a":1,\ndata: "b":2}\n\nid: 8\r\ndata: plain\r\n\r\n';
    for (const size of [1, 2, 5, text.length]) {
      const seen: SseEvent[] = [];
      const p = new SseParser((e) => seen.push(e));
      for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
      expect(seen).toEqual([
        { id: '7', event: 'fill', data: '{"a":1,\n"b":2}' },
        { id: '8', event: 'message', data: 'plain' },
      ]);
      expect(p.retryMs).toBe(3000);
    }
  });

  it('sends Last-Event-ID and the credentials as headers, and reports a refusal with its status', async () => {
    let seen: Record<string, string | string[] | undefined> = {};
    const server = createServer((req, res) => {
      seen = req.headers;
      if (req.headers.authorization !== 'Bearer good') {
        res.writeHead(401).end('{}');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('id: 5\ndata: hello\n\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/stream`;
    const events: SseEvent[] = [];
    await openSse(url, { headers: { authorization: 'Bearer good' }, lastEventId: '4', onEvent: (e) => events.push(e) })
      .done;
    expect(seen['last-event-id']).toBe('4');
    expect(events).toEqual([{ id: '5', event: 'message', data: 'hello' }]);
    await expect(
      openSse(url, { headers: { authorization: 'Bearer bad' }, onEvent: () => undefined }).done,
    ).rejects.toBeInstanceOf(SseHttpError);
  });
});

describe('PracticeJournalOutbox', () => {
  it('lists my orders, fills and cancels after its cursor, with stable local ids, and moves on once stored', async () => {
    const dir = tempDir();
    const practice = new PracticeMarket({ dataDir: dir, ticksPerSecond: 0 });
    const db = openDatabase(join(dir, 'app.db'), appMigrations);
    cleanups.push(() => db.close());
    cleanups.push(() => practice.close());
    const settings = new SettingsStore(db);
    // A resting sell from another account, so my buy trades with it.
    practice.journal.submitBatch([
      { type: 'open_account', account: 42, ts: 1 },
      { type: 'deposit', account: 42, asset: 'LPJ', amount: 100_000_000, ts: 1 },
    ]);
    await practice.journal.submit({
      type: 'place',
      market: 'LPJ-KRW',
      account: 42,
      side: 'sell',
      orderType: 'limit',
      price: 10_000,
      quantity: 100_000_000,
      ts: 2,
    });
    await practice.place({ side: 'buy', orderType: 'limit', price: 10_000, quantity: 50_000_000 });
    const resting = await practice.place({ side: 'buy', orderType: 'limit', price: 9_500, quantity: 20_000_000 });
    await practice.cancel(resting.find((e) => e.type === 'accepted')!.orderId as number);

    const outbox = new PracticeJournalOutbox(practice, settings, 'server#1');
    const first = outbox.pending(2);
    expect(first.map((e) => e.kind)).toEqual(['order', 'fill']);
    expect(outbox.pending(2)).toEqual(first); // not stored yet: offered again, same ids
    outbox.markSynced(first.map((e) => e.localId));
    const rest = outbox.pending(100);
    expect(rest.map((e) => e.kind)).toEqual(['order', 'cancel']);
    expect(rest[1].data).toMatchObject({ reason: 'user' });
    outbox.markSynced(rest.map((e) => e.localId));
    expect(outbox.pending(100)).toEqual([]);
    // Another account on the same journal has its own cursor.
    expect(new PracticeJournalOutbox(practice, settings, 'server#2').pending(100)).toHaveLength(4);
  });
});

describe('AppHost live market without a server', () => {
  it('starts offline, remembers a new server address, and refuses a bad one', async () => {
    const dir = tempDir();
    const open = () =>
      AppHost.open({
        dataDir: dir,
        appVersion: '0',
        mode: 'web',
        practice: { ticksPerSecond: 0 },
        live: { defaultServerUrl: 'http://127.0.0.1:9', backoff: { baseMs: 20, maxMs: 50 } },
      });
    const host = open();
    cleanups.push(() => host.close());
    for (
      let i = 0;
      i < 200 && ((await host.invoke('live.status', {})) as { connection: string }).connection !== 'offline';
      i++
    )
      await new Promise((r) => setTimeout(r, 10));
    expect(await host.invoke('live.status', {})).toMatchObject({
      connection: 'offline',
      serverUrl: 'http://127.0.0.1:9',
    });
    await expect(host.invoke('live.setServer', { url: 'not a url' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await host.invoke('live.setServer', { url: ' http://127.0.0.1:8/ ' })).toMatchObject({
      serverUrl: 'http://127.0.0.1:8',
    });
    expect(await host.invoke('notifications.list', {})).toEqual({ items: [], unread: 0, markets: [] });
    await expect(host.invoke('live.cancelAll', {})).rejects.toMatchObject({ code: 'NOT_SIGNED_IN' });
    host.close();
    const again = open();
    cleanups.push(() => again.close());
    expect(await again.invoke('live.status', {})).toMatchObject({ serverUrl: 'http://127.0.0.1:8' });
    // Stored settings are untouched by the new keys.
    expect(await again.invoke('settings.get', {})).toEqual({ ...DEFAULT_SETTINGS, language: 'en', theme: 'dark' });
  });
});

describe("a notification's data from the server", () => {
  it('reaches the UI flat and bounded, whatever the server sends, and an honest notice unchanged', () => {
    const honest = { market: 'LPJ-KRW', side: 'buy', price: 10_200, quantity: 178_000_000, fee: 18 };
    expect(plainData(honest)).toEqual(honest);
    expect(plainData({ returnedQuote: 1_800_000, returnedCoins: { LPJ: 50_000_000 } })).toEqual({
      returnedQuote: 1_800_000,
      returnedCoins: { LPJ: 50_000_000 },
    });
    const hostile = plainData({
      long: 'x'.repeat(1_000_000),
      nested: { a: { b: { c: 1 } }, n: Number.NaN, s: 'text', ok: 5 },
      many: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`coin${i}`, i])),
      list: [1, 2, 3],
      infinite: Number.POSITIVE_INFINITY,
      fn: 'function () {}',
      ...Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])),
    })!;
    expect(Object.keys(hostile).length).toBeLessThanOrEqual(40);
    expect(hostile.long).toHaveLength(200);
    expect(hostile.nested).toEqual({ ok: 5 });
    expect(Object.keys(hostile.many as object)).toHaveLength(20);
    expect(hostile).not.toHaveProperty('infinite');
    // What is left matches the contract the UI reads.
    expect(AppNotification.safeParse({ id: 1, ts: 0, kind: 'fill', read: false, data: hostile }).success).toBe(true);
  });
});
