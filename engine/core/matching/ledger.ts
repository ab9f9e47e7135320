/**
 * Balances per account and asset, in minimal units: `available` can be spent, `held` is reserved by open
 * orders. Every method moves amounts between two places, so for each asset the sum over all accounts (fee
 * account included) changes only through `deposit` and `withdraw`; `totals()` lets tests assert exactly that.
 *
 * Each asset's supply (that sum) is kept as money enters and leaves, and never passes MAX_AMOUNT: then no
 * balance, and no sum of balances, can leave the safe-integer range however money moves inside the ledger.
 * The caller refuses a deposit that `canDeposit` says no to.
 *
 * The ledger trusts its caller (the risk stage of the matching engine, or the paper engine) to have checked
 * funds; a move that would drive a balance negative, or a supply past the range, is a bug in the caller, and
 * throws rather than corrupting money. An account here is balances only: how it trades (self-trade prevention,
 * its orders) is the engine's business (./accounts.ts).
 */
import { MAX_AMOUNT } from './money';
import { FEE_ACCOUNT, type AccountId, type Balance } from './types';

export class Account {
  readonly balances = new Map<string, Balance>();
  constructor(readonly id: AccountId) {}

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (b === undefined) {
      b = { available: 0, held: 0 };
      this.balances.set(asset, b);
    }
    return b;
  }
}

export class LedgerInvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerInvariantError';
  }
}

export class Ledger {
  readonly accounts = new Map<AccountId, Account>();
  /** Per asset: deposits less withdrawals, i.e. the sum of every balance in it. */
  private readonly supplies = new Map<string, number>();

  constructor() {
    this.accounts.set(FEE_ACCOUNT, new Account(FEE_ACCOUNT));
  }

  get(id: AccountId): Account | undefined {
    return this.accounts.get(id);
  }

  open(id: AccountId): Account {
    const account = new Account(id);
    this.accounts.set(id, account);
    return account;
  }

  /** How much of `asset` the ledger holds over all accounts. */
  supply(asset: string): number {
    return this.supplies.get(asset) ?? 0;
  }

  /** False when depositing `amount` would take the asset's supply past MAX_AMOUNT. */
  canDeposit(asset: string, amount: number): boolean {
    return amount <= MAX_AMOUNT - this.supply(asset);
  }

  deposit(account: Account, asset: string, amount: number): void {
    if (!this.canDeposit(asset, amount))
      throw new LedgerInvariantError(
        `deposit ${amount} ${asset}: the supply ${this.supply(asset)} would pass ${MAX_AMOUNT}`,
      );
    account.balance(asset).available += amount;
    this.supplies.set(asset, this.supply(asset) + amount);
  }

  withdraw(account: Account, asset: string, amount: number): void {
    const b = account.balance(asset);
    if (b.available < amount)
      throw new LedgerInvariantError(
        `withdraw ${amount} ${asset} from account ${account.id}: only ${b.available} available`,
      );
    b.available -= amount;
    this.supplies.set(asset, this.supply(asset) - amount);
  }

  /**
   * Recomputes every supply from the balances, after they were set directly (restoring a snapshot). A ledger
   * written before supplies were bounded may hold more than MAX_AMOUNT in total; it keeps working, and takes
   * no deposit in that asset until withdrawals bring it back under.
   */
  recountSupplies(): void {
    this.supplies.clear();
    for (const [asset, total] of this.totals()) this.supplies.set(asset, total);
  }

  /** available → held */
  hold(b: Balance, amount: number): void {
    if (amount > b.available) throw new LedgerInvariantError(`hold ${amount} with ${b.available} available`);
    b.available -= amount;
    b.held += amount;
  }

  /** held → available */
  release(b: Balance, amount: number): void {
    if (amount > b.held) throw new LedgerInvariantError(`release ${amount} with ${b.held} held`);
    b.held -= amount;
    b.available += amount;
  }

  /** Moves `amount` out of one balance's held part into another's available part (a fill's leg). */
  settleHeld(from: Balance, to: Balance, amount: number): void {
    if (amount > from.held) throw new LedgerInvariantError(`settle ${amount} with ${from.held} held`);
    from.held -= amount;
    to.available += amount;
  }

  /** Moves between available parts (fees and rebates). A negative amount moves the other way. */
  transfer(from: Balance, to: Balance, amount: number): void {
    if (amount < 0) {
      this.transfer(to, from, -amount);
      return;
    }
    if (amount > from.available) throw new LedgerInvariantError(`transfer ${amount} with ${from.available} available`);
    from.available -= amount;
    to.available += amount;
  }

  /** Sum of available + held per asset over every account. */
  totals(): Map<string, number> {
    const out = new Map<string, number>();
    for (const account of this.accounts.values()) {
      for (const [asset, b] of account.balances) out.set(asset, (out.get(asset) ?? 0) + b.available + b.held);
    }
    return out;
  }
}
