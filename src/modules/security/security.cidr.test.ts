import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import fc from 'fast-check';
import { normalizeIp, parseCidr, subnetOf } from './security.cidr.ts';
import { routeClass } from './security.hook.ts';

test('addresses have one canonical form: IPv6 compressed and lowercase, IPv4-mapped IPv6 as IPv4, junk is null', () => {
  assert.equal(normalizeIp('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(normalizeIp('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.equal(normalizeIp('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(normalizeIp('::FFFF:cb00:7109'), '203.0.113.9');
  assert.equal(normalizeIp('fe80::1%eth0'), 'fe80::1');
  assert.equal(normalizeIp('::1'), '::1');
  for (const junk of ['', 'localhost', '1.2.3', '1.2.3.256', '2001:db8::1::2', undefined, null]) assert.equal(normalizeIp(junk), null, String(junk));
});

test('subnets: /24 for IPv4, /64 for IPv6', () => {
  assert.equal(subnetOf('203.0.113.77'), '203.0.113.0/24');
  assert.equal(subnetOf('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(subnetOf('nope'), null);
});

test('CIDRs: an address alone is /32 or /128, host bits are cleared, bad ones say why', () => {
  assert.equal(parseCidr(' 203.0.113.7 ').cidr, '203.0.113.7/32');
  assert.equal(parseCidr('203.0.113.7/24').cidr, '203.0.113.0/24');
  assert.equal(parseCidr('2001:db8::1').cidr, '2001:db8::1/128');
  assert.equal(parseCidr('2001:db8:ffff:ffff::/33').cidr, '2001:db8:8000::/33');
  assert.throws(() => parseCidr('203.0.113.7/33'), /at most \/32/);
  assert.throws(() => parseCidr('0.0.0.0/0'), /too wide/);
  assert.throws(() => parseCidr('example.com/24'), /not an IPv4 or IPv6 address/);
  assert.throws(() => parseCidr('10.0.0.0/-1'), /prefix must be a number/);
});

test('property: a block made from any address and prefix covers that address, and its canonical form parses to itself', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
  const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(':'));
  fc.assert(fc.property(fc.oneof(v4.map((a) => [a, 4] as const), v6.map((a) => [a, 6] as const)), fc.nat(128), ([addr, fam], p) => {
    const prefix = fam === 4 ? 8 + (p % 25) : 16 + (p % 113);
    const c = parseCidr(`${addr}/${prefix}`);
    const bl = new BlockList();
    bl.addSubnet(c.network, c.prefix, fam === 4 ? 'ipv4' : 'ipv6');
    assert.ok(bl.check(addr, fam === 4 ? 'ipv4' : 'ipv6'), `${c.cidr} covers ${addr}`);
    assert.equal(parseCidr(c.cidr).cidr, c.cidr);
    const n = normalizeIp(addr)!;
    assert.equal(normalizeIp(n), n);
  }), { numRuns: 500 });
});

test('route classes: the customer surface is public, staff routes and machine endpoints are not', () => {
  for (const p of ['/v1/auth/login', '/v1/me', '/v1/me/transactions', '/v1/receipts/rct_1', '/account', '/', '/orders/ord_1', '/v1/products', '/v1/orders', '/v1/administrator', '/whatever']) assert.equal(routeClass(p), 'public', p);
  for (const p of ['/v1/admin/security/events', '/v1/staff/sessions', '/console', '/console/risk', '/assets/app.js', '/docs', '/v1/agent/jobs/claim']) assert.equal(routeClass(p), 'staff', p);
  for (const p of ['/v1/webhooks/sandbox', '/v1/card-authorizations', '/sandbox/checkout/x', '/demo-platform/api/users', '/internal-accounting/api/x', '/healthz']) assert.equal(routeClass(p), 'exempt', p);
});
