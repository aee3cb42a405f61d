// IP → country, ASN and AS organisation, offline, from the CSVs shipped in @ip-location-db/asn and
// @ip-location-db/geo-whois-asn-country (attribution in ../data/NOTICE.md), plus "is this a data-centre
// network" from ../data/hosting-asns.json.
//
// Each of the four tables (IPv4/IPv6 × ASN/country) is parsed straight from the file bytes into sorted
// typed arrays of inclusive ranges (IPv4: one Uint32 per address; IPv6: four big-endian Uint32 words) and
// looked up by binary search. Tables load lazily on the first lookup that needs them (synchronously, so
// that first lookup pays the parse); call `warm()` at server start to pay it up front without blocking
// the event loop on file reads. The packages' files contain a few nested/overlapping ranges (a /32 inside
// a /24 of another country); the innermost (latest-starting) range wins, via a parent chain computed at
// load time, only when the file has overlaps.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dataFile, packageFile } from './data-dir.ts';

export interface IpInfo {
  /** ISO 3166-1 alpha-2 of the network's registration/geofeed (not the device's location). */
  country: string | null;
  asn: number | null;
  asOrg: string | null;
  /** Not a public unicast address: RFC 1918, loopback, link-local, CGNAT, documentation, multicast, … */
  isPrivate: boolean;
  /** The ASN is a well-known cloud/hosting/data-centre network (../data/hosting-asns.json). */
  isHosting: boolean;
}

export interface IpDataFiles {
  asnV4: string;
  asnV6: string;
  countryV4: string;
  countryV6: string;
}

export function defaultIpDataFiles(): IpDataFiles {
  return {
    asnV4: packageFile('@ip-location-db/asn', 'asn-ipv4-num.csv'),
    asnV6: packageFile('@ip-location-db/asn', 'asn-ipv6.csv'),
    countryV4: packageFile('@ip-location-db/geo-whois-asn-country', 'geo-whois-asn-country-ipv4-num.csv'),
    countryV6: packageFile('@ip-location-db/geo-whois-asn-country', 'geo-whois-asn-country-ipv6.csv'),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Address parsing

/** IPv4 as an unsigned 32-bit number, or IPv6 as four big-endian 32-bit words. */
export type ParsedIp = { v: 4; n: number } | { v: 6; w: [number, number, number, number] };

/**
 * Parses dotted-quad IPv4 or any IPv6 text form (`::`, embedded dotted quad, `%zone`, `[brackets]`).
 * IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses come back as IPv4. null if invalid.
 */
export function parseIp(input: string): ParsedIp | null {
  if (typeof input !== 'string') return null;
  let s = input.trim();
  if (s.length === 0 || s.length > 100) return null;
  if (s.indexOf(':') < 0) {
    const n = parseV4(s, 0, s.length);
    return n < 0 ? null : { v: 4, n };
  }
  if (s.charCodeAt(0) === 91 /* [ */) {
    const close = s.indexOf(']');
    if (close < 0) return null;
    s = s.slice(1, close);
  }
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const w: [number, number, number, number] = [0, 0, 0, 0];
  if (!parseV6(s, 0, s.length, w)) return null;
  if (w[0] === 0 && w[1] === 0 && w[2] === 0xffff) return { v: 4, n: w[3] }; // ::ffff:a.b.c.d
  if (w[0] === 0x0064ff9b && w[1] === 0 && w[2] === 0) return { v: 4, n: w[3] }; // 64:ff9b::/96 (NAT64)
  return { v: 6, w };
}

/** Dotted quad in s[from, to) → uint32, or -1. */
function parseV4(s: string, from: number, to: number): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46 /* . */) {
      if (digits === 0 || parts === 3) return -1;
      n = n * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else return -1;
  }
  if (digits === 0 || parts !== 3) return -1;
  return n * 256 + part;
}

const groups = new Array<number>(8);

