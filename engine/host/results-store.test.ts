import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { accountResult } from '../core/results';
import { ResultsStore, type KeptRun } from './results-store';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'results-store-'));
  dirs.push(d);
  return d;
};

const BTC = { id: 'BTC-KRW', base: 'BTC', quote: 'KRW', priceDecimals: 0, sizeDecimals: 8, quoteDecimals: 0 };
const run = (n: number, state: KeptRun['state'] = 'stopped'): KeptRun => {
  const fills = Array.from({ length: n }, (_, i) => ({
    ts: i,
    market: 'BTC-KRW',
    side: i % 2 ? ('sell' as const) : ('buy' as const),
    price: 100 + i,
    quantity: 1_000,
    quoteAmount: 1,
    fee: 0,
    liquidity: 'taker' as const,
  }));
  return {
    account: state === 'running' ? 'paper' : 'replay',
    session: { key: 'ab'.repeat(32), name: 'sample' },
    state,
    startedAt: 1,
    endedAt: 2,
    fromTs: 0,
    toTs: n,
    quoteDecimals: 0,
    result: accountResult({ quote: 'KRW', start: { KRW: 1_000 }, startTs: 0, fills, markets: [BTC], endTs: n }),
    fills,
    markets: [BTC],
  };
};

describe('kept results', () => {
  it('keeps the newest runs and the latest fills of each, and one running row per account', () => {
    const store = new ResultsStore(tempDir(), undefined, 3, 4);
    const ids = [1, 2, 3, 4, 5].map((n) => store.keep(run(n)).id);
    const a = store.keep(run(2, 'running'));
    const b = store.keep(run(6, 'running'));
    expect(b.id).toBe(a.id);
    expect(store.list().map((r) => r.id)).toEqual([a.id, ...ids.slice(2).reverse()]);
    const last = store.get(ids[4])!;
    expect(last.trades).toBe(5);
    expect(last.fills.map((f) => f.ts)).toEqual([1, 2, 3, 4]);
    expect(last.fillsLeftOut).toBe(1);
    expect(store.get(b.id)!.trades).toBe(6);
    store.close();
  });

  it('leaves out a row that no longer reads, and lists the others', () => {
    const dir = tempDir();
    const store = new ResultsStore(dir);
    const good = store.keep(run(2));
    const bad = store.keep(run(3));
    store.close();
    const db = new Database(join(dir, 'results.db'));
    db.prepare('UPDATE results SET detail = ? WHERE id = ?').run('{"digest": 5', bad.id);
    db.close();
    const again = new ResultsStore(dir);
    expect(again.list().map((r) => r.id)).toEqual([good.id]);
    expect(again.get(bad.id)).toBeUndefined();
    again.close();
  });
});
