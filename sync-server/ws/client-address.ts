/**
 * The client address that per-address limits count by — WebSocket connection caps here, HTTP rate limits in
 * http/rate-limits.ts — normalised the way @fastify/rate-limit keys its HTTP limits, so both count the same
 * client as one: the connecting socket's address, an IPv4-mapped IPv6 address read as the IPv4 one, and an
 * IPv6 address cut to its /64 (one machine is usually handed a whole /64, so counting single IPv6 addresses
 * would give it 2^64 shares of every limit). Proxy headers are not read: the server is reached directly.
 */
import { normalizeIP } from '@fastify/rate-limit';

export function clientAddress(address: string | undefined): string {
  return address ? normalizeIP(address) : 'unknown';
}
