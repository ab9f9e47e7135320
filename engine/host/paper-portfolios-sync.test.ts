/**
 * The paper portfolios' register as cloud sync sees it: every portfolio gets an id across devices, a register
 * written before cloud sync included; what differs from the cloud's copy at start-up goes up (an edit saved
 * just before a crash), but not an install's untouched first portfolio, which would stamp its defaults over
 * the account's; definitions from another device keep the journal's exchange and are not sent back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudPortfolio } from '../protocol/cloud';
import { FIRST_PORTFOLIO_UID, PaperPortfolios, PORTFOLIOS_FILE } from './paper-portfolios';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'lpj-portfolios-sync-'));
  dirs.push(d);
  return d;
}

const portfolio = (id: number, name: string) => ({
  id,
  name,
  exchange: 'upbit',
  startingBalances: { KRW: 1_000_000_0000 },
  makerFeeBps: 5,
  takerFeeBps: 5,
  latencyMs: 0,
  fillModel: 'queue',
  createdAt: 1_700_000_000_000,
});
const definition = ({ id: _id, ...rest }: ReturnType<typeof portfolio>) => rest;

function recorder() {
  const recorded: [string, CloudPortfolio | null][] = [];
  return { recorded, record: (uid: string, value: CloudPortfolio | null) => void recorded.push([uid, value]) };
}

describe('paper portfolios under cloud sync', () => {
  it('a register from before cloud sync gets ids across devices and sends its own portfolios up, not the untouched first', () => {
    const dir = folder();
    const register = { version: 1, active: 1, nextId: 3, portfolios: [portfolio(1, 'Main'), portfolio(2, 'Swing')] };
    writeFileSync(join(dir, PORTFOLIOS_FILE), JSON.stringify(register));
    const p = new PaperPortfolios({ dataDir: dir, firstExchange: 'upbit' });
    expect(p.uidOf(1)).toBe(FIRST_PORTFOLIO_UID);
    const swing = p.uidOf(2);
    expect(swing).toMatch(/^[0-9a-f-]{36}$/);
    const r = recorder();
    p.syncTo(r.record, () => undefined);
    expect(r.recorded).toEqual([[swing, definition(portfolio(2, 'Swing'))]]);
    // Reopened, the ids stay; with the cloud holding what the register holds, nothing goes up again.
    const again = new PaperPortfolios({ dataDir: dir, firstExchange: 'upbit' });
    expect(again.uidOf(2)).toBe(swing);
    const quiet = recorder();
    again.syncTo(quiet.record, (uid) => (uid === swing ? definition(portfolio(2, 'Swing')) : undefined));
    expect(quiet.recorded).toEqual([]);
  });

  it('a definition saved here but not in the cloud copy (a crash between the two) goes up at start-up, the first portfolio included', () => {
    const dir = folder();
    const p = new PaperPortfolios({ dataDir: dir, firstExchange: 'upbit', now: () => 1_700_000_000_000 });
    const main = p.list().portfolios[0];
    p.replace({ ...main, name: 'Desk' }); // no recorder yet: as if the process died before telling cloud sync
    const r = recorder();
    p.syncTo(r.record, () => ({ ...main, id: undefined, name: 'Main' }));
    expect(r.recorded.map(([uid, v]) => [uid, v?.name])).toEqual([[FIRST_PORTFOLIO_UID, 'Desk']]);
  });

  it('a definition from another device keeps this journal’s exchange, and is not sent back; a local delete is', () => {
    const dir = folder();
    const p = new PaperPortfolios({ dataDir: dir, firstExchange: 'upbit' });
    const r = recorder();
    p.syncTo(r.record, () => undefined);
    const remote = definition(portfolio(9, 'Scalp')) as CloudPortfolio;
    const draft = p.remoteDraft('u-1', remote)!;
    p.applyRemote('u-1', draft);
    expect(p.idOf('u-1')).toBe(draft.id);
    const changed = p.remoteDraft('u-1', { ...remote, exchange: 'binance', takerFeeBps: 9 })!;
    expect(changed).toMatchObject({ id: draft.id, exchange: 'upbit', takerFeeBps: 9 });
    p.applyRemote('u-1', changed);
    p.remove(draft.id, true);
    expect(p.idOf('u-1')).toBeUndefined();
    expect(r.recorded).toEqual([]);
    const own = p.draft({ name: 'Own', exchange: 'upbit' });
    p.add(own);
    const ownUid = p.uidOf(own.id);
    p.remove(own.id);
    expect(r.recorded.map(([uid, v]) => [uid, v?.name ?? null])).toEqual([
      [ownUid, 'Own'],
      [ownUid, null],
    ]);
  });
});
