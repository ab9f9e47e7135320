/**
 * One sync server per test: a fresh data directory before each test; after it, the WebSocket clients and SSE
 * streams the test opened are closed, the server stopped and the directory removed.
 */
import { afterEach, beforeEach } from 'vitest';
import type { ServerMessage, Session } from '../../engine/protocol/sync';
import type { ServerConfig } from '../config';
import { MARKET, startTestServer, tempDir, type SseClient, type TestServer } from './harness';
import { TestWsClient } from './ws-client';

export interface PerTestServer {
  /** The test's data directory (a restart on it keeps everything). */
  readonly dataDir: string;
  /** The running server; a test calls `start` first. */
  readonly server: TestServer;
  /** Starts a server on the test's data directory (again, after `server.close()`, for a restart). */
  start(overrides?: Partial<ServerConfig>): Promise<TestServer>;
  /** A WebSocket client of the running server, signed in when given a session. */
  connect(session?: Session, onMessage?: (m: ServerMessage) => void): Promise<TestWsClient>;
  /** Closes the WebSocket clients opened so far (before a restart). */
  disconnectAll(): Promise<void>;
  /** Closes the stream after the test. */
  track(stream: SseClient): SseClient;
}

export function serverPerTest(): PerTestServer {
  let dir: ReturnType<typeof tempDir> | undefined;
  let server: TestServer | undefined;
  const clients: TestWsClient[] = [];
  const streams: SseClient[] = [];
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await perTest.disconnectAll();
    await server?.close();
    server = undefined;
    dir?.remove();
  });
  const perTest: PerTestServer = {
    get dataDir() {
      if (!dir) throw new Error('serverPerTest: used outside a test');
      return dir.path;
    },
    get server() {
      if (!server) throw new Error('serverPerTest: start() the server first');
      return server;
    },
    async start(overrides = {}) {
      server = await startTestServer(this.dataDir, overrides);
      return server;
    },
    async connect(session, onMessage) {
      const c = await TestWsClient.connect(this.server.wsUrl, { onMessage });
      clients.push(c);
      if (session) await c.ok({ op: 'auth', token: session.accessToken });
      return c;
    },
    async disconnectAll() {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    },
    track(stream) {
      streams.push(stream);
      return stream;
    },
  };
  return perTest;
}

/** A GTC limit order message on the LPJ market. */
export const limitOrder = (clientOrderId: string, side: 'buy' | 'sell', price: number, quantity: number) => ({
  op: 'order.new' as const,
  order: { market: MARKET, clientOrderId, side, type: 'limit' as const, price, quantity },
});