/** IPv6 text in s[from, to) → four words in `out`. */
function parseV6(s: string, from: number, to: number, out: number[]): boolean {
  let ng = 0; // groups parsed
  let gap = -1; // index in groups where '::' was
  let i = from;
  if (to - from >= 2 && s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
  } else if (s.charCodeAt(i) === 58) return false;
  while (i < to) {
    // one group: up to 4 hex digits, or a trailing dotted quad
    let v = 0;
    let d = 0;
    const gStart = i;
    while (i < to) {
      const c = s.charCodeAt(i);
      let h: number;
      if (c >= 48 && c <= 57) h = c - 48;
      else if (c >= 97 && c <= 102) h = c - 87;
      else if (c >= 65 && c <= 70) h = c - 55;
      else break;
      v = (v << 4) | h;
      if (++d > 4) break;
      i++;
    }
    if (i < to && s.charCodeAt(i) === 46 /* . */) {
      // embedded IPv4 as the last 32 bits
      const n4 = parseV4(s, gStart, to);
      if (n4 < 0 || ng > 6) return false;
      groups[ng++] = Math.floor(n4 / 65536);
      groups[ng++] = n4 & 0xffff;
      i = to;
      break;
    }
    if (d === 0 || d > 4 || ng === 8) return false;
    groups[ng++] = v;
    if (i === to) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < to && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = ng;
      i++;
    } else if (i === to) return false; // trailing single ':'
  }
  if (gap < 0) {
    if (ng !== 8) return false;
  } else {
    if (ng > 7) return false;
    const move = ng - gap;
    for (let k = 0; k < move; k++) groups[7 - k] = groups[ng - 1 - k];
    for (let k = gap; k < 8 - move; k++) groups[k] = 0;
  }
  for (let k = 0; k < 4; k++) out[k] = (groups[2 * k] * 65536 + groups[2 * k + 1]) >>> 0;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Special-purpose ranges

const PRIVATE_V4: Array<[number, number]> = (
  [
    ['0.0.0.0', 8], // "this network"
    ['10.0.0.0', 8], // RFC 1918
    ['100.64.0.0', 10], // CGNAT, RFC 6598
    ['127.0.0.0', 8], // loopback
    ['169.254.0.0', 16], // link-local
    ['172.16.0.0', 12], // RFC 1918
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.0.2.0', 24], // TEST-NET-1
    ['192.168.0.0', 16], // RFC 1918
    ['198.18.0.0', 15], // benchmarking
    ['198.51.100.0', 24], // TEST-NET-2
    ['203.0.113.0', 24], // TEST-NET-3
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved + broadcast
  ] as Array<[string, number]>
).map(([a, bits]) => {
  const n = parseV4(a, 0, a.length);
  return [n, n + 2 ** (32 - bits) - 1];
});

/** True for addresses that are not public unicast (see IpInfo.isPrivate). */
export function isPrivateParsed(p: ParsedIp): boolean {
  if (p.v === 4) {
    for (const [lo, hi] of PRIVATE_V4) if (p.n >= lo && p.n <= hi) return true;
    return false;
  }
  const w0 = p.w[0];
  if (w0 >>> 29 !== 1) return true; // outside 2000::/3 global unicast: ::, ::1, fc00::/7, fe80::/10, ff00::/8, …
  if (w0 === 0x20010db8) return true; // 2001:db8::/32 documentation
  if (w0 >>> 20 === 0x3ff) return true; // 3fff::/20 documentation (RFC 9637)
  return false;
}

export function isPrivateIp(ip: string): boolean {
  const p = parseIp(ip);
  return p !== null && isPrivateParsed(p);
}

// ---------------------------------------------------------------------------------------------------------
// Hosting ASNs

let hostingMap: Map<number, string> | null = null;

/** ASN → provider name of well-known cloud/hosting networks (../data/hosting-asns.json). */
export function hostingAsns(): ReadonlyMap<number, string> {
  if (!hostingMap) {
    const json = JSON.parse(readFileSync(dataFile('hosting-asns.json'), 'utf8')) as { asns: Array<{ asn: number; name: string }> };
    hostingMap = new Map(json.asns.map((a) => [a.asn, a.name]));
  }
  return hostingMap;
}

