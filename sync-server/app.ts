/**
 * Assembles the sync server: databases, the exchange, market data, notifications, the HTTP API and the
 * WebSocket gateway on one port. `close()` shuts down gracefully: stop accepting, tell clients, flush the
 * journal, close the files.
 *
 * Failures: a command the engine fails on is refused alone and logged with the command (the journal rebuilds
 * its state); a request that meets another connection's lock past the busy timeout fails alone with 503 and
 * Retry-After. A store that cannot go on (the journal or the read models could not commit) stops the server
 * for good: /readyz says why, the log says it at fatal level, and `fatal` resolves so the process can exit
 * and be restarted into recovery — never a server that stays up answering errors.
 */
import Fastify, { type FastifyBaseLogger, type RouteHandlerMethod } from 'fastify';
import { join } from 'node:path';
import pino from 'pino';
import { isBusyError, openDatabase, type Db } from '../engine/node/db/database';
import { Accounts } from './accounts/accounts';
import { engineMarket, type ServerConfig } from './config';
import { serverMigrations } from './db/migrations';
import { registerCandleRoutes } from './http/candle-routes';
import { HttpFailure } from './http/errors';
import { registerRateLimits } from './http/rate-limits';
import { registerRoutes } from './http/routes';
import { guardSockets } from './http/socket-guard';
import { ServerCandles } from './market-data/candles';
import { MarketData } from './market-data/market-data';
import { Metrics } from './metrics';
import { Notifications } from './notifications/notifications';
import { PracticeJournal } from './practice/practice-journal';
import { CloudLog } from './cloud/cloud-log';
import { registerCloudRoutes } from './cloud/cloud-routes';
import { CloudLeases } from './cloud/cloud-leases';
import { Exchange } from './trading/exchange';
import { OrderProjection } from './trading/order-projection';
import { Gateway, localBackend } from './ws/gateway';
import { privateUpdates } from './trading/private-updates';
import { startCoreLink } from './cluster/core-link';
import { WriteBehind } from './db/write-behind';
import { WalCheckpointer } from '../engine/node/db/wal-checkpointer';
import { CopyService, SUB_ACCOUNT_BASE } from './copy/copy-service';
import { keepAccountIdsAbove } from './db/account-ids';
import { finishAccountDeletions, registerCopyRoutes } from './copy/copy-routes';
import { RankingFeed } from './ranking/ranking-feed';
import { LiquidityProvider } from './liquidity/liquidity-provider';

/**
 * Read-model rows (order history, fills, notifications, ranking log) wait this long for others to share their
 * transaction, or until this many are queued. Orders are acknowledged once the journal has them; these follow.
 * Their indexes are by account, so a row dirties a page of its own: a commit costs about a page per account in
 * it, and with a thousand active accounts a 100 ms batch writes each such page once for several rows (about
 * 40% less writer time than 10 ms batches under the order-entry bench). Readers flush first, so nobody waits.
 */
const READ_MODEL_DELAY_MS = 100;
const READ_MODEL_MAX_PENDING = 16384;
/** Seconds a request refused for a busy database is told to wait before trying again. */
const BUSY_RETRY_AFTER_S = 1;

export interface SyncServer {
  url: string;
  wsUrl: string;
  port: number;
  exchange: Exchange;
  notifications: Notifications;
  marketData: MarketData;
  ranking: RankingFeed;
  copy: CopyService;
  /** The liquidity provider, when the configuration switches it on. */
  liquidity: LiquidityProvider | undefined;
  /** One round of the schedule now: mark the ranking, check stop-losses, settle the period that ended. */
  runSchedule(): void;
  /**
   * Resolves if a store cannot go on (the journal or the read models failed to commit): the server is no
   * longer ready and refuses orders; the process should close it and exit so it restarts into recovery.
   */
  fatal: Promise<Error>;
  close(): Promise<void>;
}

