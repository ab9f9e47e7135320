/**
 * Notifications are stored and sent as a kind and its data, never as finished text; notifications stored as
 * finished English text before that are sent as they were, so they still read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../engine/node/db/database';
import { readNotice } from '../../engine/protocol/notification-kinds';
import type { Fill } from '../../engine/protocol/sync';
import { WriteBehind } from '../db/write-behind';
import { serverMigrations } from '../db/migrations';
import { Notifications } from './notifications';

const cleanUps: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanUps.splice(0).reverse()) await c();
});

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'notifications-'));
  const path = join(dir, 'server.db');
  const db = openDatabase(path, serverMigrations);
  const writes = new WriteBehind(path, { delayMs: 5, maxPending: 100, onError: (e) => expect.fail(e.message) });
  cleanUps.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => void db.close(),
    () => writes.close(),
  );
  return { db, writes, notifications: new Notifications(db, writes, () => 1_700_000_000_000, 1_000) };
}

const FILL: Fill = {
  tradeId: 7,
  orderId: 3,
  market: 'LPJ-KRW',
  side: 'buy',
  price: 178_000,
  quantity: 178_000_000,
  quoteAmount: 316_840,
  fee: 316,
  liquidity: 'taker',
  ts: 1_700_000_000_000,
};

describe('notifications', () => {
  it('stores and sends a kind and its figures, no text, and every kind reads back as its own', async () => {
    const { notifications } = setUp();
    const pushed: unknown[] = [];
    notifications.listen(1, (n) => pushed.push(n));
    notifications.recordFill(1, FILL, FILL.ts);
    notifications.add(1, 'subscription_changed', {
      subscriptionId: 4,
      change: 'subscribed',
      leader: 'kim',
      amount: 2_000_000,
      asset: 'KRW',
    });
    notifications.add(1, 'rank_top10', { period: '7d', rank: 3 });
    // (The fill is written behind, with the fills, so it lands after the others.)
    const stored = notifications.since(1, 0);
    expect(stored.map((n) => [n.kind, n.title, n.body])).toEqual([
      ['subscription_changed', undefined, undefined],
      ['rank_top10', undefined, undefined],
      ['fill', undefined, undefined],
    ]);
    expect(stored[2].data).toEqual({
      market: 'LPJ-KRW',
      orderId: 3,
      tradeId: 7,
      side: 'buy',
      price: 178_000,
      quantity: 178_000_000,
      fee: 316,
    });
    for (const n of stored) expect(readNotice(n.kind, n.data), n.kind).not.toBeNull();
    // Pushed live as stored (the fill once its write has committed).
    notifications.publishCommitted();
    expect(pushed).toHaveLength(3);
  });

  it('sends a notification stored as finished text with its text, and no other account sees it', () => {
    const { db, notifications } = setUp();
    db.prepare('INSERT INTO notifications (account_id, ts, kind, title, body, data) VALUES (?, ?, ?, ?, ?, ?)').run(
      1,
      1_600_000_000_000,
      'copy_executed',
      'Copied kim: buy LPJ-KRW',
      '178000000 for 18067 (fee 18)',
      JSON.stringify({ leader: 'kim', market: 'LPJ-KRW', side: 'buy' }),
    );
    const [old] = notifications.since(1, 0);
    expect(old).toMatchObject({
      kind: 'copy_executed',
      title: 'Copied kim: buy LPJ-KRW',
      body: '178000000 for 18067 (fee 18)',
    });
    // Its data lacks figures of its kind: the app shows the stored text rather than guess them.
    expect(readNotice(old.kind, old.data)).toBeNull();
    expect(notifications.since(2, 0)).toEqual([]);
  });
});
