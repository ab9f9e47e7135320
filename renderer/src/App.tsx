import { lazy, Suspense, useEffect } from 'react';
import { Header } from './components/Header';
import { NavRail } from './components/NavRail';
import { StatusBar } from './components/StatusBar';
import { MarketScreen } from './screens/MarketScreen';
import { useEngine } from './stores/engine-store';
import { useRoute } from './stores/route-store';
import { useSettings } from './stores/settings-store';

// The other screens are chunks of their own, loaded when first opened: the start-up script is then the shell
// and the Market screen only, and evaluates in a shorter task.
const CopyScreen = lazy(() => import('./screens/copy/CopyScreen').then((m) => ({ default: m.CopyScreen })));
const ProfileScreen = lazy(() => import('./screens/profile/ProfileScreen').then((m) => ({ default: m.ProfileScreen })));
const RankingScreen = lazy(() => import('./screens/ranking/RankingScreen').then((m) => ({ default: m.RankingScreen })));
const SettingsScreen = lazy(() => import('./screens/SettingsScreen').then((m) => ({ default: m.SettingsScreen })));

export function App() {
  const route = useRoute((s) => s.route);
  const trader = useRoute((s) => s.trader);
  const theme = useSettings((s) => s.settings?.theme ?? 'dark');
  const language = useSettings((s) => s.settings?.language ?? 'en');

  useEffect(() => {
    void useEngine.getState().load();
    void useSettings.getState().load();
  }, []);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.lang = language;
  }, [theme, language]);

  return (
    <div className="app">
      <Header />
      <NavRail />
      <main className={route === 'market' ? 'content content-market' : 'content'}>
        {route === 'market' && <MarketScreen />}
        <Suspense fallback={null}>
          {route === 'ranking' && (trader ? <ProfileScreen nickname={trader} /> : <RankingScreen />)}
          {route === 'copy' && <CopyScreen />}
          {route === 'settings' && <SettingsScreen />}
        </Suspense>
      </main>
      <StatusBar />
    </div>
  );
}
