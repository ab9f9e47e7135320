/**
 * Child process for the matching crash test: places a stream of orders through the durable engine and prints
 * `ack <clientOrderId>` for each only after its commit, until the parent kills it.
 *
 *   node --import tsx engine/node/matching-journal/testing/crash-child.ts <journal path> <run>
 */
import { openMatchingJournal } from '../journal';
import { mulberry32 } from '../../../core/random/prng';
import { CRASH_ACCOUNTS, CRASH_MARKET } from './crash-setup';

const [path, runArg] = process.argv.slice(2);
const journal = openMatchingJournal({ path, markets: [CRASH_MARKET], maxBatch: 200, snapshotEvery: 3_000 });
const engine = journal.machine;
if (!engine.hasAccount(CRASH_ACCOUNTS[0])) {
  for (const account of CRASH_ACCOUNTS) {
    void journal.submit({ type: 'open_account', account });
    void journal.submit({ type: 'deposit', account, asset: 'KRW', amount: 1e12 });
    void journal.submit({ type: 'deposit', account, asset: 'LPJ', amount: 1e10 });
  }
}
process.stdout.write('ready\n');

const rnd = mulberry32(Number(runArg) * 7919 + 1);
let n = 0;
function pump(): void {
  const burst = 1 + Math.floor(rnd() * 300);
  for (let i = 0; i < burst; i++) {
    const account = CRASH_ACCOUNTS[Math.floor(rnd() * CRASH_ACCOUNTS.length)];
    const clientOrderId = `r${runArg}-${n++}`;
    const side = rnd() < 0.5 ? 'buy' : 'sell';
    const price = 10_000 + (Math.floor(rnd() * 41) - 20) * 5;
    const quantity = (1 + Math.floor(rnd() * 20)) * 10;
    void journal
      .submit({
        type: 'place',
        market: CRASH_MARKET.id,
        account,
        clientOrderId,
        side,
        orderType: 'limit',
        price,
        quantity,
        timeInForce: rnd() < 0.2 ? 'IOC' : 'GTC',
      })
      .then(() => process.stdout.write(`ack ${clientOrderId}\n`));
    if (rnd() < 0.3) {
      const live = engine.openOrders(account);
      if (live.length > 0)
        void journal.submit({
          type: 'cancel',
          market: CRASH_MARKET.id,
          account,
          orderId: live[Math.floor(rnd() * live.length)].id,
        });
    }
  }
  setImmediate(pump);
}
pump();
