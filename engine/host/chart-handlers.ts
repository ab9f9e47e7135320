/**
 * The price chart's chosen studies, kept in app.db beside the settings: a stored list that no longer
 * validates (a hand edit, an older app's shape) gives the defaults rather than an error.
 */
import { ChartIndicators, DEFAULT_CHART_INDICATORS, type ChartIndicator } from '../protocol/chart-indicators';
import type { SettingsStore } from './settings-store';

const KEY = 'chart.indicators';

export function chartHandlers(settings: SettingsStore) {
  return {
    'chart.indicators': () => ({ indicators: settings.getValue(KEY, ChartIndicators, DEFAULT_CHART_INDICATORS) }),
    'chart.setIndicators': ({ indicators }: { indicators: ChartIndicator[] }) => {
      settings.setValue(KEY, indicators);
      return { indicators };
    },
  };
}
