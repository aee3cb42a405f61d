import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dataFile } from './data-dir.ts';
import { IpIntel, hostingAsns, hostingProvider, isPrivateIp, parseIp } from './ip-intel.ts';

describe('parseIp', () => {
  it('parses IPv4 and every IPv6 text form', () => {
    assert.deepEqual(parseIp('8.8.8.8'), { v: 4, n: 0x08080808 });
    assert.deepEqual(parseIp(' 255.255.255.255 '), { v: 4, n: 0xffffffff });
    assert.deepEqual(parseIp('2001:db8::1'), { v: 6, w: [0x20010db8, 0, 0, 1] });
    assert.deepEqual(parseIp('::'), { v: 6, w: [0, 0, 0, 0] });
    assert.deepEqual(parseIp('::1'), { v: 6, w: [0, 0, 0, 1] });
    assert.deepEqual(parseIp('1::'), { v: 6, w: [0x00010000, 0, 0, 0] });
    assert.deepEqual(parseIp('2001:DB8:0:0:1:2:3:4'), { v: 6, w: [0x20010db8, 0, 0x00010002, 0x00030004] });
    assert.deepEqual(parseIp('[2606:4700:4700::1111]'), { v: 6, w: [0x26064700, 0x47000000, 0, 0x1111] });
    assert.deepEqual(parseIp('fe80::1%eth0'), { v: 6, w: [0xfe800000, 0, 0, 1] });
    assert.deepEqual(parseIp('::ffff:8.8.4.4'), { v: 4, n: 0x08080404 }, 'IPv4-mapped');
    assert.deepEqual(parseIp('::ffff:808:808'), { v: 4, n: 0x08080808 }, 'IPv4-mapped, hex');
    assert.deepEqual(parseIp('64:ff9b::1.1.1.1'), { v: 4, n: 0x01010101 }, 'NAT64');
  });

  it('rejects malformed addresses', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.-4', '01234.1.1.1', 'a.b.c.d', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1:2', '1:2:', '12345::', 'g::1', '1.2.3.4:80', 'localhost']) {
      assert.equal(parseIp(bad), null, bad);
    }
  });
});

describe('isPrivateIp', () => {
  it('flags addresses that are not public unicast', () => {
    for (const ip of ['10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1', '127.0.0.1', '169.254.10.1', '100.64.0.1', '100.127.255.255', '0.0.0.0', '192.0.2.10', '198.51.100.1', '203.0.113.200', '198.18.0.1', '224.0.0.1', '255.255.255.255', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::abcd', 'ff02::1', '2001:db8::1', '::ffff:192.168.0.1']) {
      assert.equal(isPrivateIp(ip), true, ip);
    }
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '100.128.0.1', '192.169.0.1', '2001:4860:4860::8888', '2a01:4f8::1']) {
      assert.equal(isPrivateIp(ip), false, ip);
    }
  });
});

describe('IpIntel with the packaged data', () => {
  const ip = new IpIntel();
  before(async () => {
    await ip.warm();
  });

  it('8.8.8.8 is Google in the US (AS15169), a hosting network', () => {
    assert.deepEqual(ip.lookup('8.8.8.8'), { country: 'US', asn: 15169, asOrg: 'Google LLC', isPrivate: false, isHosting: true });
  });

  it('1.1.1.1 is Cloudflare (AS13335), deliberately not "hosting"', () => {
    const r = ip.lookup('1.1.1.1');
    assert.equal(r.asn, 13335);
    assert.equal(r.asOrg, 'Cloudflare, Inc.');
    assert.equal(r.isHosting, false);
    assert.equal(r.isPrivate, false);
    assert.match(r.country ?? '', /^[A-Z]{2}$/);
  });

  it('IPv6 and IPv4-mapped addresses', () => {
    assert.deepEqual(ip.lookup('2001:4860:4860::8888'), { country: 'US', asn: 15169, asOrg: 'Google LLC', isPrivate: false, isHosting: true });
    assert.equal(ip.lookup('2606:4700:4700::1111').asn, 13335);
    assert.deepEqual(ip.lookup('::ffff:8.8.8.8'), ip.lookup('8.8.8.8'));
  });

  it('data-centre ranges are hosting', () => {
    const hetzner = ip.lookup('5.9.1.1');
    assert.equal(hetzner.asn, 24940);
    assert.equal(hetzner.country, 'DE');
    assert.equal(hetzner.isHosting, true);
    assert.equal(ip.lookup('52.95.110.1').asn, 16509); // AWS
    assert.equal(ip.lookup('52.95.110.1').isHosting, true);
  });

  it('private and invalid addresses carry no data', () => {
    assert.deepEqual(ip.lookup('192.168.0.10'), { country: null, asn: null, asOrg: null, isPrivate: true, isHosting: false });
    assert.deepEqual(ip.lookup('fd00::1'), { country: null, asn: null, asOrg: null, isPrivate: true, isHosting: false });
    assert.deepEqual(ip.lookup('not an ip'), { country: null, asn: null, asOrg: null, isPrivate: false, isHosting: false });
  });

  it('reports what it loaded', () => {
    const s = ip.stats();
    for (const t of Object.values(s.tables)) {
      assert.ok(t && t.ranges > 100_000 && t.bytes > 1_000_000);
    }
    assert.ok(s.asOrgs > 50_000);
  });

  it('loads lazily: a fresh instance loads only the tables a lookup needs', () => {
    const lazy = new IpIntel();
    assert.equal(lazy.lookup('8.8.8.8').asn, 15169);
    const s = lazy.stats().tables;
    assert.ok(s.asnV4 && s.countryV4);
    assert.equal(s.asnV6, null);
    assert.equal(s.countryV6, null);
  });
});

