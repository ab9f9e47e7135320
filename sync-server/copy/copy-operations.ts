/**
 * A copy operation (subscribe, add or reduce funds, settle, unsubscribe, a close-out finishing…) carried out
 * exactly once across the server's two files, whatever moment a crash picks.
 *
 * It touches both: server.db takes the operation (copy_ops), the rows it makes (subscriptions, settlements) and
 * its ranking records (sub-accounts, flows, follower counts); markets.db's journal takes its ledger commands (the
 * sub-account's opening, transfers) and its copy orders. SQLite commits each file on its own, so the operation
 * log is written first, as the intent, and the ledger follows it:
 *
 * 1. `prepare`: before the state machine takes an operation, the journal commits whatever is waiting. The ledger
 *    is then, in memory and on disk, the state the operation reads (a subscriber's available balance) and the
 *    state its ledger commands will apply to. (Mirroring a leader's fill books no ledger command and skips this.)
 * 2. `commit`: the operation, its rows and its ranking records commit in one server.db transaction (the ranking
 *    records queued before it are committed first, so the ranking log keeps the order the ranking applied them
 *    in). One that books ledger commands also records the ledger stream's last seq (`ledger_after`).
 * 3. Its ledger commands are submitted at once, each transfer with a reference naming the operation and its
 *    place in it (`copy:<subscription>:<reason>#<operation>.<n>`). Nothing reaches the ledger stream between
 *    step 1 and these, so their events are the next ones after `ledger_after`, and they share one batch: if a
 *    busy lock makes the journal refuse that batch (and rebuild its state), they are submitted again. Copy
 *    orders are placed after them.
 *
 * Recovery (`complete`, at start-up, once the state machine has been rebuilt from the log): step 1 of any later
 * operation committed the ledger commands of every earlier one, so only the last operation that booked ledger
 * commands can be missing some. Its commands give one ledger event each, in order, right after its
 * `ledger_after`: those present reached the journal; the rest are submitted now, with the operation's own time.
 * A lost tail of the journal takes everything submitted after them as well, so they apply to exactly the ledger
 * they were first applied to and give the same events. An operation whose row never committed booked nothing
 * and was never acknowledged: it did not happen. Copy orders are not submitted again; the order history tells
 * whether each reached the journal (see CopyService.replay).
 *
 * So after any crash and a restart: a subscription has its money and money its subscription, follower counts
 * are the subscriptions', and the ranking log holds each operation's records exactly once.
 */
import type { Logger } from 'pino';
import type { CopyOutput } from '../../engine/core/copy';
import { LEDGER_STREAM, type Command, type EngineEvent, type StpMode } from '../../engine/core/matching/types';
import { JournalBusyError } from '../../engine/node/store/durable-engine';
import type { RankingFeed } from '../ranking/ranking-feed';
import type { Exchange } from '../trading/exchange';
import { periodKey, type CopyStore, type LoggedOp, type OpRows } from './copy-store';

type LedgerCommand = Extract<Command, { type: 'open_account' | 'transfer' }>;

/**
 * A sub-account belongs to its subscriber (open_account's owner), so it never trades with the subscriber's own
 * orders, nor with their other copies. Its orders are the only ones of the pair that take (copies are IOC or
 * market orders, and never rest), so its mode decides: the copy order is cancelled where the owner's order would
 * be next, and the owner's order stays. A copy then fills only what others offered before it; a close-out sells
 * only into others' better bids, and what it could not sell goes back to the subscriber in kind.
 */
export const SUB_ACCOUNT_STP: StpMode = 'cancel_incoming';

/** Times a ledger command refused by a busy commit is submitted again before copy trading gives up. */
const BUSY_ATTEMPTS = 3;

export interface CopyOperationsOptions {
  store: CopyStore;
  exchange: Exchange;
  ranking: RankingFeed;
  /** Sub-account ids start here (one per subscription, never a user's id). */
  subAccountBase: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /**
   * An operation was applied in memory but could not be recorded, or its ledger commands could not be booked:
   * copy trading refuses everything from now on, and the server should restart into recovery.
   */
  onFatal?: (err: Error) => void;
}

/** The settlement period each subscription settled in an operation (its profit-share transfer's period key). */
function settledPeriods(out: CopyOutput): Map<number, number> {
  const periods = new Map<number, number>();
  for (const n of out.notifications) {
    if (n.notice.kind === 'settled' && n.notice.role === 'subscriber' && n.subscriptionId !== undefined)
      periods.set(n.subscriptionId, n.notice.period);
  }
  return periods;
}

/** Whether an operation with this output books ledger commands. */
const booksLedger = (op: string, out: CopyOutput) => op === 'subscribe' || out.transfers.length > 0;

/** The ledger commands of logged operation `id`, in the order they are submitted. */
export function ledgerCommandsOf(
  id: number,
  op: string,
  input: Record<string, unknown>,
  out: CopyOutput,
): LedgerCommand[] {
  const ts = input.ts as number;
  const commands: LedgerCommand[] = [];
  if (op === 'subscribe') {
    commands.push({
      type: 'open_account',
      account: input.subAccount as number,
      stp: SUB_ACCOUNT_STP,
      owner: input.subscriber as number,
      ts,
    });
  }
  const periods = settledPeriods(out);
  out.transfers.forEach((t, n) => {
    // Profit share is booked under its settlement's period key, the rest under the subscription and the reason.
    const what =
      t.reason === 'profit_share'
        ? `copy-settlement:${periodKey(t.subscriptionId, periods.get(t.subscriptionId)!)}`
        : `copy:${t.subscriptionId}:${t.reason}`;
    commands.push({
      type: 'transfer',
      from: t.from,
      to: t.to,
      asset: t.asset,
      amount: t.amount,
      reference: `${what}#${id}.${n}`,
      ts,
    });
  });
  return commands;
}

