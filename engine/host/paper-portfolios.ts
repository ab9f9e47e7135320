/**
 * The paper portfolios' register: their settings and which one is active, in `paper-portfolios.json` of the
 * data folder (written whole to a temporary file and renamed, so a crash leaves the old or the new list).
 *
 * Where a portfolio's state lives: each portfolio is a paper journal of its own (`paper.db`), not one journal
 * with a portfolio id per command. A journal's engine holds one fee schedule per market, one set of starting
 * balances and one fill model; portfolios differ in exactly those, so one engine per portfolio keeps the
 * engine as it is, makes each ledger conserved on its own (its audit and its events are its portfolio's
 * alone), and lets a reset or a delete touch one file and nothing of the others.
 *
 * The first portfolio is the paper account every earlier version kept: its journal stays where it was
 * (`paper.db` in the data folder), so an existing user's balances, orders and history are its state with
 * nothing copied, and it keeps the fees and the fill it had (no latency, behind the queue). Later portfolios
 * keep theirs in `portfolios/<id>/paper.db`.
 *
 * Only the settings are here; RealMarkets opens the journals and applies the settings to them.
 *
 * Cloud sync (docs/cloud-sync.md): each portfolio has an id across devices (`uids`: a UUID made when it is
 * created, `first` for every device's first portfolio, which is the same account's first portfolio wherever it
 * runs). Creating, changing and deleting one here is told to cloud sync (`syncTo`) once saved; a definition
 * another device made arrives through `applyRemote`, and keeps its local id (the folder of its journal) per
 * device. The register is a file, not the cloud database, so the two cannot be written in one transaction:
 * `syncTo` compares them when it is called at start-up and records every definition that differs from what
 * the cloud holds, so an edit saved just before a crash still goes up.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_GRANTS, EXCHANGE_FEES } from '../core/paper';
import { PAPER_DB_FILE } from '../node/paper/paper-trader';
import { ApiError } from '../protocol/errors';
import { PortfolioUid, type CloudPortfolio } from '../protocol/cloud';
import {
  DEFAULT_LATENCY_MS,
  MAX_PORTFOLIOS,
  PaperPortfolio,
  PortfolioId,
  type NewPortfolio,
  type PortfolioChange,
  type PortfolioList,
} from '../protocol/paper-portfolios';

export const PORTFOLIOS_FILE = 'paper-portfolios.json';
/** The portfolio whose journal is the data folder's own `paper.db`. */
export const FIRST_PORTFOLIO = 1;

const Register = z.object({
  version: z.literal(1),
  active: PortfolioId,
  nextId: PortfolioId,
  portfolios: z.array(PaperPortfolio).min(1).max(MAX_PORTFOLIOS),
  /** Local id → id across devices (registers written before cloud sync have none: given at load). */
  uids: z.record(z.string(), PortfolioUid).default({}),
});
type Register = z.output<typeof Register>;

export interface PaperPortfoliosOptions {
  dataDir: string;
  /** The exchange the first portfolio trades when the register is created (the feed chosen so far). */
  firstExchange: 'upbit' | 'binance';
  /** The name the first portfolio is given. */
  firstName?: string;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** The first portfolio's id across devices: every install has one, and they are the account's same portfolio. */
export const FIRST_PORTFOLIO_UID = 'first';

/** The starting balances of the grants (KRW and USDT), as a portfolio states them. */
const defaultBalances = () => ({ KRW: DEFAULT_GRANTS.KRW, USDT: DEFAULT_GRANTS.USDT });

export class PaperPortfolios {
  private register: Register;
  private readonly path: string;
  private readonly now: () => number;
  private recorder: ((uid: string, value: CloudPortfolio | null) => void) | undefined;

  constructor(private readonly o: PaperPortfoliosOptions) {
    this.path = join(o.dataDir, PORTFOLIOS_FILE);
    this.now = o.now ?? Date.now;
    this.register = this.load();
    const missing = this.register.portfolios.filter((p) => this.register.uids[p.id] === undefined);
    if (missing.length > 0) {
      const uids = { ...this.register.uids };
      for (const p of missing) uids[p.id] = p.id === FIRST_PORTFOLIO ? FIRST_PORTFOLIO_UID : randomUUID();
      this.save({ ...this.register, uids });
    }
  }

