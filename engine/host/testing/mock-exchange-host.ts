/**
 * App hosts for a suite whose real markets are fed by the mock exchange: one mock for the file (started before
 * its first test, closed after its last), and per test a host in a data folder of its own, with the event frames
 * it sent, closed and deleted after the test. The feeds use their short test timings; the environment is empty,
 * so nothing can fall back to a real exchange's address, and the live market points where nothing listens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { fastOptions } from '../../node/feed/testing/helpers';
import type { EventFrame } from '../../protocol/api';
import { MockExchange, type MockExchangeOptions } from '../../tools/mock-exchange/mock-exchange';
import { AppHost } from '../app-host';

export interface MockExchangeHosts {
  readonly mock: MockExchange;
  /** The host `open` opened last (throws before the first). */
  readonly host: AppHost;
  /** Its data folder. */
  readonly dir: string;
  /** Every event frame it has sent, in order. */
  readonly frames: EventFrame[];
  /** A host on `dataDir` (a new folder by default); `upbitRest` replaces Upbit's REST address. */
  open(options?: { dataDir?: string; upbitRest?: string }): AppHost;
  /** The host's answer to one request. */
  call<T>(method: string, params?: unknown): Promise<T>;
}

export function mockExchangeHosts(mockOptions: Omit<MockExchangeOptions, 'port'>, folder: string): MockExchangeHosts {
  let mock: MockExchange | undefined;
  let host: AppHost | undefined;
  let dir = '';
  let frames: EventFrame[] = [];
  beforeAll(async () => {
    mock = await MockExchange.start({ ...mockOptions, port: 0 });
  });
  afterAll(async () => {
    await mock?.close();
  });
  afterEach(() => {
    host?.close();
    host = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  const running = <T>(what: T | undefined, name: string): T => {
    if (what === undefined) throw new Error(`no ${name} yet`);
    return what;
  };
  return {
    get mock() {
      return running(mock, 'mock exchange');
    },
    get host() {
      return running(host, 'host');
    },
    get dir() {
      return dir;
    },
    get frames() {
      return frames;
    },
    open({ dataDir, upbitRest } = {}) {
      const exchange = running(mock, 'mock exchange');
      dir = dataDir ?? mkdtempSync(join(tmpdir(), `${folder}-`));
      const upbit = fastOptions(exchange, 'upbit');
      if (upbitRest) upbit.restUrl = upbitRest;
      host = AppHost.open({
        dataDir: dir,
        appVersion: '0.0.0',
        mode: 'web',
        practice: { ticksPerSecond: 0 },
        realMarkets: { upbit, binance: fastOptions(exchange, 'binance'), env: {} },
        live: { defaultServerUrl: 'http://127.0.0.1:9' },
      });
      frames = [];
      host.onEvent((f) => frames.push(f));
      return host;
    },
    call: async <T>(method: string, params: unknown = {}) => (await running(host, 'host').invoke(method, params)) as T,
  };
}

/** Resolves once `probe` says yes, checking every 20 ms; fails naming `what` after `ms`. */
export async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await probe())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
