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
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_GRANTS, EXCHANGE_FEES } from '../core/paper';
import { PAPER_DB_FILE } from '../node/paper/paper-trader';
import { ApiError } from '../protocol/errors';
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

/** The starting balances of the grants (KRW and USDT), as a portfolio states them. */
const defaultBalances = () => ({ KRW: DEFAULT_GRANTS.KRW, USDT: DEFAULT_GRANTS.USDT });

export class PaperPortfolios {
  private register: Register;
  private readonly path: string;
  private readonly now: () => number;

  constructor(private readonly o: PaperPortfoliosOptions) {
    this.path = join(o.dataDir, PORTFOLIOS_FILE);
    this.now = o.now ?? Date.now;
    this.register = this.load();
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
    this.save({
      ...this.register,
      nextId: p.id + 1,
      portfolios: [...this.register.portfolios, p],
    });
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
  }

  select(id: number): PaperPortfolio {
    const p = this.get(id);
    if (this.register.active !== id) this.save({ ...this.register, active: id });
    return p;
  }

  /** Forgets a portfolio and deletes its journal (the caller closed it). The active one stays. */
  remove(id: number): void {
    this.get(id);
    if (id === this.register.active)
      throw new ApiError('PORTFOLIO_ACTIVE', 'the active portfolio cannot be deleted: switch to another one first');
    this.save({ ...this.register, portfolios: this.register.portfolios.filter((p) => p.id !== id) });
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
    const register: Register = { version: 1, active: FIRST_PORTFOLIO, nextId, portfolios: [first] };
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
