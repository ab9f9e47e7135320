/**
 * The main process's relay in front of the real host process, forked under Node as Electron forks it as a
 * utilityProcess: requests and pushes pass through; a host that dies is reported, what it held is answered,
 * and it comes back on the same data; one that keeps dying is given up on with the reason; closing lets it
 * close its data and restarts nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppInfo, EventFrame, OrderOutcome, PracticeState } from '../../engine/protocol/api';
import type { Reply } from '../../engine/protocol/wire';
import { waitFor } from '../../engine/node/feed/testing/helpers';
import { forkHost, type ForkedHost } from '../../engine/host/testing/fork-host';
import { HostRelay, MAX_WAITING, type HostChild, type HostRelayOptions } from './host-relay';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lpj-relay-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Running {
  relay: HostRelay;
  /** Every host process it started, oldest first. */
  hosts: ForkedHost[];
  pushes: EventFrame[];
  logs: string[];
  restarts: number;
}

function relayOn(dataDir: string, options: Partial<HostRelayOptions> = {}): Running {
  const running: Running = { hosts: [], pushes: [], logs: [], restarts: 0 } as unknown as Running;
  running.relay = new HostRelay({
    spawn: () => {
      const host = forkHost();
      running.hosts.push(host);
      cleanups.push(() => host.process.kill('SIGKILL'));
      return host.asChild();
    },
    start: { dataDir, appVersion: '3.1.4', practice: { ticksPerSecond: 0 } },
    log: (line) => running.logs.push(line),
    onRestarted: () => running.restarts++,
    restartDelayMs: 20,
    ...options,
  });
  running.relay.onPush((frame) => running.pushes.push(frame));
  cleanups.push(() => running.relay.close());
  return running;
}

async function result<T>(relay: HostRelay, method: string, params: unknown = {}): Promise<T> {
  const reply = await relay.invoke(method, params);
  if (!reply.ok) throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result as T;
}

const statuses = (r: Running) => r.pushes.flatMap((p) => (p.name === 'engine.status' ? [p.payload] : []));

/** The user can still place a practice order through the relay and see it rest. */
async function honestOrderRests(relay: HostRelay, price: number): Promise<number> {
  const placed = await result<OrderOutcome>(relay, 'practice.place', {
    side: 'buy',
    orderType: 'limit',
    price,
    quantity: 100_000_000,
  });
  expect(placed).toMatchObject({ status: 'accepted', fills: 0 });
  const state = await result<PracticeState>(relay, 'practice.state');
  expect(state.openOrders.map((o) => o.id)).toContain(placed.orderId);
  return placed.orderId!;
}

