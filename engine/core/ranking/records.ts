/**
 * The input of the ranking: one ordered stream of records, the same for the live (incremental) service and the
 * batch recompute. The server appends them to its log as the underlying facts happen; nothing else feeds the
 * ranking, so replaying the log reproduces every figure.
 *
 * External flows are explicit: only `flow` records move money into or out of an account without it being
 * profit or loss. Trades, fees and price moves are performance; deposits, practice grants, copy allocations
 * (and their return), profit share paid or received and transfers between a user's own accounts are flows.
 */
import type { AccountId, EngineEvent } from '../matching/types';
import type { FlowKind } from '../../protocol/flow-kinds';

// The kinds are the protocol's: a profile's equity curve names each flow by its kind.
export { FLOW_KINDS, type FlowKind } from '../../protocol/flow-kinds';

export type RankingRecord =
  /** Registers an account (its age counts from `ts`) or, for a known one, renames it / changes `ranked`. */
  | { type: 'account'; ts: number; account: AccountId; nickname: string; ranked?: boolean }
  /** The account was deleted: it leaves every board; its id is never reused. */
  | { type: 'account_closed'; ts: number; account: AccountId }
  /** A fill between two accounts. Fees are quote units paid by each side (negative = rebate). */
  | {
      type: 'trade';
      ts: number;
      market: string;
      price: number;
      quantity: number;
      quoteAmount: number;
      buyer: AccountId;
      seller: AccountId;
      buyerFee: number;
      sellerFee: number;
    }
  /** A mark price from outside the trades (e.g. a live exchange price for a paper market). */
  | { type: 'price'; ts: number; market: string; price: number }
  /** Money entering (amount > 0) or leaving (amount < 0) the account from outside its trading. */
  | { type: 'flow'; ts: number; account: AccountId; asset: string; amount: number; kind: FlowKind }
  /** A copy subscription to this account started (+1) or ended (−1). */
  | { type: 'followers'; ts: number; account: AccountId; delta: 1 | -1 };

export type RankingRecordType = RankingRecord['type'];

/** The ranking record for an engine event, or null for events that do not affect the ranking. */
export function rankingRecordOf(event: EngineEvent): RankingRecord | null {
  if (event.type !== 'trade') return null;
  const takerBuys = event.takerSide === 'buy';
  return {
    type: 'trade',
    ts: event.ts,
    market: event.market,
    price: event.price,
    quantity: event.quantity,
    quoteAmount: event.quoteAmount,
    buyer: takerBuys ? event.takerAccount : event.makerAccount,
    seller: takerBuys ? event.makerAccount : event.takerAccount,
    buyerFee: takerBuys ? event.takerFee : event.makerFee,
    sellerFee: takerBuys ? event.makerFee : event.takerFee,
  };
}
