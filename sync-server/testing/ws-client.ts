/**
 * A small WebSocket client for tests: keeps every message the server sent, waits for one matching a predicate
 * (with a timeout that names what it waited for), and sends requests that wait for their ack or reject.
 */
import WebSocket from 'ws';
import { frameMessages, type ClientMessage, type ServerMessage } from '../../engine/protocol/sync';

export type Reply = Extract<ServerMessage, { type: 'ack' } | { type: 'reject' }>;
export type RequestBody = ClientMessage extends infer M ? (M extends { id: unknown } ? Omit<M, 'id'> : never) : never;

export class TestWsClient {
  readonly messages: ServerMessage[] = [];
  /** Resolves when the socket closes, with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void; from: number }[] = [];
  private nextId = 1;
  private onMessage?: (m: ServerMessage) => void;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      for (const item of frameMessages(data.toString())) {
        const msg = item as ServerMessage;
        this.messages.push(msg);
        this.onMessage?.(msg);
        const index = this.messages.length - 1;
        this.waiters = this.waiters.filter((w) => {
          if (index >= w.from && w.pred(msg)) {
            w.resolve(msg);
            return false;
          }
          return true;
        });
      }
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Connects and waits for the server's welcome. */
  static async connect(url: string, opts: { onMessage?: (m: ServerMessage) => void } = {}): Promise<TestWsClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const client = new TestWsClient(ws);
    client.onMessage = opts.onMessage;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('error', () => {}); // a reset after the server closes us is expected in some tests
    await client.waitFor((m) => m.type === 'welcome', 'welcome');
    return client;
  }

  /** The first message (at index `from` or later, received or still to come) that matches. */
  waitFor<T extends ServerMessage = ServerMessage>(
    pred: (m: ServerMessage) => boolean,
    what: string,
    timeoutMs = 10_000,
    from = 0,
  ): Promise<T> {
    for (let i = from; i < this.messages.length; i++)
      if (pred(this.messages[i])) return Promise.resolve(this.messages[i] as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; last messages: ${JSON.stringify(this.messages.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      const waiter = {
        pred,
        from,
        resolve: (m: ServerMessage) => {
          clearTimeout(timer);
          resolve(m as T);
        },
      };
      this.waiters.push(waiter);
    });
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  send(msg: object): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** Sends a request with a fresh id (unless it has one) and resolves with its ack or reject. */
  request(body: RequestBody | (Record<string, unknown> & { op: string }), timeoutMs = 10_000): Promise<Reply> {
    const id = (body as { id?: string | number }).id ?? `r${this.nextId++}`;
    const from = this.messages.length;
    this.send({ ...body, id });
    return this.waitFor<Reply>(
      (m) => (m.type === 'ack' || m.type === 'reject') && m.id === id,
      `reply to ${JSON.stringify(body)}`,
      timeoutMs,
      from,
    );
  }

  /** Like request, but fails unless the reply is an ack. */
  async ok(body: RequestBody, timeoutMs = 10_000): Promise<Extract<ServerMessage, { type: 'ack' }>> {
    const reply = await this.request(body, timeoutMs);
    if (reply.type !== 'ack')
      throw new Error(`expected an ack for ${JSON.stringify(body)}, got ${JSON.stringify(reply)}`);
    return reply;
  }

  /** Round trip: every message the server sent before the pong has arrived when this resolves. */
  async sync(): Promise<void> {
    const id = `sync${this.nextId++}`;
    const from = this.messages.length;
    this.send({ op: 'ping', id });
    await this.waitFor((m) => m.type === 'pong' && m.id === id, 'pong', 10_000, from);
  }

  ofType<K extends ServerMessage['type']>(type: K): Extract<ServerMessage, { type: K }>[] {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: K }> => m.type === type);
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 1_000))]);
    this.ws.terminate();
  }
}
