/**
 * What clients can do with WebSocket connections themselves, against the real server: hold too many from one
 * address, open sockets and never use them, stop answering pings, fill the server with idle sockets. Each
 * attack ends with two fresh accounts trading LPJ (honestPairTrades): the exchange still works for everyone else.
 *
 * Loopback has a whole /8, so the tests connect from 127.0.x.y addresses of their own to stand for other
 * machines; the server listens on 127.0.0.1 and sees each as a client address.
 */
import { spawn } from 'node:child_process';
import { connect as tcpConnect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defaultLimits, type ServerLimits } from '../config';
import { eventually, honestPairTrades, http, signUp } from '../testing/harness';
import { serverPerTest } from '../testing/per-test';
import { clientAddress } from '../ws/client-address';

const t = serverPerTest();

/** Open WebSocket connections, as the server reports them at /metrics. */
async function openConnections(): Promise<number> {
  const text = (await http(t.server.url, 'GET', '/metrics')).text;
  return Number(/^lpj_ws_connections (\d+)$/m.exec(text)![1]);
}

const limits = (l: Partial<ServerLimits>): { limits: ServerLimits } => ({ limits: { ...defaultLimits(), ...l } });

interface Closed {
  code: number;
  reason: string;
  bye?: { code: string; message: string };
}

/** A plain `ws` client from a given address: resolves once open, or rejects with the refusal's status and body. */
function wsFrom(
  url: string,
  localAddress: string,
  opts: { autoPong?: boolean } = {},
): Promise<WebSocket & { closedWith: Promise<Closed> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      localAddress,
      perMessageDeflate: false,
      autoPong: opts.autoPong ?? true,
    }) as WebSocket & { closedWith: Promise<Closed> };
    let bye: Closed['bye'];
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { type?: string; code?: string; message?: string };
      if (m.type === 'bye') bye = { code: m.code!, message: m.message! };
    });
    ws.closedWith = new Promise((done) =>
      ws.on('close', (code, reason) => done({ code, reason: reason.toString(), bye })),
    );
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`refused ${res.statusCode}`), {
            status: res.statusCode,
            body: JSON.parse(body),
            retryAfter: res.headers['retry-after'],
          }),
        ),
      );
    });
    ws.once('error', reject);
  });
}

