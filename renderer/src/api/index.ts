import type { LpjApi } from '../../../engine/protocol/client';
import { createWsApi } from './ws-client';

declare global {
  interface Window {
    /** Set by the Electron preload. Absent in a browser, where the web bridge carries the same API. */
    lpj?: LpjApi;
  }
}

function resolveApi(): LpjApi {
  if (window.lpj) return window.lpj;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWsApi(`${scheme}//${location.host}/api`);
}

export const api: LpjApi = resolveApi();