describe('the relay to the host process', () => {
  it('relays requests to the host and its pushes back, and reports it ready', async () => {
    const dataDir = tempDir();
    const r = relayOn(dataDir);
    // Asked before the host is up: the request waits for it.
    const info = await result<AppInfo>(r.relay, 'app.info');
    expect(info).toMatchObject({ version: '3.1.4', mode: 'desktop', dataDir });
    expect(statuses(r)).toMatchObject([{ status: 'ready' }]);

    await honestOrderRests(r.relay, 9_000);
    await waitFor(
      () => r.pushes.some((p) => p.name === 'practice.update' && p.payload.bids.some(([price]) => price === 9_000)),
      10_000,
      'the book push',
    );
    expect(await r.relay.invoke('wallet.drain', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });

    // Events that start in the main process reach the same listeners, checked like the host's: one that
    // fails (a deep link's nickname of 20 four-byte letters encodes past the hash's 200 characters) is dropped.
    expect(r.relay.emit('app.navigate', { hash: '#/ranking' })).toBe(true);
    expect(r.pushes.at(-1)).toEqual({ name: 'app.navigate', payload: { hash: '#/ranking' } });
    const count = r.pushes.length;
    for (const hash of ['javascript:alert(1)', `#/trader/${encodeURIComponent('𠀀'.repeat(20))}`]) {
      expect(r.relay.emit('app.navigate', { hash })).toBe(false);
    }
    expect(r.pushes).toHaveLength(count);
    expect(r.logs.filter((l) => l.startsWith('dropped the event app.navigate'))).toHaveLength(2);
    expect(r.hosts).toHaveLength(1);
  });

  it('reports a host that dies, answers what it held with TRANSPORT, and restarts it on the same data', async () => {
    const dataDir = tempDir();
    const r = relayOn(dataDir);
    const before = await honestOrderRests(r.relay, 9_000);
    const first = r.hosts[0];

    // Frozen, the host cannot answer: the request is in its hands when it is killed.
    first.process.kill('SIGSTOP');
    const held = r.relay.invoke('practice.state', {});
    first.process.kill('SIGKILL');
    expect(await held).toMatchObject({ ok: false, error: { code: 'TRANSPORT' } });
    // Asked while it restarts: answered by the new host.
    const during = await result<AppInfo>(r.relay, 'app.info');
    expect(during.dataDir).toBe(dataDir);

    expect(r.hosts).toHaveLength(2);
    expect(statuses(r).map((s) => s.status)).toEqual(['ready', 'error', 'starting', 'ready']);
    expect(statuses(r)[1].message).toMatch(/stopped \(exit SIGKILL\); restarting/);
    expect(r.logs.join('\n')).toMatch(/stopped \(exit SIGKILL\); restarting it in 20 ms/);
    expect(r.restarts).toBe(1);

    const state = await result<PracticeState>(r.relay, 'practice.state');
    expect(state.openOrders.map((o) => o.id)).toContain(before);
    await honestOrderRests(r.relay, 9_100);
  });

  it('gives up on a host that keeps failing, says why, and answers NOT_READY at once', async () => {
    const notAFolder = join(tempDir(), 'file');
    writeFileSync(notAFolder, 'a file where the data folder should be');
    const r = relayOn(notAFolder, { maxCrashes: 3, restartDelayMs: 10 });
    const waiting = r.relay.invoke('app.info', {});
    const answer: Reply = await waiting;
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'NOT_READY', message: expect.stringMatching(/could not open its data.*3 times.*restart the app/) },
    });
    expect(r.hosts).toHaveLength(3);
    expect(statuses(r).at(-1)).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/stopped: it could not open its data/),
    });
    expect(await r.relay.invoke('app.info', {})).toMatchObject({ ok: false, error: { code: 'NOT_READY' } });
    await Promise.all(r.hosts.map((h) => h.exited));
    expect(r.hosts).toHaveLength(3);
  });

  it('on close lets the host close its data and exit 0, then answers NOT_READY and restarts nothing', async () => {
    const dataDir = tempDir();
    const r = relayOn(dataDir);
    const placed = await honestOrderRests(r.relay, 9_000);
    await r.relay.close();
    expect(await r.hosts[0].exited).toEqual({ code: 0, signal: null });
    expect(await r.relay.invoke('app.info', {})).toMatchObject({ ok: false, error: { code: 'NOT_READY' } });
    expect(r.hosts).toHaveLength(1);
    expect(statuses(r).map((s) => s.status)).toEqual(['ready']);

    // The next launch finds the order it acknowledged.
    const next = relayOn(dataDir);
    const state = await result<PracticeState>(next.relay, 'practice.state');
    expect(state.openOrders.map((o) => o.id)).toEqual([placed]);
  });
});

describe('the relay against a host that misbehaves', () => {
  /** A host process that never gets ready and says what the test makes it say. */
  function silentHost() {
    const sent: unknown[] = [];
    let deliver: (message: unknown) => void = () => {};
    const child: HostChild = {
      postMessage: (m) => sent.push(m),
      onMessage: (l) => (deliver = l),
      onExit: () => {},
      kill: () => {},
    };
    return { child, sent, say: (m: unknown) => deliver(m) };
  }

  it('bounds the requests waiting for a host that does not start, and drops messages outside the protocol', async () => {
    const host = silentHost();
    const logs: string[] = [];
    const relay = new HostRelay({
      spawn: () => host.child,
      start: { dataDir: '/nowhere', appVersion: '0' },
      log: (l) => logs.push(l),
    });
    const waiting = Array.from({ length: MAX_WAITING }, () => relay.invoke('app.info', {}));
    expect(await relay.invoke('app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_READY', message: expect.stringMatching(/too many/) },
    });
    expect(host.sent).toEqual([{ type: 'start', dataDir: '/nowhere', appVersion: '0' }]);

    const pushes: EventFrame[] = [];
    relay.onPush((p) => pushes.push(p));
    for (const junk of [
      'x',
      null,
      { type: 'response', id: 'one', ok: true },
      { type: 'ready' },
      { type: 'event', name: 7 },
    ])
      host.say(junk);
    // A response to nothing the relay asked is logged, not delivered.
    host.say({ type: 'response', id: 123_456, ok: true, result: 'surprise' });
    expect(pushes).toEqual([]);
    expect(logs.filter((l) => l.startsWith('dropped a message'))).toHaveLength(5);

    // Still waiting; the host gets ready and every waiting request goes to it, in order.
    host.say({ type: 'ready', health: { status: 'ready', schemaVersion: 1, uptimeMs: 0 } });
    const requests = host.sent.slice(1) as { id: number; method: string }[];
    expect(requests).toHaveLength(MAX_WAITING);
    expect(requests.every((m) => m.method === 'app.info')).toBe(true);
    for (const { id } of requests) host.say({ type: 'response', id, ok: true, result: id });
    const replies = await Promise.all(waiting);
    expect(replies.map((r) => (r.ok ? r.result : null))).toEqual(requests.map((m) => m.id));
  });
});
