/**
 * `bench:server`'s options and the arithmetic of its report, apart from the processes it runs so both can be
 * checked on their own. Inputs are the load generators' JSON lines; nothing here measures anything.
 *
 * A delivery is one trade reaching one subscriber (with the book deltas of the same match, which go out with
 * it): the unit the fan-out load counts, in the server and the transport floor alike. CPU figures are per
 * role, from each process's CPU over the load's measured window (`cpuByRole`, CPU seconds): the single
 * process is the role `single`, the floor `floor`; a cluster's roles are `core`, `gateway` (all gateways
 * together) and `nats` (nats-server).
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  clients: number;
  rate: number;
  fanoutSeconds: number;
  orderClients: number;
  orderSeconds: number;
  syncPasses: number;
  /** Order traders signed in to each bench account (fewer sign-ups, each a scrypt hash). */
  connectionsPerAccount: number;
  /** Gateways of the cluster run beside the single process; 0 runs no cluster. */
  gateways: number;
  memoryClients: number;
  only?: 'fanout' | 'orders' | 'memory';
  floor: boolean;
  profile?: string;
  timeoutSeconds: number;
}

/** The command line of `npm run bench:server`; throws with the flag at fault for a value it cannot take. */
export function parseBenchArgs(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      clients: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '20' },
      'fanout-seconds': { type: 'string', default: '10' },
      'order-clients': { type: 'string', default: '1000' },
      'order-seconds': { type: 'string', default: '10' },
      'sync-passes': { type: 'string', default: '2' },
      'connections-per-account': { type: 'string', default: '1' },
      gateways: { type: 'string', default: '0' },
      'memory-clients': { type: 'string', default: '5000' },
      only: { type: 'string' },
      'no-floor': { type: 'boolean', default: false },
      profile: { type: 'string' },
      timeout: { type: 'string', default: '1800' },
    },
  });
  const count = (flag: string, min: number): number => {
    const text = values[flag as keyof typeof values] as string;
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min)
      throw new Error(`--${flag} takes a whole number of at least ${min}, got ${text}`);
    return n;
  };
  if (values.only !== undefined && !['fanout', 'orders', 'memory'].includes(values.only))
    throw new Error(`--only takes fanout, orders or memory, got ${values.only}`);
  return {
    clients: count('clients', 1),
    rate: count('rate', 1),
    fanoutSeconds: count('fanout-seconds', 1),
    orderClients: count('order-clients', 1),
    orderSeconds: count('order-seconds', 1),
    syncPasses: count('sync-passes', 1),
    connectionsPerAccount: count('connections-per-account', 1),
    gateways: count('gateways', 0),
    memoryClients: count('memory-clients', 1),
    only: values.only as BenchOptions['only'],
    floor: !values['no-floor'],
    profile: values.profile,
    timeoutSeconds: count('timeout', 1),
  };
}

type Figures = Record<string, unknown>;
type RoleCpu = Record<string, number>;

const sum = (cpu: RoleCpu) => Object.values(cpu).reduce((a, b) => a + b, 0);
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/** Microseconds of CPU per unit of work, per role. */
export function microsPer(cpu: RoleCpu, units: number): Record<string, number | null> {
  return Object.fromEntries(Object.entries(cpu).map(([role, s]) => [role, fixed((s * 1e6) / units, 1)]));
}

/** What one fan-out load cost: per-role CPU per delivery, and deliveries per CPU-second of the `fanOutRole`. */
export function deliveryCost(
  fanout: Figures,
  fanOutRole: string,
): { delivered: number; microsPerDelivery: Record<string, number | null>; deliveriesPerCpuSec: number | null } {
  const delivered = Number(fanout.tradesDelivered);
  const cpu = (fanout.cpuByRole ?? {}) as RoleCpu;
  return {
    delivered,
    microsPerDelivery: microsPer(cpu, delivered),
    deliveriesPerCpuSec: fixed(delivered / (cpu[fanOutRole] ?? NaN), 0),
  };
}

