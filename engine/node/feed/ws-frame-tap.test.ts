import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { DataFrameTap, tappedConnection } from './ws-frame-tap';

/** An unmasked (server-to-client) frame. */
function frame(opcode: number, payload: Buffer | string, fin = true, extra = 0): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const b0 = (fin ? 0x80 : 0) | extra | opcode;
  let head: Buffer;
  if (p.length < 126) head = Buffer.from([b0, p.length]);
  else if (p.length < 65_536) head = Buffer.from([b0, 126, p.length >> 8, p.length & 0xff]);
  else {
    head = Buffer.alloc(10);
    head[0] = b0;
    head[1] = 127;
    head.writeUInt32BE(p.length, 6);
  }
  return Buffer.concat([head, p]);
}

type Seen = { messages: { text: string; binary: boolean }[]; passed: Buffer };

/** Feeds `stream` to a tap on a stand-in socket in the given chunks. */
function tapRun(stream: Buffer, cuts: number[], isOpen: () => boolean = () => true): Seen {
  const socket = new EventEmitter();
  const messages: Seen['messages'] = [];
  const tap = new DataFrameTap(
    socket as unknown as Socket,
    (d, binary) => messages.push({ text: d.toString('latin1'), binary }),
    isOpen,
  );
  const passed: Buffer[] = [];
  socket.on('data', (c: Buffer) => passed.push(Buffer.from(c)));
  tap.start();
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < stream.length).sort((a, b) => a - b), stream.length]) {
    if (cut > at) socket.emit('data', stream.subarray(at, cut));
    at = Math.max(at, cut);
  }
  return { messages, passed: Buffer.concat(passed) };
}

