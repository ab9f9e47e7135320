/**
 * A local stand-in for Upbit and Binance: one HTTP + WebSocket server on 127.0.0.1 speaking both exchanges'
 * public market-data formats (see EXCHANGE-FEEDS.md), driven by deterministic simulated markets. Tests and
 * offline development point the feed clients at it; nothing here reaches the internet.
 *
 *   Upbit:   WS  /websocket/v1            REST GET /v1/candles/minutes/{unit}, /v1/candles/weeks, /v1/candles/months,
 *            /v1/ticker
 *   Binance: WS  /ws, /ws/<streams>, /stream?streams=a/b   REST GET /api/v3/klines (1m, 1h, 1w, 1M), /api/v3/depth,
 *            /api/v3/ticker/24hr
 *   Control: POST /__mock/<action> (JSON body), GET /__mock/stats — the same as the methods below.
 *
 * Faults to exercise clients: drop every connection, go silent (no data, no pongs, no pings), drop or reorder
 * Binance depth diffs, answer REST with 429/418, send malformed frames; the market speed is adjustable and
 * can be stepped by hand for exact comparisons.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { ExchangeId, LongCandleInterval } from '../../core/market-data/types';
import { intervalStart, nextIntervalStart } from '../../core/candles/intervals';
import {
  binanceDepthSnapshot,
  binanceDepthUpdate,
  binanceKline,
  binanceKlineRow,
  binanceAggTradeRow,
  binanceMiniTicker,
  binanceRestTicker,
  binanceTicker,
  binanceTrade,
} from './binance-wire';
import { CandleHistory, TRADE_ID_STRIDE, type HistoryTrade, type MinuteCandle } from './candle-history';
import { INSTRUMENTS } from './instruments';
import { SimMarket, type StepResult } from './sim-market';
import {
  encodeUpbit,
  upbitBucket,
  upbitCandleRow,
  upbitPeriodRow,
  upbitOrderbook,
  upbitRestTicker,
  upbitTicker,
  upbitTickRow,
  upbitTrade,
  type UpbitWireFormat,
} from './upbit-wire';

export interface MockExchangeOptions {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  seed?: number;
  /** Simulated market steps per second (every market steps together); 0 = only by step(). */
  stepsPerSec?: number;
  /** The exchange's clock (candle history ends at its current minute). */
  now?: () => number;
  /** How far back candle history goes. */
  historyMinutes?: number;
  /** Share of minutes without trades in candle history. */
  gapRate?: number;
  bookLevels?: number;
  binancePingIntervalMs?: number;
  binancePongTimeoutMs?: number;
  /** Upbit candle-group requests per second before 429. */
  upbitRequestsPerSec?: number;
  binanceWeightLimit?: number;
  /** Close a connection that sends more than 5 messages in a second, as both exchanges do. */
  enforceMessageLimit?: boolean;
}

export interface MockUrls {
  upbitWs: string;
  upbitRest: string;
  binanceWs: string;
  binanceRest: string;
  control: string;
}

export interface RestLogEntry {
  exchange: ExchangeId;
  path: string;
  status: number;
  at: number;
}

export interface MockStats {
  upbitConnections: number;
  binanceConnections: number;
  openConnections: number;
  upbitSubscribeMessages: string[];
  upbitPings: number;
  binanceRequests: { method: string; params: unknown; id: unknown }[];
  binanceConnectUrls: string[];
  rest: RestLogEntry[];
  steps: number;
  closedForMessageRate: number;
}

interface UpbitConn {
  ws: WebSocket;
  format: UpbitWireFormat;
  ticker: Set<string>;
  trade: Set<string>;
  book: Map<string, number>;
  sent: number[];
}

interface BinanceConn {
  ws: WebSocket;
  combined: boolean;
  streams: Set<string>;
  lastPong: number;
  pingTimer?: NodeJS.Timeout;
  sent: number[];
}

type Fault = { kind: 'gap' | 'reorder'; left: number; symbol?: string };

const UPBIT_UNITS = new Set([1, 3, 5, 10, 15, 30, 60, 240]);
/** Weekly and monthly candles reach this far back (the minute history is much shorter: see historyMinutes). */
const LONG_HISTORY_MS = 3 * 365 * 86_400_000;
const STREAM_NAME = /^([a-z0-9]+)@(trade|aggTrade|ticker|miniTicker|kline_1m|depth|depth@100ms|depth@1000ms)$/;

