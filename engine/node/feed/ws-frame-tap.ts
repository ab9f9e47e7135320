/**
 * Reads a WebSocket connection's common incoming frames without going through `ws`.
 *
 * ws reads every frame through a general state machine that cuts a few Buffer views and emits two events per
 * message: on a market-data stream that is a good share of the client's time. The feed hands ws its own socket
 * (ws's `createConnection` option, passed on to http.request) and taps the socket's 'data' events once the
 * handshake is done. A complete, unfragmented, unmasked text or binary frame with no extension bits is the
 * message itself: it goes straight to `deliver`. Everything else (pings, pongs, close frames, fragmented
 * messages, anything a server must not send) is passed on to ws byte for byte, so ws answers pings, closes,
 * and rejects protocol errors exactly as before. After anything out of the ordinary (a fragmented message, a
 * frame ws will reject, the connection no longer open) the tap steps aside for good and ws reads the rest.
 *
 * It relies on one thing about ws: after the handshake, every byte of the connection (including any that came
 * with the handshake response, which ws puts back with socket.unshift) reaches ws as socket 'data' events
 * emitted after ws's 'open'. The tap starts at 'open', on a frame boundary. The tests check this against the
 * ws version in use, with a server that sends at once.
 */
import { connect as netConnect, isIP, type NetConnectOpts, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';

/** Largest payload delivered directly (larger frames go to ws, which applies its own maxPayload). */
const MAX_DIRECT_PAYLOAD = 64 << 20;

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

export class DataFrameTap {
  private active = false;
  private done = false;
  /** Bytes of the rest of a frame being passed on to ws. */
  private toWs = 0;
  /** Chunks of a frame not complete yet, and how many bytes it takes to complete it (0: not known yet). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingNeed = 0;
  private readonly emit: Emit;

  constructor(
    private readonly socket: Socket,
    private readonly deliver: (data: Buffer, isBinary: boolean) => void,
    /** Whether the WebSocket is still open (after ws has seen bytes, it may not be). */
    private readonly isOpen: () => boolean,
  ) {
    const emit = socket.emit.bind(socket) as Emit;
    this.emit = emit;
    socket.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event === 'data' && this.active) {
        this.onChunk(args[0] as Buffer);
        return true;
      }
      return emit(event, ...args);
    }) as Socket['emit'];
  }

  /** The handshake is done (ws 'open'): from the next 'data' event on, the bytes are frames. */
  start(): void {
    if (!this.done) this.active = true;
  }

  private toWsBytes(chunk: Buffer): void {
    this.emit('data', chunk);
  }

  /** From here on ws reads everything itself. */
  private stepAside(rest: Buffer): void {
    this.active = false;
    this.done = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingNeed = 0;
    if (rest.length) this.toWsBytes(rest);
  }

  private onChunk(chunk: Buffer): void {
    let rest = chunk;
    // A frame begun in earlier chunks: copy together only its own bytes (all of them once its header says how
    // many; the longest header's worth until then), then read on in this chunk without copying it.
    while (this.pendingBytes) {
      const want = this.pendingNeed ? this.pendingNeed - this.pendingBytes : 14;
      const take = Math.min(want, rest.length);
      this.pending.push(rest.subarray(0, take));
      this.pendingBytes += take;
      rest = rest.subarray(take);
      if (this.pendingNeed && this.pendingBytes < this.pendingNeed) return;
      const joined = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
      this.pendingNeed = 0;
      this.read(joined);
      if (this.done) {
        if (rest.length) this.toWsBytes(rest);
        return;
      }
      if (!rest.length) return;
    }
    this.read(rest);
  }

  /** Reads the frames in `buf`, keeping an incomplete last one for the next chunk. */
  private read(buf: Buffer): void {
    const n = buf.length;
    let i = 0;
    if (this.toWs > 0) {
      const take = Math.min(this.toWs, n);
      this.toWs -= take;
      this.toWsBytes(take === n ? buf : buf.subarray(0, take));
      i = take;
      if (!this.isOpen()) return this.stepAside(buf.subarray(i));
    }
    while (i < n) {
      if (n - i < 2) break;
      const b0 = buf[i];
      const b1 = buf[i + 1];
      const opcode = b0 & 0x0f;
      let len = b1 & 0x7f;
      let h = 2;
      if (len === 126) {
        if (n - i < 4) break;
        len = (buf[i + 2] << 8) | buf[i + 3];
        h = 4;
      } else if (len === 127) {
        if (n - i < 10) break;
        const high = buf.readUInt32BE(i + 2);
        // Beyond what the tap delivers: ws decides (it accepts up to its maxPayload, rejects the rest).
        if (high !== 0) return this.stepAside(buf.subarray(i));
        len = buf.readUInt32BE(i + 6);
        h = 10;
      }
      if ((b1 & 0x80) !== 0) return this.stepAside(buf.subarray(i)); // masked: not from a server; ws rejects it
      if ((b0 & 0xf0) === 0x80 && (opcode === 1 || opcode === 2) && len <= MAX_DIRECT_PAYLOAD) {
        // FIN, no extension bits, text or binary: a whole message.
        const end = i + h + len;
        if (end > n) {
          this.pendingNeed = end - i;
          break;
        }
        this.deliver(buf.subarray(i + h, end), opcode === 2);
        i = end;
        if (!this.isOpen()) return this.stepAside(buf.subarray(i));
        continue;
      }
      if ((b0 & 0xf0) === 0x80 && opcode >= 8 && opcode <= 10 && len <= 125) {
        // Close, ping or pong: ws answers it. The frame may end in a later chunk.
        const end = i + h + len;
        if (end <= n) this.toWsBytes(buf.subarray(i, end));
        else {
          this.toWs = end - n;
          this.toWsBytes(buf.subarray(i));
        }
        i = Math.min(end, n);
        if (!this.isOpen()) return this.stepAside(buf.subarray(i));
        continue;
      }
      // A fragmented message, an unknown opcode, extension bits, a malformed control frame, a huge frame.
      return this.stepAside(buf.subarray(i));
    }
    if (i < n) {
      const rest = buf.subarray(i);
      this.pending.push(rest);
      this.pendingBytes = rest.length;
    }
  }
}

/**
 * `createConnection` for a ws client: the TCP or TLS socket ws would open itself (same options), with a tap
 * on it. `onTap` receives the tap so the caller can start it at 'open'.
 */
export function tappedConnection(
  secure: boolean,
  deliver: (data: Buffer, isBinary: boolean) => void,
  isOpen: () => boolean,
  onTap: (tap: DataFrameTap) => void,
): (options: Record<string, unknown>) => Socket {
  return (options) => {
    let socket: Socket;
    if (secure) {
      // As ws does: no socket path over TLS, and the host name for SNI unless it is an address.
      const o = { ...options, path: undefined } as ConnectionOptions & { host?: string };
      if (!o.servername && o.servername !== '') o.servername = o.host && isIP(o.host) ? '' : o.host;
      socket = tlsConnect(o);
    } else {
      socket = netConnect({ ...options, path: options.socketPath } as unknown as NetConnectOpts);
    }
    onTap(new DataFrameTap(socket, deliver, isOpen));
    return socket;
  };
}
