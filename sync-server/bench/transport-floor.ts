/**
 * The transport floor for `bench:server`'s order entry: a WebSocket server (same `ws` library, same options as
 * the gateway) that answers every message with an ack at once — no validation, matching, journal or pushes.
 * The same load generator runs against it, so the bench can print what this machine's loopback TCP and the
 * `ws` library alone allow for 1,000 clients, beside what the real server does.
 *
 * Speaks just enough of the server's surface for the load generator: sign-up (any nickname gets a token),
 * `/metrics` with process_cpu_seconds_total, and acks on /ws. Prints "sync server: <url>" on stderr when it
 * listens, as sync-server/main.ts does.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type RawData } from 'ws';
import { MAX_WS_FRAME_BYTES } from '../../engine/protocol/sync';

let nextOrderId = 1;
const http = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/api/v1/auth/signup') {
    req.resume();
    req.on('end', () => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ accessToken: 'floor', refreshToken: 'floor' }));
    });
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
http.on('upgrade', (req, socket, head) =>
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('message', (data: RawData) => {
      const msg = JSON.parse(data.toString()) as { op: string; id: number };
      ws.send(JSON.stringify({ type: 'ack', id: msg.id, op: msg.op, orderId: msg.op === 'order.new' ? nextOrderId++ : undefined }));
    });
  }),
);
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (address && typeof address === 'object') process.stderr.write(`sync server: http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
