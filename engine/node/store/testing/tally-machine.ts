/**
 * A small deterministic state machine with per-market event seqs, used to test the journal apart from the
 * matching engine: accounts hold balances per market; `add` deposits, `move` transfers (rejected when short),
 * `spread` adds to several markets at once, `explode` throws after changing state (an engine fault).
 * Invariant: in every market the balances sum to what was added.
 */
import { mulberry32 } from '../../../core/random/prng';
import type { Journaled } from '../durable-engine';

export type TallyCommand =
  | { type: 'add'; market: string; account: number; amount: number; ts: number }
  | { type: 'move'; market: string; from: number; to: number; amount: number; ts: number }
  | { type: 'spread'; markets: string[]; account: number; amount: number; ts: number }
  | { type: 'explode'; market: string; ts: number };

export type TallyEvent = { market: string; seq: number; ts: number } & (
  | { type: 'added'; account: number; balance: number }
  | { type: 'moved'; from: number; to: number; amount: number }
  | { type: 'rejected'; reason: 'insufficient' }
);

interface MarketState {
  seq: number;
  added: number;
  balances: Record<string, number>;
}

export interface TallySnapshot {
  markets: Record<string, MarketState>;
}

export class TallyMachine implements Journaled<TallyCommand, TallyEvent, TallySnapshot> {
  private readonly markets = new Map<string, MarketState>();

  /** `bonus` is added to every deposit: a stand-in for a change of engine behaviour between runs. */
  constructor(private readonly bonus = 0) {}

  static restore(s: TallySnapshot, bonus = 0): TallyMachine {
    if (typeof s !== 'object' || s === null || typeof s.markets !== 'object' || s.markets === null) {
      throw new Error('not a tally snapshot');
    }
    const m = new TallyMachine(bonus);
    for (const [id, st] of Object.entries(s.markets)) {
      if (!Number.isSafeInteger(st.seq) || !Number.isSafeInteger(st.added)) throw new Error(`bad market ${id}`);
      m.markets.set(id, { seq: st.seq, added: st.added, balances: { ...st.balances } });
    }
    return m;
  }

  apply(cmd: TallyCommand): TallyEvent[] {
    switch (cmd.type) {
      case 'add': {
        const m = this.market(cmd.market);
        const amount = cmd.amount + this.bonus;
        m.added += amount;
        const balance = (m.balances[cmd.account] ?? 0) + amount;
        m.balances[cmd.account] = balance;
        return [{ market: cmd.market, seq: ++m.seq, ts: cmd.ts, type: 'added', account: cmd.account, balance }];
      }
      case 'move': {
        const m = this.market(cmd.market);
        const have = m.balances[cmd.from] ?? 0;
        if (have < cmd.amount)
          return [{ market: cmd.market, seq: ++m.seq, ts: cmd.ts, type: 'rejected', reason: 'insufficient' }];
        m.balances[cmd.from] = have - cmd.amount;
        m.balances[cmd.to] = (m.balances[cmd.to] ?? 0) + cmd.amount;
        return [
          {
            market: cmd.market,
            seq: ++m.seq,
            ts: cmd.ts,
            type: 'moved',
            from: cmd.from,
            to: cmd.to,
            amount: cmd.amount,
          },
        ];
      }
      case 'spread':
        return cmd.markets.flatMap((market) =>
          this.apply({ type: 'add', market, account: cmd.account, amount: cmd.amount, ts: cmd.ts }),
        );
      case 'explode':
        this.market(cmd.market).seq += 1000;
        throw new Error('exploded');
    }
  }

  snapshot(): TallySnapshot {
    const markets: Record<string, MarketState> = {};
    for (const [id, m] of this.markets) markets[id] = { seq: m.seq, added: m.added, balances: { ...m.balances } };
    return { markets };
  }

  /** Throws unless every market's balances sum to what was added to it. */
  checkInvariants(): void {
    for (const [id, m] of this.markets) {
      const sum = Object.values(m.balances).reduce((a, b) => a + b, 0);
      if (sum !== m.added) throw new Error(`market ${id}: balances sum to ${sum} but ${m.added} was added`);
      for (const [acct, b] of Object.entries(m.balances))
        if (b < 0) throw new Error(`market ${id}: account ${acct} is negative`);
    }
  }

  private market(id: string): MarketState {
    let m = this.markets.get(id);
    if (!m) this.markets.set(id, (m = { seq: 0, added: 0, balances: {} }));
    return m;
  }
}

/** A seeded stream of tally commands over markets A, B and C; each call continues where the last one left off. */
export function tallyStream(seed: number): () => TallyCommand {
  const rand = mulberry32(seed);
  const markets = ['A', 'B', 'C'];
  let ts = 1_700_000_000_000;
  return () => {
    ts += 1 + Math.floor(rand() * 5);
    const market = markets[Math.floor(rand() * markets.length)];
    const r = rand();
    if (r < 0.4)
      return { type: 'add', market, account: Math.floor(rand() * 20), amount: 1 + Math.floor(rand() * 1000), ts };
    if (r < 0.95) {
      return {
        type: 'move',
        market,
        from: Math.floor(rand() * 20),
        to: Math.floor(rand() * 20),
        amount: 1 + Math.floor(rand() * 800),
        ts,
      };
    }
    return {
      type: 'spread',
      markets: ['A', 'C'],
      account: Math.floor(rand() * 20),
      amount: 1 + Math.floor(rand() * 50),
      ts,
    };
  };
}
