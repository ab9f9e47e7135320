/**
 * The chart's chosen studies through the host's front door: kept across a reopen, the worst lists a page or a
 * hand-edited database can hold refused or ignored, and candles requests' `before` bounded like every number.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../protocol/errors';
import { DEFAULT_CHART_INDICATORS } from '../protocol/chart-indicators';
import { AppHost } from './app-host';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lpj-chart-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

const open = (dataDir: string) => AppHost.open({ dataDir, appVersion: '9.9.9', mode: 'web' });

describe('chart indicators', () => {
  it('starts with volume, MA 7/25 and RSI 14 and keeps a choice across a reopen', async () => {
    const dir = tempDir();
    const first = open(dir);
    expect(await first.invoke('chart.indicators', {})).toEqual({ indicators: DEFAULT_CHART_INDICATORS });
    const chosen = [
      { kind: 'ema', period: 20 },
      { kind: 'bollinger', period: 20, deviations: 2 },
      { kind: 'macd', fast: 12, slow: 26, signal: 9 },
    ];
    expect(await first.invoke('chart.setIndicators', { indicators: chosen })).toEqual({ indicators: chosen });
    first.close();
    const second = open(dir);
    expect(await second.invoke('chart.indicators', {})).toEqual({ indicators: chosen });
    // None at all is a choice too.
    await second.invoke('chart.setIndicators', { indicators: [] });
    expect(await second.invoke('chart.indicators', {})).toEqual({ indicators: [] });
    second.close();
  });

  it('refuses the worst lists before storing anything', async () => {
    const host = open(tempDir());
    const bad: unknown[] = [
      { indicators: Array.from({ length: 9 }, () => ({ kind: 'volume' })) },
      { indicators: Array.from({ length: 100_000 }, () => ({ kind: 'ma', period: 7 })) },
      { indicators: [{ kind: 'ma', period: 1e9 }] },
      { indicators: [{ kind: 'ma', period: 1 }] },
      { indicators: [{ kind: 'ma', period: 7.5 }] },
      { indicators: [{ kind: 'ema', period: -3 }] },
      { indicators: [{ kind: 'bollinger', period: 20, deviations: Number.NaN }] },
      { indicators: [{ kind: 'bollinger', period: 20, deviations: 1e308 }] },
      { indicators: [{ kind: 'macd', fast: 26, slow: 12, signal: 9 }] },
      { indicators: [{ kind: 'rsi', period: 14, script: 'alert(1)' }] },
      { indicators: [{ kind: '__proto__' }] },
      { indicators: 'ma' },
      { indicators: [{ kind: 'volume' }], extra: true },
      null,
    ];
    for (const params of bad) {
      const err = await host.invoke('chart.setIndicators', params).catch((e: unknown) => e);
      expect(err, JSON.stringify(params)?.slice(0, 80)).toBeInstanceOf(ApiError);
      expect((err as ApiError).code).toBe('BAD_REQUEST');
    }
    expect(await host.invoke('chart.indicators', {})).toEqual({ indicators: DEFAULT_CHART_INDICATORS });
    host.close();
  });

  it('falls back to the defaults when the stored list no longer validates', async () => {
    const dir = tempDir();
    open(dir).close();
    const db = new Database(join(dir, 'app.db'));
    db.prepare("INSERT INTO settings (key, value) VALUES ('chart.indicators', ?)").run('[{"kind":"ma","period":0}]');
    db.close();
    const host = open(dir);
    expect(await host.invoke('chart.indicators', {})).toEqual({ indicators: DEFAULT_CHART_INDICATORS });
    host.close();
  });

  it('refuses a candles request whose `before` is not a time', async () => {
    const host = open(tempDir());
    for (const before of [-1, 1.5, Number.MAX_SAFE_INTEGER + 2, '0', null]) {
      for (const method of ['practice.candles', 'live.candles']) {
        const err = await host.invoke(method, { interval: '1m', limit: 10, before }).catch((e: unknown) => e);
        expect((err as ApiError).code, `${method} ${String(before)}`).toBe('BAD_REQUEST');
      }
    }
    await expect(host.invoke('practice.candles', { interval: '1y', limit: 10 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    host.close();
  });
});
