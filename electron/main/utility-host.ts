/**
 * The host process as an Electron utilityProcess (a Chromium-managed Node process, ended with the app): the
 * only Electron-specific part of starting the host. The relay (./host-relay.ts) drives it.
 */
import { utilityProcess } from 'electron';
import type { HostChild } from './host-relay';

export function forkUtilityHost(entry: string): HostChild {
  const child = utilityProcess.fork(entry, [], { serviceName: 'Playground 777 engine', stdio: 'inherit' });
  return {
    // Before the process is up Electron queues the message; after it has exited, postMessage does nothing.
    postMessage: (message) => child.postMessage(message),
    onMessage: (listener) => void child.on('message', listener),
    onExit: (listener) => void child.once('exit', listener),
    kill: () => void child.kill(),
  };
}
