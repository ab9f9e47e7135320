/**
 * The offline practice journal as an outbox for the sync server's backup (`SyncClient.syncPractice`): my
 * orders, fills and cancels, read straight from the practice market's event journal after a cursor. The
 * journal is the source of truth, so the outbox keeps no copy, only how far it has been uploaded — per server
 * and account, in app.db.
 *
 * Each entry's local id is its journal position (market, sequence number, time), so uploading an entry twice
 * (a crash between the upload and the cursor save, or a second device) changes nothing on the server.
 */
import { z } from 'zod';
import type { EngineEvent } from '../core/matching/types';
import type { PracticeEntry } from '../protocol/sync';
import type { PracticeOutbox } from '../node/sync/sync-client';
import { PRACTICE_USER, type PracticeMarket } from './practice-market';
import type { SettingsStore } from './settings-store';

/** Journal events read per scan step: the simulated traders write many events for each of mine. */
const SCAN_PAGE = 20_000;

function entryOf(e: EngineEvent): PracticeEntry | undefined {
  const base = { localId: `${e.market}:${e.seq}:${e.ts}`, market: e.market, ts: e.ts };
  switch (e.type) {
    case 'accepted':
      if (e.account !== PRACTICE_USER) return undefined;
      return {
        ...base,
        kind: 'order',
        data: {
          orderId: e.orderId,
          side: e.side,
          type: e.orderType,
          timeInForce: e.timeInForce,
          price: e.price ?? null,
          stopPrice: e.stopPrice ?? null,
          quantity: e.quantity ?? null,
          quoteAmount: e.quoteAmount ?? null,
        },
      };
    case 'trade': {
      const maker = e.makerAccount === PRACTICE_USER;
      if (!maker && e.takerAccount !== PRACTICE_USER) return undefined;
      const side = maker ? (e.takerSide === 'buy' ? 'sell' : 'buy') : e.takerSide;
      return {
        ...base,
        kind: 'fill',
        data: {
          tradeId: e.tradeId,
          orderId: maker ? e.makerOrderId : e.takerOrderId,
          side,
          price: e.price,
          quantity: e.quantity,
          quoteAmount: e.quoteAmount,
          fee: maker ? e.makerFee : e.takerFee,
          liquidity: maker ? 'maker' : 'taker',
        },
      };
    }
    case 'cancelled':
    case 'expired':
      if (e.account !== PRACTICE_USER) return undefined;
      return { ...base, kind: 'cancel', data: { orderId: e.orderId, remaining: e.remaining, reason: e.reason } };
    default:
      return undefined;
  }
}

export class PracticeJournalOutbox implements PracticeOutbox {
  /** Journal position the last `pending` call read up to (the cursor moves there once its entries are stored). */
  private scannedTo = 0;
  private readonly key: string;

  constructor(
    private readonly practice: PracticeMarket,
    private readonly settings: SettingsStore,
    /** Whose backup this is: the same journal is uploaded separately to each server and account. */
    owner: string,
  ) {
    this.key = `live.practiceCursor:${owner}`;
  }

  private get cursor(): number {
    return this.settings.getValue(this.key, z.number().int().min(0), 0);
  }

  pending(limit: number): PracticeEntry[] {
    const market = this.practice.market.id;
    const entries: PracticeEntry[] = [];
    let at = this.cursor;
    for (;;) {
      const events = this.practice.journal.eventsSince(market, at, SCAN_PAGE);
      if (events.length === 0) break;
      for (const e of events) {
        at = e.seq;
        const entry = entryOf(e);
        if (entry) entries.push(entry);
        if (entries.length >= limit) break;
      }
      if (entries.length >= limit) break;
    }
    this.scannedTo = at;
    // Nothing of mine in what was scanned: there is nothing to wait for before moving past it.
    if (entries.length === 0 && at > this.cursor) this.settings.setValue(this.key, at);
    return entries;
  }

  markSynced(localIds: string[]): void {
    if (localIds.length > 0) this.settings.setValue(this.key, this.scannedTo);
  }
}
