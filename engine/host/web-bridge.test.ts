import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AppHost } from './app-host';
import { startWebBridge, type WebBridge } from './web-bridge';

let dir: string;
let host: AppHost;
let bridge: WebBridge;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lpj-bridge-'));
  const staticDir = join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Playground 777</title>');
  host = AppHost.open({ dataDir: join(dir, 'data'), appVersion: '1.2.3', mode: 'web' });
  bridge = await startWebBridge({ host, staticDir, port: 0 });
});
afterAll(async () => {
  await bridge.close();
  host.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api`, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

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

describe('web bridge', () => {
  it('serves the renderer on loopback with a strict content security policy', async () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(bridge.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Playground 777');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Client-side routes fall back to index.html.
    expect((await fetch(`${bridge.url}settings`)).status).toBe(200);
  });

  it('answers requests and pushes events over the same socket', async () => {
    const ws = await connect();
    const reply = nextFrame(ws, (f) => f.type === 'response' && f.id === 1);
    ws.send(JSON.stringify({ type: 'request', id: 1, method: 'app.info', params: {} }));
    expect(await reply).toMatchObject({ ok: true, result: { version: '1.2.3', mode: 'web' } });

    // The practice market pushes its own events on the same socket; wait for the settings one.
    const pushed = nextFrame(ws, (f) => f.type === 'event' && f.name === 'settings.changed');
    ws.send(JSON.stringify({ type: 'request', id: 2, method: 'settings.update', params: { language: 'ko' } }));
    expect(await pushed).toEqual({ type: 'event', name: 'settings.changed', payload: { language: 'ko', theme: 'dark' } });
    ws.close();
  });

  it('answers malformed frames with a clear error and keeps the connection and host intact', async () => {
    const ws = await connect();
    const cases: [string | Buffer, RegExp][] = [
      ['{nope', /not valid JSON/],
      [JSON.stringify({ type: 'request', id: 'x', method: 'app.info' }), /id/],
      [JSON.stringify({ type: 'request', id: 3, method: 'settings.update', params: { language: 'xx' } }), /language/],
      [JSON.stringify({ type: 'request', id: 4, method: 'nope', params: {} }), /unknown method/],
      [Buffer.from([1, 2, 3]), /binary/],
    ];
    for (const [payload, message] of cases) {
      const reply = nextFrame(ws, (f) => f.type === 'response');
      ws.send(payload, { binary: Buffer.isBuffer(payload) });
      const frame = await reply;
      expect(frame.ok).toBe(false);
      expect(frame.error.message).toMatch(message);
    }
    const ok = nextFrame(ws, (f) => f.id === 5);
    ws.send(JSON.stringify({ type: 'request', id: 5, method: 'app.health', params: {} }));
    expect((await ok).result.status).toBe('ready');
    ws.close();
  });

  it('refuses a WebSocket from another site', async () => {
    await expect(connect({ Origin: 'https://evil.example' })).rejects.toThrow(/403/);
  });

  it('closes a connection that sends an oversized frame', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(2 << 20));
    expect(await closed).toBe(1009);
  });
});
