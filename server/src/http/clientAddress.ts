import { isIPv4, isIPv6 } from 'node:net';
import type { IncomingMessage } from 'node:http';

/**
 * The address a request's limits are counted under.
 *
 * With `trustedProxyHops = 0` (the default, `TRUST_PROXY` unset) it is the TCP
 * peer: `X-Forwarded-For` is ignored, because any client can write it. Behind
 * N reverse proxies that each append the address they received the request
 * from, the client is the N-th entry from the right of `X-Forwarded-For`
 * (the rightmost entries are the ones our own proxies wrote; anything left of
 * them came from the client and proves nothing). When the header is shorter
 * than the trusted chain, the leftmost entry is the best we know.
 *
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) counts as the IPv4 address; other IPv6
 * addresses count per /64, since one home or phone usually gets a whole /64
 * and could otherwise rotate through 2⁶⁴ addresses.
 *
 * @example
 *   clientAddress(req, 0) // '203.0.113.7' (the socket's peer)
 *   clientAddress(req, 1) // last X-Forwarded-For entry, written by our one proxy
 */
export function clientAddress(req: IncomingMessage, trustedProxyHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedProxyHops <= 0) return addressKey(peer);
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  // The chain as seen from here: client, proxies…, then the peer that connected to us.
  const chain = [...forwarded, peer];
  const index = Math.max(0, chain.length - 1 - trustedProxyHops);
  return addressKey(chain[index]);
}

/** Normalises one address into the key limits are counted under (see `clientAddress`). */
export function addressKey(raw: string): string {
  let address = raw.trim();
  // "[2001:db8::1]:443" or "198.51.100.2:5000" as some proxies write them.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1];
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return `${ipv6Prefix64(address)}::/64`;
  // Not an address at all (a proxy wrote garbage, or "unknown"): one shared key, so it cannot multiply keys.
  return 'unparsed';
}

/** The first four 16-bit groups of an IPv6 address, each without leading zeros. */
function ipv6Prefix64(address: string): string {
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const headGroups = head ? head.split(':') : [];
  let groups: string[];
  if (tail === undefined) groups = headGroups;
  else {
    const tailGroups = tail ? tail.split(':') : [];
    // An embedded IPv4 tail counts as two groups; only the first four groups matter here anyway.
    const tailCount = tailGroups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
    groups = [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailCount)).fill('0'), ...tailGroups];
  }
  return groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':');
}
