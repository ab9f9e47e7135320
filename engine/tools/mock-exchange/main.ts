/**
 * Runs the mock exchange on its own: `npm run mock-exchange -- --port 8787 --seed 7`. Prints the base URLs to
 * point a feed client at, and the control endpoint.
 */
import { MockExchange } from './mock-exchange';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

function intFlag(name: string, fallback: number): number {
  const v = flag(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got "${v}"`);
    process.exit(2);
  }
  return n;
}

const mock = await MockExchange.start({
  port: intFlag('port', 8787),
  seed: intFlag('seed', 777),
  stepsPerSec: intFlag('speed', 10),
});
console.log(JSON.stringify({ mockExchange: mock.urls, markets: [...mock.markets.keys()] }, null, 2));
console.log(
  'control: POST {control}/drop | /silence {ms} | /diff-fault {kind,count} | /fail-rest {status,count,retryAfterSec} | /malformed {count} | /speed {stepsPerSec} | /step {n}; GET {control}/stats',
);

const stop = async (): Promise<void> => {
  await mock.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
