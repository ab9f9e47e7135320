/**
 * The app host: a plain Node object that owns the local engine services. The Electron main process and the
 * web bridge are thin transports in front of it; neither adds behaviour, so both behave the same.
 */
import { join } from 'node:path';
import type { z } from 'zod';
import { openDatabase, schemaVersion, type Db } from '../node/db/database';
import {
  events,
  isMethod,
  methods,
  type EventFrame,
  type EventName,
  type EventPayload,
  type Health,
  type Method,
  type Methods,
  type Result,
  type VenueHistory,
} from '../protocol/api';
import { lpjMarket } from '../protocol/alerts';
import { ApiError } from '../protocol/errors';
import { ENGINE_VERSION } from '../core/version';
import { appMigrations } from './migrations';
import { SettingsStore } from './settings-store';
import { PracticeMarket } from './practice-market';
import { practiceHandlers } from './practice-handlers';
import { amendHandlers } from './amend-handlers';
import { fillsCsv } from './trade-export';
import { ResultsService } from './results-service';
import { ResultsStore } from './results-store';
import { SessionRecording } from './session-recording';
import { RealMarkets } from './real-markets';
import { realMarketHandlers } from './real-markets-handlers';
import { chartHandlers } from './chart-handlers';
import type { ExchangeOptions } from './real-markets-config';
import { LiveMarket, type LiveMarketOptions } from './live-market';
import { liveHandlers } from './live-handlers';
import { rankingHandlers, rankingLink } from './ranking-handlers';
import { localDurability } from './local-durability';
import { FAVOURITES_KEY, liveQuote, Watchlist } from './watchlist';
import { CloudSync, type CloudSyncOptions } from './cloud-sync';
import { DeskNotices } from './desk-notices';
import { PortfolioService } from './portfolio';

export interface AppHostOptions {
  dataDir: string;
  appVersion: string;
  mode: 'desktop' | 'web';
  /** better_sqlite3.node built for the running runtime, when it is not the package's own (see openDatabase). */
  nativeBinding?: string;
  /**
   * The offline LPJ market's simulated traders: ticks per second (default 2; 0 = none) and seed; and the least
   * time between two `practice.update` pushes (default 100 ms).
   */
  practice?: { ticksPerSecond?: number; seed?: number; publishEveryMs?: number };
  /**
   * Real-coin markets: feed client settings per exchange (URLs default to LPJ_UPBIT_WS, LPJ_UPBIT_REST,
   * LPJ_BINANCE_WS, LPJ_BINANCE_REST, then the exchanges' own), the environment to read them from, the least
   * time between two UI updates of a market, and the session 'replay' plays unless the user picked another.
   */
  realMarkets?: {
    upbit?: ExchangeOptions;
    binance?: ExchangeOptions;
    env?: NodeJS.ProcessEnv;
    publishEveryMs?: number;
    defaultSessionPath?: string;
  };
  /**
   * The live LPJ market: the sync server used until the user picks one in Settings (default LPJ_SYNC_URL, then
   * http://127.0.0.1:7780), and timings tests shorten.
   */
  live?: Omit<LiveMarketOptions, 'settings' | 'practice' | 'emit'>;
  /** How often the portfolio's total is recorded, and retried while it cannot be taken whole. */
  portfolio?: { recordEveryMs?: number; retryMs?: number };
  /** Cloud sync: this device's name as the account's other devices list it, and timings tests shorten. */
  cloud?: Pick<CloudSyncOptions, 'deviceName' | 'debounceMs' | 'retryMs' | 'now'>;
}

type Handlers = { [M in Method]: (params: z.output<Methods[M]['params']>) => Result<M> | Promise<Result<M>> };

export class AppHost {
  readonly dbPath: string;
  private readonly db: Db;
  private readonly settings: SettingsStore;
  readonly practice: PracticeMarket;
  readonly realMarkets: RealMarkets;
  readonly live: LiveMarket;
  readonly watchlist: Watchlist;
  readonly notices: DeskNotices;
  readonly portfolio: PortfolioService;
  readonly results: ResultsService;
  readonly recording: SessionRecording;
  private readonly resultsStore: ResultsStore;
  readonly cloud: CloudSync;
  private readonly listeners = new Set<(event: EventFrame) => void>();
  private readonly startedAt = Date.now();
  private readonly handlers: Handlers;
  private closed = false;