  /**
   * Tells `record` of every portfolio created, changed or deleted here from now on, and at once of each one whose
   * definition differs from what cloud sync holds (`held`: undefined when it holds none). The first portfolio
   * as an install creates it is not recorded: a fresh install would otherwise stamp its defaults over the
   * account's first portfolio before it had pulled it.
   */
  syncTo(record: (uid: string, value: CloudPortfolio | null) => void, held: (uid: string) => unknown): void {
    this.recorder = record;
    for (const p of this.register.portfolios) {
      const uid = this.uidOf(p.id);
      const had = held(uid);
      if (had === undefined && uid === FIRST_PORTFOLIO_UID) continue;
      if (JSON.stringify(had) !== JSON.stringify(definition(p))) record(uid, definition(p));
    }
  }

  /** The portfolio's id across devices. */
  uidOf(id: number): string {
    return this.register.uids[id] ?? (id === FIRST_PORTFOLIO ? FIRST_PORTFOLIO_UID : `local-${id}`);
  }

  /** The local id of a portfolio known by its id across devices. */
  idOf(uid: string): number | undefined {
    const hit = Object.entries(this.register.uids).find(([, u]) => u === uid);
    return hit && this.register.portfolios.some((p) => p.id === Number(hit[0])) ? Number(hit[0]) : undefined;
  }

  /**
   * A definition another device made, as this register would hold it: a new portfolio gets the next local id;
   * one held keeps its id and exchange (its journal trades that exchange). Its name is kept even
   * if another portfolio here has it (two devices named one each alike while apart): renaming it here would be
   * a change of its own, which the other device could answer with another, so the two are shown alike until
   * the user renames one. Not yet saved; undefined when no more portfolios fit.
   */
  remoteDraft(uid: string, value: CloudPortfolio): PaperPortfolio | undefined {
    const id = this.idOf(uid);
    if (id === undefined && this.register.portfolios.length >= MAX_PORTFOLIOS) return undefined;
    const held = id === undefined ? undefined : this.get(id);
    return PaperPortfolio.parse({
      ...value,
      id: id ?? this.register.nextId,
      exchange: held?.exchange ?? value.exchange,
    });
  }

  /** Saves a portfolio another device made or changed (from `remoteDraft`), without telling cloud sync back. */
  applyRemote(uid: string, p: PaperPortfolio): void {
    const known = this.register.portfolios.some((x) => x.id === p.id);
    this.save({
      ...this.register,
      nextId: known ? this.register.nextId : Math.max(this.register.nextId, p.id + 1),
      portfolios: known
        ? this.register.portfolios.map((x) => (x.id === p.id ? p : x))
        : [...this.register.portfolios, p],
      uids: { ...this.register.uids, [p.id]: uid },
    });
  }

  list(): PortfolioList {
    return {
      active: this.register.active,
      portfolios: this.register.portfolios.map((p) => ({ ...p, startingBalances: { ...p.startingBalances } })),
      max: MAX_PORTFOLIOS,
      feeDefaults: { upbit: { ...EXCHANGE_FEES.upbit }, binance: { ...EXCHANGE_FEES.binance } },
    };
  }

  get active(): PaperPortfolio {
    return this.get(this.register.active);
  }

  /** The portfolio, or UNKNOWN_PORTFOLIO. */
  get(id: number): PaperPortfolio {
    const p = this.register.portfolios.find((x) => x.id === id);
    if (!p) throw new ApiError('UNKNOWN_PORTFOLIO', `there is no paper portfolio ${id}`);
    return p;
  }

  /** The folder of a portfolio's journal. */
  dirOf(id: number): string {
    return id === FIRST_PORTFOLIO ? this.o.dataDir : join(this.o.dataDir, 'portfolios', String(id));
  }

  /** A new portfolio's settings, checked and completed (fees default to its exchange's schedule); not yet saved. */
  draft(input: NewPortfolio): PaperPortfolio {
    if (this.register.portfolios.length >= MAX_PORTFOLIOS)
      throw new ApiError(
        'TOO_MANY_PORTFOLIOS',
        `at most ${MAX_PORTFOLIOS} paper portfolios: each keeps a journal of its own; delete one to make room`,
      );
    this.checkName(input.name);
    const fees = EXCHANGE_FEES[input.exchange];
    return {
      id: this.register.nextId,
      name: input.name,
      exchange: input.exchange,
      startingBalances: input.startingBalances ?? defaultBalances(),
      makerFeeBps: input.makerFeeBps ?? fees.makerFeeBps,
      takerFeeBps: input.takerFeeBps ?? fees.takerFeeBps,
      latencyMs: input.latencyMs ?? DEFAULT_LATENCY_MS,
      fillModel: input.fillModel ?? 'queue',
      createdAt: this.now(),
    };
  }

