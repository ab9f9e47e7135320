/**
 * Every copy-trading notice becomes a notification whose data reads back as its kind under the contract the
 * app reads it with (engine/protocol/notification-kinds.ts): figures in minimal units with their asset, no text.
 */
import { describe, expect, it } from 'vitest';
import type { CopyNotice } from '../../engine/core/copy';
import { readNotice } from '../../engine/protocol/notification-kinds';
import { noticeOf } from './copy-notices';

const LEADER = 1;
const FOLLOWER = 2;
/** One notice of every kind (a Record, so a new kind fails to compile here until it has one). */
const NOTICES: { [K in CopyNotice['kind']]: CopyNotice & { kind: K } } = {
  subscribed: { kind: 'subscribed', leader: LEADER, amount: 2_000_000 },
  follower_joined: { kind: 'follower_joined', subscriber: FOLLOWER, amount: 2_000_000 },
  copy_placed: { kind: 'copy_placed', leader: LEADER, market: 'LPJ-KRW', side: 'buy', quantity: 1e8, price: 10_200 },
  copy_skipped: {
    kind: 'copy_skipped',
    leader: LEADER,
    market: 'LPJ-KRW',
    side: 'sell',
    wanted: 1e6,
    reason: 'BELOW_LOT_SIZE',
  },
  copy_filled: {
    kind: 'copy_filled',
    leader: LEADER,
    market: 'LPJ-KRW',
    side: 'buy',
    quantity: 178_000_000,
    quoteAmount: 18_067,
    fee: 18,
  },
  fill_mirrored: { kind: 'fill_mirrored', market: 'LPJ-KRW', side: 'buy', placed: 2, skipped: 1 },
  paused: { kind: 'paused', leader: LEADER },
  resumed: { kind: 'resumed', leader: LEADER },
  stop_loss_set: { kind: 'stop_loss_set', leader: LEADER, stopLossBps: null },
  funds_added: { kind: 'funds_added', leader: LEADER, amount: 500_000, allocation: 2_500_000 },
  funds_reduced: { kind: 'funds_reduced', leader: LEADER, amount: 500_000, allocation: 1_500_000 },
  copy_stopping: { kind: 'copy_stopping', leader: LEADER, reason: 'unsubscribed' },
  copy_ended: {
    kind: 'copy_ended',
    leader: LEADER,
    reason: 'stop_loss',
    returnedQuote: 1_800_000,
    returnedCoins: { LPJ: 5_000_000 },
  },
  follower_left: { kind: 'follower_left', subscriber: FOLLOWER, reason: 'unsubscribed' },
  settled: {
    kind: 'settled',
    counterparty: LEADER,
    period: 19_700,
    profit: -12_000,
    fee: 0,
    paid: 0,
    owed: 0,
    role: 'subscriber',
  },
  settlement_skipped: { kind: 'settlement_skipped', leader: LEADER, period: 19_700, reason: 'amount_out_of_range' },
  profit_share_changed: { kind: 'profit_share_changed', leader: LEADER, profitShareBps: 1_500, fromPeriod: 19_702 },
  strategy_closed: { kind: 'strategy_closed', leader: LEADER },
};

const names = (id: number) => (id === LEADER ? 'kim' : 'lee');

describe('copy notices', () => {
  for (const n of Object.values(NOTICES))
    it(`${n.kind}: data of its notification kind, figures in minimal units`, () => {
      const notice = noticeOf(n, 9, names, 'KRW');
      if (n.kind === 'copy_placed') {
        // told when its result is known
        expect(notice).toBeNull();
        return;
      }
      expect(notice).not.toBeNull();
      const read = readNotice(notice!.kind, JSON.parse(JSON.stringify(notice!.data)));
      expect(read, JSON.stringify(notice)).not.toBeNull();
      // The copy it is about (a leader's fill copied by many is about none).
      if (n.kind !== 'fill_mirrored') expect(read!.data).toMatchObject({ subscriptionId: 9 });
      // Nothing in words: every string is a nickname, an id, an asset or a code.
      for (const v of Object.values(notice!.data))
        if (typeof v === 'string') expect(v).toMatch(/^(kim|lee|LPJ-KRW|KRW|buy|sell|[a-z_]+|[A-Z_]+)$/);
    });

  it('names the amounts of a copy in the asset copies are funded in', () => {
    expect(noticeOf(NOTICES.subscribed, 9, names, 'KRW')!.data).toEqual({
      subscriptionId: 9,
      change: 'subscribed',
      leader: 'kim',
      amount: 2_000_000,
      asset: 'KRW',
    });
  });
});
