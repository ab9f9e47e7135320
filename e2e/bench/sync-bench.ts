/**
 * Cloud sync benchmark (npm run bench:sync): real app hosts (each with its own data folder) and a real sync
 * server on loopback, in this process.
 *
 * Measured:
 *   - restore: an account holding 100,000 synced changes (practice history uploaded by another device, through
 *     the server's HTTP API in batches as the app sends them); a fresh data folder signs in, and the time from
 *     the sign-in's answer until its sync status says synced, every change pulled, checked and stored;
 *   - propagation: two devices of the account online; one changes a setting, the time until the other's host
 *     pushes the changed settings to its UI. p50 and p99 over the rounds, one change at a time.
 * Targets: restore <= 3 s, propagation p99 <= 500 ms. The last line printed is one JSON object.
 *
 * The server runs the shipped configuration but for the HTTP rate limits, raised so the seeding uploads and
 * the rounds are not throttled (a user never changes settings hundreds of times a minute).
 *
 *   npm run bench:sync -- [--changes 100000] [--rounds 200]
 */
import { parseArgs } from 'node:util';
import { AppHost } from '../../engine/host/app-host';
import type { CloudChange } from '../../engine/protocol/cloud';
import type { CloudStatus } from '../../engine/protocol/cloud-api';
import type { Settings } from '../../engine/protocol/api';
import { formatHlc } from '../../engine/core/cloud/hlc';
import { defaultLimits } from '../../sync-server/config';
import { eventually, http, signUp, startTestServer, tempDir } from '../../sync-server/testing/harness';

const { values } = parseArgs({
  options: { changes: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '200' } },
});
const CHANGES = Number(values.changes);
const ROUNDS = Number(values.rounds);
const PASSWORD = 'bench-password';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const cleanups: (() => unknown)[] = [];
  try {
    const serverDir = tempDir('lpj-bench-sync-server-');
    cleanups.push(() => serverDir.remove());
    const unthrottled = { max: 1_000_000, windowMs: 60_000 };
    const server = await startTestServer(serverDir.path, {
      limits: { ...defaultLimits(), httpPerIp: unthrottled, httpPerAccount: unthrottled },
    });
    cleanups.push(() => server.close());
    const nickname = `bench_${Date.now() % 1e6}`;
    const session = await signUp(server.url, nickname, PASSWORD);

    // Another device's practice history, uploaded as the app uploads it.
    const seeding = Date.now();
    const device = 'seed-device';
    const base = Date.now() - 60_000;
    for (let i = 0; i < CHANGES; i += 500) {
      const changes: CloudChange[] = [];
      for (let j = i; j < Math.min(CHANGES, i + 500); j++) {
        const localId = `LPJ-KRW:${j + 1}:${base + j}`;
        changes.push({
          id: `${device}:${j}`,
          kind: 'practice',
          key: `${device}/${localId}`,
          hlc: formatHlc({ wall: base, counter: j, node: device }),
          value: {
            localId,
            kind: j % 2 === 0 ? 'order' : 'fill',
            market: 'LPJ-KRW',
            ts: base + j,
            data: { orderId: j + 1, side: j % 4 < 2 ? 'buy' : 'sell', price: 100_000 + (j % 500), quantity: 1_000_000 },
          },
        });
      }
      const r = await http<{ results: { status: string }[] }>(server.url, 'POST', '/api/v1/cloud/changes', {
        token: session.accessToken,
        body: { device: { id: device, name: 'Seeder' }, changes },
      });
      if (r.status !== 200 || r.body.results.some((x) => x.status !== 'stored'))
        throw new Error(`seeding failed: ${r.status} ${r.text.slice(0, 300)}`);
    }
    console.log(`seeded ${CHANGES} changes in ${Date.now() - seeding} ms`);

    const open = (name: string) => {
      const dir = tempDir('lpj-bench-sync-app-');
      const host = AppHost.open({
        dataDir: dir.path,
        appVersion: 'bench',
        mode: 'web',
        practice: { ticksPerSecond: 0 },
        live: { defaultServerUrl: server.url, backoff: { baseMs: 50, maxMs: 500 } },
        cloud: { deviceName: name },
      });
      cleanups.push(() => dir.remove());
      cleanups.push(() => host.close());
      return host;
    };
    const status = (host: AppHost) => host.invoke('cloud.status', {}) as Promise<CloudStatus>;

    // Restore into a fresh data folder.
    const fresh = open('Fresh install');
    await fresh.invoke('live.signIn', { nickname, password: PASSWORD });
    const restoreStart = performance.now();
    await eventually(async () => (await status(fresh)).state === 'synced', 'the restore', 120_000);
    const restoreMs = Math.round(performance.now() - restoreStart);
    const restored = (await fresh.invoke('cloud.practiceHistory', { limit: 1 })) as { items: unknown[] };
    const held = JSON.parse(((await fresh.invoke('cloud.export', {})) as { json: string }).json) as {
      fields: unknown[];
    };
    if (held.fields.length !== CHANGES || restored.items.length !== 1)
      throw new Error(`restored ${held.fields.length} of ${CHANGES} changes`);
    console.log(`restore: ${CHANGES} changes in ${restoreMs} ms`);

    // Propagation between two online devices.
    const other = open('Second device');
    await other.invoke('live.signIn', { nickname, password: PASSWORD });
    await eventually(async () => (await status(other)).state === 'synced', 'the second device', 120_000);
    const latencies: number[] = [];
    let waiting: { theme: string; at: number; done: () => void } | undefined;
    fresh.onEvent((e) => {
      if (e.name !== 'settings.changed' || !waiting) return;
      if ((e.payload as Settings).theme === waiting.theme) {
        latencies.push(performance.now() - waiting.at);
        waiting.done();
      }
    });
    for (let i = 0; i < ROUNDS; i++) {
      const theme = i % 2 === 0 ? 'light' : 'dark';
      const arrived = new Promise<void>((done) => (waiting = { theme, at: performance.now(), done }));
      await other.invoke('settings.update', { theme });
      await Promise.race([
        arrived,
        new Promise((_, fail) => setTimeout(() => fail(new Error(`round ${i} never arrived`)), 10_000)),
      ]);
      waiting = undefined;
    }
    latencies.sort((a, b) => a - b);
    const p50 = Math.round(percentile(latencies, 50) * 10) / 10;
    const p99 = Math.round(percentile(latencies, 99) * 10) / 10;
    console.log(
      `propagation over ${ROUNDS} rounds: p50 ${p50} ms, p99 ${p99} ms, max ${Math.round(latencies.at(-1)!)} ms`,
    );
    console.log(
      JSON.stringify({
        restoreChanges: CHANGES,
        restoreMs,
        propagationP50Ms: p50,
        propagationP99Ms: p99,
        targets: { restoreMs: 3_000, propagationP99Ms: 500 },
      }),
    );
  } finally {
    while (cleanups.length) await cleanups.pop()!();
  }
}

await main();
