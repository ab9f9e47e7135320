/**
 * How money or coins move into or out of an account without being profit or loss: deposits and withdrawals,
 * sign-up grants, copy allocations (and their return), profit share paid or received, transfers between a
 * user's own accounts. The ranking leaves them out of returns; a profile's equity curve marks them.
 *
 * Plain data, without zod: the ranking reads it too (sync.ts and api.ts build their schemas from it).
 */
export const FLOW_KINDS = ['deposit', 'withdrawal', 'grant', 'allocation', 'profit_share', 'transfer'] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];