  private constructor(private readonly options: AppHostOptions) {
    this.dbPath = join(options.dataDir, 'app.db');
    this.db = openDatabase(this.dbPath, appMigrations, { nativeBinding: options.nativeBinding });
    this.settings = new SettingsStore(this.db);
    this.practice = new PracticeMarket({
      dataDir: options.dataDir,
      nativeBinding: options.nativeBinding,
      ...options.practice,
    });
    this.practice.onUpdate((u) => this.emit('practice.update', u));
    this.practice.onPreparing((p) => this.emit('practice.preparing', p));
    this.notices = new DeskNotices({
      db: this.db,
      settings: this.settings,
      practice: this.practice,
      realMarkets: () => this.realMarkets,
      live: () => this.live,
      emit: (name, payload) => this.emit(name, payload),
    });
    this.resultsStore = new ResultsStore(options.dataDir, options.nativeBinding);
    // Connects nothing until the UI opens a real-coin market.
    this.realMarkets = new RealMarkets({
      ...options.realMarkets,
      results: this.resultsStore,
      dataDir: options.dataDir,
      nativeBinding: options.nativeBinding,
      settings: this.settings,
      emit: (name, payload) => this.emit(name, payload),
      ...this.notices.paperHooks,
    });
    // Connects to the sync server in the background; with none reachable the app works and the status says so.
    this.live = new LiveMarket({
      defaultServerUrl: process.env.LPJ_SYNC_URL || undefined,
      ...options.live,
      settings: this.settings,
      practice: this.practice,
      emit: this.notices.liveEmit((name, payload) => this.emit(name, payload)),
    });
    this.watchlist = new Watchlist({
      settings: this.settings,
      practice: {
        market: this.practice.market,
        lastPrice: () => this.practice.engine.lastPrice(this.practice.market.id) ?? 0,
        candles: (interval, limit) => this.practice.candles(interval, limit),
      },
      live: { quote: () => liveQuote(this.live.mirrored()), candles: (i, limit) => this.live.candles(i, limit) },
      exchanges: { upbit: options.realMarkets?.upbit, binance: options.realMarkets?.binance },
      env: options.realMarkets?.env,
      emit: (state) => this.emit('watchlist.update', state),
    });
    this.portfolio = new PortfolioService({
      db: this.db,
      practice: this.practice,
      realMarkets: this.realMarkets,
      live: this.live,
      ...options.portfolio,
    });
    this.portfolio.start();
    this.recording = new SessionRecording({
      dataDir: options.dataDir,
      realMarkets: this.realMarkets,
      emit: (name, payload) => this.emit(name, payload),
    });
    this.results = new ResultsService({
      store: this.resultsStore,
      practice: this.practice,
      realMarkets: this.realMarkets,
      live: this.live,
    });
    // Settings, favourites, alerts, paper portfolios' definitions and the practice history follow the account to its other devices.
    this.cloud = new CloudSync({
      db: this.db,
      settings: this.settings,
      practice: this.practice,
      live: this.live,
      effects: {
        settings: (keys, feedSource) => {
          this.emit('settings.changed', this.settings.get());
          if (keys.includes(FAVOURITES_KEY)) this.emit('watchlist.update', this.watchlist.state());
          // A replay this device cannot play (no session file) leaves its price source as it was.
          if (feedSource) void this.realMarkets.setSource(feedSource.source, feedSource.speed).catch(() => undefined);
        },
        alert: (uid, value) => this.notices.alerts.applyRemote(uid, value),
        portfolio: (uid, value) => void this.realMarkets.applyCloudPortfolio(uid, value),
      },
      emit: (status) => this.emit('cloud.status', status),
      ...options.cloud,
    });
    this.notices.alerts.syncTo((uid, value) => this.cloud.record('alert', uid, value));
    this.realMarkets.portfolios.syncTo(
      (uid, value) => this.cloud.record('portfolio', uid, value),
      (uid) => this.cloud.held('portfolio', uid),
    );
    this.handlers = {
      ...practiceHandlers(this.practice),
      'watchlist.list': () => this.watchlist.list(),
      'watchlist.favourite': ({ key, favourite }) => this.watchlist.setFavourite(key, favourite),
      ...liveHandlers(this.live),
      ...rankingHandlers(rankingLink(this.live)),
      ...realMarketHandlers(this.realMarkets),
      ...this.notices.handlers(),
      ...amendHandlers(this.practice, this.realMarkets, this.live),
      ...chartHandlers(this.settings),
      ...this.results.handlers(),
      'recording.start': ({ market }) => this.recording.start(market),
      'recording.stop': () => this.recording.stop(),
      'recording.state': () => this.recording.state(),
      'recording.list': () => ({ sessions: this.recording.list() }),
      'recording.export': ({ session }) => this.recording.export(session),
      'history.list': async ({ limit }) => {
        // Each venue answers on its own: one that fails is listed as failed, the others still show.
        const failed = (venue: VenueHistory['venue'], err: unknown): VenueHistory => ({
          venue,
          state: 'error',
          error: err instanceof Error ? err.message : String(err),
          markets: [],
          orders: [],
          fills: [],
        });
        const [paper, live] = await Promise.all([
          this.realMarkets.history(limit).catch((err: unknown) => failed('paper', err)),
          this.live.history(limit).catch((err: unknown) => failed('live', err)),
        ]);
        return { venues: [this.practiceHistory(limit), paper, live] };
      },
      'history.exportCsv': async () => {
        const rows = [
          ...this.practice.exportFills(),
          ...(await this.realMarkets.exportFills()),
          ...(await this.results.liveFillRows()),
        ];
        const day = new Date().toISOString().slice(0, 10);
        return { filename: `playground777-trades-${day}.csv`, csv: fillsCsv(rows), rows: rows.length };
      },
      'portfolio.get': () => this.portfolio.get(),
      'cloud.status': () => this.cloud.status(),
      'cloud.syncNow': () => this.cloud.syncNow(),
      'cloud.devices': async () => ({ items: await this.cloud.devices() }),
      'cloud.signOutDevice': async ({ id }) => ({ items: await this.cloud.signOutDevice(id) }),
      'cloud.practiceHistory': ({ limit }) => ({ items: this.cloud.practiceHistory(limit) }),
      'cloud.export': () => this.cloud.exportJson(),
      'app.info': () => ({
        name: 'Playground 777',
        version: this.options.appVersion,
        engineVersion: ENGINE_VERSION,
        mode: this.options.mode,
        platform: process.platform,
        dataDir: this.options.dataDir,
        dbPath: this.dbPath,
      }),
      'app.health': () => this.health(),
      'app.durability': () => ({ databases: localDurability(this.options.dataDir, this.db) }),
      'settings.get': () => this.settings.get(),
      'settings.update': (patch) => {
        const next = this.settings.update(patch);
        this.emit('settings.changed', next);
        return next;
      },
    };
  }

