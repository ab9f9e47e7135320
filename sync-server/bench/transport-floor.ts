/**
 * The transport floor for `bench:server`: a WebSocket server (same `ws` library, same options as the gateway)
 * that answers every message with an ack at once — no validation, matching, journal or read models. The same
 * load generators run against it, so the bench can print what this machine's loopback TCP and the `ws`
 * library alone allow, beside what the real server does:
 *   - order entry: each order is acked, nothing else is sent;
 *   - fan-out: each order sends the subscribers what a match sends them on the real server — a book delta for
 *     the resting sell, a trade and a book delta for the crossing buy — framed once and written to every
 *     subscriber's socket in one write per order, as the real server does.
 *
 * Speaks just enough of the server's surface for the load generator: sign-up (any nickname gets a token),
 * `/metrics` with process_cpu_seconds_total, acks on /ws, and `/api/v1/trades` listing the trades it sent
 * (the fan-out load counts deliveries against them, as it counts the real server's against the seller's fills). Prints "sync server: <url>" on stderr when it
 * listens, as sync-server/main.ts does.
 */
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';
import { MAX_WS_FRAME_BYTES } from '../../engine/protocol/sync';
import { textFrame } from '../ws/frames';

const MARKET = 'LPJ-KRW';
const LOT = 10_000_000;

let nextOrderId = 1;
/** The trades broadcast so far, as `/api/v1/trades` lists them (one page). */
const sentTrades: { tradeId: number; price: number; quantity: number }[] = [];
const http = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/api/v1/auth/signup') {
    req.resume();
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accessToken: 'floor', refreshToken: 'floor' }));
    });
    return;
  }
  if (req.url?.startsWith('/api/v1/trades')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ fills: sentTrades }));
    return;
  }
  if (req.url === '/metrics') {
    const { user, system } = process.cpuUsage();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`process_cpu_seconds_total ${(user + system) / 1e6}\n`);
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_FRAME_BYTES, perMessageDeflate: false });
/** Sockets subscribed to the trades channel (the fan-out clients), written to directly with prebuilt frames. */
const subscribers = new Set<Duplex>();
let seq = 0;
let tradeId = 0;

function broadcast(side: string, price: number): void {
  if (subscribers.size === 0) return;
  const texts = [
    JSON.stringify({
      type: 'book.delta',
      market: MARKET,
      prevSeq: seq,
      seq: ++seq,
      bids: [],
      asks: [[price, side === 'sell' ? LOT : 0]],
    }),
  ];
  if (side === 'buy') {
    sentTrades.push({ tradeId: tradeId + 1, price, quantity: LOT });
    texts.unshift(
      JSON.stringify({
        type: 'trade',
        market: MARKET,
        seq,
        tradeId: ++tradeId,
        price,
        quantity: LOT,
        takerSide: 'buy',
        ts: Date.now(),
      }),
    );
  }
  const bytes = Buffer.concat(texts.map(textFrame));
  for (const socket of subscribers) socket.write(bytes);
}

http.on('upgrade', (req, socket, head) =>
  wss.handleUpgrade(req, socket, head, (ws) => {
    socket.once('close', () => subscribers.delete(socket));
    ws.on('message', (data: RawData) => {
      const msg = JSON.parse(data.toString()) as {
        op: string;
        id: number;
        channel?: string;
        order?: { side: string; price: number };
      };
      if (msg.op === 'order.new' && msg.order) broadcast(msg.order.side, msg.order.price);
      ws.send(
        JSON.stringify({
          type: 'ack',
          id: msg.id,
          op: msg.op,
          orderId: msg.op === 'order.new' ? nextOrderId++ : undefined,
        }),
      );
      // After its ack, as on the real server, so the client counts the subscription before data arrives.
      if (msg.op === 'subscribe' && msg.channel === 'trades') subscribers.add(socket);
    });
  }),
);
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address && typeof address === 'object') process.stderr.write(`sync server: http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
