/**
 * What one commit tells each account privately: its orders, its fills, its balances, and the balances of its copy
 * sub-accounts (a sub-account has no sessions of its own: its owner is told). Built here once for whoever delivers
 * them: the single process's gateway, or the core that publishes them to the cluster's gateways.
 *
 * Balances are read from the ledger only for accounts `watched` says someone is looking at: the single process
 * knows who is signed in; a core watches the accounts its gateways say they serve (cluster/core-link.ts).
 */
import type { ServerMessage } from '../../engine/protocol/sync';
import { balanceViews, type Exchange } from './exchange';
import type { ProjectedChanges } from './order-projection';

export interface PrivateUpdate {
  account: number;
  message: ServerMessage;
}

export function privateUpdates(
  exchange: Exchange,
  changes: ProjectedChanges,
  watched: (account: number) => boolean,
): PrivateUpdate[] {
  const out: PrivateUpdate[] = [];
  for (const { account, order } of changes.orders) out.push({ account, message: { type: 'order', order } });
  for (const { account, fill } of changes.fills) out.push({ account, message: { type: 'fill', fill } });
  for (const account of changes.accounts) {
    if (watched(account))
      out.push({ account, message: { type: 'balance', balances: balanceViews(exchange, account) } });
    const owner = exchange.engine.ownerOf(account);
    if (owner !== undefined && watched(owner))
      out.push({
        account: owner,
        message: { type: 'copy_balance', account, balances: balanceViews(exchange, account) },
      });
  }
  return out;
}