/** What one order load cost: per-role CPU per acknowledged order, and all roles together. */
export function orderCost(orders: Figures): { microsPerOrder: Record<string, number | null>; total: number | null } {
  const acked = Number(orders.ordersAcked);
  const cpu = (orders.cpuByRole ?? {}) as RoleCpu;
  return { microsPerOrder: microsPer(cpu, acked), total: fixed((sum(cpu) * 1e6) / acked, 1) };
}

/**
 * The keys the last JSON line adds to the load generators' own: the single process's figures under the plain
 * names (`serverCpuMicrosPerOrder`, `gatewayDeliveriesPerCpuSec`, …) and, when a cluster ran, its figures beside them under `cluster…` names with
 * the ratios of cluster to single process (above 1: the cluster spends more CPU per order, or delivers more
 * per gateway CPU-second).
 */
export function summary(run: {
  fanout?: Figures;
  orders?: Figures;
  floorFanout?: Figures;
  floorOrders?: Figures;
  clusterFanout?: Figures;
  clusterOrders?: Figures;
  gateways: number;
}): Figures {
  const out: Figures = {};
  if (run.orders) out.serverCpuMicrosPerOrder = run.orders.serverCpuMicrosPerOrder;
  if (run.floorOrders) out.floorServerCpuMicrosPerOrder = run.floorOrders.serverCpuMicrosPerOrder;
  const single = run.fanout && deliveryCost(run.fanout, 'single');
  const floor = run.floorFanout && deliveryCost(run.floorFanout, 'floor');
  if (single) {
    out.gatewayDeliveriesPerCpuSec = single.deliveriesPerCpuSec;
    out.serverCpuMicrosPerDelivery = single.microsPerDelivery.single;
  }
  if (floor) {
    out.floorDeliveriesPerCpuSec = floor.deliveriesPerCpuSec;
    out.floorServerCpuMicrosPerDelivery = floor.microsPerDelivery.floor;
  }
  if (run.gateways === 0) return out;
  out.clusterGateways = run.gateways;
  if (run.clusterOrders) {
    const c = orderCost(run.clusterOrders);
    out.clusterServerCpuMicrosPerOrder = c.total;
    out.clusterCpuMicrosPerOrderByRole = c.microsPerOrder;
    out.clusterOrdersPerSec = run.clusterOrders.ordersPerSec;
    out.clusterAckP50Ms = run.clusterOrders.ackP50Ms;
    out.clusterAckP99Ms = run.clusterOrders.ackP99Ms;
    out.clusterOrderRejects = run.clusterOrders.rejects;
    if (c.total !== null && run.orders)
      out.clusterToSingleCpuPerOrder = fixed(c.total / Number(run.orders.serverCpuMicrosPerOrder), 2);
  }
  if (run.clusterFanout) {
    const c = deliveryCost(run.clusterFanout, 'gateway');
    const all = sum((run.clusterFanout.cpuByRole ?? {}) as RoleCpu);
    out.clusterGatewayDeliveriesPerCpuSec = c.deliveriesPerCpuSec;
    out.clusterDeliveriesPerCpuSec = fixed(c.delivered / all, 0);
    out.clusterCpuMicrosPerDeliveryByRole = c.microsPerDelivery;
    out.clusterConnected = run.clusterFanout.connected;
    out.clusterTradesDeliveredShare = run.clusterFanout.tradesDeliveredShare;
    out.clusterDeliveryP50Ms = run.clusterFanout.deliveryP50Ms;
    out.clusterDeliveryP99Ms = run.clusterFanout.deliveryP99Ms;
    if (single && c.deliveriesPerCpuSec !== null && single.deliveriesPerCpuSec)
      out.clusterToSingleDeliveriesPerCpuSec = fixed(c.deliveriesPerCpuSec / single.deliveriesPerCpuSec, 2);
  }
  return out;
}