  /** Saves a draft made by `draft` (its journal exists by now). */
  add(p: PaperPortfolio): void {
    const uid = randomUUID();
    this.save({
      ...this.register,
      nextId: p.id + 1,
      portfolios: [...this.register.portfolios, p],
      uids: { ...this.register.uids, [p.id]: uid },
    });
    this.recorder?.(uid, definition(p));
  }

  /** A portfolio as a change would leave it; not yet saved. */
  changed(id: number, change: PortfolioChange): PaperPortfolio {
    const p = this.get(id);
    if (change.name !== undefined) this.checkName(change.name, id);
    const next: PaperPortfolio = { ...p };
    for (const [key, value] of Object.entries(change)) if (value !== undefined) Object.assign(next, { [key]: value });
    return PaperPortfolio.parse(next);
  }

  replace(p: PaperPortfolio): void {
    this.save({ ...this.register, portfolios: this.register.portfolios.map((x) => (x.id === p.id ? p : x)) });
    this.recorder?.(this.uidOf(p.id), definition(p));
  }

  select(id: number): PaperPortfolio {
    const p = this.get(id);
    if (this.register.active !== id) this.save({ ...this.register, active: id });
    return p;
  }

  /**
   * Forgets a portfolio and deletes its journal (the caller closed it). The active one stays. `remote`: another
   * device deleted it, so cloud sync is not told back.
   */
  remove(id: number, remote = false): void {
    this.get(id);
    if (id === this.register.active)
      throw new ApiError('PORTFOLIO_ACTIVE', 'the active portfolio cannot be deleted: switch to another one first');
    const uid = this.uidOf(id);
    const uids = { ...this.register.uids };
    delete uids[id];
    this.save({ ...this.register, portfolios: this.register.portfolios.filter((p) => p.id !== id), uids });
    if (!remote) this.recorder?.(uid, null);
    const dir = this.dirOf(id);
    if (id !== FIRST_PORTFOLIO) rmSync(dir, { recursive: true, force: true });
    else if (existsSync(dir)) {
      // The first portfolio's journal shares the data folder: only its own files go.
      for (const name of readdirSync(dir))
        if (name === PAPER_DB_FILE || name.startsWith(`${PAPER_DB_FILE}-`)) rmSync(join(dir, name), { force: true });
    }
  }

  private checkName(name: string, except?: number): void {
    const taken = this.register.portfolios.some(
      (p) => p.id !== except && p.name.toLocaleLowerCase() === name.toLocaleLowerCase(),
    );
    if (taken) throw new ApiError('NAME_TAKEN', `a portfolio is already called "${name}"`);
  }

  private load(): Register {
    if (existsSync(this.path)) {
      try {
        const parsed = Register.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
        if (parsed.success && parsed.data.portfolios.some((p) => p.id === parsed.data.active)) return parsed.data;
        throw new Error(parsed.success ? 'its active portfolio is missing' : parsed.error.message);
      } catch (err) {
        // Set aside, never overwritten: the journals stay in their folders whatever the register says.
        const aside = `${this.path}.unreadable-${this.now()}`;
        renameSync(this.path, aside);
        this.o.onError?.(new Error(`paper portfolios: ${(err as Error).message}; kept as ${aside}, starting over`));
      }
    }
    const fees = EXCHANGE_FEES[this.o.firstExchange];
    const first: PaperPortfolio = {
      id: FIRST_PORTFOLIO,
      name: this.o.firstName ?? 'Main',
      exchange: this.o.firstExchange,
      startingBalances: defaultBalances(),
      ...fees,
      // As every paper order filled before portfolios existed.
      latencyMs: 0,
      fillModel: 'queue',
      createdAt: this.now(),
    };
    // Ids of portfolios whose register was set aside are not given again: their journals are still there.
    let nextId = FIRST_PORTFOLIO + 1;
    const kept = join(this.o.dataDir, 'portfolios');
    if (existsSync(kept))
      for (const name of readdirSync(kept)) if (/^\d+$/.test(name)) nextId = Math.max(nextId, Number(name) + 1);
    const register: Register = {
      version: 1,
      active: FIRST_PORTFOLIO,
      nextId,
      portfolios: [first],
      uids: { [FIRST_PORTFOLIO]: FIRST_PORTFOLIO_UID },
    };
    this.save(register);
    return register;
  }

  private save(next: Register): void {
    mkdirSync(this.o.dataDir, { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, null, 2));
    renameSync(tmp, this.path);
    this.register = next;
  }
}

/** A portfolio's definition as cloud sync carries it: everything but its local id. */
function definition(p: PaperPortfolio): CloudPortfolio {
  const { id: _id, ...rest } = p;
  return { ...rest, startingBalances: { ...p.startingBalances } };
}
