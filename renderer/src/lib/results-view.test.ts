import { describe, expect, it } from 'vitest';
import type { ResultSummary } from '@protocol/results';
import { curvePoints, runningResults, sameFills, sessionGroups } from './results-view';

const run = (id: number, over: Partial<ResultSummary> = {}): ResultSummary => ({
  id,
  account: 'replay',
  session: { key: 'aa'.repeat(32), name: 'sample' },
  state: 'stopped',
  startedAt: 0,
  endedAt: 0,
  fromTs: 0,
  toTs: 0,
  quote: 'KRW',
  quoteDecimals: 0,
  startEquity: '100',
  endEquity: '100',
  returnBps: 0,
  maxDrawdownBps: 0,
  trades: 0,
  roundTrips: 0,
  wins: 0,
  winRateBps: null,
  fees: [],
  unvalued: [],
  digest: 'cbf29ce484222325',
  ...over,
});

describe('results arranged for the screen', () => {
  it('groups runs by session, newest group first, runs numbered in the order they were made', () => {
    const other = { key: 'bb'.repeat(32), name: 'other' };
    const groups = sessionGroups([
      run(5),
      run(4, { session: other }),
      run(2),
      run(9, { state: 'running', account: 'paper', session: undefined }),
    ]);
    expect(groups.map((g) => [g.name, g.runs.map((r) => r.id)])).toEqual([
      ['sample', [2, 5]],
      ['other', [4]],
    ]);
    expect(runningResults([run(1), run(9, { state: 'running' })]).map((r) => r.id)).toEqual([9]);
  });

  it('points out a run that made the same fills as an earlier one', () => {
    const [g] = sessionGroups([run(1, { digest: '1'.repeat(16) }), run(2), run(3, { digest: '1'.repeat(16) })]);
    expect([...sameFills(g)]).toEqual([[3, 1]]);
  });

  it('draws the curve in whole seconds, strictly increasing, the last value of a second winning', () => {
    expect(
      curvePoints(
        [
          { ts: 1_000, value: '100000' },
          { ts: 1_500, value: '99000' },
          { ts: 500, value: '1' },
          { ts: 3_000, value: '123456789012345' },
        ],
        4,
      ),
    ).toEqual([
      { time: 1, value: 9.9 },
      { time: 3, value: 12_345_678_901.2345 },
    ]);
  });
});
