/**
 * The API methods of the live LPJ market and of my notifications (see ../protocol/api: live.*,
 * notifications.*). Order refusals by the server's engine are answers (`rejected` with its reason); not being
 * signed in or connected is an error the UI shows as such.
 */
import type { OrderRequest } from '../protocol/api';
import type { CandleInterval } from '../protocol/sync';
import type { LiveMarket } from './live-market';

export function liveHandlers(live: LiveMarket) {
  return {
    'live.status': () => live.status(),
    'live.setServer': ({ url }: { url: string }) => live.setServer(url),
    'live.signUp': ({ nickname, password }: { nickname: string; password: string }) => live.signUp(nickname, password),
    'live.signIn': ({ nickname, password }: { nickname: string; password: string }) => live.signIn(nickname, password),
    'live.signOut': () => live.signOut(),
    'live.deleteAccount': ({ password }: { password: string }) => live.deleteAccount(password),
    'live.state': () => live.state(),
    'live.candles': ({ interval, limit, before }: { interval: CandleInterval; limit: number; before?: number }) =>
      live.candles(interval, limit, before),
    'live.place': (order: OrderRequest) => live.place(order),
    'live.cancel': ({ orderId }: { orderId: number }) => live.cancel(orderId),
    'live.cancelAll': () => live.cancelAll(),
    'notifications.list': () => live.notifications.list(),
    'notifications.markRead': (change: { ids?: number[]; all?: boolean }) => live.notifications.markRead(change),
  };
}
