/**
 * Finds a Chromium for the e2e tests, installing one if none is found: Debian's `chromium` package when running
 * as root on Debian/Ubuntu (what CI here has), otherwise Playwright's own build. Prints what it does; prints the
 * executable path as its last line (empty when Playwright's bundled browser should be used).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
].filter(Boolean);

export function findChromium({ install = true } = {}) {
  for (const path of candidates) if (existsSync(path)) return path;
  if (!install) return null;

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get') && existsSync('/etc/debian_version');
  if (isRoot && hasApt) {
    console.log(
      "[chromium] none found: installing Debian's chromium package (apt-get install -y chromium fonts-noto-cjk)",
    );
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-noto-cjk'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
    throw new Error('apt-get installed chromium but /usr/bin/chromium is missing');
  }
  console.log("[chromium] none found: installing Playwright's Chromium (npx playwright install chromium)");
  const r = spawnSync('npx', ['playwright', 'install', 'chromium'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (r.status !== 0)
    throw new Error('could not install a Chromium; set CHROMIUM_PATH to an installed Chrome or Chromium');
  return '';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = findChromium();
  console.log(path ?? '');
}
