/**
 * The desktop app's host process: the app host — matching, the simulator, SQLite, feed and sync sockets — in a
 * process of its own, so nothing it does can freeze the window. Electron's main process starts this file as a
 * utilityProcess and speaks over `process.parentPort`; under Node it speaks the same messages over the IPC
 * channel of `child_process.fork` (how the tests run it). What it says is ./host-port.ts.
 *
 * The process lives as long as its parent: under Node, a closed IPC channel closes the host and ends it (a
 * utility process is ended by Electron with the app). Run any other way, it explains itself and exits 2.
 */
import { serveHostOverPort, type MessagePortLike } from './host-port';

/** Electron's parentPort, as far as this file uses it (Electron's types are not the engine's to import). */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function parentPort(): MessagePortLike | null {
  const electron = (process as { parentPort?: ParentPort }).parentPort;
  if (electron)
    return { postMessage: (m) => electron.postMessage(m), onMessage: (l) => electron.on('message', (e) => l(e.data)) };
  if (!process.send) return null;
  return {
    // Once the parent is gone there is nobody to answer; the disconnect handler below ends the process. A send
    // racing the disconnect fails with EPIPE: the callback takes that error, which would otherwise be thrown
    // as an unhandled 'error' event and end the process before it closed its databases.
    postMessage: (m) => void (process.connected && process.send!(m, undefined, undefined, () => {})),
    onMessage: (l) => process.on('message', l),
  };
}

const port = parentPort();
if (!port) {
  console.error(
    'host-process: the desktop app starts this process itself (an Electron utilityProcess, or child_process.fork with IPC)',
  );
  process.exit(2);
}
const served = serveHostOverPort(port, (code) => process.exit(code));
// The parent died without asking us to stop: close the databases all the same.
process.on('disconnect', () => served.shutdown());
