import { create } from 'zustand';
import { api } from '../api';

export const routes = ['market', 'markets', 'portfolio', 'ranking', 'copy', 'history', 'results', 'settings'] as const;
export type Route = (typeof routes)[number];

function fromHash(): Route {
  const name = location.hash.replace(/^#\/?/, '');
  if (traderFromHash() !== null) return 'ranking';
  return (routes as readonly string[]).includes(name) ? (name as Route) : 'market';
}

/** `#/trader/<nickname>` (percent-encoded, as playground777://trader/<nickname> links arrive): the nickname. */
function traderFromHash(): string | null {
  const match = /^#\/trader\/([^/]+)$/.exec(location.hash);
  if (!match) return null;
  try {
    const nickname = decodeURIComponent(match[1]).trim();
    return nickname ? nickname : null;
  } catch {
    return null; // a malformed escape is no trader
  }
}

/** The hash of a trader's profile. */
export function traderHash(nickname: string): string {
  return `#/trader/${encodeURIComponent(nickname)}`;
}

interface RouteState {
  route: Route;
  /** Whose profile is open (it belongs under Ranking in the navigation); null on every other screen. */
  trader: string | null;
  go(route: Route): void;
  openTrader(nickname: string): void;
}

/** Routes live in the URL hash so that reload, back/forward and deep links land on the same screen. */
export const useRoute = create<RouteState>((set) => ({
  route: fromHash(),
  trader: traderFromHash(),
  go(route) {
    if (location.hash !== `#/${route}`) location.hash = `#/${route}`;
    set({ route, trader: null });
  },
  openTrader(nickname) {
    const hash = traderHash(nickname);
    if (location.hash !== hash) location.hash = hash;
    set({ route: 'ranking', trader: nickname });
  },
}));

window.addEventListener('hashchange', () => useRoute.setState({ route: fromHash(), trader: traderFromHash() }));

// The desktop shell's menu and playground777:// links ask for a screen through the host.
api.onEvent((event) => {
  if (event.name === 'app.navigate' && location.hash !== event.payload.hash) location.hash = event.payload.hash;
});
