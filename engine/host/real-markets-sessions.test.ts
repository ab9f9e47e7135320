/**
 * The replay plays only session files the user picked: by handle, from the desktop dialog or a web upload.
 * Each attack (a path, a forged handle, a file that is not a session, one too large) is refused, and the
 * honest path — picking a real session and trading on its replay — still works afterwards.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedSourceInfo, PaperOrderOutcome, PickedSession } from '../protocol/api';
import { MAX_SESSION_FILE_BYTES, SAMPLE_SESSION_PATH } from '../node/replay';
import { SESSION_MAGIC } from '../node/replay/session-format';
import { AppHost } from './app-host';
import { MAX_HANDLES } from './real-markets-sessions';

let dir: string | undefined;
let host: AppHost | undefined;
afterEach(() => {
  host?.close();
  host = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function open(dataDir = (dir = mkdtempSync(join(tmpdir(), 'session-picks-')))): AppHost {
  // No simulated traders, no exchange addresses: nothing here may reach the network.
  host = AppHost.open({
    dataDir,
    appVersion: '0.0.0',
    mode: 'web',
    practice: { ticksPerSecond: 0 },
    realMarkets: { env: {} },
  });
  return host;
}
const call = async <T>(method: string, params: unknown = {}): Promise<T> => (await host!.invoke(method, params)) as T;
const uploads = () => readdirSync(join(dir!, 'replay-sessions'));
const sample = readFileSync(SAMPLE_SESSION_PATH);
/** The same session as other bytes (a different file to the host). */
const variant = (level: number) => gzipSync(gunzipSync(sample), { level });

/** The honest path: a picked session replays and the paper account can trade on it. */
async function tradesOnPickedSession(): Promise<void> {
  const picked = host!.realMarkets.sessions.uploaded(sample, 'honest.p777s');
  const info = await call<FeedSourceInfo>('feed.setSource', { source: 'replay', session: picked.session, speed: 100 });
  expect(info.replay).toMatchObject({ kind: 'generated', markets: ['BTC-KRW'] });
  await call('paper.open', { market: 'BTC-KRW' });
  // The replay's book forms as it plays; a market buy fills against it.
  let bought: PaperOrderOutcome | undefined;
  const deadline = Date.now() + 20_000;
  while (!bought?.fills && Date.now() < deadline) {
    bought = await call<PaperOrderOutcome>('paper.place', {
      market: 'BTC-KRW',
      side: 'buy',
      orderType: 'market',
      quoteAmount: 1_000_000 * 10_000,
    });
    if (!bought.fills) await new Promise((r) => setTimeout(r, 25));
  }
  expect(bought!.fills).toBeGreaterThan(0);
  await call('paper.close', { market: 'BTC-KRW' });
}

describe('session files the user picked', () => {
  it('plays an uploaded session from its copy in the data folder, and keeps playing it after a restart', async () => {
    open();
    const picked = host!.realMarkets.sessions.uploaded(variant(1), 'C:\\Users\\me\\Downloads\\my\u0007 session.p777s');
    expect(picked).toEqual({ session: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), name: 'my session.p777s' });
    const info = await call<FeedSourceInfo>('feed.setSource', { source: 'replay', session: picked.session });
    expect(info.replay!.path.startsWith(join(dir!, 'replay-sessions'))).toBe(true);
    expect(uploads()).toHaveLength(1);

    const dataDir = dir!;
    host!.close();
    open(dataDir);
    expect((await call<FeedSourceInfo>('feed.source')).replay?.path).toBe(info.replay!.path);
    await tradesOnPickedSession();
  });

  it('plays a file picked in the desktop open dialog by handle', async () => {
    open();
    const path = join(dir!, 'picked.p777s');
    writeFileSync(path, variant(9));
    const picked = host!.realMarkets.sessions.pickedFile(path);
    expect(picked.name).toBe('picked.p777s');
    const info = await call<FeedSourceInfo>('feed.setSource', { source: 'replay', session: picked.session });
    expect(info.replay!.path).toBe(path);
    expect(() => host!.realMarkets.sessions.pickedFile('relative/picked.p777s')).toThrow(/absolute path/);
  });

  it('refuses a path, a forged handle or an unknown one, and the current source keeps running', async () => {
    open();
    const before = await call<FeedSourceInfo>('feed.setSource', { source: 'replay' });
    for (const params of [
      { source: 'replay', sessionPath: '/etc/passwd' },
      { source: 'replay', session: '../../../../etc/passwd' },
      { source: 'replay', session: '/dev/zero' },
      { source: 'replay', session: 'x'.repeat(5000) },
    ]) {
      await expect(call('feed.setSource', params), JSON.stringify(params).slice(0, 80)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    }
    await expect(call('feed.setSource', { source: 'replay', session: 'AAAAAAAAAAAAAAAAAAAAAA' })).rejects.toMatchObject(
      { code: 'UNKNOWN_SESSION', message: /choose it again/ },
    );
    expect(await call<FeedSourceInfo>('feed.source')).toEqual(before);
    await tradesOnPickedSession();
  });

  it('refuses an upload that is not a session, is too large or inflates past the bound, and stores nothing of it', async () => {
    open();
    const sessions = host!.realMarkets.sessions;
    expect(() => sessions.uploaded(Buffer.from('<html>not a session</html>'), 'page.html')).toThrow(
      expect.objectContaining({
        code: 'BAD_SESSION',
        message: expect.stringMatching(/^page\.html: not a session file/),
      }),
    );
    const bomb = gzipSync(Buffer.concat([SESSION_MAGIC, Buffer.alloc(300 * 1024 * 1024)]), { level: 9 });
    expect(() => sessions.uploaded(bomb, 'bomb.p777s')).toThrow(
      expect.objectContaining({
        code: 'BAD_SESSION',
        message: expect.stringMatching(/decompressed content is too large/),
      }),
    );
    expect(() => sessions.uploaded(Buffer.alloc(MAX_SESSION_FILE_BYTES + 1), 'huge.p777s')).toThrow(
      expect.objectContaining({ code: 'SESSION_TOO_LARGE' }),
    );
    expect(() => uploads()).toThrow(/ENOENT/); // not even the folder was made
    await tradesOnPickedSession();
  });

  it('remembers only the newest picks and keeps only the uploads they (or the playing replay) refer to', async () => {
    open();
    const sessions = host!.realMarkets.sessions;
    const playing = sessions.uploaded(variant(1), 'playing.p777s');
    await call('feed.setSource', { source: 'replay', session: playing.session });
    const picks: PickedSession[] = [];
    for (let level = 2; level <= 8; level++) picks.push(sessions.uploaded(variant(level), `s${level}.p777s`));
    expect(uploads().length).toBeLessThanOrEqual(MAX_HANDLES + 1);
    await expect(call('feed.setSource', { source: 'replay', session: picks[0].session })).rejects.toMatchObject({
      code: 'UNKNOWN_SESSION',
    });
    // The playing session's copy was kept though its handle expired; the newest pick still plays.
    expect((await call<FeedSourceInfo>('feed.source')).replay).toBeDefined();
    const info = await call<FeedSourceInfo>('feed.setSource', { source: 'replay', session: picks.at(-1)!.session });
    expect(info.replay!.markets).toEqual(['BTC-KRW']);
  });
});
