import { lazy, Suspense, useEffect } from 'react';
import { Header } from './components/Header';
import { NavRail } from './components/NavRail';
import { StatusBar } from './components/StatusBar';
import { useEngine } from './stores/engine-store';
import { useRoute } from './stores/route-store';
import { useSettings } from './stores/settings-store';

// Every screen is a chunk of its own, so the start-up script is the shell only and evaluates in a short task.
// The Market screen, shown first, is asked for at once — in a task of its own, as its import adds a preload
// link for each chunk and style sheet it needs — and evaluated in another; the others load when first opened.
const marketScreen = new Promise((start) => setTimeout(start, 0)).then(() => import('./screens/MarketScreen'));
const MarketScreen = lazy(() => marketScreen.then((m) => ({ default: m.MarketScreen })));
const MarketsScreen = lazy(() => import('./screens/markets/MarketsScreen').then((m) => ({ default: m.MarketsScreen })));
const CopyScreen = lazy(() => import('./screens/copy/CopyScreen').then((m) => ({ default: m.CopyScreen })));
const ProfileScreen = lazy(() => import('./screens/profile/ProfileScreen').then((m) => ({ default: m.ProfileScreen })));
const RankingScreen = lazy(() => import('./screens/ranking/RankingScreen').then((m) => ({ default: m.RankingScreen })));
const SettingsScreen = lazy(() => import('./screens/SettingsScreen').then((m) => ({ default: m.SettingsScreen })));
const PortfolioScreen = lazy(() =>
  import('./screens/portfolio/PortfolioScreen').then((m) => ({ default: m.PortfolioScreen })),
);
const HistoryScreen = lazy(() => import('./screens/history/HistoryScreen').then((m) => ({ default: m.HistoryScreen })));
const ResultsScreen = lazy(() => import('./screens/results/ResultsScreen').then((m) => ({ default: m.ResultsScreen })));

export function App() {
  const route = useRoute((s) => s.route);
  const trader = useRoute((s) => s.trader);
  const theme = useSettings((s) => s.settings?.theme ?? 'dark');
  const language = useSettings((s) => s.settings?.language ?? 'en');
  const colours = useSettings((s) => s.settings?.colours ?? 'red-up');

  useEffect(() => {
    void useEngine.getState().load();
    void useSettings.getState().load();
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.dataset.updown = colours;
    document.documentElement.lang = language;
  }, [theme, colours, language]);

  return (
    <div className="app">
      <Header />
      <NavRail />
      <main className={route === 'market' ? 'content content-market' : 'content'}>
        <Suspense fallback={null}>
          {route === 'market' && <MarketScreen />}
          {route === 'markets' && <MarketsScreen />}
          {route === 'portfolio' && <PortfolioScreen />}
          {route === 'ranking' && (trader ? <ProfileScreen nickname={trader} /> : <RankingScreen />)}
          {route === 'copy' && <CopyScreen />}
          {route === 'history' && <HistoryScreen />}
          {route === 'results' && <ResultsScreen />}
          {route === 'settings' && <SettingsScreen />}
        </Suspense>
      </main>
      <StatusBar />
    </div>
  );
}
