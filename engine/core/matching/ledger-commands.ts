/**
 * The commands on LEDGER_STREAM: opening an account, setting its self-trade prevention (mode and owner), and
 * money entering, leaving or moving between accounts. Each is checked whole before it changes anything, and
 * refused with a reason (never a throw): ids must be known and not the fee account, assets must be traded by some
 * market, amounts positive safe integers, and no supply or balance may leave the safe-integer range; an owner
 * must be an open account that belongs to no one, and an account that owns others cannot be given an owner.
 */
import { DEFAULT_STP, STP_MODES } from './accounts';
import { inRange } from './money';
import type { EngineState } from './state';
import { FEE_ACCOUNT, type AccountId, type StpMode } from './types';
import { isPosInt } from './validation';

export function openAccount(
  s: EngineState,
  id: AccountId,
  stp: StpMode | undefined,
  owner: AccountId | undefined,
): void {
  if (!isPosInt(id)) return s.log.rejectLedger(0, 'UNKNOWN_ACCOUNT', 'open_account');
  if (stp !== undefined && !STP_MODES.includes(stp)) return s.log.rejectLedger(id, 'INVALID_COMMAND', 'open_account');
  if (s.traders.has(id)) return s.log.rejectLedger(id, 'ACCOUNT_EXISTS', 'open_account');
  const refused = owner === undefined ? null : ownerProblem(s, id, owner);
  if (refused) return s.log.rejectLedger(id, refused, 'open_account');
  const mode = stp ?? DEFAULT_STP;
  const trader = s.openAccount(id, mode);
  if (owner !== undefined) trader.stpGroup = owner;
  s.log.emitLedger({ type: 'account_opened', account: id, stp: mode, ...(owner !== undefined && { owner }) });
}

export function setStp(s: EngineState, id: AccountId, stp: StpMode, owner: AccountId | undefined): void {
  const trader = s.traders.get(id);
  if (trader === undefined || id === FEE_ACCOUNT) return s.log.rejectLedger(id, 'UNKNOWN_ACCOUNT', 'set_stp');
  if (!STP_MODES.includes(stp)) return s.log.rejectLedger(id, 'INVALID_COMMAND', 'set_stp');
  if (owner !== undefined) {
    const refused = ownerProblem(s, id, owner);
    if (refused) return s.log.rejectLedger(id, refused, 'set_stp');
    // Joining another owner, or becoming owned while owning others, would split or chain a group.
    if (trader.stpGroup !== id && trader.stpGroup !== owner)
      return s.log.rejectLedger(id, 'INVALID_COMMAND', 'set_stp');
    for (const t of s.traders.values())
      if (t.stpGroup === id && t.id !== id) return s.log.rejectLedger(id, 'INVALID_COMMAND', 'set_stp');
    trader.stpGroup = owner;
  }
  trader.stp = stp;
  s.log.emitLedger({ type: 'stp_set', account: id, stp, ...(owner !== undefined && { owner }) });
}

/**
 * Why `owner` cannot own account `id`, or null: it must be another open account, not the fee account, and own
 * itself (groups are one level deep, so every member's group is its owner's id).
 */
function ownerProblem(s: EngineState, id: AccountId, owner: AccountId): 'UNKNOWN_ACCOUNT' | 'INVALID_COMMAND' | null {
  if (!isPosInt(owner) || owner === FEE_ACCOUNT) return 'UNKNOWN_ACCOUNT';
  const o = s.traders.get(owner);
  if (o === undefined) return 'UNKNOWN_ACCOUNT';
  if (owner === id || o.stpGroup !== owner) return 'INVALID_COMMAND';
  return null;
}

/** Moves available balance between two accounts; the asset's supply does not change. */
export function transfer(
  s: EngineState,
  from: AccountId,
  to: AccountId,
  asset: string,
  amount: number,
  reference: string | undefined,
): void {
  const ledger = s.risk.ledger;
  const source = ledger.get(from);
  const target = ledger.get(to);
  if (!source || !target || from === FEE_ACCOUNT || to === FEE_ACCOUNT || from === to)
    return s.log.rejectLedger(from, 'UNKNOWN_ACCOUNT', 'transfer');
  if (!s.assets.has(asset)) return s.log.rejectLedger(from, 'UNKNOWN_ASSET', 'transfer');
  if (!isPosInt(amount)) return s.log.rejectLedger(from, 'INVALID_AMOUNT', 'transfer');
  if (reference !== undefined && (typeof reference !== 'string' || reference.length > 100))
    return s.log.rejectLedger(from, 'INVALID_COMMAND', 'transfer');
  const a = source.balance(asset);
  if (a.available < amount) return s.log.rejectLedger(from, 'INSUFFICIENT_FUNDS', 'transfer');
  const b = target.balance(asset);
  // No balance exceeds its asset's supply, which deposits keep in range; a ledger restored from before that
  // bound may hold more in total, and there a credit could still overflow.
  if (!inRange(b.available + amount)) return s.log.rejectLedger(from, 'AMOUNT_OUT_OF_RANGE', 'transfer');
  ledger.transfer(a, b, amount);
  s.log.emitLedger({ type: 'transferred', account: from, to, asset, amount, reference });
}

/** Money entering or leaving the ledger: the only commands that change an asset's supply. */
export function depositOrWithdraw(
  s: EngineState,
  kind: 'deposit' | 'withdraw',
  id: AccountId,
  asset: string,
  amount: number,
): void {
  const ledger = s.risk.ledger;
  const account = ledger.get(id);
  if (!account || id === FEE_ACCOUNT) return s.log.rejectLedger(id, 'UNKNOWN_ACCOUNT', kind);
  if (!s.assets.has(asset)) return s.log.rejectLedger(id, 'UNKNOWN_ASSET', kind);
  if (!isPosInt(amount)) return s.log.rejectLedger(id, 'INVALID_AMOUNT', kind);
  if (kind === 'deposit') {
    if (!ledger.canDeposit(asset, amount)) return s.log.rejectLedger(id, 'AMOUNT_OUT_OF_RANGE', kind);
    ledger.deposit(account, asset, amount);
    s.log.emitLedger({ type: 'deposited', account: id, asset, amount });
  } else {
    if (account.balance(asset).available < amount) return s.log.rejectLedger(id, 'INSUFFICIENT_FUNDS', kind);
    ledger.withdraw(account, asset, amount);
    s.log.emitLedger({ type: 'withdrawn', account: id, asset, amount });
  }
}