export function hostingProvider(asn: number | null | undefined): string | null {
  if (asn === null || asn === undefined) return null;
  return hostingAsns().get(asn) ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Range tables

/** Sorted inclusive ranges; `k` words per address (1 for IPv4, 4 for IPv6). */
interface RangeTable {
  k: 1 | 4;
  n: number;
  start: Uint32Array;
  end: Uint32Array;
  /** ASN (asn tables) or packed 2-letter country code c1 << 8 | c2 (country tables). */
  val: Uint32Array | Uint16Array;
  /** Innermost enclosing earlier range for each row, or -1; null when no two rows overlap. */
  parent: Int32Array | null;
  loadMs: number;
}

function tableBytes(t: RangeTable | null): number {
  if (!t) return 0;
  return t.start.byteLength + t.end.byteLength + t.val.byteLength + (t.parent?.byteLength ?? 0);
}

/** -1, 0, 1 comparing address a (words at ai) and b (words at bi). */
function cmp4(a: Uint32Array, ai: number, b: Uint32Array | number[], bi: number): number {
  for (let k = 0; k < 4; k++) {
    const x = a[ai + k];
    const y = b[bi + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function countLines(buf: Buffer): number {
  let n = 0;
  let p = 0;
  for (;;) {
    const q = buf.indexOf(10, p);
    if (q < 0) {
      if (p < buf.length) n++;
      return n;
    }
    n++;
    p = q + 1;
  }
}

/** Reads a decimal integer at buf[p…] that must end at the byte `stop`; leaves the index of `stop` in uintEnd. */
function readUint(buf: Buffer, p: number, stop: number): number {
  let v = 0;
  let d = 0;
  for (;;) {
    const c = buf[p];
    if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      d++;
      p++;
    } else break;
  }
  if (d === 0 || buf[p] !== stop) throw new Error('bad number');
  uintEnd = p;
  return v;
}
let uintEnd = 0;

const g8 = new Uint16Array(8);

/**
 * IPv6 text in buf[p…] up to the byte `stop` → four words at out[at…]; returns the index of `stop`.
 * Byte-level twin of parseV6 (the data files hold no embedded dotted quads).
 */
function readV6(buf: Buffer, p: number, stop: number, out: Uint32Array, at: number): number {
  let ng = 0;
  let gap = -1;
  let i = p;
  if (buf[i] === 58 && buf[i + 1] === 58) {
    gap = 0;
    i += 2;
  }
  for (;;) {
    const c0 = buf[i];
    if (c0 === stop) break;
    let v = 0;
    let d = 0;
    for (;;) {
      const c = buf[i];
      let h: number;
      if (c >= 48 && c <= 57) h = c - 48;
      else if (c >= 97 && c <= 102) h = c - 87;
      else if (c >= 65 && c <= 70) h = c - 55;
      else break;
      v = (v << 4) | h;
      d++;
      i++;
    }
    if (d === 0 || d > 4 || ng === 8) throw new Error('bad IPv6 address');
    g8[ng++] = v;
    const c = buf[i];
    if (c === stop) break;
    if (c !== 58) throw new Error('bad IPv6 address');
    i++;
    if (buf[i] === 58) {
      if (gap >= 0) throw new Error('bad IPv6 address');
      gap = ng;
      i++;
    }
  }
  if (gap < 0) {
    if (ng !== 8) throw new Error('bad IPv6 address');
  } else {
    const move = ng - gap;
    for (let k = 0; k < move; k++) g8[7 - k] = g8[ng - 1 - k];
    for (let k = gap; k < 8 - move; k++) g8[k] = 0;
  }
  out[at] = ((g8[0] << 16) | g8[1]) >>> 0;
  out[at + 1] = ((g8[2] << 16) | g8[3]) >>> 0;
  out[at + 2] = ((g8[4] << 16) | g8[5]) >>> 0;
  out[at + 3] = ((g8[6] << 16) | g8[7]) >>> 0;
  return i;
}

/**
 * Parses one of the package CSVs. `kind` asn: `start,end,asn,org` (orgs go into `orgs`, first one per ASN
 * wins); country: `start,end,CC`. IPv4 files are the `-num` variants (decimal), IPv6 the textual ones.
 */
function parseTable(buf: Buffer, v: 4 | 6, kind: 'asn' | 'country', orgs: Map<number, string>): RangeTable {
  const t0 = performance.now();
  const lines = countLines(buf);
  const k = v === 4 ? 1 : 4;
  const start = new Uint32Array(lines * k);
  const end = new Uint32Array(lines * k);
  const val = kind === 'asn' ? new Uint32Array(lines) : new Uint16Array(lines);
  let n = 0;
  let p = 0;
  const len = buf.length;
  let line = 0;
  while (p < len) {
    line++;
    if (buf[p] === 10) {
      p++;
      continue;
    }
    try {
      if (v === 4) {
        start[n] = readUint(buf, p, 44);
        end[n] = readUint(buf, uintEnd + 1, 44);
        p = uintEnd + 1;
      } else {
        p = readV6(buf, p, 44, start, n * 4) + 1;
        p = readV6(buf, p, 44, end, n * 4) + 1;
      }
      if (kind === 'asn') {
        const asn = readUint(buf, p, 44);
        p = uintEnd + 1;
        val[n] = asn;
        // organisation: quoted ("" escapes) or bare, up to the end of the line
        let q: number;
        if (buf[p] === 34) {
          q = p + 1;
          for (;;) {
            q = buf.indexOf(34, q);
            if (q < 0) throw new Error('unterminated quote');
            if (buf[q + 1] === 34) q += 2;
            else break;
          }
          if (!orgs.has(asn)) orgs.set(asn, buf.toString('utf8', p + 1, q).replace(/""/g, '"'));
          q = buf.indexOf(10, q);
        } else {
          q = buf.indexOf(10, p);
          if (!orgs.has(asn)) orgs.set(asn, buf.toString('utf8', p, q < 0 ? len : q));
        }
        p = q < 0 ? len : q + 1;
      } else {
        const c1 = buf[p];
        const c2 = buf[p + 1];
        val[n] = c1 >= 65 && c1 <= 90 && c2 >= 65 && c2 <= 90 && (buf[p + 2] === 10 || p + 2 >= len) ? (c1 << 8) | c2 : 0;
        const q = buf.indexOf(10, p);
        p = q < 0 ? len : q + 1;
      }
    } catch (e) {
      throw new Error(`IP data line ${line}: ${(e as Error).message}`);
    }
    n++;
  }
  const table: RangeTable = {
    k,
    n,
    start: start.subarray(0, n * k),
    end: end.subarray(0, n * k),
    val: val.subarray(0, n),
    parent: null,
    loadMs: 0,
  };
  sortIfNeeded(table);
  table.parent = parents(table);
  table.loadMs = performance.now() - t0;
  return table;
}

/** The files are sorted by start (ties: wider range first); re-sort defensively if one is not. */
function sortIfNeeded(t: RangeTable): void {
  const { k, n, start, end } = t;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    const c = k === 1 ? Math.sign(start[i] - start[i - 1]) : cmp4(start, i * 4, start, (i - 1) * 4);
    if (c < 0 || (c === 0 && (k === 1 ? end[i] > end[i - 1] : cmp4(end, i * 4, end, (i - 1) * 4) > 0))) sorted = false;
  }
  if (sorted) return;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    const c = k === 1 ? start[a] - start[b] : cmp4(start, a * 4, start, b * 4);
    if (c !== 0) return c;
    return k === 1 ? end[b] - end[a] : cmp4(end, b * 4, end, a * 4);
  });
  const s2 = new Uint32Array(n * k);
  const e2 = new Uint32Array(n * k);
  const v2 = t.val instanceof Uint16Array ? new Uint16Array(n) : new Uint32Array(n);
  order.forEach((from, to) => {
    for (let j = 0; j < k; j++) {
      s2[to * k + j] = start[from * k + j];
      e2[to * k + j] = end[from * k + j];
    }
    v2[to] = t.val[from];
  });
  t.start = s2;
  t.end = e2;
  t.val = v2;
}

