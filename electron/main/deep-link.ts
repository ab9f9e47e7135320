/**
 * Links of the form playground777://… that the operating system hands to the app (a shared trader profile,
 * say). Parsed strictly: anything else is ignored, since the URL comes from outside the app.
 */
export const DEEP_LINK_SCHEME = 'playground777';

/** The screens a deep link may open, as the renderer's hash routes. */
export type DeepLinkTarget =
  | { route: 'market' | 'markets' | 'portfolio' | 'ranking' | 'copy' | 'history' | 'settings' }
  | { route: 'trader'; nickname: string };

const SCREENS = new Set(['market', 'markets', 'portfolio', 'ranking', 'copy', 'history', 'settings']);
const NICKNAME = /^[\p{L}\p{N}_]{2,20}$/u;

export function parseDeepLink(raw: string): DeepLinkTarget | null {
  if (typeof raw !== 'string' || raw.length > 200) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) return null;
  // playground777://trader/kim parses with host "trader" and path "/kim".
  const parts = [url.hostname, ...url.pathname.split('/')].filter(Boolean).map((p) => decodeURIComponent(p));
  if (parts.length === 1 && SCREENS.has(parts[0])) return { route: parts[0] as 'market' };
  if (parts.length === 2 && parts[0] === 'trader' && NICKNAME.test(parts[1]))
    return { route: 'trader', nickname: parts[1] };
  return null;
}

/** The renderer hash for a target. */
export function hashFor(target: DeepLinkTarget): string {
  return target.route === 'trader' ? `#/trader/${encodeURIComponent(target.nickname)}` : `#/${target.route}`;
}

/** The deep link among a second instance's command-line arguments (Windows and Linux pass it there). */
export function deepLinkInArgs(argv: readonly string[]): string | undefined {
  return argv.find((a) => a.startsWith(`${DEEP_LINK_SCHEME}://`));
}
