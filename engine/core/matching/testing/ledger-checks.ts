/**
 * Checks shared by the fixtures of the engines that keep a double-entry ledger (the LPJ matching engine and the
 * paper engine, which uses the same ledger).
 */
import { expect } from 'vitest';

/** The id of the order accepted among `events`; throws, naming the events, when none was. */
export function acceptedOrderId(events: readonly ({ type: string } | { type: 'accepted'; orderId: number })[]): number {
  const accepted = events.find((e): e is { type: 'accepted'; orderId: number } => e.type === 'accepted');
  if (!accepted) throw new Error(`no order accepted: ${JSON.stringify(events)}`);
  return accepted.orderId;
}

/**
 * Conservation and sanity: per asset, the ledger's total over all accounts equals what flowed in from outside
 * (deposits and grants less withdrawals), no asset appears on one side only, and the engine's audit is clean.
 */
export function expectConserved(
  engine: { audit(): string[]; ledger: { totals(): Map<string, number> } },
  external: ReadonlyMap<string, number>,
): void {
  expect(engine.audit()).toEqual([]);
  const totals = Object.fromEntries(engine.ledger.totals());
  for (const [asset, amount] of external) expect(totals[asset] ?? 0, `total ${asset}`).toBe(amount);
  for (const [asset, amount] of Object.entries(totals)) expect(external.get(asset) ?? 0, `total ${asset}`).toBe(amount);
}