/** A raw TCP socket that sends a WebSocket upgrade and resolves with the status line's code (the cheapest idle client). */
function rawUpgrade(port: number, localAddress: string): Promise<{ socket: Socket; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: '127.0.0.1', port, localAddress });
    let head = '';
    socket.setEncoding('latin1');
    socket.once('connect', () =>
      socket.write(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    const onData = (chunk: string) => {
      head += chunk;
      if (!head.includes('\r\n')) return;
      socket.off('data', onData);
      resolve({ socket, status: Number(head.split(' ')[1]) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

describe('connections per client address', () => {
  it('refuses a connection past the per-address cap with 429 and a reason, frees the place when one closes, and leaves other addresses alone', async () => {
    await t.start(limits({ wsConnectionsPerIp: 3 }));
    const held = await Promise.all([0, 1, 2].map(() => wsFrom(t.server.wsUrl, '127.0.0.2')));
    const refused = await wsFrom(t.server.wsUrl, '127.0.0.2').then(
      () => expect.fail('a fourth connection from one address was accepted'),
      (err: { status: number; body: { error: { code: string; message: string } }; retryAfter: string }) => err,
    );
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('TOO_MANY_CONNECTIONS');
    expect(refused.body.error.message).toMatch(/3 connections from this address/);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // The connections it already has keep working.
    for (const ws of held) expect(ws.readyState).toBe(WebSocket.OPEN);

    held[0].close();
    await held[0].closedWith;
    await eventually(
      async () =>
        await wsFrom(t.server.wsUrl, '127.0.0.2').then(
          (ws) => (ws.close(), true),
          () => false,
        ),
      'a place freed by a closed connection',
    );
    for (const ws of held) ws.terminate();
    await honestPairTrades(t.server);
  });

  it('at the shipped default one address holds 256 connections and no more, while traders elsewhere trade', async () => {
    await t.start();
    expect(t.server.config.limits.wsConnectionsPerIp).toBe(256);
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 256; i++) {
        const r = await rawUpgrade(t.server.port, '127.0.0.3');
        sockets.push(r.socket);
        expect(r.status).toBe(101);
      }
      const over = await rawUpgrade(t.server.port, '127.0.0.3');
      sockets.push(over.socket);
      expect(over.status).toBe(429);
      await honestPairTrades(t.server);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('counts IPv4-mapped addresses as IPv4 and IPv6 addresses by their /64', () => {
    expect(clientAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(clientAddress('10.1.2.3')).toBe('10.1.2.3');
    expect(clientAddress('2001:db8:1:2:aaaa::1')).toBe(clientAddress('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(clientAddress('2001:db8:1:3::1')).not.toBe(clientAddress('2001:db8:1:2::1'));
    expect(clientAddress('::ffff:127.0.0.1')).toBe(clientAddress('127.0.0.1'));
  });
});

describe('idle connections', () => {
  it('closes a connection that neither signs in nor subscribes, and keeps subscribers and signed-in traders', async () => {
    await t.start(limits({ wsIdleMs: 1_000 }));
    const trader = await t.connect(await signUp(t.server.url, 'trader'));
    const reader = await t.connect();
    await reader.ok({ op: 'subscribe', channel: 'trades', market: 'LPJ-KRW' });
    const idle = await wsFrom(t.server.wsUrl, '127.0.0.1');
    const closed = await idle.closedWith;
    expect(closed.code).toBe(1008);
    expect(closed.bye?.code).toBe('IDLE_TIMEOUT');
    expect(closed.bye?.message).toMatch(/send "auth" or "subscribe"/);
    // A second idle socket opened after the first has timed out too: the reader and trader, older than both, stay.
    await (
      await wsFrom(t.server.wsUrl, '127.0.0.1')
    ).closedWith;
    expect(trader.isOpen && reader.isOpen).toBe(true);
    await trader.sync();
    await reader.sync();

    // A reader that unsubscribes from everything is idle again, and goes the same way.
    await reader.ok({ op: 'unsubscribe', channel: 'trades', market: 'LPJ-KRW' });
    expect((await reader.closed).code).toBe(1008);
    await honestPairTrades(t.server);
  });
});

describe('heartbeats', () => {
  it('cuts a connection that stops answering pings, and keeps one that answers', async () => {
    await t.start(limits({ wsHeartbeatMs: 1_000 }));
    const answering = await t.connect(await signUp(t.server.url, 'answers'));
    const silent = await wsFrom(t.server.wsUrl, '127.0.0.1', { autoPong: false });
    let pings = 0;
    silent.on('ping', () => pings++);
    silent.send(JSON.stringify({ op: 'subscribe', id: 1, channel: 'book', market: 'LPJ-KRW' }));
    const closed = await silent.closedWith;
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(closed.bye?.code).toBe('HEARTBEAT_TIMEOUT');
    // The answering connection has seen the same pings and is still there.
    expect(answering.isOpen).toBe(true);
    await answering.sync();
    await honestPairTrades(t.server);
  });
});

describe('the server connection cap', () => {
  it('lets a new connection take the place of the longest idle one, and refuses with 503 when none is idle', async () => {
    await t.start(limits({ wsConnections: 4 }));
    const oldest = await wsFrom(t.server.wsUrl, '127.0.0.4');
    const younger = await wsFrom(t.server.wsUrl, '127.0.0.4');
    const reader = await t.connect();
    await reader.ok({ op: 'subscribe', channel: 'trades', market: 'LPJ-KRW' });
    const trader = await t.connect(await signUp(t.server.url, 'capped'));

    const newcomer = await wsFrom(t.server.wsUrl, '127.0.0.5');
    const evicted = await oldest.closedWith;
    expect(evicted.code).toBe(1013);
    expect(evicted.bye?.code).toBe('SERVER_FULL');
    expect(younger.readyState).toBe(WebSocket.OPEN);

    // Everyone in use: no idle connection to replace, so the next is refused.
    for (const ws of [younger, newcomer])
      ws.send(JSON.stringify({ op: 'subscribe', id: 1, channel: 'book', market: 'LPJ-KRW' }));
    await reader.sync(); // the subscriptions above were handled by the time this answers
    await eventually(
      async () =>
        await wsFrom(t.server.wsUrl, '127.0.0.6').then(
          (ws) => (ws.terminate(), false),
          (err: { status?: number }) => err.status === 503,
        ),
      'a refusal with 503',
    );
    expect(trader.isOpen && reader.isOpen).toBe(true);

    younger.close();
    newcomer.close();
    await Promise.all([younger.closedWith, newcomer.closedWith]);
    await eventually(
      async () =>
        await wsFrom(t.server.wsUrl, '127.0.0.6').then(
          (ws) => (ws.close(), true),
          () => false,
        ),
      'room again',
    );
    await t.disconnectAll();
    await honestPairTrades(t.server);
  });
});

/**
 * Opens `count` idle connections from 250 per address starting at 127.0.<first>.1, `inFlight` at a time, and
 * holds them until its stdin closes: WebSockets (raw TCP and the upgrade handshake, nothing after) with `upgrade`
 * 1, bare TCP connections that never send a byte with 0. Prints one JSON line when all are settled: how many
 * were upgraded (101) or connected, refused, or failed. Plain JavaScript run by `node -e`: its own process, so
 * the test process's descriptors are all the server's.
 */
const IDLE_CLIENTS = `
const net = require('node:net');
const [port, count, first, inFlight, upgrade] = process.argv.slice(1).map(Number);
const counts = { upgraded: 0, connected: 0, refused: 0, failed: 0, closedByServer: 0 };
const sockets = [];
let next = 0, settled = 0;
function open() {
  if (next >= count) return;
  const i = next++;
  const localAddress = '127.0.' + (first + Math.floor(i / 250)) + '.' + (1 + (i % 250));
  const s = net.connect({ host: '127.0.0.1', port, localAddress });
  sockets.push(s);
  let head = '', done = false;
  const finish = (kind) => { if (done) return; done = true; counts[kind]++; if (++settled === count) report(); else open(); };
  s.setEncoding('latin1');
  s.on('connect', () => upgrade ? s.write('GET /ws HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n') : finish('connected'));
  s.on('data', (chunk) => {
    if (done) return;
    head += chunk;
    if (!head.includes('\\r\\n')) return;
    const status = Number(head.split(' ')[1]);
    finish(status === 101 ? 'upgraded' : 'refused');
    if (status === 101) s.pause(); // idle from here: what the server sends waits in the socket buffers
  });
  s.on('error', () => finish('failed'));
  s.on('close', () => { if (done) counts.closedByServer++; else finish('failed'); });
}
function report() { process.stdout.write(JSON.stringify(counts) + '\\n'); }
for (let k = 0; k < inFlight; k++) open();
process.stdin.on('end', () => { for (const s of sockets) s.destroy(); process.exit(0); });
process.stdin.resume();
`;

/** Holds 20,000 idle connections from two child processes while `during` runs (10,000 each: a process's
 *  descriptors are limited too); returns how many connected or upgraded, and how long opening them took. */
async function withIdleFlood(
  upgrade: boolean,
  during: (opened: { settled: number; ms: number }) => Promise<void>,
): Promise<void> {
  const PER_CHILD = 10_000;
  const started = performance.now();
  const children = [0, 1].map((k) => {
    const child = spawn(
      process.execPath,
      ['-e', IDLE_CLIENTS, String(t.server.port), String(PER_CHILD), String(10 + k * 40), '200', upgrade ? '1' : '0'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const report = new Promise<{ upgraded: number; connected: number }>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        if (out.includes('\n')) resolve(JSON.parse(out));
      });
      child.once('exit', (code) => reject(new Error(`idle clients exited with ${code} before reporting`)));
    });
    return { child, report };
  });
  try {
    const reports = await Promise.all(children.map((c) => c.report));
    await during({
      settled: reports.reduce((n, r) => n + (upgrade ? r.upgraded : r.connected), 0),
      ms: performance.now() - started,
    });
  } finally {
    for (const { child } of children) child.stdin!.end();
    await Promise.all(
      children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)),
    );
  }
}

describe('a flood of idle sockets', () => {
  // Shipped defaults throughout: 250 sockets per address stays under the per-address cap, and the server's own
  // caps (its open-file limit less a reserve) decide how many of the 20,000 it holds at once.
  it('20,000 idle sockets do not stop a real client from trading', { timeout: 180_000 }, async () => {
    await t.start();
    const cap = t.server.config.limits.wsConnections;
    await withIdleFlood(true, async (opened) => {
      // Every socket got through the handshake: past the cap a new one took the place of the longest idle.
      expect(opened.settled).toBe(20_000);
      const holding = await openConnections();
      expect(holding).toBeLessThanOrEqual(cap);
      const tradeStarted = performance.now();
      await honestPairTrades(t.server);
      const traded = performance.now() - tradeStarted;
      console.log(
        `20,000 idle WebSockets opened in ${Math.round(opened.ms)} ms (server cap ${cap}, holding ${holding}); an honest pair signed up, connected and traded in ${Math.round(traded)} ms`,
      );
      expect(traded).toBeLessThan(15_000);
    });
  });

  it(
    '20,000 connections that never send a byte do not stop a real client from trading',
    { timeout: 180_000 },
    async () => {
      await t.start();
      await withIdleFlood(false, async (opened) => {
        expect(opened.settled).toBe(20_000);
        const tradeStarted = performance.now();
        await honestPairTrades(t.server);
        const traded = performance.now() - tradeStarted;
        console.log(
          `20,000 silent TCP connections opened in ${Math.round(opened.ms)} ms (server cap ${t.server.config.limits.connections}); an honest pair signed up, connected and traded in ${Math.round(traded)} ms`,
        );
        expect(traded).toBeLessThan(15_000);
      });
    },
  );
});

describe('connections that never make a request', () => {
  it('closes a connection that sends nothing, or its request headers too slowly, and serves clients that ask', async () => {
    await t.start(limits({ httpIdleMs: 1_000 }));
    const silent = tcpConnect({ host: '127.0.0.1', port: t.server.port });
    const slow = tcpConnect({ host: '127.0.0.1', port: t.server.port });
    const closed = (s: Socket) => new Promise<void>((resolve) => s.once('close', () => resolve()));
    const silentClosed = closed(silent);
    const slowClosed = closed(slow);
    silent.on('error', () => undefined);
    slow.on('error', () => undefined);
    // A header line every 100 ms: always sending, never finishing.
    slow.write('GET /api/v1/markets HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const drip = setInterval(() => slow.writable && slow.write('X-Slow: 1\r\n'), 100);
    try {
      await Promise.all([silentClosed, slowClosed]);
    } finally {
      clearInterval(drip);
    }
    expect((await http(t.server.url, 'GET', '/api/v1/markets')).status).toBe(200);
    await honestPairTrades(t.server);
  });

  it('at the connection cap lets a client that asks take the place of the longest idle connection', async () => {
    await t.start(limits({ connections: 20 }));
    const idle = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<Socket>((resolve) => {
            const s = tcpConnect({ host: '127.0.0.1', port: t.server.port }, () => resolve(s));
            s.on('error', () => undefined);
          }),
      ),
    );
    const firstClosed = new Promise<void>((resolve) => idle[0].once('close', () => resolve()));
    expect((await http(t.server.url, 'GET', '/api/v1/markets')).status).toBe(200);
    await firstClosed; // the oldest made room
    for (const s of idle) s.destroy();
    await honestPairTrades(t.server);
  });
});
