import type { LpjApi } from '@protocol/client';
import { API_PATH, BRIDGE_KEY_META } from '@protocol/web-bridge';
import { createWsApi } from './ws-client';

declare global {
  interface Window {
    /** Set by the Electron preload. Absent in a browser, where the web bridge carries the same API. */
    lpj?: LpjApi;
  }
}

function resolveApi(): LpjApi {
  if (window.lpj) return window.lpj;
  // Web mode: the bridge wrote this launch's key into the page; without it the bridge lets no one in.
  const key = document.querySelector<HTMLMetaElement>(`meta[name="${BRIDGE_KEY_META}"]`)?.content ?? '';
  return createWsApi(new URL(API_PATH, location.href), key);
}

export const api: LpjApi = resolveApi();
