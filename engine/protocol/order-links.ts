/**
 * The fields only trailing stops, brackets and OCO orders carry — a trailing distance, exits, the entry an exit
 * was placed for, the OCO partner — picked from whatever has them (an engine event or view, an order request, a
 * stored order), so that every layer passes on exactly those that are set and a plain order carries none.
 */

export const ORDER_LINK_FIELDS = [
  'trailAmount',
  'trailBps',
  'takeProfitPrice',
  'stopLossPrice',
  'stopLossLimitPrice',
  'parentOrderId',
  'ocoOrderId',
] as const;

export type OrderLinkFields = Partial<Record<(typeof ORDER_LINK_FIELDS)[number], number>>;

/** The link fields `source` has set, or undefined when it has none. */
export function orderLinks(source: OrderLinkFields): OrderLinkFields | undefined {
  let links: OrderLinkFields | undefined;
  for (const k of ORDER_LINK_FIELDS) if (source[k] !== undefined) (links ??= {})[k] = source[k];
  return links;
}