/** Whether `e` is the ledger event `cmd` gives (its outcome, accepted or refused). */
function isEventOf(e: EngineEvent, cmd: LedgerCommand): boolean {
  if (e.type === 'rejected') return e.command === cmd.type;
  if (cmd.type === 'open_account') return e.type === 'account_opened' && e.account === cmd.account;
  return e.type === 'transferred' && e.reference === cmd.reference;
}

export class CopyOperations {
  private failure: Error | undefined;

  constructor(private readonly o: CopyOperationsOptions) {
    // A sub-account the ledger has is taken, subscription row or not.
    o.store.takeSubAccountsUpTo(o.exchange.highestAccountIn(o.subAccountBase, Number.MAX_SAFE_INTEGER));
  }

  /** Step 1, before the state machine takes `op`: the ledger is committed up to now. */
  prepare(op: string): void {
    if (this.failure) throw this.failure;
    if (op !== 'mirrorFill') this.o.exchange.journal.flush();
  }

  /**
   * Steps 2 and 3 for an operation the state machine accepted: records it with its rows and ranking records,
   * then books its ledger commands. Returns its id in the log.
   */
  commit(op: string, input: Record<string, unknown>, out: CopyOutput, rows: OpRows): number {
    if (this.failure) throw this.failure;
    const books = booksLedger(op, out);
    let id = 0;
    try {
      const ledgerAfter = books ? this.o.exchange.engine.lastSeq(LEDGER_STREAM) : null;
      this.o.ranking.applyWithin(out.ranking, (logRanking) => {
        id = this.o.store.record(op, input, ledgerAfter, rows, logRanking);
      });
    } catch (err) {
      // The state machine (and the live ranking) already took it: nothing may build on it until a restart
      // rebuilds both from the log, where it is not.
      throw this.fail(
        new Error(`copy trading: operation ${op} could not be recorded: ${(err as Error).message}`, { cause: err }),
      );
    }
    if (books) for (const cmd of ledgerCommandsOf(id, op, input, out)) this.book(cmd, 1);
    return id;
  }

  /**
   * Start-up: books whatever ledger commands of `last` — the last logged operation that books any, as replayed —
   * the journal does not have. Returns how many were booked.
   */
  complete(last: LoggedOp, out: CopyOutput): number {
    if (last.ledgerAfter === null) return 0;
    const commands = ledgerCommandsOf(last.id, last.op, last.input, out);
    const events = this.o.exchange.journal.eventsSince(LEDGER_STREAM, last.ledgerAfter, commands.length);
    for (let i = 0; i < events.length; i++) {
      if (!isEventOf(events[i], commands[i])) {
        this.o.log.error(
          { operation: last.id, op: last.op, event: events[i], command: commands[i] },
          'copy trading: the ledger after an operation is not its commands; nothing booked again',
        );
        return 0;
      }
    }
    const missing = commands.slice(events.length);
    if (missing.length === 0) return 0;
    this.o.log.warn(
      { operation: last.id, op: last.op, commands: missing.length },
      'copy trading: booking the ledger commands of an operation a stop cut off',
    );
    for (let attempt = 1; ; attempt++) {
      try {
        const results = this.o.exchange.journal.submitBatch(missing);
        results.forEach((evs, i) => this.reportRefusal(evs, missing[i]));
        return missing.length;
      } catch (err) {
        // A busy commit refused them and rebuilt the state: the same ledger, so try again. An engine fault costs
        // only its command (the journal's rule): logged, and the server starts rather than fail on it forever.
        if (err instanceof JournalBusyError && attempt < BUSY_ATTEMPTS) continue;
        this.o.log.error(
          { err, operation: last.id, op: last.op },
          'copy trading: the ledger commands of an operation could not be booked',
        );
        return 0;
      }
    }
  }

  private book(cmd: LedgerCommand, attempt: number): void {
    this.o.exchange.journal.submitWith(cmd, {
      resolve: (events) => this.reportRefusal(events, cmd),
      reject: (err) => {
        // The batch was refused and the state rebuilt without it (that happens before this turn ends): the
        // ledger is again the one the command was first applied to.
        if (err instanceof JournalBusyError && attempt < BUSY_ATTEMPTS)
          return queueMicrotask(() => this.book(cmd, attempt + 1));
        this.fail(
          new Error(
            `copy trading: ledger command ${cmd.type === 'transfer' ? cmd.reference : `open_account ${cmd.account}`} could not be booked: ${err.message}`,
            { cause: err },
          ),
        );
      },
    });
  }

  /** The ledger refused a command the state machine counted on: a fault to look into, logged with the command. */
  private reportRefusal(events: readonly EngineEvent[], cmd: LedgerCommand): void {
    const r = events.find((e) => e.type === 'rejected');
    if (r) this.o.log.error({ command: cmd, event: r }, 'copy trading: ledger command refused');
  }

  private fail(err: Error): Error {
    if (!this.failure) {
      this.failure = err;
      this.o.log.error({ err }, 'copy trading stopped: the server must restart to recover');
      this.o.onFatal?.(err);
    }
    return this.failure;
  }
}
