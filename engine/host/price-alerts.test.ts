/**
 * Price alerts through the app host as the UI sets them: validated, bounded, fired once on the prices the host
 * sees, remembered as fired across a restart, and notified through the notification centre unless switched off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertReached } from '../core/alerts/price-alert';
import { ALERTS_ACTIVE_MAX, type PriceAlert } from '../protocol/alerts';
import type { AppNotification, EventFrame, OrderOutcome } from '../protocol/api';
import { ApiError } from '../protocol/errors';
import { AppHost } from './app-host';

let dir: string;
let host: AppHost;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'alerts-'));
});
afterEach(() => {
  host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = () =>
  AppHost.open({
    dataDir: dir,
    appVersion: '0.0.0',
    mode: 'web',
    practice: { ticksPerSecond: 0 },
    // No sync server: the live market stays offline.
    live: { defaultServerUrl: 'http://127.0.0.1:9' },
  });

const list = async () => ((await host.invoke('alerts.list', {})) as { items: PriceAlert[] }).items;
const notices = async () =>
  (await host.invoke('notifications.list', {})) as { items: AppNotification[]; unread: number };
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as ApiError,
  );

describe('alertReached', () => {
  it('reaches above and below at the target, and a move either way from its base', () => {
    expect(alertReached({ kind: 'above', price: 100 }, 0, 100)).toBe(true);
    expect(alertReached({ kind: 'above', price: 100 }, 0, 99)).toBe(false);
    expect(alertReached({ kind: 'below', price: 100 }, 0, 100)).toBe(true);
    expect(alertReached({ kind: 'below', price: 100 }, 0, 101)).toBe(false);
    expect(alertReached({ kind: 'move', bps: 500 }, 10_000, 10_499)).toBe(false);
    expect(alertReached({ kind: 'move', bps: 500 }, 10_000, 10_500)).toBe(true);
    expect(alertReached({ kind: 'move', bps: 500 }, 10_000, 9_500)).toBe(true);
  });

  it('stays exact and never throws at the edges of the safe range', () => {
    const max = Number.MAX_SAFE_INTEGER;
    expect(alertReached({ kind: 'move', bps: 100_000 }, max, max)).toBe(false);
    expect(alertReached({ kind: 'move', bps: 1 }, max, 1)).toBe(true);
    expect(alertReached({ kind: 'move', bps: 1 }, 0, 5)).toBe(false);
    for (const bad of [NaN, Infinity, -1, 0, 1.5, max + 2])
      expect(alertReached({ kind: 'above', price: 1 }, 1, bad)).toBe(false);
  });
});

describe('price alerts in the app host', () => {
  it('refuses the worst inputs with a reason, and still sets an honest alert after them', async () => {
    host = open();
    const bad: unknown[] = [
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'above', price: -5 } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'above', price: 0 } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'above', price: NaN } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'above', price: Infinity } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'below', price: 2 ** 60 } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'below', price: 1.5 } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'move', bps: 0 } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'move', bps: 100_001 } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'sideways', price: 5 } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'above', price: 5, bps: 3 } },
      { venue: 'moon', market: 'LPJ-KRW', condition: { kind: 'above', price: 5 } },
      { venue: 'practice', market: 'x'.repeat(5_000), condition: { kind: 'above', price: 5 } },
      { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'above', price: 5 }, admin: true },
      'above 5',
    ];
    for (const params of bad) {
      const err = await refusal(host.invoke('alerts.create', params));
      expect(err, JSON.stringify(params)).toBeInstanceOf(ApiError);
      expect(err!.code).toBe('BAD_REQUEST');
    }
    const unknown = await refusal(
      host.invoke('alerts.create', { venue: 'practice', market: 'BTC-KRW', condition: { kind: 'above', price: 5 } }),
    );
    expect(unknown?.code).toBe('UNKNOWN_MARKET');
    const unknownPaper = await refusal(
      host.invoke('alerts.create', { venue: 'paper', market: 'KRW-NOPE', condition: { kind: 'above', price: 5 } }),
    );
    expect(unknownPaper?.code).toBe('UNKNOWN_MARKET');
    const unknownLive = await refusal(
      host.invoke('alerts.create', { venue: 'live', market: 'ETH-KRW', condition: { kind: 'above', price: 5 } }),
    );
    expect(unknownLive?.code).toBe('UNKNOWN_MARKET');
    // A move needs a price to measure from: the practice market with no trade yet has none.
    const noPrice = await refusal(
      host.invoke('alerts.create', { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'move', bps: 500 } }),
    );
    expect(noPrice?.code).toBe('NO_PRICE');
    expect(await host.invoke('alerts.delete', { id: 12345 })).toEqual({ deleted: false });
    await expect(host.invoke('alerts.delete', { id: -1 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await list()).toEqual([]);

    const set = (await host.invoke('alerts.create', {
      venue: 'practice',
      market: 'LPJ-KRW',
      condition: { kind: 'above', price: 10_500 },
    })) as PriceAlert;
    expect(set).toMatchObject({ market: { venue: 'practice', id: 'LPJ-KRW', base: 'LPJ', quote: 'KRW' } });
    expect(await list()).toEqual([set]);
  });

  it(`bounds waiting alerts at ${ALERTS_ACTIVE_MAX} (ALERT_LIMIT), even asked for all at once`, async () => {
    host = open();
    const ask = (price: number) =>
      host.invoke('alerts.create', { venue: 'practice', market: 'LPJ-KRW', condition: { kind: 'below', price } });
    const answers = await Promise.allSettled(Array.from({ length: 3_000 }, (_, i) => ask(i + 1)));
    const refused = answers.filter((a) => a.status === 'rejected');
    expect(answers.length - refused.length).toBe(ALERTS_ACTIVE_MAX);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ALERT_LIMIT' });
    expect(await list()).toHaveLength(ALERTS_ACTIVE_MAX);
    // A price check over every waiting alert stays quick, and one deleted makes room for another.
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) host.notices.alerts.observe('practice', 'LPJ-KRW', 1_000_000 + i);
    expect(performance.now() - started).toBeLessThan(2_000);
    const first = (await list())[0];
    await host.invoke('alerts.delete', { id: first.id });
    await expect(ask(5)).resolves.toMatchObject({ condition: { kind: 'below', price: 5 } });
  });

  it('fires once on the first price that reaches it, notifies, and is still fired after a restart', async () => {
    host = open();
    const pushed: EventFrame[] = [];
    host.onEvent((e) => pushed.push(e));
    const above = (await host.invoke('alerts.create', {
      venue: 'practice',
      market: 'LPJ-KRW',
      condition: { kind: 'above', price: 10_500 },
    })) as PriceAlert;
    host.notices.alerts.observe('practice', 'LPJ-KRW', 10_000);
    const move = (await host.invoke('alerts.create', {
      venue: 'practice',
      market: 'LPJ-KRW',
      condition: { kind: 'move', bps: 1_000 },
    })) as PriceAlert;
    // Measured from the last price seen when it was set.
    expect(move.basePrice).toBe(10_000);
    host.notices.alerts.observe('practice', 'LPJ-KRW', 10_499);
    host.notices.alerts.observe('paper', 'LPJ-KRW', 99_999); // another venue's market of the same name
    expect((await list()).every((a) => a.firedAt === null)).toBe(true);
    host.notices.alerts.observe('practice', 'LPJ-KRW', 10_600);
    host.notices.alerts.observe('practice', 'LPJ-KRW', 10_700);
    let items = await list();
    expect(items.find((a) => a.id === above.id)).toMatchObject({ firedPrice: 10_600, firedAt: expect.any(Number) });
    expect(items.find((a) => a.id === move.id)?.firedAt).toBeNull();
    // One notice, pushed once, with its figures as data.
    const fired = pushed.filter((e) => e.name === 'notification' && e.payload.kind === 'price_alert');
    expect(fired).toHaveLength(1);
    expect((await notices()).items).toEqual([
      expect.objectContaining({
        origin: 'app',
        kind: 'price_alert',
        read: false,
        data: expect.objectContaining({ venue: 'practice', condition: 'above', target: 10_500, price: 10_600 }),
      }),
    ]);
    expect(pushed.some((e) => e.name === 'alerts.changed')).toBe(true);

    host.close();
    host = open();
    items = await list();
    expect(items.find((a) => a.id === above.id)).toMatchObject({ firedPrice: 10_600 });
    // The move still waits after the restart, and fires on a fall of 10% from its base.
    host.notices.alerts.observe('practice', 'LPJ-KRW', 9_000);
    items = await list();
    expect(items.find((a) => a.id === move.id)).toMatchObject({ firedPrice: 9_000 });
    expect((await notices()).unread).toBe(2);
    await host.invoke('notifications.markRead', { all: true });
    expect((await notices()).unread).toBe(0);
  });

  it('records no notice of a kind switched off, and hides those listed until it is on again', async () => {
    host = open();
    await host.invoke('alerts.create', {
      venue: 'practice',
      market: 'LPJ-KRW',
      condition: { kind: 'below', price: 9_000 },
    });
    await host.invoke('alerts.create', {
      venue: 'practice',
      market: 'LPJ-KRW',
      condition: { kind: 'below', price: 8_000 },
    });
    host.notices.alerts.observe('practice', 'LPJ-KRW', 8_500);
    expect((await notices()).items).toHaveLength(1);
    await host.invoke('settings.update', { notify: { fills: true, stops: true, alerts: false, copy: true } });
    expect(await notices()).toMatchObject({ items: [], unread: 0 });
    host.notices.alerts.observe('practice', 'LPJ-KRW', 7_000);
    // The alert fired (it is an alert, not a notice), but told no one.
    expect((await list()).every((a) => a.firedAt !== null)).toBe(true);
    await host.invoke('settings.update', { notify: { fills: true, stops: true, alerts: true, copy: true } });
    expect((await notices()).items).toHaveLength(1);
  });
});

describe('the live market through the notification centre', () => {
  it('checks alerts on its updates and holds back the server’s notices of a kind switched off', async () => {
    host = open();
    const shown: EventFrame[] = [];
    const emit = host.notices.liveEmit((name, payload) => shown.push({ name, payload } as EventFrame));
    // Offline, the live market's alerts take LPJ's units until the server's are read.
    const alert = (await host.invoke('alerts.create', {
      venue: 'live',
      market: 'LPJ-KRW',
      condition: { kind: 'below', price: 9_000 },
    })) as PriceAlert;
    expect(alert.market).toMatchObject({ venue: 'live', base: 'LPJ', sizeDecimals: 8 });
    const update = { seq: 1, trades: [], bids: [], asks: [], lastPrice: 8_900, mine: false };
    emit('live.update', update); // no trade and no ticker: not a price
    expect((await list())[0].firedAt).toBeNull();
    emit('live.update', { ...update, trades: [{ tradeId: 1, price: 8_900, quantity: 1, takerSide: 'sell', ts: 1 }] });
    expect((await list())[0]).toMatchObject({ firedPrice: 8_900 });
    expect(shown.filter((e) => e.name === 'live.update')).toHaveLength(2);

    const fill = { id: 7, ts: 1, kind: 'fill', read: false, data: { market: 'LPJ-KRW' } };
    emit('notification', fill);
    await host.invoke('settings.update', { notify: { fills: false, stops: true, alerts: true, copy: true } });
    emit('notification', { ...fill, id: 8 });
    emit('notification', { ...fill, id: 9, kind: 'copy_executed' });
    expect(shown.filter((e) => e.name === 'notification').map((e) => e.payload)).toEqual([
      fill,
      { ...fill, id: 9, kind: 'copy_executed' },
    ]);
  });
});

describe('practice fills and stops in the notification centre', () => {
  it('tells my fills and my triggered stops, from my side, and none of the others’', async () => {
    host = open();
    const pushed: AppNotification[] = [];
    host.onEvent((e) => e.name === 'notification' && pushed.push(e.payload));
    // Two other traders on the practice market (as its simulated traders are): one sells, one buys.
    const j = host.practice.journal;
    const [seller, buyer] = [2_000_001, 2_000_002];
    await j.submitBatch([
      { type: 'open_account', account: seller },
      { type: 'deposit', account: seller, asset: 'LPJ', amount: 100_000_000_000 },
      { type: 'open_account', account: buyer },
      { type: 'deposit', account: buyer, asset: 'KRW', amount: 100_000_000 },
    ]);
    const place = (account: number, side: 'buy' | 'sell', price: number, quantity: number) =>
      j.submit({ type: 'place', market: 'LPJ-KRW', account, side, orderType: 'limit', price, quantity });
    await place(seller, 'sell', 10_000, 200_000_000);
    await place(seller, 'sell', 10_100, 500_000_000);
    // Others trading with each other tell me nothing.
    await place(buyer, 'buy', 10_000, 100_000_000);
    // My market buy takes the rest of the 10,000 ask: one fill, a buy, with its fee.
    const bought = (await host.invoke('practice.place', {
      side: 'buy',
      orderType: 'market',
      quantity: 100_000_000,
    })) as OrderOutcome;
    expect(bought.fills).toBe(1);
    // My stop buy at 10,100 is triggered by the others' trade there, then fills against the ask.
    const stop = (await host.invoke('practice.place', {
      side: 'buy',
      orderType: 'stop_market',
      stopPrice: 10_100,
      quantity: 100_000_000,
    })) as OrderOutcome;
    expect(stop.status).toBe('accepted');
    await place(buyer, 'buy', 10_100, 100_000_000);
    await new Promise((r) => setImmediate(r));
    expect(pushed.map((n) => [n.kind, n.data?.side, n.data?.price ?? n.data?.lastPrice])).toEqual([
      ['order_filled', 'buy', 10_000],
      ['stop_triggered', 'buy', 10_100],
      ['order_filled', 'buy', 10_100],
    ]);
    expect(pushed[0]).toMatchObject({ origin: 'app', data: { venue: 'practice', quantity: 100_000_000, fee: 10 } });
    expect((await notices()).items).toHaveLength(3);
    // Fills switched off: the next fill is not told, the stop switch still tells stops.
    await host.invoke('settings.update', { notify: { fills: false, stops: true, alerts: true, copy: true } });
    await host.invoke('practice.place', { side: 'buy', orderType: 'market', quantity: 100_000_000 });
    expect(pushed).toHaveLength(3);
    expect((await notices()).items.map((n) => n.kind)).toEqual(['stop_triggered']);
  });
});
