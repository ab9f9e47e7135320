/**
 * Attacks on the notification stream, each against a real server and each ending with an honest pair of new
 * accounts trading: a reader that never reads and one that reads 1 KB/s while notifications pour in (both are
 * let go, nothing is written after the end, no error goes unhandled, and other readers miss nothing), a pile of
 * streams on one account, and malformed resume points.
 */
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Notification, Session, StreamTicket } from '../../engine/protocol/sync';
import { SseClient, eventually, honestPairTrades, http, signUp } from '../testing/harness';
import { serverPerTest } from '../testing/per-test';

const t = serverPerTest();

/** Everything the server logs, one parsed JSON object per line. */
function logSink(): {
  stream: Writable;
  lines: () => { level: number; msg?: string; account?: number; reason?: string }[];
} {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

const ticketFor = async (s: Session) =>
  (await http<StreamTicket>(t.server.url, 'POST', '/api/v1/notifications/ticket', { token: s.accessToken })).body
    .ticket;

/**
 * A stream opened over a bare TCP socket, read only as the caller says. Resolves once the response has begun
 * (the server is listening for the account by then); the socket is paused from that moment.
 */
async function rawStream(s: Session): Promise<{ socket: Socket; received: () => number; closed: Promise<void> }> {
  const ticket = await ticketFor(s);
  const socket = connect(t.server.port, '127.0.0.1');
  socket.on('error', () => undefined); // the server cutting us off is the point
  let received = 0;
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => {
    socket.once('data', (chunk: Buffer) => {
      received += chunk.length;
      expect(chunk.toString()).toMatch(/^HTTP\/1\.1 200/);
      socket.pause();
      resolve();
    });
    socket.write(
      `GET /notifications/stream?ticket=${encodeURIComponent(ticket)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`,
    );
  });
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  return { socket, received: () => received, closed };
}

/** A notification for `account` tagged `tag`, padded to about 4 KB when `padded` (a flood's size). */
const notify = (account: number, tag: string, padded = false) =>
  t.server.notifications.add(account, 'stop_loss_hit', { leader: padded ? `${tag}|${'x'.repeat(4_000)}` : tag });
/** The tag of a streamed notification. */
const tagOf = (e: { data: string }) => String((JSON.parse(e.data) as Notification).data?.leader).split('|')[0];

/** Notifications of about 4 KB for `account`, in rounds, until `enough` (or a bound far past any buffer). */
async function pour(account: number, enough: () => boolean, alsoWait?: () => Promise<void>): Promise<number> {
  let sent = 0;
  while (!enough()) {
    if (sent > 50_000) throw new Error('the slow reader was never let go');
    for (let i = 0; i < 25; i++) notify(account, `flood ${sent++}`, true);
    await (alsoWait ? alsoWait() : new Promise((r) => setTimeout(r, 1)));
  }
  return sent;
}

const dropped = (log: ReturnType<typeof logSink>, account: number) =>
  log.lines().some((l) => l.msg === 'notification stream dropped' && l.account === account);
const errorsIn = (log: ReturnType<typeof logSink>) =>
  log.lines().filter((l) => l.level >= 50 || /write after end/i.test(JSON.stringify(l)));

