/**
 * bench:server's command line and the keys and arithmetic of its last JSON line, on figures given here (the
 * bench itself is run by hand, not as a test: it takes minutes and the whole machine).
 */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, summary } from './report';

describe('bench:server options', () => {
  it('run as today without flags: no cluster, the floor on, one account per trader', () => {
    const o = parseBenchArgs([]);
    expect(o).toMatchObject({
      clients: 10_000,
      orderClients: 1_000,
      gateways: 0,
      floor: true,
      connectionsPerAccount: 1,
    });
    expect(o.only).toBeUndefined();
  });

  it('take the cluster, the memory pass and the accounts shared by traders', () => {
    const o = parseBenchArgs(['--gateways', '2', '--only', 'memory', '--memory-clients', '3000', '--no-floor']);
    expect(o).toMatchObject({ gateways: 2, only: 'memory', memoryClients: 3000, floor: false });
    expect(parseBenchArgs(['--connections-per-account', '10']).connectionsPerAccount).toBe(10);
  });

  it('refuse what they cannot run, naming the flag', () => {
    expect(() => parseBenchArgs(['--gateways', '-1'])).toThrow(/--gateways/);
    expect(() => parseBenchArgs(['--gateways', 'two'])).toThrow(/--gateways/);
    expect(() => parseBenchArgs(['--clients', '0'])).toThrow(/--clients/);
    expect(() => parseBenchArgs(['--only', 'everything'])).toThrow(/--only/);
    expect(() => parseBenchArgs(['--gatways', '2'])).toThrow(/gatways/);
  });
});

describe('the last line of bench:server', () => {
  const fanout = { tradesDelivered: 2_000_000, cpuByRole: { single: 10 } };
  const orders = { ordersAcked: 100_000, serverCpuMicrosPerOrder: 80, cpuByRole: { single: 8 } };
  const floorFanout = { tradesDelivered: 2_000_000, cpuByRole: { floor: 4 } };
  const floorOrders = { ordersAcked: 200_000, serverCpuMicrosPerOrder: 20, cpuByRole: { floor: 4 } };

  it('adds the single process and floor figures under their names, and no cluster key without a cluster', () => {
    const s = summary({ fanout, orders, floorFanout, floorOrders, gateways: 0 });
    expect(s).toEqual({
      serverCpuMicrosPerOrder: 80,
      floorServerCpuMicrosPerOrder: 20,
      gatewayDeliveriesPerCpuSec: 200_000,
      serverCpuMicrosPerDelivery: 5,
      floorDeliveriesPerCpuSec: 500_000,
      floorServerCpuMicrosPerDelivery: 2,
    });
  });

  it('puts the cluster beside it: per role, all roles, and the ratio to the single process', () => {
    const s = summary({
      fanout,
      orders,
      clusterFanout: { tradesDelivered: 2_000_000, cpuByRole: { core: 1, gateway: 5, nats: 2 }, connected: 10_000 },
      clusterOrders: { ordersAcked: 50_000, ordersPerSec: 5_000, cpuByRole: { core: 4, gateway: 3, nats: 1 } },
      gateways: 2,
    });
    expect(s).toMatchObject({
      clusterGateways: 2,
      clusterCpuMicrosPerOrderByRole: { core: 80, gateway: 60, nats: 20 },
      clusterServerCpuMicrosPerOrder: 160,
      clusterToSingleCpuPerOrder: 2,
      clusterOrdersPerSec: 5_000,
      clusterCpuMicrosPerDeliveryByRole: { core: 0.5, gateway: 2.5, nats: 1 },
      clusterGatewayDeliveriesPerCpuSec: 400_000,
      clusterDeliveriesPerCpuSec: 250_000,
      clusterToSingleDeliveriesPerCpuSec: 2,
      clusterConnected: 10_000,
    });
    // The single process's keys keep the single process's figures.
    expect(s.serverCpuMicrosPerOrder).toBe(80);
    expect(s.gatewayDeliveriesPerCpuSec).toBe(200_000);
  });

  it('says null, not a number, when a load measured nothing', () => {
    const s = summary({ fanout: { tradesDelivered: 0, cpuByRole: { single: 0 } }, gateways: 0 });
    expect(s.gatewayDeliveriesPerCpuSec).toBeNull();
    expect(s.serverCpuMicrosPerDelivery).toBeNull();
  });
});
