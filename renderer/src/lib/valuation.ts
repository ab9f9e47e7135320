/**
 * What my holdings are worth in the quote currency of the market on screen, each at its own market's price: the
 * quote as it is, the market's own coin at its last price, any other coin at the mark of its own market in this
 * quote (paper trading holds several coins in one account). So the total is the same whichever market of that
 * quote is on screen.
 *
 * One definition in the protocol (@protocol/valuation), shared with the host, which values the whole portfolio
 * by it: a holding that cannot be valued is left out of a total with its reason, never silently.
 */
export { holdingValue, valueAccounts, valuePortfolio, type HoldingValue, type Valuation } from '@protocol/valuation';
