/**
 * The web bridge serves its own page and lets only that page drive the app host. Every attack here — a
 * DNS-rebinding page's Host, another site's Origin, a missing or wrong key, an upload that is too large or not
 * a session — is refused, and after each the page's own client still answers `app.info` and places a
 * practice order.
 */
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FeedSourceInfo, OrderOutcome, PracticeState } from '../protocol/api';
import { MAX_SESSION_FILE_BYTES } from '../protocol/session-files';
import { API_SUBPROTOCOL, BRIDGE_KEY_META, KEY_SUBPROTOCOL_PREFIX, SESSION_UPLOAD_PATH } from '../protocol/web-bridge';
import { SAMPLE_SESSION_PATH } from '../node/replay';
import { AppHost } from './app-host';
import { ownHostNames, startWebBridge, type WebBridge } from './web-bridge';
import { DEFAULT_SETTINGS } from './settings-store';

let dir: string;
let host: AppHost;
let bridge: WebBridge;
let own: string; // "127.0.0.1:<port>"

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lpj-bridge-'));
  const staticDir = join(dir, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(
    join(staticDir, 'index.html'),
    '<!doctype html><html><head><title>Playground 777</title></head><body></body></html>',
  );
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("app")');
  // No simulated traders: the practice orders below meet an empty book and rest.
  host = AppHost.open({
    dataDir: join(dir, 'data'),
    appVersion: '1.2.3',
    mode: 'web',
    practice: { ticksPerSecond: 0 },
    realMarkets: { env: {} },
  });
  bridge = await startWebBridge({ host, staticDir, port: 0 });
  own = `127.0.0.1:${bridge.port}`;
});
afterAll(async () => {
  await bridge.close();
  host.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly the headers given (Host included: `host: null` sends none). */
function request(
  path: string,
  options: { method?: string; headers?: Record<string, string | number | null>; body?: Buffer | Buffer[] } = {},
): Promise<Reply> {
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries({ host: own, ...options.headers })) if (v !== null) headers[k] = v;
  // Node would add its own Host for an empty or missing one: this request sends exactly what it was given.
  const setHost = false;
  return new Promise((resolve, reject) => {
    // A connection of its own: a refused request must not leave a shared one waiting for a body never sent.
    const req = httpRequest(
      { host: '127.0.0.1', port: bridge.port, path, method: options.method ?? 'GET', headers, setHost, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    // The server may answer and close before the whole body is sent (that is what a bound does).
    req.on('error', (err) =>
      (err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET'
        ? undefined
        : reject(err),
    );
    const parts = options.body === undefined ? [] : Array.isArray(options.body) ? options.body : [options.body];
    const write = (i: number): void => {
      if (i === parts.length || req.destroyed) return void req.end();
      if (req.write(parts[i])) write(i + 1);
      else req.once('drain', () => write(i + 1));
    };
    write(0);
  });
}

/** The key as the page gets it: from the served index.html. */
async function pageKey(): Promise<string> {
  const page = await request('/');
  const match = new RegExp(`<meta name="${BRIDGE_KEY_META}" content="([A-Za-z0-9_-]+)"`).exec(page.body);
  expect(match, 'the page carries its key').not.toBeNull();
  return match![1];
}

/**
 * A WebSocket as a browser page would open it: our Origin, the key as a subprotocol (`key: null`: none);
 * `headers` override (an empty Origin: none sent, as from a program).
 */
function connect(
  options: { key?: string | null; headers?: Record<string, string>; path?: string } = {},
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const protocols =
      options.key === null ? [API_SUBPROTOCOL] : [API_SUBPROTOCOL, `${KEY_SUBPROTOCOL_PREFIX}${options.key}`];
    const headers: Record<string, string> = { Origin: `http://${own}`, ...options.headers };
    if (headers.Origin === '') delete headers.Origin;
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}${options.path ?? '/api'}`, protocols, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

// A frame as the bridge sent it, untyped on purpose: the tests assert its shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function nextFrame(ws: WebSocket, match: (f: any) => boolean = () => true): Promise<any> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString());
      if (match(frame)) {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
  });
}

let nextId = 1;
async function call<T>(ws: WebSocket, method: string, params: unknown = {}): Promise<T> {
  const id = nextId++;
  const reply = nextFrame(ws, (f) => f.type === 'response' && f.id === id);
  ws.send(JSON.stringify({ type: 'request', id, method, params }));
  const frame = await reply;
  if (!frame.ok) throw Object.assign(new Error(frame.error.message), frame.error);
  return frame.result as T;
}

/** The honest path: the page's own client (key from the page, our Origin) answers and places a practice order. */
async function pageClientWorks(): Promise<void> {
  const ws = await connect({ key: await pageKey() });
  try {
    expect(ws.protocol).toBe(API_SUBPROTOCOL);
    expect(await call(ws, 'app.info')).toMatchObject({ version: '1.2.3', mode: 'web' });
    const state = await call<PracticeState>(ws, 'practice.state');
    const price = state.lastPrice || 10_000;
    const placed = await call<OrderOutcome>(ws, 'practice.place', {
      side: 'buy',
      orderType: 'limit',
      price,
      quantity: 100_000_000,
    });
    expect(placed, JSON.stringify(placed)).toMatchObject({ status: 'accepted' });
    await call(ws, 'practice.cancel', { orderId: placed.orderId });
  } finally {
    ws.close();
  }
}

describe('web bridge', () => {
  it('serves its page with a per-launch key, uncached and unframeable, under each of its own names', async () => {
    expect(bridge.url).toBe(`http://${own}/`);
    const page = await request('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Playground 777</title>');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const key = await pageKey();
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const name of [own, `localhost:${bridge.port}`, `LOCALHOST:${bridge.port}`, `[::1]:${bridge.port}`]) {
      const res = await request('/', { headers: { host: name } });
      expect(res.status, name).toBe(200);
      expect(res.body).toContain(key);
    }
    // Client-side routes get the page; assets are served as they are; missing files are 404.
    expect((await request('/settings')).body).toContain(key);
    expect((await request('/assets/app.js')).body).toBe('console.log("app")');
    expect((await request('/assets/missing.js')).status).toBe(404);
    await pageClientWorks();
  });

  it('refuses HTTP requests naming another host (a DNS-rebinding page), and never shows them the key', async () => {
    const key = await pageKey();
    const p = bridge.port;
    const hosts = [
      'attacker.test',
      `attacker.test:${p}`,
      `127.0.0.1.evil:${p}`,
      `127.0.0.1.evil`,
      `${own}.evil.test`,
      `evil.test:${p}`,
      `localhost.:${p}`,
      '127.0.0.1',
      'localhost',
      `127.0.0.1:${p + 1}`,
      `0.0.0.0:${p}`,
      `127.0.0.2:${p}`,
      `[::ffff:127.0.0.1]:${p}`,
      `${own}@evil.test`,
      '',
    ];
    for (const name of hosts) {
      for (const path of ['/', '/index.html', '/assets/app.js', '/settings']) {
        const res = await request(path, { headers: { host: name } });
        expect(res.status, `Host "${name}" ${path}`).toBe(403);
        expect(res.body).not.toContain(key);
      }
    }
    // Without any Host, Node's HTTP server refuses an HTTP/1.1 request itself (400) before the bridge sees it.
    const hostless = await request('/', { headers: { host: null } });
    expect(hostless.status).toBe(400);
    expect(hostless.body).not.toContain(key);
    await pageClientWorks();
  });

  it('refuses a WebSocket from a rebinding page, another site, or without this launch’s key — before the upgrade', async () => {
    const key = await pageKey();
    const p = bridge.port;
    const attempts: [string, Parameters<typeof connect>[0]][] = [
      [
        'rebinding page (Host and Origin attacker.test)',
        { key, headers: { Host: `attacker.test:${p}`, Origin: `http://attacker.test:${p}` } },
      ],
      [
        'rebinding page without the key',
        { key: null, headers: { Host: 'attacker.test', Origin: 'http://attacker.test' } },
      ],
      ['Host 127.0.0.1.evil', { key, headers: { Host: `127.0.0.1.evil:${p}`, Origin: `http://127.0.0.1.evil:${p}` } }],
      ['another site', { key, headers: { Origin: 'http://attacker.test' } }],
      ['another site on a look-alike origin', { key, headers: { Origin: `http://${own}.evil.test` } }],
      ['another local server', { key, headers: { Origin: `http://127.0.0.1:${p + 1}` } }],
      ['https origin', { key, headers: { Origin: `https://${own}` } }],
      ['opaque origin (sandboxed frame, file://)', { key, headers: { Origin: 'null' } }],
      ['our page without the key', { key: null }],
      ['our page with a wrong key', { key: 'A'.repeat(43) }],
      ['our page with a truncated key', { key: key.slice(0, 20) }],
      ['a program without Origin or key', { key: null, headers: { Origin: '' } }],
      ['the key on another path', { key, path: '/api/other' }],
    ];
    for (const [what, options] of attempts) {
      await expect(connect(options), what).rejects.toThrow(/Unexpected server response: 403/);
      await pageClientWorks();
    }
  });

  it('lets a program in with the key and no Origin (as a subprotocol or a Bearer token)', async () => {
    const key = await pageKey();
    const viaProtocol = new WebSocket(`ws://${own}/api`, [API_SUBPROTOCOL, `${KEY_SUBPROTOCOL_PREFIX}${key}`]);
    await new Promise((resolve, reject) => viaProtocol.once('open', resolve).once('error', reject));
    expect(await call(viaProtocol, 'app.health')).toMatchObject({ status: 'ready' });
    viaProtocol.close();
    const viaHeader = new WebSocket(`ws://${own}/api`, { headers: { Authorization: `Bearer ${key}` } });
    await new Promise((resolve, reject) => viaHeader.once('open', resolve).once('error', reject));
    expect(await call(viaHeader, 'app.health')).toMatchObject({ status: 'ready' });
    viaHeader.close();
  });

  it('answers requests and pushes events over the same socket', async () => {
    const ws = await connect({ key: await pageKey() });
    expect(await call(ws, 'app.info')).toMatchObject({ version: '1.2.3', mode: 'web' });
    // The practice market pushes its own events on the same socket; wait for the settings one.
    const pushed = nextFrame(ws, (f) => f.type === 'event' && f.name === 'settings.changed');
    await call(ws, 'settings.update', { language: 'ko' });
    expect(await pushed).toEqual({
      type: 'event',
      name: 'settings.changed',
      payload: { ...DEFAULT_SETTINGS, language: 'ko', theme: 'dark' },
    });
    await call(ws, 'settings.update', { language: 'en' });
    ws.close();
  });

  it('answers malformed frames with a clear error and keeps the connection and host intact', async () => {
    const ws = await connect({ key: await pageKey() });
    const cases: [string | Buffer, RegExp][] = [
      ['{nope', /not valid JSON/],
      [JSON.stringify({ type: 'request', id: 'x', method: 'app.info' }), /id/],
      [JSON.stringify({ type: 'request', id: 3, method: 'settings.update', params: { language: 'xx' } }), /language/],
      [JSON.stringify({ type: 'request', id: 4, method: 'nope', params: {} }), /unknown method/],
      [
        JSON.stringify({
          type: 'request',
          id: 6,
          method: 'feed.setSource',
          params: { source: 'replay', sessionPath: '/etc/passwd' },
        }),
        /sessionPath/,
      ],
      [Buffer.from([1, 2, 3]), /binary/],
    ];
    for (const [payload, message] of cases) {
      const reply = nextFrame(ws, (f) => f.type === 'response');
      ws.send(payload, { binary: Buffer.isBuffer(payload) });
      const frame = await reply;
      expect(frame.ok).toBe(false);
      expect(frame.error.message).toMatch(message);
    }
    expect(await call(ws, 'app.health')).toMatchObject({ status: 'ready' });
    ws.close();
    await pageClientWorks();
  });

  it('closes a connection that sends an oversized frame', async () => {
    const ws = await connect({ key: await pageKey() });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(2 << 20));
    expect(await closed).toBe(1009);
    await pageClientWorks();
  });

  it('takes a picked session file as an upload from its page only, bounded, and replays it by handle', async () => {
    const key = await pageKey();
    const sample = readFileSync(SAMPLE_SESSION_PATH);
    const auth = {
      authorization: `Bearer ${key}`,
      origin: `http://${own}`,
      'content-type': 'application/octet-stream',
    };
    const path = `${SESSION_UPLOAD_PATH}?name=${encodeURIComponent('my session.p777s')}`;

    expect(
      (await request(path, { method: 'POST', headers: { ...auth, authorization: null }, body: sample })).status,
    ).toBe(403);
    expect(
      (await request(path, { method: 'POST', headers: { ...auth, authorization: 'Bearer nope' }, body: sample }))
        .status,
    ).toBe(403);
    expect(
      (await request(path, { method: 'POST', headers: { ...auth, origin: 'http://attacker.test' }, body: sample }))
        .status,
    ).toBe(403);
    expect(
      (await request(path, { method: 'POST', headers: { ...auth, host: 'attacker.test' }, body: sample })).status,
    ).toBe(403);
    expect((await request(path, { method: 'GET', headers: auth })).status).toBe(405);
    // Too large, as declared (refused before reading) and as streamed without a length.
    const declared = await request(path, {
      method: 'POST',
      headers: { ...auth, 'content-length': MAX_SESSION_FILE_BYTES + 1 },
      body: Buffer.alloc(16),
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ code: 'SESSION_TOO_LARGE', message: /at most 64 MiB/ });
    const mib = Buffer.alloc(1024 * 1024, 7);
    const streamed = await request(path, {
      method: 'POST',
      headers: { ...auth, 'transfer-encoding': 'chunked' },
      body: Array.from({ length: 65 }, () => mib),
    });
    expect(streamed.status).toBe(413);
    const garbage = await request(path, { method: 'POST', headers: auth, body: Buffer.from('{"not":"a session"}') });
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body)).toMatchObject({
      code: 'BAD_SESSION',
      message: /^my session\.p777s: not a session file/,
    });
    await pageClientWorks();

    const uploaded = await request(path, { method: 'POST', headers: auth, body: sample });
    expect(uploaded.status).toBe(201);
    const picked = JSON.parse(uploaded.body);
    expect(picked).toEqual({ session: expect.any(String), name: 'my session.p777s' });
    const ws = await connect({ key });
    const info = await call<FeedSourceInfo>(ws, 'feed.setSource', { source: 'replay', session: picked.session });
    expect(info.replay).toMatchObject({ kind: 'generated', markets: ['BTC-KRW'] });
    expect(info.replay!.path.startsWith(join(dir, 'data', 'replay-sessions'))).toBe(true);
    await call(ws, 'feed.setSource', { source: 'upbit' });
    ws.close();
    await pageClientWorks();
  });
});