/** Stack sweep: parent[i] = innermost earlier row still open at start[i]. null when there is no overlap. */
function parents(t: RangeTable): Int32Array | null {
  const { k, n, start, end } = t;
  const parent = new Int32Array(n);
  const stack: number[] = [];
  let overlaps = false;
  for (let i = 0; i < n; i++) {
    while (stack.length) {
      const top = stack[stack.length - 1];
      const endsBefore = k === 1 ? end[top] < start[i] : cmp4(end, top * 4, start, i * 4) < 0;
      if (endsBefore) stack.pop();
      else break;
    }
    if (stack.length) {
      parent[i] = stack[stack.length - 1];
      overlaps = true;
    } else parent[i] = -1;
    stack.push(i);
  }
  return overlaps ? parent : null;
}

/** Index of the range containing the address, or -1. */
function find(t: RangeTable, p: ParsedIp): number {
  const { start, end, parent } = t;
  let lo = 0;
  let hi = t.n - 1;
  let at = -1;
  if (p.v === 4) {
    const x = p.n;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (start[mid] <= x) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    while (at >= 0 && end[at] < x) at = parent ? parent[at] : -1;
    return at;
  }
  const w = p.w;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp4(start, mid * 4, w, 0) <= 0) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  while (at >= 0 && cmp4(end, at * 4, w, 0) < 0) at = parent ? parent[at] : -1;
  return at;
}