describe('slow and stalled readers', () => {
  it('lets go of a reader that never reads, while the account’s other stream and other accounts keep every notification', async () => {
    const log = logSink();
    await t.start({ logLevel: 'info', logDestination: log.stream });
    const alice = await signUp(t.server.url, 'alice');
    const bob = await signUp(t.server.url, 'bob');
    const stalled = await rawStream(alice);
    const good = t.track(await SseClient.open(`${t.server.url}/notifications/stream?ticket=${await ticketFor(alice)}`));
    const bobs = t.track(await SseClient.open(`${t.server.url}/notifications/stream?ticket=${await ticketFor(bob)}`));

    // The good reader keeps up (each round waits for it), the stalled one takes nothing.
    const sent = await pour(
      alice.accountId,
      () => dropped(log, alice.accountId),
      () => good.waitForCount(good.events.length + 25, 20_000).then(() => undefined),
    );
    expect(good.events).toHaveLength(sent);
    expect(good.events.map(tagOf)).toEqual(Array.from({ length: sent }, (_, i) => `flood ${i}`));

    // The server holds nothing for the stalled reader any more: once it reads, what was in flight arrives and
    // then the connection ends.
    const heldBack = stalled.received();
    stalled.socket.resume();
    await stalled.closed;
    expect(stalled.received()).toBeGreaterThan(heldBack);

    // Everyone else is still served.
    notify(alice.accountId, 'after');
    notify(bob.accountId, 'for bob');
    await good.waitForCount(sent + 1);
    await bobs.waitForCount(1);
    expect((await http(t.server.url, 'GET', '/healthz')).status).toBe(200);
    expect(errorsIn(log)).toEqual([]);
    await honestPairTrades(t.server);
  });

  it('lets go of a reader that reads 1 KB/s, and it resumes from its last event without a gap', async () => {
    const log = logSink();
    await t.start({ logLevel: 'info', logDestination: log.stream });
    const alice = await signUp(t.server.url, 'alice');
    const slow = await rawStream(alice);
    let text = '';
    slow.socket.setEncoding('utf8');
    slow.socket.removeAllListeners('data');
    const reader = setInterval(() => {
      const chunk = slow.socket.read(100) as string | null; // 100 bytes every 100 ms
      if (chunk) text += chunk;
    }, 100);
    try {
      await pour(alice.accountId, () => dropped(log, alice.accountId));
    } finally {
      clearInterval(reader);
    }
    const lastId = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])).pop() ?? 0;
    slow.socket.destroy();

    // Back with its Last-Event-ID: everything after it, in order, nothing twice.
    const resumed = t.track(
      await SseClient.open(`${t.server.url}/notifications/stream?ticket=${await ticketFor(alice)}`, {
        'last-event-id': String(lastId),
      }),
    );
    const all = (
      await http<Notification[]>(t.server.url, 'GET', `/api/v1/notifications?after=${lastId}&limit=500`, {
        token: alice.accessToken,
      })
    ).body;
    await resumed.waitForCount(Math.min(all.length, 500), 20_000);
    expect(resumed.events.slice(0, all.length).map((e) => Number(e.id))).toEqual(all.map((n) => n.id));
    expect(errorsIn(log)).toEqual([]);
    await honestPairTrades(t.server);
  });

  it('ends streams politely on sign-out in the middle of a flood, writing nothing after the end', async () => {
    const log = logSink();
    await t.start({ logLevel: 'info', logDestination: log.stream });
    const alice = await signUp(t.server.url, 'alice');
    const streams = await Promise.all(
      [0, 1, 2].map(async () =>
        t.track(await SseClient.open(`${t.server.url}/notifications/stream?ticket=${await ticketFor(alice)}`)),
      ),
    );
    let signedOut = false;
    const flood = pour(alice.accountId, () => signedOut);
    await streams[0].waitForCount(100, 20_000);
    expect((await http(t.server.url, 'POST', '/api/v1/auth/signout', { token: alice.accessToken })).status).toBe(204);
    await Promise.all(streams.map((s) => s.ended));
    // The flood goes on after the streams ended: a write to an ended response would be logged as an error (or,
    // unhandled, fail the run).
    await pour(alice.accountId, () => true).then(() => notify(alice.accountId, 'one more'));
    signedOut = true;
    await flood;
    expect(errorsIn(log)).toEqual([]);
    await honestPairTrades(t.server);
  });
});

describe('stream limits and bad requests', () => {
  it('keeps at most eight streams per account, ending the oldest', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    const streams: SseClient[] = [];
    for (let i = 0; i < 9; i++)
      streams.push(
        t.track(await SseClient.open(`${t.server.url}/notifications/stream?ticket=${await ticketFor(alice)}`)),
      );
    await streams[0].ended;
    notify(alice.accountId, 'to the eight');
    for (const s of streams.slice(1)) await s.waitForCount(1);
    expect(streams[0].events).toEqual([]);
    await honestPairTrades(t.server);
  });

  it('refuses malformed resume points and queries with a 4xx, never a 500', async () => {
    await t.start();
    const alice = await signUp(t.server.url, 'alice');
    for (const lastEventId of [
      '-1',
      'abc',
      '1e400',
      '9007199254740993',
      'x'.repeat(4_000),
      '1\r\nX: y'.replace(/\r\n/, ' '),
    ]) {
      const s = t.track(
        await SseClient.open(`${t.server.url}/notifications/stream`, {
          authorization: `Bearer ${alice.accessToken}`,
          'last-event-id': lastEventId,
        }),
      );
      expect([lastEventId.slice(0, 12), s.status]).toEqual([lastEventId.slice(0, 12), 400]);
    }
    for (const query of ['after=-5', 'after=abc', 'after=1&after=2', `after=${'9'.repeat(400)}`]) {
      const r = await http(t.server.url, 'GET', `/notifications/stream?${query}`, { token: alice.accessToken });
      expect([query.slice(0, 12), r.status]).toEqual([query.slice(0, 12), 400]);
    }
    // A reader that hangs up at once, many times over, leaves nothing behind that breaks the next one.
    for (let i = 0; i < 20; i++) {
      const s = await SseClient.open(`${t.server.url}/notifications/stream?ticket=${await ticketFor(alice)}`);
      s.close();
    }
    const last = t.track(await SseClient.open(`${t.server.url}/notifications/stream?ticket=${await ticketFor(alice)}`));
    notify(alice.accountId, 'still works');
    await eventually(() => last.events.length === 1, 'the notification on a fresh stream');
    await honestPairTrades(t.server);
  });
});
