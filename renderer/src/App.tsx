import { useEffect } from 'react';
import { Header } from './components/Header';
import { NavRail } from './components/NavRail';
import { StatusBar } from './components/StatusBar';
import { CopyScreen } from './screens/copy/CopyScreen';
import { MarketScreen } from './screens/MarketScreen';
import { ProfileScreen } from './screens/profile/ProfileScreen';
import { RankingScreen } from './screens/ranking/RankingScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { useEngine } from './stores/engine-store';
import { useRoute } from './stores/route-store';
import { useSettings } from './stores/settings-store';

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
        {route === 'ranking' && (trader ? <ProfileScreen nickname={trader} /> : <RankingScreen />)}
        {route === 'copy' && <CopyScreen />}
        {route === 'settings' && <SettingsScreen />}
      </main>
      <StatusBar />
    </div>
  );
}