export async function startSyncServer(config: ServerConfig): Promise<SyncServer> {
  const logOptions: pino.LoggerOptions = {
    level: config.logLevel,
    // Tokens and passwords never reach the log: request bodies are not logged, and the request line is logged
    // without its query (the SSE stream's single-use ticket is there, since EventSource cannot send headers).
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({
        method: req.method,
        path: (req.url ?? '').split('?')[0],
        ip: req.ip,
      }),
    },
  };
  const log = config.logDestination ? pino(logOptions, config.logDestination) : pino(logOptions);
  let ready = false;
  let notReady = 'starting';
  let stopped: Error | undefined;
  let reportFatal: (err: Error) => void = () => undefined;
  const fatal = new Promise<Error>((resolve) => (reportFatal = resolve));
  /** A store cannot go on: say so everywhere once, and let the owner of the process restart it. */
  const stop = (what: string, err: Error) => {
    if (stopped) return;
    stopped = err;
    ready = false;
    notReady = `${what}: ${err.message}`;
    log.fatal({ err }, `${what}; the server must restart to recover`);
    reportFatal(err);
  };
  // Acknowledged means on disk: the journal syncs its log before an order is acknowledged, and server.db's own
  // writes (accounts, sessions, copy operations) sync each commit, so what a client was told survives a power
  // cut, not only a crash of this process. The read models written behind stay NORMAL (see WriteBehind).
  const synchronous = config.synchronous ?? 'full';
  const db: Db = openDatabase(join(config.dataDir, 'server.db'), serverMigrations, {
    // The writer's connection touches a page per active account in each index: with SQLite's default 2 MiB, a
    // thousand accounts' pages no longer fit and every batch read most of them back.
    cacheMiB: 64,
    manualCheckpoints: true,
    synchronous,
  });
  const metrics = new Metrics(config.natsUrl ? 'core' : 'single');
  const writes = new WriteBehind(join(config.dataDir, 'server.db'), {
    delayMs: READ_MODEL_DELAY_MS,
    maxPending: READ_MODEL_MAX_PENDING,
    // The writer's connection touches a page per active account in each index: with SQLite's default 2 MiB, a
    // thousand accounts' pages no longer fit and every batch read most of them back.
    cacheMiB: 64,
    onError: (err) => stop('the read models could not be written', err),
    onFlushTimed: (ms) => metrics.readModelFlushSeconds.observe(ms / 1000),
  });
  const notifications = new Notifications(db, writes, config.now, config.limits.notifications);
  const projection = new OrderProjection(db, writes, (account, fill, ts) =>
    notifications.recordFill(account, fill, ts),
  );
  // The engine trades the markets; their listing prices are the ranking's.
  const traded = config.markets.map(engineMarket);
  const exchange = new Exchange(config.dataDir, traded, config.grant, projection, config.now, {
    synchronous,
    onCommitTimed: (ms, n) => {
      metrics.commitSeconds.observe(ms / 1000);
      metrics.committedCommands.inc(n);
    },
    onSyncTimed: (ms) => metrics.logSyncSeconds.observe(ms / 1000),
    onFault: (err, command) => {
      metrics.engineFaults.inc();
      log.error(
        { err, command },
        'the matching engine failed on a command: it was refused and the state rebuilt from the journal',
      );
    },
    onFatal: (err) => stop('the order journal cannot go on', err),
  });
  // The two files written on every order are checkpointed off the event loop (see WalCheckpointer), every second:
  // under full order load server.db's log takes about 80 MB/s (its indexes are by account, so a commit dirties a
  // page per account), and a log over the limit is emptied at the next tick.
  const checkpointer = new WalCheckpointer({
    paths: [join(config.dataDir, 'server.db'), join(config.dataDir, 'markets.db')],
    everyMs: 1_000,
    onFailure: (err) => log.error({ err }, 'WAL checkpoints fell back to the event loop'),
  });
  const accounts = new Accounts(db, config, config.now);
  // No sign-up may be given the id of a ledger account that exists already (see db/account-ids.ts).
  if (keepAccountIdsAbove(db, exchange.highestAccountIn(1, SUB_ACCOUNT_BASE)))
    log.warn('account ids raised above ledger accounts that have no account row');
  // An account whose sign-up committed but whose ledger account did not (a crash in between) gets it now.
  for (const id of accounts.ids()) await exchange.openAccount(id);
  const marketData = new MarketData(exchange, config.now);
  const candles = new ServerCandles(config.dataDir, exchange, config.now);
  marketData.extend('candles', candles);
  // Fill notifications caught up from the journal at start-up have no stream to go to yet (clients read them
  // as backlog); from now on each flush pushes what it wrote.
  writes.flush();
  notifications.publishCommitted();
  writes.onFlushed(() => notifications.publishCommitted());
  // Ranking and copy trading: both are fed from committed events; copy trading reads a leader's equity from the
  // ranking before the ranking takes the batch, so it owns the order of the two (see CopyService.committed).
  const nicknameOf = (id: number) => accounts.get(id)?.nickname;
  const ranking = await RankingFeed.start({
    db,
    writes,
    exchange,
    markets: config.markets,
    nicknameOf,
    unranked: (id) => accounts.kindOf(id) === 'liquidity',
    now: config.now,
    log,
    settings: config.ranking,
    onTop10: (account, period, rank) => notifications.add(account, 'rank_top10', { period, rank }),
  });
  const copy = new CopyService({
    db,
    exchange,
    projection,
    ranking,
    notifications,
    markets: config.markets,
    nicknameOf,
    now: config.now,
    log,
    settings: config.copy,
    onFatal: (err) => stop('copy trading cannot go on', err),
  });
  exchange.onCommit((events) => copy.committed(events));
  await finishAccountDeletions({ copy, exchange, ranking, now: config.now });
  const runSchedule = () => {
    ranking.mark();
    copy.checkStopLoss();
    copy.settleDue();
  };
  const scheduleEvery = config.scheduleEveryMs ?? 60_000;
  const schedule =
    scheduleEvery > 0
      ? setInterval(() => {
          try {
            runSchedule();
          } catch (err) {
            log.error({ err }, 'ranking and copy schedule failed');
          }
        }, scheduleEvery)
      : undefined;
  schedule?.unref();
  const practice = new PracticeJournal(db, config.now, config.limits);
  const liquidity = await LiquidityProvider.start({ accounts, exchange, log, now: config.now }, config.liquidity);

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
  });
  registerRateLimits(app, config.limits, accounts);
  guardSockets(app.server, config.limits);
  // A statement that waited out its busy timeout for another connection's lock fails its own request only, as
  // 503 with Retry-After: nothing is wrong with the server, and the client can simply try again.
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    const guarded: RouteHandlerMethod = async function (req, reply) {
      try {
        return await handler.call(this, req, reply);
      } catch (err) {
        if (!isBusyError(err)) throw err;
        reply.header('retry-after', String(BUSY_RETRY_AFTER_S));
        throw new HttpFailure(503, 'BUSY', 'the server is busy writing: try again in a moment');
      }
    };
    route.handler = guarded;
  });
  const gateway = new Gateway(config, localBackend(accounts, exchange), marketData, metrics, log);
  exchange.onCommit((_events, changes) => {
    for (const u of privateUpdates(exchange, changes, (a) => gateway.online(a)))
      gateway.toAccount(u.account, u.message);
  });
  registerRoutes(app, {
    accounts,
    exchange,
    projection,
    notifications,
    practice,
    marketData,
    metrics,
    now: config.now,
    isReady: () => ready,
    notReadyReason: () => notReady,
  });
  registerCandleRoutes(app, { exchange, candles, now: config.now });
  // Cloud sync: an upload that stored something tells the account's other sockets to pull.
  const cloud = new CloudLog(db, config.now, config.limits);
  cloud.onStored((account, cursor, device) => gateway.toAccount(account, { type: 'cloud.changed', cursor, device }));
  registerCloudRoutes(app, { accounts, cloud, leases: new CloudLeases(db, cloud, config.now), now: config.now });
  // Signing out, refreshing, a reused refresh token and deletion end sessions: their sockets close (their
  // notification streams close in the routes, which own them).
  accounts.onSessionsEnded((e) => gateway.sessionsEnded(e));
  registerCopyRoutes(app, { db, accounts, exchange, projection, ranking, copy, now: config.now });
  app.server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').split('?')[0] !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    gateway.handleUpgrade(req, socket, head);
  });
  await app.listen({ host: config.host, port: config.port });
  const coreLink = config.natsUrl
    ? await startCoreLink({
        natsUrl: config.natsUrl,
        log,
        accounts,
        exchange,
        marketData,
        notifications,
        cloud,
        metrics,
        app,
        accountOrderRate: config.accountOrderRate,
        now: config.now,
      })
    : undefined;
  ready = !stopped;
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  log.info({ port, dataDir: config.dataDir, markets: config.markets.map((m) => m.id) }, 'sync server listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/ws`,
    port,
    exchange,
    notifications,
    marketData,
    ranking,
    copy,
    liquidity,
    runSchedule,
    fatal,
    close: () =>
      (closing ??= (async () => {
        ready = false;
        notReady = stopped ? notReady : 'shutting down';
        liquidity?.stop();
        clearInterval(schedule);
        await copy.idle();
        gateway.closeAll(1001, 'SHUTDOWN', 'the server is shutting down: reconnect shortly');
        await coreLink?.close();
        await app.close();
        await checkpointer.close();
        exchange.close();
        await writes.close();
        candles.close();
        db.close();
        log.info('sync server stopped');
      })()),
  };
}
