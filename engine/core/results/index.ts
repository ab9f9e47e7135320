/** Results of trading that last and compare: an account's result over a span, and PnL per period. */
export * from './account-result';
export * from './period-report';
