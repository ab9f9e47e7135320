/**
 * The live server's refusals (a HostError's code) in the user's language, for the screens that talk to it
 * (ranking, profiles, copy trading): known codes have words of their own, any other shows the host's message.
 */
import { fill, type MessageKey } from './index';
import type { HostError } from '../stores/live-store';

/** Codes with words of their own; anything else shows the host's message. */
const KNOWN = new Set([
  'OFFLINE',
  'NOT_SIGNED_IN',
  'UNKNOWN_TRADER',
  'BELOW_MIN_ALLOCATION',
  'SELF_SUBSCRIBE',
  'INSUFFICIENT_BALANCE',
  'INSUFFICIENT_FREE_FUNDS',
  'STRATEGY_CLOSED',
  'ALREADY_SUBSCRIBED',
  'SUBSCRIPTION_NOT_ACTIVE',
  'LEADER_DELETED',
  'NO_STRATEGY',
  'RATE_OUT_OF_RANGE',
  'RATE_LIMITED',
]);

/** A ranking or copy-trading failure in the user's language. */
export function errorText(error: HostError, t: (key: MessageKey) => string): string {
  return KNOWN.has(error.code) ? t(`copyErr.${error.code}` as MessageKey) : fill(t('copyErr.other'), error.message);
}
