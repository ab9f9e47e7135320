import { create } from 'zustand';
import { api } from '../api';

export const routes = ['market', 'ranking', 'copy', 'settings'] as const;
export type Route = (typeof routes)[number];

function fromHash(): Route {
  const name = location.hash.replace(/^#\/?/, '');
  return (routes as readonly string[]).includes(name) ? (name as Route) : 'market';
}

interface RouteState {
  route: Route;
  go(route: Route): void;
}

/** Routes live in the URL hash so that reload, back/forward and deep links land on the same screen. */
export const useRoute = create<RouteState>((set) => ({
  route: fromHash(),
  go(route) {
    if (location.hash !== `#/${route}`) location.hash = `#/${route}`;
    set({ route });
  },
}));

window.addEventListener('hashchange', () => useRoute.setState({ route: fromHash() }));

// The desktop shell's menu and playground777:// links ask for a screen through the host.
api.onEvent((event) => {
  if (event.name === 'app.navigate' && location.hash !== event.payload.hash) location.hash = event.payload.hash;
});