  /** My latest orders and fills on the offline practice market. */
  private practiceHistory(limit: number): VenueHistory {
    const m = this.practice.market;
    const h = this.practice.history;
    return {
      venue: 'practice',
      state: 'ok',
      markets: [lpjMarket('practice', m)],
      orders: h.latestOrders(limit),
      fills: h.latestFills(limit),
    };
  }

  /** Opens the local database (creating the data folder and schema on first run). */
  static open(options: AppHostOptions): AppHost {
    return new AppHost(options);
  }

  health(): Health {
    return { status: 'ready', schemaVersion: schemaVersion(this.db), uptimeMs: Date.now() - this.startedAt };
  }

  /**
   * The single entry point for every request from a transport. `params` is untrusted: it is validated against
   * the method's schema and a bad request is refused before any handler runs.
   */
  async invoke(method: string, params: unknown): Promise<unknown> {
    if (this.closed) throw new ApiError('NOT_READY', 'the local engine is shut down');
    if (!isMethod(method)) throw new ApiError('UNKNOWN_METHOD', `unknown method "${method}"`);
    const parsed = methods[method].params.safeParse(params ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(params)', message: i.message }));
      throw new ApiError(
        'BAD_REQUEST',
        `invalid params for ${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    const handler = this.handlers[method] as (p: unknown) => unknown;
    return await handler(parsed.data);
  }

  onEvent(listener: (event: EventFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    // Validate outgoing events too: a host bug must not push a malformed payload into the UI.
    const checked = events[name].parse(payload) as EventPayload<E>;
    const frame = { name, payload: checked } as EventFrame;
    for (const l of this.listeners) l(frame);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.cloud.close();
    this.watchlist.close();
    this.portfolio.close();
    this.live.close();
    this.practice.close();
    // The file written so far is kept: the recorder finishes it as the feed stops.
    void this.recording.close();
    this.realMarkets.close();
    this.resultsStore.close();
    this.db.close();
  }
}
