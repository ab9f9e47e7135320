/**
 * Prometheus metrics (prom-client), served at /metrics: connections, messages in and out, orders by outcome,
 * order latency from arrival to acknowledgement, SQLite commit time, engine faults, and Node's default process metrics
 * (event-loop lag among them). One registry per server, so tests can run several servers in one process.
 *
 * Each server says which role it runs (`lpj_server_info{role="single|core|gateway"} 1`) rather than labelling
 * every series: the series keep the names and labels their readers match on, and a dashboard picks the
 * instances of a role from the info series (docs/grafana/sync-server.json). Every role serves the same names;
 * a series a role does not drive stays at zero there (a core holds no WebSocket, a gateway commits nothing).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a server process runs as: the one-process default, or the market core or a gateway of a cluster. */
export type ServerRole = 'single' | 'core' | 'gateway';

export class Metrics {
  readonly registry = new Registry();
  readonly info = new Gauge({
    name: 'lpj_server_info',
    help: 'Always 1; its role label says what this process runs as (single, core, gateway)',
    labelNames: ['role'],
    registers: [this.registry],
  });
  readonly connections = new Gauge({
    name: 'lpj_ws_connections',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  });
  readonly messagesIn = new Counter({
    name: 'lpj_ws_messages_in_total',
    help: 'WebSocket messages received',
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: 'lpj_ws_messages_out_total',
    help: 'WebSocket messages sent',
    registers: [this.registry],
  });
  readonly badMessages = new Counter({
    name: 'lpj_ws_bad_messages_total',
    help: 'WebSocket messages refused before handling',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly orders = new Counter({
    name: 'lpj_orders_total',
    help: 'Order requests by outcome',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly orderLatency = new Histogram({
    name: 'lpj_order_ack_seconds',
    help: 'Time from an order request arriving to its durable acknowledgement (match + commit)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly commitSeconds = new Histogram({
    name: 'lpj_db_commit_seconds',
    help: 'Duration of one journal group commit',
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  readonly logSyncSeconds = new Histogram({
    name: 'lpj_db_log_sync_seconds',
    help: 'Duration of one sync of the journal log (synchronous=FULL): the batches written before it are acknowledged when it ends',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly readModelFlushSeconds = new Histogram({
    name: 'lpj_read_model_flush_seconds',
    help: 'Duration of one write of the queued order history, notification and ranking rows',
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [this.registry],
  });
  readonly committedCommands = new Counter({
    name: 'lpj_committed_commands_total',
    help: 'Commands made durable',
    registers: [this.registry],
  });
  readonly engineFaults = new Counter({
    name: 'lpj_engine_faults_total',
    help: 'Commands the matching engine failed on: each was refused and the state rebuilt from the journal',
    registers: [this.registry],
  });
  readonly streamHeld = new Gauge({
    name: 'lpj_stream_held_messages',
    help: 'Committed events a core holds for the events stream after it refused one (NATS away): sent again in order when it is back',
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'lpj_http_requests_total',
    help: 'HTTP requests by status class',
    labelNames: ['status'],
    registers: [this.registry],
  });

  constructor(role: ServerRole = 'single') {
    this.info.set({ role }, 1);
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }
}
