/**
 * Child process for the crash test: writes a seeded command stream into a journal and prints `ack <n>` for
 * command n only once its commit is done, until the parent kills it.
 *
 *   node --import tsx engine/node/store/testing/crash-child.ts <journal path> <seed> [normal|full]
 *
 * On a reused journal it continues the stream after the commands already committed.
 */
import type { Synchronous } from '../../db/database';
import { DurableEngine } from '../durable-engine';
import { TallyMachine, tallyStream, type TallyCommand, type TallyEvent, type TallySnapshot } from './tally-machine';

const [path, seedArg, synchronous = 'normal'] = process.argv.slice(2);
const journal = DurableEngine.open<TallyCommand, TallyEvent, TallySnapshot, TallyMachine>({
  path,
  synchronous: synchronous as Synchronous,
  create: () => new TallyMachine(),
  restore: (s) => TallyMachine.restore(s),
  maxBatch: 256,
  snapshotEvery: 2000,
});
const next = tallyStream(Number(seedArg));
let n = journal.stats().committedCommands;
for (let i = 0; i < n; i++) next();
process.stdout.write(`ready ${n}\n`);

// Bursts of varied size, each followed by a macrotask turn, so kills land before, during and after commits.
let burst = 1;
function pump(): void {
  burst = (burst * 7 + 3) % 301;
  for (let i = 0; i < burst; i++) {
    const index = n++;
    void journal.submit(next()).then(() => process.stdout.write(`ack ${index}\n`));
  }
  setImmediate(pump);
}
pump();
