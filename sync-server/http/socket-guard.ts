/**
 * Every TCP connection the server accepts, whatever it turns out to be (an HTTP request, a keep-alive between
 * requests, a WebSocket, or nothing at all), holds a file descriptor, and a process has a fixed number of
 * those. This keeps connections from taking them all:
 * - a connection with no HTTP request in progress for `limits.httpIdleMs` is closed: one that never finishes its
 *   request's headers (sent slowly or not at all), or a keep-alive connection idle between requests;
 * - at `limits.connections` open connections, a new one takes the place of the one idle the longest; with
 *   none idle it is closed at once. So a flood of sockets that never send anything cannot lock out a client
 *   that does.
 * A WebSocket is handed to the gateway at its upgrade and is never idle here: the gateway has its own idle
 * timeout, cap and heartbeats (ws/gateway.ts), with a cap below this one so plain HTTP keeps room.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ServerLimits } from '../config';

/** Starts guarding the server's connections (until it closes). */
export function guardSockets(server: Server, limits: Pick<ServerLimits, 'connections' | 'httpIdleMs'>): void {
  new SocketGuard(server, limits);
}

class SocketGuard {
  /** Connections with no request in progress, longest idle first (a Map keeps insertion order), and since when. */
  private readonly idle = new Map<Socket, number>();
  private open = 0;
  private readonly sweep: NodeJS.Timeout;

  constructor(
    server: Server,
    private readonly limits: Pick<ServerLimits, 'connections' | 'httpIdleMs'>,
  ) {
    server.on('connection', (socket: Socket) => this.accepted(socket));
    server.on('request', (req, res) => {
      const socket = req.socket;
      this.idle.delete(socket);
      res.once('close', () => {
        if (!socket.destroyed) this.idle.set(socket, Date.now());
      });
    });
    server.on('upgrade', (req) => this.idle.delete(req.socket as Socket));
    this.sweep = setInterval(() => this.closeIdle(), Math.min(1_000, Math.max(10, limits.httpIdleMs / 4)));
    this.sweep.unref();
    server.once('close', () => clearInterval(this.sweep));
  }

  private accepted(socket: Socket): void {
    if (this.open >= this.limits.connections) {
      const longestIdle = this.idle.keys().next();
      if (longestIdle.done) {
        socket.destroy();
        return;
      }
      this.idle.delete(longestIdle.value);
      longestIdle.value.destroy();
    }
    this.open++;
    this.idle.set(socket, Date.now());
    socket.once('close', () => {
      this.open--;
      this.idle.delete(socket);
    });
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.limits.httpIdleMs;
    for (const [socket, since] of this.idle) {
      if (since > cutoff) break;
      this.idle.delete(socket);
      socket.destroy();
    }
  }
}
