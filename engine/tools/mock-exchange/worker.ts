/**
 * The mock exchange in a worker thread, so a benchmark's client and the exchange it reads from do not share
 * one CPU. Messages in: {cmd:'start', options} | {cmd:'prepare', steps} | {cmd:'flush'} | {cmd:'step', n} |
 * {cmd:'stop'}; each is answered with {ok:true, ...} or {ok:false, error}.
 */
import { parentPort } from 'node:worker_threads';
import { MockExchange, type MockExchangeOptions } from './mock-exchange';

type Command =
  | { cmd: 'start'; options: MockExchangeOptions }
  | { cmd: 'prepare'; steps: number }
  | { cmd: 'flush' }
  | { cmd: 'step'; n: number }
  | { cmd: 'stop' };

let mock: MockExchange | undefined;
const port = parentPort;
if (!port) throw new Error('mock-exchange/worker.ts must run in a worker thread');

port.on('message', async (c: Command) => {
  try {
    switch (c.cmd) {
      case 'start':
        mock = await MockExchange.start(c.options);
        port.postMessage({ ok: true, urls: mock.urls });
        break;
      case 'prepare':
        port.postMessage({ ok: true, frames: mock!.prepareBurst(c.steps) });
        break;
      case 'flush':
        await mock!.flushBurst();
        port.postMessage({ ok: true });
        break;
      case 'step':
        mock!.step(c.n);
        port.postMessage({ ok: true });
        break;
      case 'stop':
        await mock?.close();
        port.postMessage({ ok: true });
        break;
    }
  } catch (err) {
    port.postMessage({ ok: false, error: String(err) });
  }
});
