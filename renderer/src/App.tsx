import { useEffect } from 'react';
import { Header } from './components/Header';
import { NavRail } from './components/NavRail';
import { StatusBar } from './components/StatusBar';
import { ComingSoon } from './screens/ComingSoon';
import { MarketScreen } from './screens/MarketScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { useEngine } from './stores/engine-store';
import { useRoute } from './stores/route-store';
import { useSettings } from './stores/settings-store';

export function App() {
  const route = useRoute((s) => s.route);
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
        {route === 'ranking' && <ComingSoon title="nav.ranking" body="coming.ranking" />}
        {route === 'copy' && <ComingSoon title="nav.copy" body="coming.copy" />}
        {route === 'settings' && <SettingsScreen />}
      </main>
      <StatusBar />
    </div>
  );
}