describe('IpIntel range semantics (synthetic files)', () => {
  let dir = '';
  let intel: IpIntel;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-ip-'));
    const v4 = (a: string) => {
      const p = parseIp(a);
      assert.ok(p && p.v === 4);
      return p.n;
    };
    writeFileSync(join(dir, 'asn4.csv'), [`${v4('11.0.0.0')},${v4('11.0.0.255')},64500,"Example, Inc."`, `${v4('11.0.1.0')},${v4('11.0.1.255')},64501,Plain Org`, `${v4('12.0.0.0')},${v4('12.0.0.255')},16509,Amazon.com`, ''].join('\n'));
    // nested: a /16 of US with a /24 of CA inside, and a single address of MX inside that
    writeFileSync(join(dir, 'cc4.csv'), [`${v4('11.0.0.0')},${v4('11.0.255.255')},US`, `${v4('11.0.1.0')},${v4('11.0.1.255')},CA`, `${v4('11.0.1.7')},${v4('11.0.1.7')},MX`, ''].join('\n'));
    writeFileSync(join(dir, 'asn6.csv'), ['2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project', '2001:200:1::,2001:200:1::1f,7,Tiny'].join('\n') + '\n');
    writeFileSync(join(dir, 'cc6.csv'), ['2400::,2400:ffff:ffff:ffff:ffff:ffff:ffff:ffff,JP', '2400::,2400::ffff,KR'].join('\n') + '\n');
    intel = new IpIntel({
      files: { asnV4: join(dir, 'asn4.csv'), countryV4: join(dir, 'cc4.csv'), asnV6: join(dir, 'asn6.csv'), countryV6: join(dir, 'cc6.csv') },
      hostingAsns: new Map([[16509, 'AWS']]),
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('parses quoted organisations and range ends inclusively', () => {
    assert.deepEqual(intel.lookup('11.0.0.255'), { country: 'US', asn: 64500, asOrg: 'Example, Inc.', isPrivate: false, isHosting: false });
    assert.equal(intel.lookup('11.0.2.0').asn, null, 'gap between ranges');
    assert.equal(intel.lookup('12.0.0.1').isHosting, true);
  });

  it('the innermost of nested ranges wins, and the outer one resumes after it', () => {
    assert.equal(intel.lookup('11.0.0.9').country, 'US');
    assert.equal(intel.lookup('11.0.1.6').country, 'CA');
    assert.equal(intel.lookup('11.0.1.7').country, 'MX');
    assert.equal(intel.lookup('11.0.1.8').country, 'CA');
    assert.equal(intel.lookup('11.0.2.0').country, 'US');
    assert.equal(intel.lookup('11.1.0.0').country, null);
  });

  it('IPv6 ranges compare on all 128 bits', () => {
    assert.equal(intel.lookup('2001:200:1::1f').asn, 7);
    assert.equal(intel.lookup('2001:200:1::20').asn, 2500);
    assert.equal(intel.lookup('2001:200:0:ffff::1').asn, 2500);
    assert.equal(intel.lookup('2001:201::1').asn, null);
    assert.equal(intel.lookup('2400::1234').country, 'KR', 'same start: the narrower (later) row wins');
    assert.equal(intel.lookup('2400::1:0').country, 'JP');
  });
});

describe('hosting-asns.json', () => {
  it('lists the well-known cloud and hosting networks with names', () => {
    const json = JSON.parse(readFileSync(dataFile('hosting-asns.json'), 'utf8')) as { asns: Array<{ asn: number; name: string; kind: string }> };
    const asns = new Set(json.asns.map((a) => a.asn));
    assert.equal(asns.size, json.asns.length, 'no duplicates');
    for (const a of json.asns) {
      assert.ok(Number.isInteger(a.asn) && a.asn > 0 && a.name.length > 1 && ['cloud', 'hosting'].includes(a.kind), JSON.stringify(a));
    }
    for (const asn of [16509, 14618, 396982, 15169, 8075, 14061, 16276, 24940, 63949, 20473, 51167, 45102, 132203, 31898, 12876, 9009, 60781, 16265]) {
      assert.ok(hostingAsns().has(asn), `AS${asn}`);
    }
    assert.equal(hostingProvider(14061), 'DigitalOcean');
    assert.equal(hostingProvider(13335), null);
    assert.equal(hostingProvider(null), null);
  });
});