export class MockExchange {
  readonly markets = new Map<string, SimMarket>();
  private readonly histories = new Map<string, CandleHistory>();
  private readonly upbitConns = new Set<UpbitConn>();
  private readonly binanceConns = new Set<BinanceConn>();
  private readonly upbitWss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false });
  private readonly binanceWss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false });
  private readonly silentUntil: Record<ExchangeId, number> = { upbit: 0, binance: 0 };
  private readonly forced: Record<ExchangeId, { status: number; left: number; retryAfterSec?: number }[]> = {
    upbit: [],
    binance: [],
  };
  private readonly upbitWindow = { second: 0, count: 0 };
  private readonly binanceWindow = { minute: 0, weight: 0 };
  private fault: Fault | undefined;
  private readonly historyFaults: { kind: 'malformed' | 'out_of_order'; left: number }[] = [];
  /** While set, published frames are queued per connection instead of sent (see prepareBurst). */
  private capture: Map<WebSocket, { data: string; binary: boolean }[]> | undefined;
  private burstBatches: { ws: WebSocket; batches: Buffer[] }[] = [];
  private heldDiff: { symbol: string; text: string } | undefined;
  private stepTimer: NodeJS.Timeout | undefined;
  private readonly o: Required<MockExchangeOptions>;
  private readonly counters: MockStats = {
    upbitConnections: 0,
    binanceConnections: 0,
    openConnections: 0,
    upbitSubscribeMessages: [],
    upbitPings: 0,
    binanceRequests: [],
    binanceConnectUrls: [],
    rest: [],
    steps: 0,
    closedForMessageRate: 0,
  };
  urls!: MockUrls;

  private constructor(
    private readonly server: Server,
    options: MockExchangeOptions,
  ) {
    this.o = {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      seed: options.seed ?? 777,
      stepsPerSec: options.stepsPerSec ?? 10,
      now: options.now ?? Date.now,
      historyMinutes: options.historyMinutes ?? 7 * 1440,
      gapRate: options.gapRate ?? 0.1,
      bookLevels: options.bookLevels ?? 40,
      binancePingIntervalMs: options.binancePingIntervalMs ?? 20_000,
      binancePongTimeoutMs: options.binancePongTimeoutMs ?? 60_000,
      upbitRequestsPerSec: options.upbitRequestsPerSec ?? 10,
      binanceWeightLimit: options.binanceWeightLimit ?? 6000,
      enforceMessageLimit: options.enforceMessageLimit ?? true,
    };
    for (const inst of INSTRUMENTS) {
      this.markets.set(inst.symbol, new SimMarket(inst, this.o.seed, this.o.bookLevels));
      this.histories.set(inst.symbol, new CandleHistory(inst, this.o.seed, this.o.gapRate));
    }
  }

  static async start(options: MockExchangeOptions = {}): Promise<MockExchange> {
    const server = createServer();
    const mock = new MockExchange(server, options);
    server.on('request', (req, res) => mock.onHttp(req, res));
    server.on('upgrade', (req, socket, head) => mock.onUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(mock.o.port, mock.o.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const http = `http://${mock.o.host}:${port}`;
    const ws = `ws://${mock.o.host}:${port}`;
    mock.urls = {
      upbitWs: `${ws}/websocket/v1`,
      upbitRest: http,
      binanceWs: ws,
      binanceRest: http,
      control: `${http}/__mock`,
    };
    mock.setSpeed(mock.o.stepsPerSec);
    return mock;
  }

  async close(): Promise<void> {
    if (this.stepTimer) clearInterval(this.stepTimer);
    for (const c of this.binanceConns) clearInterval(c.pingTimer);
    for (const c of [...this.upbitConns, ...this.binanceConns]) c.ws.terminate();
    this.upbitWss.close();
    this.binanceWss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- control

  /** Cuts every WebSocket connection abruptly (clients see 1006). */
  dropConnections(exchange?: ExchangeId): void {
    if (exchange !== 'binance') for (const c of this.upbitConns) c.ws.terminate();
    if (exchange !== 'upbit') for (const c of this.binanceConns) c.ws.terminate();
  }

  /** Sends nothing for `ms`: no data, no pongs, no status replies, no server pings. Connections stay open. */
  silence(ms: number, exchange?: ExchangeId): void {
    const until = this.o.now() + ms;
    if (exchange !== 'binance') this.silentUntil.upbit = until;
    if (exchange !== 'upbit') this.silentUntil.binance = until;
  }

  /** The next `count` Binance depth diffs (of `symbol`, or any) are dropped ('gap') or swapped with the next one ('reorder'). */
  binanceDiffFault(kind: 'gap' | 'reorder', count = 1, symbol?: string): void {
    this.fault = { kind, left: count, symbol };
  }

  /**
   * The next `count` answers of history (1m klines, aggTrades) are spoiled: a row with a price that is not a
   * number ('malformed'), or the first two rows swapped ('out_of_order').
   */
  historyFault(kind: 'malformed' | 'out_of_order', count = 1): void {
    this.historyFaults.push({ kind, left: count });
  }

  /** The next `count` REST requests to an exchange (both when omitted) are answered with `status`. */
  failRest(status: 429 | 418 | 500, count = 1, options: { retryAfterSec?: number; exchange?: ExchangeId } = {}): void {
    for (const ex of options.exchange ? [options.exchange] : (['upbit', 'binance'] as const)) {
      this.forced[ex].push({ status, left: count, retryAfterSec: options.retryAfterSec });
    }
  }

  /** Sends `count` malformed frames of assorted kinds to every connection. */
  sendMalformed(count = 5, exchange?: ExchangeId): void {
    const now = this.o.now();
    for (let i = 0; i < count; i++) {
      if (exchange !== 'binance') {
        for (const c of this.upbitConns) {
          const code = [...c.book.keys()][0] ?? [...c.trade][0] ?? 'KRW-BTC';
          const bad: (string | Buffer)[] = [
            Buffer.from([0xff, 0xfe, 0x7b, 0x22]),
            Buffer.from(`{"type":"orderbook","code":"${code}","orderbook_units":[{"ask_price":`),
            Buffer.from(
              `{"type":"orderbook","code":"${code}","timestamp":${now},"orderbook_units":[{"ask_price":1000,"bid_price":900,"ask_size":-1,"bid_size":1}],"stream_type":"REALTIME"}`,
            ),
            Buffer.from(
              `{"type":"trade","code":"${code}","trade_price":"95000000","trade_volume":1,"ask_bid":"BID","trade_timestamp":${now},"sequential_id":1}`,
            ),
            Buffer.from('{"type":"mystery","code":"KRW-BTC"}'),
          ];
          c.ws.send(bad[i % bad.length], { binary: true });
        }
      }
      if (exchange !== 'upbit') {
        for (const c of this.binanceConns) {
          const stream = [...c.streams].find((s) => s.includes('@depth')) ?? [...c.streams][0] ?? 'btcusdt@trade';
          const symbol = stream.split('@')[0].toUpperCase();
          const m = this.markets.get(symbol);
          const next = (m?.updateId ?? 0) + 1;
          const bad = [
            'not json {',
            `{"e":"depthUpdate","E":${now},"s":"${symbol}","U":${next},"u":${next},"b":[["abc","1.00000000"]],"a":[]}`,
            `{"e":"trade","E":${now},"s":"${symbol}","t":1,"p":1.5,"q":"1.00000000","T":${now},"m":true,"M":true}`,
            `{"e":"weird","E":${now},"s":"${symbol}"}`,
            '[1,2,3]',
          ];
          const text = bad[i % bad.length];
          c.ws.send(c.combined && text.startsWith('{') ? `{"stream":"${stream}","data":${text}}` : text);
        }
      }
    }
  }

  /** Steps per second of the simulated markets; 0 stops them (step() still works). */
  setSpeed(stepsPerSec: number): void {
    if (this.stepTimer) clearInterval(this.stepTimer);
    this.stepTimer = undefined;
    if (stepsPerSec > 0) {
      this.stepTimer = setInterval(() => this.step(1), Math.max(1, 1000 / stepsPerSec));
      this.stepTimer.unref();
    }
  }

  /** Advances every market `n` steps, publishing each step to subscribers. */
  step(n = 1): void {
    for (let i = 0; i < n; i++) {
      const now = this.o.now();
      this.counters.steps++;
      for (const m of this.markets.values()) this.publish(m, m.step(now), now);
    }
  }

  /**
   * Steps `steps` times as fast as the sockets take it, pausing whenever a connection has more than
   * `maxBuffered` bytes queued. For throughput measurements.
   */
  async burst(steps: number, maxBuffered = 4 << 20): Promise<void> {
    for (let done = 0; done < steps;) {
      const chunk = Math.min(50, steps - done);
      this.step(chunk);
      done += chunk;
      while ([...this.upbitConns, ...this.binanceConns].some((c) => c.ws.bufferedAmount > maxBuffered)) {
        await new Promise((r) => setTimeout(r, 1));
      }
      await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Runs `steps` steps now but holds their frames back, so that flushBurst() can then send them at socket
   * speed with no simulation work in between (throughput measurements). Returns how many frames are held.
   */
  prepareBurst(steps: number): number {
    this.capture = new Map();
    this.step(steps);
    const held = this.capture;
    this.capture = undefined;
    let n = 0;
    // Frame everything now, so that sending is nothing but large socket writes.
    this.burstBatches = [...held].map(([ws, frames]) => {
      n += frames.length;
      const batches: Buffer[] = [];
      let parts: Buffer[] = [];
      let bytes = 0;
      for (const f of frames) {
        const payload = Buffer.from(f.data, 'utf8');
        parts.push(frameHeader(payload.length, f.binary), payload);
        bytes += payload.length + 10;
        if (bytes >= 1 << 20) {
          batches.push(Buffer.concat(parts));
          parts = [];
          bytes = 0;
        }
      }
      if (parts.length) batches.push(Buffer.concat(parts));
      return { ws, batches };
    });
    return n;
  }

  /**
   * Sends what prepareBurst() held as fast as the sockets take it, written straight to the TCP socket in
   * 1 MB batches of ready-made frames: one ws.send per frame costs a write call per frame, which would make
   * the sender, not the client under test, the bottleneck. Nothing else is sent meanwhile, so the frame
   * stream stays well formed.
   */
  async flushBurst(maxBuffered = 8 << 20): Promise<void> {
    const queues = this.burstBatches.map((b) => ({
      ...b,
      i: 0,
      socket: (b.ws as unknown as { _socket: import('node:net').Socket })._socket,
    }));
    this.burstBatches = [];
    while (queues.some((q) => q.i < q.batches.length)) {
      for (const q of queues) {
        if (q.i < q.batches.length && q.ws.readyState === WebSocket.OPEN) q.socket.write(q.batches[q.i]);
        q.i++;
      }
      while (queues.some((q) => q.ws.readyState === WebSocket.OPEN && q.socket.writableLength > maxBuffered))
        await new Promise((r) => setTimeout(r, 1));
    }
  }

  private out(ws: WebSocket, data: string, binary: boolean): void {
    if (this.capture) {
      let q = this.capture.get(ws);
      if (!q) this.capture.set(ws, (q = []));
      q.push({ data, binary });
    } else ws.send(data, { binary });
  }

  market(symbol: string): SimMarket {
    const m = this.markets.get(symbol);
    if (!m) throw new Error(`the mock exchange lists no ${symbol}`);
    return m;
  }

  stats(): MockStats {
    return { ...this.counters, openConnections: this.upbitConns.size + this.binanceConns.size };
  }

  // ---------------------------------------------------------------- publishing

  private silent(exchange: ExchangeId): boolean {
    return this.o.now() < this.silentUntil[exchange];
  }

  private publish(m: SimMarket, r: StepResult, now: number): void {
    if (m.instrument.exchange === 'upbit') this.publishUpbit(m, r, now);
    else this.publishBinance(m, r, now);
  }

  private publishUpbit(m: SimMarket, r: StepResult, now: number): void {
    if (this.silent('upbit') || this.upbitConns.size === 0) return;
    const code = m.instrument.symbol;
    const cache = new Map<string, string>();
    const once = (key: string, make: () => string): string => {
      let v = cache.get(key);
      if (v === undefined) cache.set(key, (v = make()));
      return v;
    };
    for (const c of this.upbitConns) {
      if (c.trade.has(code)) {
        for (const t of r.trades)
          this.out(
            c.ws,
            once(`t${t.id}${c.format}`, () => encodeUpbit(upbitTrade(m, t, now, 'REALTIME'), c.format)),
            true,
          );
      }
      if (c.ticker.has(code) && r.trades.length)
        this.out(
          c.ws,
          once(`k${c.format}`, () => encodeUpbit(upbitTicker(m, now, 'REALTIME'), c.format)),
          true,
        );
      const depth = c.book.get(code);
      if (depth !== undefined)
        this.out(
          c.ws,
          once(`b${depth}${c.format}`, () => encodeUpbit(upbitOrderbook(m, depth, now, 'REALTIME'), c.format)),
          true,
        );
    }
  }

  private publishBinance(m: SimMarket, r: StepResult, now: number): void {
    const symbol = m.instrument.symbol;
    const s = symbol.toLowerCase();
    let diff: string | undefined;
    if (r.firstUpdateId <= r.lastUpdateId) {
      diff = binanceDepthUpdate(m, now, r.firstUpdateId, r.lastUpdateId, r.bidChanges, r.askChanges);
    }
    if (this.silent('binance') || this.binanceConns.size === 0) return;
    const trades = r.trades.map((t) => binanceTrade(m, t, now));
    let ticker: string | undefined;
    let mini: string | undefined;
    let kline: string | undefined;
    // Depth faults: a dropped diff is a hole in the id sequence; a held one arrives after its successor.
    let sendDiff = diff !== undefined;
    let release: typeof this.heldDiff;
    if (diff !== undefined && this.heldDiff?.symbol === symbol) release = this.heldDiff;
    if (
      diff !== undefined &&
      this.fault &&
      this.fault.left > 0 &&
      (!this.fault.symbol || this.fault.symbol === symbol) &&
      this.hasStream(`${s}@depth`)
    ) {
      this.fault.left--;
      if (this.fault.kind === 'gap') sendDiff = false;
      else {
        this.heldDiff = { symbol, text: diff };
        sendDiff = false;
      }
    }
    for (const c of this.binanceConns) {
      for (const name of c.streams) {
        const match = STREAM_NAME.exec(name);
        if (!match || match[1] !== s) continue;
        const kind = match[2];
        const out = (payload: string): void => {
          this.out(c.ws, c.combined ? `{"stream":"${name}","data":${payload}}` : payload, false);
        };
        if (kind === 'trade' || kind === 'aggTrade') for (const t of trades) out(t);
        else if (kind.startsWith('depth')) {
          if (sendDiff && diff) out(diff);
          if (release) out(release.text);
        } else if (kind === 'ticker' && r.trades.length) out((ticker ??= binanceTicker(m, now)));
        else if (kind === 'miniTicker' && r.trades.length) out((mini ??= binanceMiniTicker(m, now)));
        else if (kind === 'kline_1m' && r.trades.length) {
          const k = (kline ??= binanceKline(m, now));
          if (k) out(k);
        }
      }
    }
    if (release) this.heldDiff = undefined;
  }

  private hasStream(prefix: string): boolean {
    for (const c of this.binanceConns) for (const n of c.streams) if (n.startsWith(prefix)) return true;
    return false;
  }

  // ---------------------------------------------------------------- WebSocket

  private onUpgrade(req: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/websocket/v1') {
      this.upbitWss.handleUpgrade(req, socket, head, (ws) => this.onUpbitConnection(ws));
    } else if (url.pathname === '/ws' || url.pathname.startsWith('/ws/') || url.pathname === '/stream') {
      this.binanceWss.handleUpgrade(req, socket, head, (ws) => this.onBinanceConnection(ws, url, req.url ?? ''));
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    }
  }

  /** True when the connection has now sent more than 5 messages within a second (and was closed for it). */
  private overLimit(sent: number[], ws: WebSocket): boolean {
    const now = this.o.now();
    sent.push(now);
    while (sent.length && now - sent[0] >= 1000) sent.shift();
    if (this.o.enforceMessageLimit && sent.length > 5) {
      this.counters.closedForMessageRate++;
      ws.close(1008, 'Too many messages');
      return true;
    }
    return false;
  }

  private onUpbitConnection(ws: WebSocket): void {
    this.counters.upbitConnections++;
    const conn: UpbitConn = { ws, format: 'DEFAULT', ticker: new Set(), trade: new Set(), book: new Map(), sent: [] };
    this.upbitConns.add(conn);
    ws.on('close', () => this.upbitConns.delete(conn));
    ws.on('error', () => {});
    ws.on('ping', (data) => {
      if (!this.silent('upbit')) ws.pong(data);
    });
    ws.on('message', (data: Buffer) => {
      if (this.overLimit(conn.sent, ws)) return;
      const text = data.toString('utf8');
      if (text === 'PING') {
        this.counters.upbitPings++;
        if (!this.silent('upbit')) ws.send('{"status":"UP"}');
        return;
      }
      this.counters.upbitSubscribeMessages.push(text);
      const error = this.applyUpbitSubscribe(conn, text);
      if (error) {
        ws.send(JSON.stringify({ error: { name: error[0], message: error[1] } }), { binary: true });
        return;
      }
      this.sendUpbitSnapshots(conn);
    });
  }

  /** Validates a subscribe message like Upbit does and, if good, replaces the connection's subscriptions. */
  private applyUpbitSubscribe(conn: UpbitConn, text: string): [string, string] | undefined {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return ['WRONG_FORMAT', 'request is not JSON'];
    }
    if (!Array.isArray(body)) return ['WRONG_FORMAT', 'request must be a JSON array'];
    const items = body as Record<string, unknown>[];
    if (!items.some((i) => typeof i === 'object' && i !== null && typeof i.ticket === 'string' && i.ticket))
      return ['NO_TICKET', 'ticket is required'];
    const types = items.filter((i) => typeof i === 'object' && i !== null && 'type' in i);
    if (!types.length) return ['NO_TYPE', 'type is required'];
    const fmt = items.find((i) => typeof i === 'object' && i !== null && 'format' in i)?.format ?? 'DEFAULT';
    if (fmt !== 'DEFAULT' && fmt !== 'SIMPLE' && fmt !== 'JSON_LIST' && fmt !== 'SIMPLE_LIST')
      return ['WRONG_FORMAT', `unknown format ${String(fmt)}`];
    const ticker = new Set<string>();
    const trade = new Set<string>();
    const book = new Map<string, number>();
    for (const t of types) {
      const codes = t.codes;
      if (!Array.isArray(codes) || codes.length === 0) return ['NO_CODES', 'codes are required'];
      for (const code of codes) {
        if (typeof code !== 'string' || code !== code.toUpperCase())
          return ['INVALID_PARAM', `bad code ${String(code)}`];
      }
      if (t.type === 'ticker') codes.forEach((c: string) => ticker.add(c));
      else if (t.type === 'trade') codes.forEach((c: string) => trade.add(c));
      else if (t.type === 'orderbook') {
        for (const c of codes as string[]) {
          const [code, depthText] = c.split('.');
          const depth = depthText === undefined ? 30 : Number(depthText);
          if (![1, 5, 15, 30].includes(depth)) return ['INVALID_PARAM', `bad orderbook depth ${depthText}`];
          book.set(code, depth);
        }
      } else return ['INVALID_PARAM', `unknown type ${String(t.type)}`];
    }
    conn.format = fmt as UpbitWireFormat;
    // Codes the exchange does not list are accepted and simply never produce data.
    const listed = (c: string): boolean => this.markets.get(c)?.instrument.exchange === 'upbit';
    conn.ticker = new Set([...ticker].filter(listed));
    conn.trade = new Set([...trade].filter(listed));
    conn.book = new Map([...book].filter(([c]) => listed(c)));
    return undefined;
  }

  private sendUpbitSnapshots(conn: UpbitConn): void {
    if (this.silent('upbit')) return;
    const now = this.o.now();
    for (const code of conn.ticker)
      conn.ws.send(encodeUpbit(upbitTicker(this.markets.get(code)!, now, 'SNAPSHOT'), conn.format), { binary: true });
    for (const code of conn.trade) {
      const m = this.markets.get(code)!;
      if (m.lastTrade)
        conn.ws.send(encodeUpbit(upbitTrade(m, m.lastTrade, now, 'SNAPSHOT'), conn.format), { binary: true });
    }
    for (const [code, depth] of conn.book)
      conn.ws.send(encodeUpbit(upbitOrderbook(this.markets.get(code)!, depth, now, 'SNAPSHOT'), conn.format), {
        binary: true,
      });
  }

  private onBinanceConnection(ws: WebSocket, url: URL, rawUrl: string): void {
    this.counters.binanceConnections++;
    this.counters.binanceConnectUrls.push(rawUrl);
    const combined = url.pathname === '/stream';
    const initial = combined ? (url.searchParams.get('streams') ?? '') : url.pathname.slice('/ws/'.length);
    const conn: BinanceConn = {
      ws,
      combined,
      streams: new Set(initial.split('/').filter((s) => STREAM_NAME.test(s))),
      lastPong: this.o.now(),
      sent: [],
    };
    this.binanceConns.add(conn);
    conn.pingTimer = setInterval(() => {
      if (this.o.now() - conn.lastPong > this.o.binancePongTimeoutMs) {
        ws.terminate();
        return;
      }
      if (!this.silent('binance')) ws.ping(String(this.o.now()));
    }, this.o.binancePingIntervalMs);
    conn.pingTimer.unref();
    ws.on('close', () => {
      clearInterval(conn.pingTimer);
      this.binanceConns.delete(conn);
    });
    ws.on('error', () => {});
    ws.on('pong', () => (conn.lastPong = this.o.now()));
    ws.on('ping', (data) => {
      if (!this.silent('binance')) ws.pong(data);
    });
    ws.on('message', (data: Buffer) => {
      if (this.overLimit(conn.sent, ws)) return;
      let req: { method?: unknown; params?: unknown; id?: unknown };
      try {
        req = JSON.parse(data.toString('utf8'));
      } catch {
        ws.send(
          JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }, id: null }),
        );
        return;
      }
      this.counters.binanceRequests.push({ method: String(req.method), params: req.params, id: req.id });
      const id = req.id;
      if (typeof id !== 'number' && typeof id !== 'string' && id !== null) {
        ws.send(
          JSON.stringify({
            error: { code: 2, msg: 'Invalid request: request ID must be an unsigned integer' },
            id: null,
          }),
        );
        return;
      }
      const reply = (body: object): void => {
        if (!this.silent('binance')) ws.send(JSON.stringify(body));
      };
      switch (req.method) {
        case 'SUBSCRIBE':
        case 'UNSUBSCRIBE': {
          const params = req.params;
          if (!Array.isArray(params) || !params.every((p) => typeof p === 'string' && STREAM_NAME.test(p))) {
            reply({ error: { code: 2, msg: 'Invalid request: invalid stream name' }, id });
            return;
          }
          for (const p of params as string[]) {
            if (req.method === 'SUBSCRIBE') conn.streams.add(p);
            else conn.streams.delete(p);
          }
          reply({ result: null, id });
          return;
        }
        case 'LIST_SUBSCRIPTIONS':
          reply({ result: [...conn.streams], id });
          return;
        default:
          reply({ error: { code: 2, msg: `Invalid request: unknown variant \`${String(req.method)}\`` }, id });
      }
    });
  }

  // ---------------------------------------------------------------- REST

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path.startsWith('/__mock')) {
      this.onControl(req, res, path.slice('/__mock'.length));
      return;
    }
    if (req.method !== 'GET') return this.send(res, 405, '{"error":"method not allowed"}');
    if (path.startsWith('/v1/candles/minutes/'))
      return this.upbitCandles(res, url, Number(path.slice('/v1/candles/minutes/'.length)));
    if (path === '/v1/ticker') return this.upbitTickers(res, url);
    if (path === '/v1/trades/ticks') return this.upbitTicks(res, url);
    if (path === '/v1/candles/weeks') return this.upbitCandles(res, url, 0, '1w');
    if (path === '/v1/candles/months') return this.upbitCandles(res, url, 0, '1M');
    if (path === '/api/v3/klines') return this.binanceKlines(res, url);
    if (path === '/api/v3/aggTrades') return this.binanceAggTrades(res, url);
    if (path === '/api/v3/ticker/24hr') return this.binanceTickers(res, url);
    if (path === '/api/v3/depth') return this.binanceDepth(res, url);
    if (path === '/api/v3/ping') return this.binanceRest(res, 1, () => [200, '{}']);
    this.send(res, 404, '{"error":{"name":"404","message":"Not found"}}');
  }

  private send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(body);
  }

  private log(exchange: ExchangeId, path: string, status: number): void {
    this.counters.rest.push({ exchange, path, status, at: this.o.now() });
  }

  /**
   * Answers Upbit's REST request with the refusal a test forced, if one is due (429, or 418 'blocked', with
   * Retry-After when one was forced), as every Upbit endpoint answers it; true if it did.
   */
  private refusedUpbit(res: ServerResponse, path: string, headers: Record<string, string>): boolean {
    const forced = this.takeForced('upbit');
    if (!forced) return false;
    this.log('upbit', path, forced.status);
    const h =
      forced.retryAfterSec !== undefined ? { ...headers, 'Retry-After': String(forced.retryAfterSec) } : headers;
    const name = forced.status === 418 ? 'blocked' : 'too_many_requests';
    this.send(res, forced.status, `{"error":{"name":"${name}","message":"Too many API requests."}}`, h);
    return true;
  }

  private takeForced(exchange: ExchangeId): { status: number; retryAfterSec?: number } | undefined {
    const q = this.forced[exchange];
    const f = q[0];
    if (!f) return undefined;
    if (--f.left <= 0) q.shift();
    return f;
  }

  /** Minute candles of `unit`, or with `period` the weekly or monthly ones. */
  private upbitCandles(res: ServerResponse, url: URL, unit: number, period?: LongCandleInterval): void {
    const now = this.o.now();
    const second = Math.floor(now / 1000);
    if (this.upbitWindow.second !== second) {
      this.upbitWindow.second = second;
      this.upbitWindow.count = 0;
    }
    this.upbitWindow.count++;
    const left = Math.max(0, this.o.upbitRequestsPerSec - this.upbitWindow.count);
    const headers = { 'Remaining-Req': `group=candles; min=1800; sec=${left}` };
    const path = url.pathname + url.search;
    if (this.refusedUpbit(res, path, headers)) return;
    if (this.upbitWindow.count > this.o.upbitRequestsPerSec) {
      this.log('upbit', path, 429);
      return this.send(res, 429, '{"error":{"name":"too_many_requests","message":"Too many API requests."}}', headers);
    }
    const bad = (msg: string): void => {
      this.log('upbit', path, 400);
      this.send(res, 400, JSON.stringify({ error: { name: 'invalid_parameter', message: msg } }), headers);
    };
    if (!period && !UPBIT_UNITS.has(unit)) return bad(`unit must be one of ${[...UPBIT_UNITS].join(', ')}`);
    const code = url.searchParams.get('market');
    if (!code) return bad('market is required');
    const m = this.markets.get(code);
    if (!m || m.instrument.exchange !== 'upbit') {
      this.log('upbit', path, 404);
      return this.send(res, 404, '{"error":{"name":"404","message":"Code not found"}}', headers);
    }
    const count = Number(url.searchParams.get('count') ?? '1');
    if (!Number.isInteger(count) || count < 1 || count > 200) return bad('count must be 1..200');
    const toText = url.searchParams.get('to');
    let to = now;
    if (toText) {
      // ISO with a zone, or "yyyy-MM-dd HH:mm:ss" / "yyyy-MM-ddTHH:mm:ss" read as UTC.
      const t = /[zZ]|[+-]\d\d:\d\d$/.test(toText) ? Date.parse(toText) : Date.parse(`${toText.replace(' ', 'T')}Z`);
      if (!Number.isFinite(t)) return bad('to must be ISO 8601 or yyyy-MM-dd HH:mm:ss');
      to = Math.min(t, now + 60_000);
    }
    const history = this.histories.get(code)!;
    if (period) {
      const rows = this.periodCandles(history, period, to, count).map((c) =>
        upbitPeriodRow(code, m.instrument.priceDecimals, c),
      );
      this.log('upbit', path, 200);
      return this.send(res, 200, `[${rows.join(',')}]`, headers);
    }
    const newest = Math.floor(now / 60_000);
    const oldest = newest - this.o.historyMinutes + 1;
    const rows: string[] = [];
    // Buckets whose open time is strictly before `to`, newest first; buckets without trades are skipped.
    for (
      let b = Math.floor((Math.ceil(to / 60_000) - 1) / unit);
      rows.length < count && b * unit >= oldest - unit + 1;
      b--
    ) {
      if (b * unit * 60_000 >= to) continue;
      const c =
        unit === 1
          ? b >= oldest && b <= newest
            ? history.candle(b)
            : undefined
          : this.bucketWithin(history, unit, b, oldest, newest);
      if (c) rows.push(upbitCandleRow(code, m.instrument.priceDecimals, unit, c));
    }
    this.log('upbit', path, 200);
    this.send(res, 200, `[${rows.join(',')}]`, headers);
  }

  /**
   * `GET /v1/trades/ticks?market&to&count&cursor&daysAgo`: the history's trades of the current UTC date, or of
   * `daysAgo` (1–7) days before it, before `to` (HHmmss, UTC) and older than the trade `cursor` (a
   * sequential_id), newest first, at most `count` (≤ 500).
   */
  private upbitTicks(res: ServerResponse, url: URL): void {
    const path = url.pathname + url.search;
    const headers = { 'Remaining-Req': 'group=trades; min=600; sec=9' };
    if (this.refusedUpbit(res, path, headers)) return;
    const bad = (msg: string): void => {
      this.log('upbit', path, 400);
      this.send(res, 400, JSON.stringify({ error: { name: 'invalid_parameter', message: msg } }), headers);
    };
    const code = url.searchParams.get('market') ?? '';
    const m = this.markets.get(code);
    if (!m || m.instrument.exchange !== 'upbit') {
      this.log('upbit', path, 404);
      return this.send(res, 404, '{"error":{"name":"404","message":"Code not found"}}', headers);
    }
    const count = Number(url.searchParams.get('count') ?? '1');
    if (!Number.isInteger(count) || count < 1 || count > 500) return bad('count must be 1..500');
    const daysAgo = Number(url.searchParams.get('daysAgo') ?? '0');
    if (!Number.isInteger(daysAgo) || daysAgo < 0 || daysAgo > 7) return bad('daysAgo must be 1..7');
    const cursorText = url.searchParams.get('cursor');
    const cursor = cursorText === null ? Infinity : Number(cursorText);
    if (!Number.isFinite(cursor) && cursorText !== null) return bad('cursor must be a sequential_id');
    const now = this.o.now();
    const dayStart = Math.floor(now / 86_400_000) * 86_400_000 - daysAgo * 86_400_000;
    let end = Math.min(now, dayStart + 86_400_000);
    const toText = url.searchParams.get('to');
    if (toText !== null) {
      const hms = /^(\d\d):?(\d\d):?(\d\d)$/.exec(toText);
      if (!hms) return bad('to must be HHmmss or HH:mm:ss');
      end = Math.min(end, dayStart + ((Number(hms[1]) * 60 + Number(hms[2])) * 60 + Number(hms[3])) * 1000);
    }
    const newest = Math.floor(now / 60_000);
    const oldest = Math.max(newest - this.o.historyMinutes + 1, dayStart / 60_000);
    const history = this.histories.get(code)!;
    const rows: string[] = [];
    for (let minute = Math.floor((end - 1) / 60_000); minute >= oldest && rows.length < count; minute--) {
      const trades = history.trades(minute);
      for (let i = trades.length - 1; i >= 0 && rows.length < count; i--) {
        const t = trades[i];
        if (t.ts < end && t.id < cursor) rows.push(upbitTickRow(code, m.instrument.priceDecimals, t));
      }
    }
    this.log('upbit', path, 200);
    this.send(res, 200, this.historyRows(rows), headers);
  }

  /**
   * `GET /v1/ticker?markets=KRW-BTC,KRW-ETH`: one row per listed code, in the order asked; codes Upbit does not
   * list are left out, and a request naming none it lists is answered 404 "Code not found".
   */
  private upbitTickers(res: ServerResponse, url: URL): void {
    const path = url.pathname + url.search;
    const headers = { 'Remaining-Req': 'group=ticker; min=600; sec=9' };
    if (this.refusedUpbit(res, path, headers)) return;
    const codes = (url.searchParams.get('markets') ?? '').split(',').filter((c) => c !== '');
    if (codes.length === 0) {
      this.log('upbit', path, 400);
      return this.send(res, 400, '{"error":{"name":"invalid_parameter","message":"markets is required"}}', headers);
    }
    const now = this.o.now();
    const rows = codes.flatMap((code) => {
      const m = this.markets.get(code);
      return m && m.instrument.exchange === 'upbit' ? [JSON.stringify(upbitRestTicker(m, now))] : [];
    });
    if (rows.length === 0) {
      this.log('upbit', path, 404);
      return this.send(res, 404, '{"error":{"name":"404","message":"Code not found"}}', headers);
    }
    this.log('upbit', path, 200);
    this.send(res, 200, `[${rows.join(',')}]`, headers);
  }

  /**
   * `GET /api/v3/ticker/24hr?symbol=X` (one object) or `?symbols=["X","Y"]` (an array); any symbol Binance does
   * not list fails the whole request with -1121. Weight 2 for up to 20 symbols, 40 to 100, 80 beyond (or none).
   */
  private binanceTickers(res: ServerResponse, url: URL): void {
    const one = url.searchParams.get('symbol');
    const many = url.searchParams.get('symbols');
    let symbols: string[] | undefined;
    if (many !== null) {
      try {
        const parsed: unknown = JSON.parse(many);
        if (Array.isArray(parsed) && parsed.every((s) => typeof s === 'string')) symbols = parsed as string[];
      } catch {
        symbols = undefined;
      }
    }
    const count = symbols?.length ?? (one ? 1 : 100);
    const weight = count <= 20 ? 2 : count <= 100 ? 40 : 80;
    this.binanceRest(
      res,
      weight,
      () => {
        if (one !== null && many !== null)
          return [400, '{"code":-1106,"msg":"Parameter \'symbols\' sent when not required."}'];
        if (many !== null && (!symbols || symbols.length === 0))
          return [400, '{"code":-1100,"msg":"Illegal characters found in parameter \'symbols\'."}'];
        const wanted = symbols ?? (one !== null ? [one] : undefined);
        const now = this.o.now();
        const listed = (s: string) => {
          const m = this.markets.get(s);
          return m && m.instrument.exchange === 'binance' ? m : undefined;
        };
        if (!wanted) {
          const all = [...this.markets.values()].filter((m) => m.instrument.exchange === 'binance');
          return [200, `[${all.map((m) => binanceRestTicker(m, now)).join(',')}]`];
        }
        const markets = wanted.map(listed);
        if (markets.some((m) => !m)) return [400, '{"code":-1121,"msg":"Invalid symbol."}'];
        const rows = markets.map((m) => binanceRestTicker(m!, now));
        return [200, one !== null ? rows[0] : `[${rows.join(',')}]`];
      },
      url.pathname + url.search,
    );
  }

  /** Weekly or monthly candles opening before `endBefore`, newest first, at most `count`, the forming one to now. */
  private periodCandles(
    history: CandleHistory,
    period: LongCandleInterval,
    endBefore: number,
    count: number,
  ): MinuteCandle[] {
    const now = this.o.now();
    const out: MinuteCandle[] = [];
    for (
      let start = intervalStart(Math.min(endBefore, now + 1) - 1, period);
      out.length < count && start >= now - LONG_HISTORY_MS;
      start = intervalStart(start - 1, period)
    ) {
      const c = history.periodCandle(start, Math.min(nextIntervalStart(start, period), now + 1));
      if (c) out.push(c);
    }
    return out;
  }

  private bucketWithin(
    history: CandleHistory,
    unit: number,
    b: number,
    oldest: number,
    newest: number,
  ): MinuteCandle | undefined {
    if (b * unit > newest || (b + 1) * unit - 1 < oldest) return undefined;
    return upbitBucket(history, unit, b);
  }

  /** Counts weight and applies forced failures and the weight limit; `handler` produces [status, body]. */
  private binanceRest(res: ServerResponse, weight: number, handler: () => [number, string], path = ''): void {
    const now = this.o.now();
    const minute = Math.floor(now / 60_000);
    if (this.binanceWindow.minute !== minute) {
      this.binanceWindow.minute = minute;
      this.binanceWindow.weight = 0;
    }
    this.binanceWindow.weight += weight;
    const headers: Record<string, string> = {
      'x-mbx-used-weight': String(this.binanceWindow.weight),
      'x-mbx-used-weight-1m': String(this.binanceWindow.weight),
    };
    const forced = this.takeForced('binance');
    if (forced) {
      this.log('binance', path, forced.status);
      if (forced.retryAfterSec !== undefined) headers['Retry-After'] = String(forced.retryAfterSec);
      const msg =
        forced.status === 418
          ? `Way too many requests; IP banned until ${now + (forced.retryAfterSec ?? 120) * 1000}.`
          : 'Too many requests; current limit of IP is 6000 requests per minute.';
      return this.send(res, forced.status, JSON.stringify({ code: -1003, msg }), headers);
    }
    if (this.binanceWindow.weight > this.o.binanceWeightLimit) {
      this.log('binance', path, 429);
      headers['Retry-After'] = String(Math.ceil(((minute + 1) * 60_000 - now) / 1000));
      return this.send(
        res,
        429,
        JSON.stringify({ code: -1003, msg: 'Too many requests; current limit of IP is 6000 requests per minute.' }),
        headers,
      );
    }
    const [status, body] = handler();
    this.log('binance', path, status);
    this.send(res, status, body, headers);
  }

  private binanceSymbol(url: URL): SimMarket | undefined {
    const m = this.markets.get(url.searchParams.get('symbol') ?? '');
    return m && m.instrument.exchange === 'binance' ? m : undefined;
  }

  private binanceKlines(res: ServerResponse, url: URL): void {
    this.binanceRest(
      res,
      2,
      () => {
        const m = this.binanceSymbol(url);
        if (!m) return [400, '{"code":-1121,"msg":"Invalid symbol."}'];
        const interval = url.searchParams.get('interval');
        if (interval === '1h') return this.binanceHourKlines(m, url);
        if (interval !== '1m' && interval !== '1w' && interval !== '1M')
          return [400, '{"code":-1120,"msg":"Invalid interval."}'];
        const limit = Number(url.searchParams.get('limit') ?? '500');
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          return [400, '{"code":-1100,"msg":"Illegal characters found in parameter \'limit\'."}'];
        const now = this.o.now();
        if (interval !== '1m') {
          // Klines opening at or before endTime (inclusive), oldest first; startTime keeps the oldest ones.
          const endTime = url.searchParams.get('endTime');
          const startTime = Number(url.searchParams.get('startTime') ?? '0');
          const history = this.histories.get(m.instrument.symbol)!;
          const newestFirst = this.periodCandles(history, interval, endTime ? Number(endTime) + 1 : now + 1, limit);
          const rows = newestFirst
            .filter((c) => c.openTime >= startTime)
            .reverse()
            .map((c) => binanceKlineRow(m, c, nextIntervalStart(c.openTime, interval) - 1));
          return [200, `[${rows.join(',')}]`];
        }
        const newest = Math.floor(now / 60_000);
        const oldest = newest - this.o.historyMinutes + 1;
        const startTime = url.searchParams.get('startTime');
        const endTime = url.searchParams.get('endTime');
        const last = Math.min(newest, endTime ? Math.floor(Number(endTime) / 60_000) : newest);
        let first = startTime
          ? Math.max(oldest, Math.ceil(Number(startTime) / 60_000))
          : Math.max(oldest, last - limit + 1);
        if (startTime) first = Math.max(first, oldest);
        const history = this.histories.get(m.instrument.symbol)!;
        const rows: string[] = [];
        for (let minute = first; minute <= last && rows.length < limit; minute++)
          rows.push(binanceKlineRow(m, this.binanceCandle(history, minute)));
        return [200, this.historyRows(rows)];
      },
      url.pathname + url.search,
    );
  }

  /** Hourly klines, oldest first, ending at `endTime` (or now): the history's minutes summed per hour. */
  private binanceHourKlines(m: SimMarket, url: URL): [number, string] {
    const limit = Number(url.searchParams.get('limit') ?? '500');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return [400, '{"code":-1100,"msg":"Illegal characters found in parameter \'limit\'."}'];
    const now = this.o.now();
    const newest = Math.floor(now / 60_000);
    const oldest = newest - this.o.historyMinutes + 1;
    const endTime = url.searchParams.get('endTime');
    const lastHour = Math.floor(Math.min(newest, endTime ? Math.floor(Number(endTime) / 60_000) : newest) / 60);
    const history = this.histories.get(m.instrument.symbol)!;
    const rows: string[] = [];
    for (let h = Math.max(Math.ceil(oldest / 60), lastHour - limit + 1); h <= lastHour; h++) {
      let c: MinuteCandle | undefined;
      for (let minute = h * 60; minute < (h + 1) * 60 && minute <= newest; minute++) {
        const k = this.binanceCandle(history, minute);
        if (!c) c = { ...k, openTime: h * 3_600_000 };
        else {
          c.high = Math.max(c.high, k.high);
          c.low = Math.min(c.low, k.low);
          c.close = k.close;
          c.volume += k.volume;
          c.trades += k.trades;
        }
      }
      if (c) rows.push(binanceKlineRow(m, c, c.openTime + 3_600_000 - 1));
    }
    return [200, `[${rows.join(',')}]`];
  }

  /** Binance reports minutes without trades as zero-volume candles at the reference price. */
  /** Rows as the exchange would send them, unless a history fault is due (see historyFault). */
  private historyRows(rows: string[]): string {
    const f = this.historyFaults[0];
    if (f && rows.length >= 2) {
      if (--f.left <= 0) this.historyFaults.shift();
      if (f.kind === 'out_of_order') [rows[0], rows[1]] = [rows[1], rows[0]];
      else
        rows[0] = rows[0].replace(
          /"[0-9]+\.[0-9]+"|("trade_price":)[0-9.]+/,
          (_, key?: string) => `${key ?? ''}"12x.5"`,
        );
    }
    return `[${rows.join(',')}]`;
  }

  /**
   * GET /api/v3/aggTrades (weight 4): the history's trades, oldest first, from `fromId`, or from `startTime`, up
   * to `endTime` (both inclusive, less than an hour apart when both are sent), at most `limit` (≤ 1000); with
   * none of them, the most recent ones.
   */
  private binanceAggTrades(res: ServerResponse, url: URL): void {
    this.binanceRest(
      res,
      4,
      () => {
        const m = this.binanceSymbol(url);
        if (!m) return [400, '{"code":-1121,"msg":"Invalid symbol."}'];
        const q = (k: string) => (url.searchParams.has(k) ? Number(url.searchParams.get(k)) : undefined);
        const limit = q('limit') ?? 500;
        const fromId = q('fromId');
        const startTime = q('startTime');
        const endTime = q('endTime');
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          return [400, '{"code":-1100,"msg":"Illegal characters found in parameter \'limit\'."}'];
        for (const v of [fromId, startTime, endTime])
          if (v !== undefined && (!Number.isSafeInteger(v) || v < 0))
            return [400, '{"code":-1100,"msg":"Illegal characters found in a parameter."}'];
        if (
          startTime !== undefined &&
          endTime !== undefined &&
          (endTime < startTime || endTime - startTime >= 3_600_000)
        )
          return [400, '{"code":-1127,"msg":"More than 1 hours between startTime and endTime."}'];
        const now = this.o.now();
        const newest = Math.floor(now / 60_000);
        const oldest = newest - this.o.historyMinutes + 1;
        const history = this.histories.get(m.instrument.symbol)!;
        const until = Math.min(now, endTime ?? now);
        const out: HistoryTrade[] = [];
        if (fromId === undefined && startTime === undefined) {
          for (
            let minute = Math.min(newest, Math.floor(until / 60_000));
            minute >= oldest && out.length < limit;
            minute--
          ) {
            const ts = history.trades(minute).filter((t) => t.ts <= until);
            out.unshift(...ts.slice(Math.max(0, ts.length - (limit - out.length))));
          }
        } else {
          const first = fromId !== undefined ? Math.floor(fromId / TRADE_ID_STRIDE) : Math.floor(startTime! / 60_000);
          for (let minute = Math.max(oldest, first); minute <= newest && out.length < limit; minute++) {
            if (minute * 60_000 > until) break;
            for (const t of history.trades(minute)) {
              if (out.length >= limit || t.ts > until) break;
              if ((fromId !== undefined && t.id < fromId) || (startTime !== undefined && t.ts < startTime)) continue;
              out.push(t);
            }
          }
        }
        return [200, this.historyRows(out.map((t) => binanceAggTradeRow(m, t)))];
      },
      url.pathname + url.search,
    );
  }

  private binanceCandle(history: CandleHistory, minute: number): MinuteCandle {
    const c = history.candle(minute);
    if (c) return c;
    const p = history.priceAt(minute);
    return {
      openTime: minute * 60_000,
      open: p,
      high: p,
      low: p,
      close: p,
      volume: 0,
      lastTradeAt: minute * 60_000,
      trades: 0,
    };
  }

  private binanceDepth(res: ServerResponse, url: URL): void {
    const limit = Number(url.searchParams.get('limit') ?? '100');
    const weight = limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    this.binanceRest(
      res,
      weight,
      () => {
        const m = this.binanceSymbol(url);
        if (!m) return [400, '{"code":-1121,"msg":"Invalid symbol."}'];
        if (!Number.isInteger(limit) || limit < 1 || limit > 5000)
          return [400, '{"code":-1100,"msg":"Illegal characters found in parameter \'limit\'."}'];
        return [200, binanceDepthSnapshot(m, limit)];
      },
      url.pathname + url.search,
    );
  }

  // ---------------------------------------------------------------- HTTP control

  private onControl(req: IncomingMessage, res: ServerResponse, action: string): void {
    if (req.method === 'GET' && action === '/stats') return this.send(res, 200, JSON.stringify(this.stats()));
    if (req.method !== 'POST') return this.send(res, 405, '{"error":"use POST"}');
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      let b: Record<string, unknown>;
      try {
        b = text ? JSON.parse(text) : {};
      } catch {
        return this.send(res, 400, '{"error":"body must be JSON"}');
      }
      const ex = b.exchange === 'upbit' || b.exchange === 'binance' ? b.exchange : undefined;
      const n = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
      switch (action) {
        case '/drop':
          this.dropConnections(ex);
          break;
        case '/silence':
          this.silence(n(b.ms, 5000), ex);
          break;
        case '/diff-fault':
          this.binanceDiffFault(
            b.kind === 'reorder' ? 'reorder' : 'gap',
            n(b.count, 1),
            typeof b.symbol === 'string' ? b.symbol : undefined,
          );
          break;
        case '/fail-rest': {
          const status = n(b.status, 429);
          if (status !== 429 && status !== 418 && status !== 500)
            return this.send(res, 400, '{"error":"status must be 429, 418 or 500"}');
          this.failRest(status, n(b.count, 1), {
            retryAfterSec: typeof b.retryAfterSec === 'number' ? b.retryAfterSec : undefined,
            exchange: ex,
          });
          break;
        }
        case '/malformed':
          this.sendMalformed(n(b.count, 5), ex);
          break;
        case '/speed':
          this.setSpeed(n(b.stepsPerSec, 10));
          break;
        case '/step':
          this.step(n(b.n, 1));
          break;
        default:
          return this.send(
            res,
            404,
            JSON.stringify({
              error: `unknown action ${action}`,
              actions: ['drop', 'silence', 'diff-fault', 'fail-rest', 'malformed', 'speed', 'step', 'stats'],
            }),
          );
      }
      this.send(res, 200, '{"ok":true}');
    });
  }
}

/** An unmasked server-to-client WebSocket frame header (FIN set; text or binary opcode). */
function frameHeader(length: number, binary: boolean): Buffer {
  const opcode = binary ? 0x82 : 0x81;
  if (length < 126) return Buffer.from([opcode, length]);
  if (length < 65_536) return Buffer.from([opcode, 126, length >> 8, length & 0xff]);
  const h = Buffer.alloc(10);
  h[0] = opcode;
  h[1] = 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return h;
}