describe('own host names', () => {
  it('are the loopback names and the bound address with the port; every interface address when bound to all', () => {
    expect([...ownHostNames('127.0.0.1', 7777)].sort()).toEqual(['127.0.0.1:7777', '[::1]:7777', 'localhost:7777']);
    expect(ownHostNames('192.168.1.5', 7777).has('192.168.1.5:7777')).toBe(true);
    expect(ownHostNames('fd00::5', 7777).has('[fd00::5]:7777')).toBe(true);
    expect(ownHostNames('Box.Local', 80)).toEqual(
      new Set([
        '127.0.0.1:80',
        '127.0.0.1',
        'localhost:80',
        'localhost',
        '[::1]:80',
        '[::1]',
        'box.local:80',
        'box.local',
      ]),
    );
    const interfaces = {
      eth0: [
        { address: '10.0.0.7', family: 'IPv4', internal: false },
        { address: 'fe80::1%eth0', family: 'IPv6', internal: false },
        { address: 'fd00::7', family: 'IPv6', internal: false },
      ],
    } as unknown as ReturnType<typeof import('node:os').networkInterfaces>;
    expect([...ownHostNames('0.0.0.0', 9000, interfaces)].sort()).toEqual([
      '10.0.0.7:9000',
      '127.0.0.1:9000',
      '[::1]:9000',
      '[fd00::7]:9000',
      'localhost:9000',
    ]);
  });
});
