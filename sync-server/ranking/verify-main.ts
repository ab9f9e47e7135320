/**
 * `npm run ranking:verify -- --data <dir> [--markets <file>]`: recomputes every leaderboard of a server's data
 * directory from its ranking log and checks that the incremental ranking gives exactly the same boards.
 * Exits 0 when they agree, 1 when they differ (printing the first difference), 2 on bad arguments.
 * Run it against a stopped server's directory or a copy of it.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../engine/node/db/database';
import { DEFAULT_MARKETS_FILE, loadMarketsFile } from '../config';
import { serverMigrations } from '../db/migrations';
import { RankingLog } from './ranking-log';
import { RankingFeed } from './ranking-feed';
import { verifyLog } from './verify';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    markets: { type: 'string' },
    'min-trades': { type: 'string' },
    'min-age-ms': { type: 'string' },
  },
});
if (!values.data) {
  console.error('usage: npm run ranking:verify -- --data <server data dir> [--markets <markets.json>]');
  process.exit(2);
}
const { markets } = loadMarketsFile(values.markets ?? DEFAULT_MARKETS_FILE);
const db = openDatabase(join(values.data, 'server.db'), serverMigrations);
const log = new RankingLog(db);
const config = RankingFeed.configOf({
  markets,
  settings: {
    minTrades: values['min-trades'] === undefined ? undefined : Number(values['min-trades']),
    minAccountAgeMs: values['min-age-ms'] === undefined ? undefined : Number(values['min-age-ms']),
  },
});
const check = await verifyLog(config, () => log.records(), Date.now());
const records = log.count();
db.close();
console.log(
  JSON.stringify({
    agree: check.agree,
    records,
    asOf: check.asOf,
    rows: Object.fromEntries(Object.entries(check.batch.boards).map(([p, rows]) => [p, rows.length])),
    difference: check.difference,
  }),
);
process.exit(check.agree ? 0 : 1);
