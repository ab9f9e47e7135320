/**
 * The benchmark's order streams are data the figures depend on: the same seed must give the same stream, and a
 * stream must be what its name says — in particular workload C, moves and cancels of live orders near a
 * drifting mid, which the engine must take whole (a move or cancel of an order that is no longer live would be
 * refused, and measure a refusal instead of the work).
 */
import { describe, expect, it } from 'vitest';
import { MatchingEngine } from '../../core/matching/engine';
import type { EngineEvent } from '../../core/matching/types';
import { runOurs, runPeer } from './engine-runners';
import { insertStream, mixedStream, moveStream, OP_AMEND, OP_CANCEL, type OrderStream } from './order-stream';

const streams: [string, (n: number, seed: number) => OrderStream][] = [
  ['mixed', mixedStream],
  ['insert', insertStream],
  ['move', moveStream],
];

/** Everything a stream gives either engine, as plain data. */
const contents = (s: OrderStream) => ({
  setup: s.setup,
  kinds: [...s.kinds],
  commands: s.commands,
  peerIds: s.peerIds,
  peerArgs: s.peerArgs,
  counts: s.counts,
});

describe.each(streams)('the %s stream generator', (_name, generate) => {
  it('gives the same stream for the same seed, and another for another seed', () => {
    const a = generate(5_000, 41);
    expect(contents(generate(5_000, 41))).toEqual(contents(a));
    expect(generate(5_000, 42).commands).not.toEqual(a.commands);
  });
});

describe('workload C: moves and cancels near a drifting mid', () => {
  const n = 50_000;
  const stream = moveStream(n, 779);

  it('is mostly price moves and cancels of live orders, all of which the engine takes', () => {
    const { amend, cancel, limit, market } = stream.counts;
    expect(amend + cancel + limit + market).toBe(n);
    expect(amend / n).toBeGreaterThan(0.45);
    expect(cancel / n).toBeGreaterThan(0.15);
    expect(market).toBe(0);
    // Every amend moves an order to a new price (none only changes its quantity).
    const amends = stream.commands.filter((c) => c.type === 'amend');
    expect(amends.every((c) => c.type === 'amend' && c.price !== undefined && c.quantity === undefined)).toBe(true);

    const engine = new MatchingEngine([stream.market]);
    for (const c of stream.setup) engine.apply(c);
    const refused: EngineEvent[] = [];
    let amended = 0;
    for (const c of stream.commands) {
      for (const e of engine.apply(c)) {
        if (e.type === 'rejected') refused.push(e);
        if (e.type === 'amended') amended++;
      }
    }
    expect(refused).toEqual([]);
    expect(amended).toBe(amend);
    expect(engine.audit()).toEqual([]);
    let resting = 0;
    for (let account = 1; account <= 100; account++) resting += engine.openOrders(account).length;
    expect(resting).toBe(stream.restingAtEnd);
    expect(resting).toBeGreaterThan(1_500);
  });

  it('follows a mid that drifts: its prices span far more than the ±21 ticks quoted around any one mid', () => {
    const tick = stream.market.tickSize;
    const prices = stream.commands.flatMap((c) =>
      c.type === 'amend' ? [c.price!] : c.type === 'place' ? [c.price!] : [],
    );
    const span = (Math.max(...prices) - Math.min(...prices)) / tick;
    expect(span).toBeGreaterThan(2 * 21 + 20);
    // Within a short window (a step of the mid or two) the prices stay near one mid.
    const window = prices.slice(10_000, 10_200);
    expect((Math.max(...window) - Math.min(...window)) / tick).toBeLessThanOrEqual(2 * 21 + 4);
  });

  it('means the same to both engines: the same trades and the same quantity left resting', () => {
    const ours = runOurs(stream);
    const peer = runPeer(stream);
    expect(ours.refused).toBe(0);
    expect(peer.refused).toBe(0);
    expect(peer.trades).toBe(ours.trades);
    expect(peer.restingQuantity).toBe(ours.restingQuantity);
    expect(ours.trades).toBeGreaterThan(0);
  });

  it('names only live orders in its moves and cancels (the ids the engine will have assigned)', () => {
    const live = new Set<number>();
    const engine = new MatchingEngine([stream.market]);
    for (const c of stream.setup) engine.apply(c);
    stream.commands.slice(0, 10_000).forEach((c, i) => {
      if (stream.kinds[i] === OP_AMEND || stream.kinds[i] === OP_CANCEL)
        expect(live.has(Number(stream.peerIds[i]))).toBe(true);
      for (const e of engine.apply(c)) {
        if (e.type === 'accepted') live.add(e.orderId);
        if (e.type === 'filled' || e.type === 'cancelled' || e.type === 'expired') live.delete(e.orderId);
      }
    });
  });
});