const countryNames = new Map<number, string>();
function countryName(code: number): string | null {
  if (code === 0) return null;
  let s = countryNames.get(code);
  if (s === undefined) {
    s = String.fromCharCode(code >> 8, code & 0xff);
    countryNames.set(code, s);
  }
  return s;
}

type TableName = keyof IpDataFiles;
const SPEC: Record<TableName, { v: 4 | 6; kind: 'asn' | 'country' }> = {
  asnV4: { v: 4, kind: 'asn' },
  asnV6: { v: 6, kind: 'asn' },
  countryV4: { v: 4, kind: 'country' },
  countryV6: { v: 6, kind: 'country' },
};

export interface IpIntelStats {
  /** Per table: ranges, typed-array bytes and parse time (ms), or null when not loaded yet. */
  tables: Record<TableName, { ranges: number; bytes: number; loadMs: number } | null>;
  asOrgs: number;
}

export interface IpIntelOptions {
  files?: Partial<IpDataFiles>;
  /** Override the hosting ASN list (ASN → provider). */
  hostingAsns?: ReadonlyMap<number, string>;
}

let shared: IpIntel | null = null;

export class IpIntel {
  private readonly files: IpDataFiles;
  private readonly tables: Record<TableName, RangeTable | null> = { asnV4: null, asnV6: null, countryV4: null, countryV6: null };
  private readonly orgs = new Map<number, string>();
  private readonly hosting: ReadonlyMap<number, string> | null;

  constructor(opts: IpIntelOptions = {}) {
    this.files = { ...defaultIpDataFiles(), ...opts.files };
    this.hosting = opts.hostingAsns ?? null;
  }

  /** The process-wide instance over the packaged data (tables shared by every caller). */
  static shared(): IpIntel {
    return (shared ??= new IpIntel());
  }

  /** Loads every table now (file reads are async; each parse is synchronous, ~tens of ms). */
  async warm(): Promise<void> {
    for (const name of Object.keys(SPEC) as TableName[]) {
      if (this.tables[name]) continue;
      const buf = await readFile(this.files[name]);
      if (!this.tables[name]) this.tables[name] = parseTable(buf, SPEC[name].v, SPEC[name].kind, this.orgs);
      await new Promise<void>((r) => setImmediate(r)); // let I/O through between tables
    }
  }

  private table(name: TableName): RangeTable {
    let t = this.tables[name];
    if (!t) {
      t = parseTable(readFileSync(this.files[name]), SPEC[name].v, SPEC[name].kind, this.orgs);
      this.tables[name] = t;
    }
    return t;
  }

  lookup(ip: string): IpInfo {
    const p = parseIp(ip);
    if (p === null) return { country: null, asn: null, asOrg: null, isPrivate: false, isHosting: false };
    return this.lookupParsed(p);
  }

  lookupParsed(p: ParsedIp): IpInfo {
    if (isPrivateParsed(p)) return { country: null, asn: null, asOrg: null, isPrivate: true, isHosting: false };
    const at = p.v === 4 ? this.table('asnV4') : this.table('asnV6');
    const ct = p.v === 4 ? this.table('countryV4') : this.table('countryV6');
    const ai = find(at, p);
    const ci = find(ct, p);
    const asn = ai >= 0 && at.val[ai] !== 0 ? at.val[ai] : null;
    const hosting = this.hosting ?? hostingAsns();
    return {
      country: ci >= 0 ? countryName(ct.val[ci]) : null,
      asn,
      asOrg: asn === null ? null : (this.orgs.get(asn) ?? null),
      isPrivate: false,
      isHosting: asn !== null && hosting.has(asn),
    };
  }

  /** Organisation name of an ASN seen in the loaded tables. */
  asOrg(asn: number): string | null {
    return this.orgs.get(asn) ?? null;
  }

  stats(): IpIntelStats {
    const one = (t: RangeTable | null) => (t ? { ranges: t.n, bytes: tableBytes(t), loadMs: Math.round(t.loadMs * 10) / 10 } : null);
    return {
      tables: { asnV4: one(this.tables.asnV4), asnV6: one(this.tables.asnV6), countryV4: one(this.tables.countryV4), countryV6: one(this.tables.countryV6) },
      asOrgs: this.orgs.size,
    };
  }
}

/** Lookup with the shared instance. */
export function lookupIp(ip: string): IpInfo {
  return IpIntel.shared().lookup(ip);
}
