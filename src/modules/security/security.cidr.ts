import { isIPv4, isIPv6 } from 'node:net';
import { AppError } from '../../platform/errors.ts';

/**
 * IP addresses and CIDR ranges: validation, one canonical text form (so that '2001:DB8:0::1' and
 * '2001:db8::1' count as one source), and the subnet a client belongs to (/24 for IPv4, /64 for IPv6).
 */

export interface Cidr {
  /** Canonical form: network address (host bits cleared) and prefix, e.g. '203.0.113.0/24', '2001:db8::/64'. */
  cidr: string;
  network: string;
  prefix: number;
  family: 4 | 6;
}

/** The shortest prefixes a block may have: wider ranges are almost surely a typo (and would lock out a continent). */
export const MIN_PREFIX = { 4: 8, 6: 16 } as const;

function parseV4(s: string): number[] | null {
  if (!isIPv4(s)) return null;
  return s.split('.').map(Number);
}

/** Eight 16-bit groups, or null. Accepts '::' compression and a trailing dotted IPv4 part. */
function parseV6(input: string): number[] | null {
  const s = input.split('%')[0]; // zone id (fe80::1%eth0) is local detail
  if (!isIPv6(s)) return null;
  let head = s;
  let tail4: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) !== -1) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (!v4) return null;
    tail4 = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    head = s.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1); // keep a '::' that ends right before the IPv4 part
  }
  const [l, r] = head.includes('::') ? head.split('::') : [head, null];
  const left = l ? l.split(':').filter((x) => x !== '').map((x) => parseInt(x, 16)) : [];
  const right = r ? r.split(':').filter((x) => x !== '').map((x) => parseInt(x, 16)) : [];
  const fill = 8 - left.length - right.length - tail4.length;
  if (r === null && fill !== 0) return null;
  if (fill < 0) return null;
  const groups = [...left, ...new Array(r === null ? 0 : fill).fill(0), ...right, ...tail4];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as '::'. */
function formatV6(g: number[]): string {
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/**
 * The canonical text of a client address, or null when it is not an IP address. IPv4-mapped IPv6
 * ('::ffff:203.0.113.9', what a dual-stack socket reports) becomes the IPv4 address.
 */
export function normalizeIp(ip: string | undefined | null): string | null {
  if (!ip) return null;
  if (isIPv4(ip)) return ip;
  const g = parseV6(ip);
  if (!g) return null;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  }
  return formatV6(g);
}

export function familyOf(ip: string): 4 | 6 | null {
  return isIPv4(ip) ? 4 : isIPv6(ip) ? 6 : null;
}

function maskGroups(groups: number[], bitsPerGroup: number, prefix: number): number[] {
  return groups.map((v, i) => {
    const keep = Math.max(0, Math.min(bitsPerGroup, prefix - i * bitsPerGroup));
    if (keep === 0) return 0;
    if (keep === bitsPerGroup) return v;
    const mask = ((1 << keep) - 1) << (bitsPerGroup - keep);
    return v & mask;
  });
}

/**
 * Parses '203.0.113.7', '203.0.113.0/24', '2001:db8::/64' (an address alone is /32 or /128). Host bits
 * are cleared ('203.0.113.7/24' → '203.0.113.0/24'). Anything else is a 400 with the reason.
 */
export function parseCidr(input: string): Cidr {
  const raw = String(input ?? '').trim();
  const bad = (why: string) => new AppError('validation_failed', `invalid CIDR ${JSON.stringify(raw.slice(0, 60))}: ${why}`);
  if (!raw) throw bad('empty');
  const parts = raw.split('/');
  if (parts.length > 2) throw bad('more than one "/"');
  const [addr, p] = parts;
  const v4 = parseV4(addr);
  const v6 = v4 ? null : parseV6(addr);
  if (!v4 && !v6) throw bad('not an IPv4 or IPv6 address (expected e.g. 203.0.113.0/24 or 2001:db8::/64)');
  const family: 4 | 6 = v4 ? 4 : 6;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (p !== undefined) {
    if (!/^[0-9]{1,3}$/.test(p)) throw bad(`prefix must be a number 0–${max}`);
    prefix = Number(p);
    if (prefix > max) throw bad(`prefix must be at most /${max} for IPv${family}`);
  }
  if (prefix < MIN_PREFIX[family]) throw bad(`prefix /${prefix} is too wide; the widest allowed is /${MIN_PREFIX[family]} for IPv${family}`);
  const network = family === 4 ? maskGroups(v4!, 8, prefix).join('.') : formatV6(maskGroups(v6!, 16, prefix));
  return { cidr: `${network}/${prefix}`, network, prefix, family };
}

/** The subnet a client address belongs to for flood counting: /24 (IPv4) or /64 (IPv6). */
export function subnetOf(ip: string): string | null {
  if (isIPv4(ip)) return `${ip.slice(0, ip.lastIndexOf('.'))}.0/24`;
  const v6 = parseV6(ip);
  if (v6) return `${formatV6([v6[0], v6[1], v6[2], v6[3], 0, 0, 0, 0])}/64`;
  return null;
}

/** Loopback addresses (a reverse proxy without TRUST_PROXY makes every client look like one). */
export function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}
