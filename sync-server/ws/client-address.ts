/**
 * The client address that per-address limits count by (WebSocket connection caps, HTTP rate limits): the
 * connecting socket's address, with an IPv4-mapped IPv6 address read as the IPv4 one, and an IPv6 address cut
 * to its /64 — one machine is usually handed a whole /64, so counting single IPv6 addresses would let it take
 * 2^64 shares of every limit. Proxy headers are not read: the server is reached directly.
 */
import { isIPv6 } from 'node:net';

export function clientAddress(address: string | undefined): string {
  if (!address) return 'unknown';
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice(7);
  if (!isIPv6(address)) return address;
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded and a zone id dropped. */
function ipv6Groups(address: string): string[] {
  const [head, tail] = address.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  // A trailing dotted IPv4 part (::1.2.3.4) is two groups.
  const last = right.length ? right : left;
  if (last.length && last[last.length - 1].includes('.')) {
    const [a, b, c, d] = last.pop()!.split('.').map(Number);
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => parseInt(g, 16).toString(16));
}
