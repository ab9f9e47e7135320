/**
 * Finds a `nats-server` for the cluster tests, installing one if none is found: Debian's `nats-server` package
 * when running as root on Debian/Ubuntu (what CI here has). Elsewhere it says how to get one and the cluster
 * tests skip, naming the reason. Prints the executable path as its last line (empty when there is none).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const candidates = [
  process.env.NATS_SERVER_PATH,
  '/usr/sbin/nats-server',
  '/usr/bin/nats-server',
  '/usr/local/bin/nats-server',
].filter(Boolean);

export function findNatsServer({ install = true } = {}) {
  for (const path of candidates) if (existsSync(path)) return path;
  if (!install) return null;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get') && existsSync('/etc/debian_version');
  if (!isRoot || !hasApt) {
    console.log(
      '[nats-server] none found and not root on Debian: the cluster tests will be skipped (install nats-server, or set NATS_SERVER_PATH)',
    );
    return null;
  }
  console.log("[nats-server] none found: installing Debian's nats-server package (apt-get install -y nats-server)");
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'nats-server'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  for (const path of candidates) if (existsSync(path)) return path;
  throw new Error('apt-get installed nats-server but no nats-server executable was found');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(findNatsServer() ?? '');
}
