/**
 * Who is subscribed to what on this process's sockets: sessions by channel key (MarketData.key), and the
 * fan-out of a public message to them, serialised and framed once with the same bytes written to every
 * subscriber. The single process and a cluster gateway keep their subscribers the same way.
 */
import type { ServerMessage } from '../../engine/protocol/sync';
import { textFrame } from '../ws/frames';
import type { Session } from '../ws/session';

export class Subscribers {
  private readonly byKey = new Map<string, Set<Session>>();

  add(session: Session, key: string): void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(session);
    session.subscriptions.add(key);
  }

  remove(session: Session, key: string): void {
    this.byKey.get(key)?.delete(session);
    session.subscriptions.delete(key);
  }

  /** Forgets a session that is gone: every subscription it held. */
  drop(session: Session): void {
    for (const key of session.subscriptions) this.byKey.get(key)?.delete(session);
    session.subscriptions.clear();
  }

  count(): number {
    let n = 0;
    for (const set of this.byKey.values()) n += set.size;
    return n;
  }

  /** Sends `msg` to every subscriber of `key`; serialises nothing when there is none. */
  publish(key: string, msg: ServerMessage): void {
    const set = this.byKey.get(key);
    if (!set || set.size === 0) return;
    const frame = textFrame(JSON.stringify(msg));
    for (const s of set) s.sendFrame(frame);
  }
}
