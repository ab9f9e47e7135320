/**
 * A TCP proxy on 127.0.0.1 for tests that need a network to fail: `cut()` drops every connection at once (as
 * a lost Wi-Fi link would), `hold(true)` refuses new ones until released, `mute(true)` loses the server's
 * replies.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private refusing = false;
  private muted = false;
  port = 0;

  constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      if (this.refusing) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream);
      // Replies pass unless muted: a muted reply is lost, like a packet on a link that is about to die.
      upstream.on('data', (chunk: Buffer) => {
        if (!this.muted) client.write(chunk);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  cut(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  /** Drops everything the server sends until unmuted. */
  mute(on: boolean): void {
    this.muted = on;
  }

  hold(refuse: boolean): void {
    this.refusing = refuse;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
