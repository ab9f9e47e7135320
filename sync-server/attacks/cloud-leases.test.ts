/**
 * Paper portfolio leases (/api/v1/cloud/leases) and the worst requests for them: one device holds a
 * portfolio's lease at a time; asking again keeps it; another device is told who holds it and takes it over
 * only when it says so, the epoch rising each time, take-overs at once included; no lease for a portfolio the
 * account does not sync (another account's, a deleted one, a malformed id); malformed bodies refused; and two
 * honest traders still trading.
 */
import { describe, expect, it } from 'vitest';
import type { Session } from '../../engine/protocol/sync';
import type { CloudLease, CloudLeaseAnswer } from '../../engine/protocol/cloud';
import { formatHlc } from '../../engine/core/cloud/hlc';
import { honestPairTrades, http, signUp } from '../testing/harness';
import { serverPerTest } from '../testing/per-test';

const t = serverPerTest();

const definition = {
  name: 'Swing',
  exchange: 'upbit',
  startingBalances: { KRW: 1_000_000_0000 },
  makerFeeBps: 5,
  takerFeeBps: 5,
  latencyMs: 300,
  fillModel: 'queue',
  createdAt: 1_700_000_000_000,
};

let counter = 0;
/** Syncs a portfolio's definition (null: deleted) as device `dev-a` of the account. */
async function syncPortfolio(me: Session, uid: string, value: unknown): Promise<void> {
  counter++;
  const hlc = formatHlc({ wall: Date.now(), counter, node: 'dev-a' });
  const r = await http<{ results: { status: string }[] }>(t.server.url, 'POST', '/api/v1/cloud/changes', {
    token: me.accessToken,
    body: {
      device: { id: 'dev-a', name: 'Laptop' },
      changes: [{ id: hlc, kind: 'portfolio', key: uid, hlc, value }],
    },
  });
  expect(r.body.results[0].status).toBe('stored');
}

function ask(me: Session, device: string, portfolio: unknown, takeOver?: boolean) {
  return http<CloudLeaseAnswer & { error?: { code: string } }>(t.server.url, 'POST', '/api/v1/cloud/leases', {
    token: me.accessToken,
    body: { device: { id: device, name: device === 'dev-a' ? 'Laptop' : 'Desk' }, portfolio, takeOver },
  });
}
const leases = async (me: Session) =>
  (await http<{ items: CloudLease[] }>(t.server.url, 'GET', '/api/v1/cloud/leases', { token: me.accessToken })).body
    .items;

describe('paper portfolio leases', () => {
  it('one device holds a lease; another is told who and takes it over only when it says so, the epoch rising', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'leaser');
    await syncPortfolio(me, 'p-1', definition);
    const first = await ask(me, 'dev-a', 'p-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ granted: true, lease: { device: 'dev-a', deviceName: 'Laptop', epoch: 1 } });
    // Asking again keeps the lease and its epoch.
    expect((await ask(me, 'dev-a', 'p-1')).body).toMatchObject({ granted: true, lease: { epoch: 1 } });
    // B is told A holds it, and nothing changes.
    expect((await ask(me, 'dev-b', 'p-1')).body).toMatchObject({
      granted: false,
      lease: { device: 'dev-a', deviceName: 'Laptop', epoch: 1 },
    });
    // B takes it over: epoch 2; A, asking again, is told it lost it.
    expect((await ask(me, 'dev-b', 'p-1', true)).body).toMatchObject({
      granted: true,
      lease: { device: 'dev-b', deviceName: 'Desk', epoch: 2 },
    });
    expect((await ask(me, 'dev-a', 'p-1')).body).toMatchObject({
      granted: false,
      lease: { device: 'dev-b', epoch: 2 },
    });
    expect(await leases(me)).toMatchObject([{ portfolio: 'p-1', device: 'dev-b', epoch: 2 }]);
    await honestPairTrades(t.server);
  });

  it('take-overs at once each get an epoch of their own and leave one holder', async () => {
    await t.start();
    const me = await signUp(t.server.url, 'racer');
    await syncPortfolio(me, 'p-1', definition);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ask(me, i % 2 === 0 ? 'dev-a' : 'dev-b', 'p-1', true)),
    );
    const epochs = answers.map((a) => a.body.lease.epoch);
    expect(answers.every((a) => a.body.granted)).toBe(true);
    // A device that already held the lease keeps its epoch, so epochs repeat only for the same holder.
    const byEpoch = new Map<number, Set<string>>();
    for (const a of answers)
      byEpoch.set(a.body.lease.epoch, (byEpoch.get(a.body.lease.epoch) ?? new Set()).add(a.body.lease.device));
    for (const holders of byEpoch.values()) expect(holders.size).toBe(1);
    const final = (await leases(me))[0];
    expect(final.epoch).toBe(Math.max(...epochs));
    await honestPairTrades(t.server);
  });

  it('grants no lease for a portfolio the account does not sync: another account’s, a deleted one, a malformed id', async () => {
    await t.start();
    const victim = await signUp(t.server.url, 'victim');
    const thief = await signUp(t.server.url, 'thief');
    await syncPortfolio(victim, 'p-1', definition);
    await syncPortfolio(victim, 'p-2', definition);
    expect((await ask(victim, 'dev-a', 'p-1')).body.granted).toBe(true);
    const stolen = await ask(thief, 'dev-x', 'p-1', true);
    expect([stolen.status, stolen.body.error?.code]).toEqual([404, 'UNKNOWN_PORTFOLIO']);
    expect(await leases(thief)).toEqual([]);
    expect(await leases(victim)).toMatchObject([{ portfolio: 'p-1', device: 'dev-a', epoch: 1 }]);
    // Deleted: no lease granted, and its old lease is no longer listed.
    await syncPortfolio(victim, 'p-1', null);
    expect((await ask(victim, 'dev-a', 'p-1')).body.error?.code).toBe('UNKNOWN_PORTFOLIO');
    expect(await leases(victim)).toEqual([]);
    for (const bad of ['', 'a/b', 'x'.repeat(65), 7, null, { $ne: 1 }])
      expect((await ask(victim, 'dev-a', bad)).status, JSON.stringify(bad)).toBe(400);
    expect((await ask(victim, 'dev a', 'p-2')).status).toBe(400);
    const extra = await http(t.server.url, 'POST', '/api/v1/cloud/leases', {
      token: victim.accessToken,
      body: { device: { id: 'dev-a', name: 'Laptop' }, portfolio: 'p-2', epoch: 99 },
    });
    expect(extra.status).toBe(400);
    const anonymous = await http(t.server.url, 'POST', '/api/v1/cloud/leases', {
      body: { device: { id: 'dev-a', name: 'Laptop' }, portfolio: 'p-2' },
    });
    expect(anonymous.status).toBe(401);
    await honestPairTrades(t.server);
  });
});