describe('DataFrameTap', () => {
  const big = Buffer.alloc(70_000, 0x61);
  const mid = Buffer.alloc(65_535, 0x62);
  const plain = Buffer.concat([
    frame(1, '{"a":1}'),
    frame(2, Buffer.from([0, 1, 2, 255])),
    frame(9, 'ping!'),
    frame(1, ''),
    frame(2, mid),
    frame(10, ''),
    frame(2, big),
    frame(1, 'x'.repeat(126)),
  ]);

  it('delivers whole data frames and passes control frames on, however the stream is cut', () => {
    const want = [
      { text: '{"a":1}', binary: false },
      { text: Buffer.from([0, 1, 2, 255]).toString('latin1'), binary: true },
      { text: '', binary: false },
      { text: mid.toString('latin1'), binary: true },
      { text: big.toString('latin1'), binary: true },
      { text: 'x'.repeat(126), binary: false },
    ];
    const control = Buffer.concat([frame(9, 'ping!'), frame(10, '')]);
    // Every single cut near the frame boundaries, then random sets of cuts.
    for (let cut = 0; cut < 40; cut++) {
      const seen = tapRun(plain, [cut]);
      expect(seen.messages).toEqual(want);
      expect(seen.passed.equals(control)).toBe(true);
    }
    // Small chunks all the way: headers and payloads split everywhere.
    for (const size of [1, 2, 3, 5, 9, 13, 127, 4096]) {
      const cuts: number[] = [];
      for (let at = size; at < plain.length; at += size) cuts.push(at);
      const seen = tapRun(plain, cuts);
      expect(seen.messages).toEqual(want);
      expect(seen.passed.equals(control)).toBe(true);
    }
    fc.assert(
      fc.property(fc.array(fc.nat({ max: plain.length }), { maxLength: 30 }), (cuts) => {
        const seen = tapRun(plain, cuts);
        expect(seen.messages).toEqual(want);
        expect(seen.passed.equals(control)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('steps aside at anything unusual and leaves the rest of the stream to ws, byte for byte', () => {
    const before = frame(1, 'before');
    for (const odd of [
      frame(1, 'part', false), // a fragmented message
      frame(0, 'cont'), // a continuation without a start
      frame(1, 'rsv', true, 0x40), // extension bits
      frame(3, 'x'), // unknown opcode
      frame(9, 'y'.repeat(126)), // control frame too long
      frame(8, 'z', false), // fragmented control frame
      Buffer.concat([Buffer.from([0x81, 0x85, 1, 2, 3, 4]), Buffer.from('hello')]), // masked
      Buffer.concat([Buffer.from([0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0])]), // 2^32 bytes
    ]) {
      const rest = Buffer.concat([odd, frame(1, 'after')]);
      for (const cut of [0, before.length + 1, before.length + 3]) {
        const seen = tapRun(Buffer.concat([before, rest]), [cut]);
        expect(seen.messages).toEqual([{ text: 'before', binary: false }]);
        expect(seen.passed.equals(rest)).toBe(true);
      }
    }
  });

  it('stops delivering once ws has closed the connection', () => {
    let open = true;
    const socket = new EventEmitter();
    const got: string[] = [];
    const tap = new DataFrameTap(
      socket as unknown as Socket,
      (d) => got.push(d.toString()),
      () => open,
    );
    const passed: Buffer[] = [];
    socket.on('data', (c: Buffer) => {
      passed.push(c);
      if (c[0] === 0x88) open = false; // ws got the close frame
    });
    tap.start();
    const tail = Buffer.concat([frame(1, 'late'), frame(1, 'later')]);
    socket.emit('data', Buffer.concat([frame(1, 'one'), frame(8, Buffer.from([0x03, 0xe8])), tail]));
    expect(got).toEqual(['one']);
    expect(Buffer.concat(passed).equals(Buffer.concat([frame(8, Buffer.from([0x03, 0xe8])), tail]))).toBe(true);
  });
});

describe('a ws client with the tap', () => {
  let server: Server | undefined;
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
    server = undefined;
    wss = undefined;
  });

  /** A client as ReconnectingConnection makes it; collects messages (from the tap or from ws) in order. */
  function client(url: string): { ws: WebSocket; messages: string[]; viaTap: () => number; closed: Promise<number> } {
    const messages: string[] = [];
    let tap: DataFrameTap | undefined;
    let viaTap = 0;
    const onMessage = (d: Buffer, binary: boolean): void => {
      messages.push(`${binary ? 'b' : 't'}:${d.toString('latin1')}`);
    };
    let ws: WebSocket | undefined;
    const fromTap = (d: Buffer, binary: boolean): void => {
      viaTap++;
      onMessage(d, binary);
    };
    const createConnection = tappedConnection(
      false,
      fromTap,
      () => ws?.readyState === WebSocket.OPEN,
      (t) => (tap = t),
    );
    ws = new WebSocket(url, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      createConnection: createConnection as never,
    });
    ws.on('open', () => tap?.start());
    ws.on('message', onMessage);
    ws.on('error', () => {});
    const closed = new Promise<number>((r) => ws!.on('close', (code) => r(code)));
    return { ws, messages, viaTap: () => viaTap, closed };
  }

  it('reads what a ws server sends at once, including pings it answers and a fragmented message', async () => {
    const sent: string[] = [];
    let pongs = 0;
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await new Promise((r) => wss!.once('listening', r));
    wss.on('connection', (s) => {
      s.on('pong', () => pongs++);
      for (let i = 0; i < 300; i++) {
        const text = `{"n":${i},"pad":"${'p'.repeat((i * 997) % 3000)}"}`;
        s.send(text, { binary: i % 2 === 0 });
        sent.push(`${i % 2 === 0 ? 'b' : 't'}:${text}`);
        if (i % 50 === 0) s.ping('hi');
        if (i === 150) {
          // One message in three fragments: from here on ws reads this connection itself.
          s.send('frag-', { fin: false });
          s.send('ment-', { fin: false });
          s.send('ed', { fin: true });
          sent.push('t:frag-ment-ed');
        }
      }
      s.send(Buffer.alloc(200_000, 0x41));
      sent.push(`b:${'A'.repeat(200_000)}`);
      s.close(4000, 'bye');
    });
    const c = client(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    expect(await c.closed).toBe(4000);
    expect(c.messages).toEqual(sent);
    expect(pongs).toBe(6);
    // Up to the fragmented message the tap read the frames; ws read the rest.
    expect(c.viaTap()).toBe(151);
  });

  it('reads frames that arrive with the handshake response, and answers a ping among them', async () => {
    const pong = new Promise<boolean>((resolve) => {
      server = createServer((sock) => {
        let req = '';
        sock.on('data', (d) => {
          if (!req.includes('\r\n\r\n')) {
            req += d.toString('latin1');
            if (!req.includes('\r\n\r\n')) return;
            const key = /Sec-WebSocket-Key: (.*)\r\n/i.exec(req)![1];
            const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
            // The 101 response and the first frames in one write: they reach the client in one read.
            sock.write(
              Buffer.concat([
                Buffer.from(
                  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
                ),
                frame(1, 'first'),
                frame(9, 'are you there'),
                frame(2, 'second'),
                frame(1, 'x'.repeat(300)),
              ]),
            );
            return;
          }
          // A masked pong from the client.
          if ((d[0] & 0x0f) === 0x0a) {
            resolve(true);
            sock.end(frame(8, Buffer.from([0x0f, 0xa0])));
          }
        });
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const c = client(`ws://127.0.0.1:${(server!.address() as AddressInfo).port}`);
    expect(await pong).toBe(true);
    await c.closed;
    expect(c.messages).toEqual(['t:first', 'b:second', `t:${'x'.repeat(300)}`]);
    expect(c.viaTap()).toBe(3);
  });
});
