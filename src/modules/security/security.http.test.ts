import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';

/**
 * The security monitor over real HTTP: staff block and unblock addresses (the client address is faked with
 * X-Forwarded-For, TRUST_PROXY=true), blocked clients get 403 "blocked" on the customer surface while staff
 * routes keep working, a flood is detected, blocked automatically and reported to a local Slack receiver.
 */
let t: TestApp;
let slack: Server;
const slackTexts: string[] = [];

before(async () => {
  slack = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      try { slackTexts.push(String(JSON.parse(raw).text ?? '')); } catch { /* not JSON: ignored */ }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', () => r()));
  const { port } = slack.address() as { port: number };
  t = await startTestApp({ TRUST_PROXY: 'true', SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}/services/T000/B000/XXXX` });
});
after(async () => {
  await t?.close();
  await new Promise((r) => slack?.close(r));
});

const from = (ip: string) => ({ 'x-forwarded-for': ip });
const admin = (ip = '192.0.2.250') => ({ token: t.adminToken, headers: from(ip) });

async function waitFor<T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a blocked IP gets 403 "blocked" on the customer surface and the storefront; staff routes and machine endpoints still work; unblocking lets it in again', async () => {
  const created = await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin(), body: { cidr: '203.0.113.10', reason: 'credential stuffing from this host' } });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.cidr, '203.0.113.10/32');
  assert.equal(created.body.scope, 'public');
  assert.equal(created.body.status, 'active');
  assert.equal(created.body.expiresAt, null);
  assert.match(created.body.createdBy, /^staff:stf_/);

  for (const [method, path] of [['GET', '/v1/me'], ['GET', '/v1/me/transactions'], ['POST', '/v1/auth/login'], ['GET', '/v1/receipts/rct_x'], ['GET', '/account'], ['GET', '/v1/products']]) {
    const r = await t.request(method, path, { headers: from('203.0.113.10'), body: method === 'POST' ? { login: 'a@example.com', password: 'x' } : undefined });
    assert.equal(r.status, 403, `${method} ${path}`);
    assert.deepEqual(Object.keys(r.body.error).sort(), ['code', 'message']);
    assert.equal(r.body.error.code, 'blocked');
  }
  // the same address reaches staff routes, machine endpoints, and its neighbours are not blocked
  assert.equal((await t.request('GET', '/v1/admin/security/ip-blocks', admin('203.0.113.10'))).status, 200);
  assert.equal((await t.request('GET', '/healthz', { headers: from('203.0.113.10') })).status, 200);
  assert.equal((await t.request('GET', '/v1/products', { headers: from('203.0.113.11') })).status, 200);

  const list = await t.request('GET', '/v1/admin/security/ip-blocks', admin());
  assert.deepEqual(list.body.data.map((b: any) => b.id), [created.body.id]);

  const removed = await t.request('DELETE', `/v1/admin/security/ip-blocks/${created.body.id}`, admin());
  assert.equal(removed.status, 200);
  assert.equal(removed.body.status, 'removed');
  assert.equal((await t.request('GET', '/v1/products', { headers: from('203.0.113.10') })).status, 200);
  assert.equal((await t.request('DELETE', `/v1/admin/security/ip-blocks/${created.body.id}`, admin())).status, 404, 'removing twice');
  assert.deepEqual((await t.request('GET', '/v1/admin/security/ip-blocks', admin())).body.data, []);
  assert.equal((await t.request('GET', '/v1/admin/security/ip-blocks?status=all', admin())).body.data[0].status, 'removed');

  const audit = await t.tg.ctx.db.query<{ action: string; ip: string }>(`SELECT action, ip FROM audit_log WHERE subject_id = $1 ORDER BY at, id`, [created.body.id]);
  assert.deepEqual(audit.map((a) => [a.action, a.ip]), [['security.ip_block.created', '192.0.2.250'], ['security.ip_block.removed', '192.0.2.250']]);
});

test('subnets and IPv6: a /64 block covers the whole prefix', async () => {
  const b = await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin(), body: { cidr: '2001:DB8:1:2::dead/64', reason: 'scanner', expiresInMinutes: 30 } });
  assert.equal(b.status, 201);
  assert.equal(b.body.cidr, '2001:db8:1:2::/64');
  assert.ok(Math.abs(Date.parse(b.body.expiresAt) - Date.now() - 30 * 60_000) < 60_000);
  assert.equal((await t.request('GET', '/v1/products', { headers: from('2001:db8:1:2:ffff::1') })).body.error?.code, 'blocked');
  assert.equal((await t.request('GET', '/v1/products', { headers: from('2001:db8:1:3::1') })).status, 200);
  await t.request('DELETE', `/v1/admin/security/ip-blocks/${b.body.id}`, admin());
});

test('scope "all" also closes staff routes — but never for the requester\'s own address', async () => {
  const self = await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin('198.51.100.5'), body: { cidr: '198.51.100.0/24', reason: 'office', scope: 'all' } });
  assert.equal(self.status, 422);
  assert.match(self.body.error.message, /your own address/);

  const b = await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin('192.0.2.1'), body: { cidr: '198.51.100.0/24', reason: 'hostile range', scope: 'all' } });
  assert.equal(b.status, 201);
  assert.equal((await t.request('GET', '/v1/admin/security/events', admin('198.51.100.77'))).body.error?.code, 'blocked');
  assert.equal((await t.request('GET', '/console', { headers: from('198.51.100.77') })).status, 403);
  assert.equal((await t.request('GET', '/healthz', { headers: from('198.51.100.77') })).status, 200);
  await t.request('DELETE', `/v1/admin/security/ip-blocks/${b.body.id}`, admin('192.0.2.1'));
  assert.equal((await t.request('GET', '/v1/admin/security/events', admin('198.51.100.77'))).status, 200);
});

test('bad input: an invalid CIDR is a 400 with the reason; a duplicate is a 409; unknown ids are 404', async () => {
  for (const [cidr, why] of [['300.1.2.3', /not an IPv4 or IPv6 address/], ['10.0.0.0/33', /at most \/32/], ['10.0.0.0/4', /too wide/], ['fe80::/abc', /prefix must be a number/], ['1.2.3.4/5/6', /more than one/]] as const) {
    const r = await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin(), body: { cidr, reason: 'x' } });
    assert.equal(r.status, 400, cidr);
    assert.equal(r.body.error.code, 'validation_failed');
    assert.match(r.body.error.message, why);
  }
  assert.equal((await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin(), body: { cidr: '10.0.0.1', reason: 'x', expiresInMinutes: 0 } })).status, 400);
  assert.equal((await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin(), body: { cidr: '10.0.0.1', reason: 'x', extra: 1 } })).status, 400);
  assert.equal((await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin(), body: { cidr: '10.0.0.1', reason: '   ' } })).status, 400);

  const a = await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin(), body: { cidr: '10.9.9.9/24', reason: 'x' } });
  const dup = await t.request('POST', '/v1/admin/security/ip-blocks', { ...admin(), body: { cidr: '10.9.9.0/24', reason: 'x' } });
  assert.equal(dup.status, 409);
  assert.match(dup.body.error.message, new RegExp(a.body.id));
  await t.request('DELETE', `/v1/admin/security/ip-blocks/${a.body.id}`, admin());

  assert.equal((await t.request('GET', '/v1/admin/security/events/sev_00000000000000000000000000', admin())).status, 404);
  assert.equal((await t.request('GET', '/v1/admin/security/events/nope', admin())).status, 400);
  assert.equal((await t.request('POST', '/v1/admin/security/events/sev_00000000000000000000000000/acknowledge', admin())).status, 404);
  assert.equal((await t.request('GET', '/v1/admin/security/events?kind=bogus', admin())).status, 400);
  assert.equal((await t.request('GET', '/v1/admin/security/events?since=yesterday', admin())).status, 400);
});

test('permissions: support staff may read events and blocks but not block, unblock or acknowledge; no session is a 401', async () => {
  const made = await t.request('POST', '/v1/admin/staff', { ...admin(), body: { email: 'support-sec@test.local', name: 'Support', role: 'support', password: 'support-password-1' } });
  assert.equal(made.status, 201);
  const login = await t.request('POST', '/v1/staff/sessions', { body: { email: 'support-sec@test.local', password: 'support-password-1' } });
  const token = login.body.token;
  assert.equal((await t.request('GET', '/v1/admin/security/events', { token })).status, 200);
  assert.equal((await t.request('GET', '/v1/admin/security/ip-blocks', { token })).status, 200);
  const denied = await t.request('POST', '/v1/admin/security/ip-blocks', { token, body: { cidr: '10.1.1.1', reason: 'x' } });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error.code, 'forbidden');
  assert.equal((await t.request('DELETE', '/v1/admin/security/ip-blocks/ipb_00000000000000000000000000', { token })).status, 403);
  assert.equal((await t.request('POST', '/v1/admin/security/events/sev_00000000000000000000000000/acknowledge', { token })).status, 403);
  assert.equal((await t.request('GET', '/v1/admin/security/events')).status, 401);
  assert.equal((await t.request('POST', '/v1/admin/security/ip-blocks', { body: { cidr: '10.1.1.1', reason: 'x' } })).status, 401);
  assert.equal((await t.tg.ctx.db.query(`SELECT 1 FROM ip_blocks WHERE cidr = '10.1.1.1/32'`)).length, 0);
});

test('a request flood from one IP over HTTP: critical event, alert on Slack, automatic block; staff list, read and acknowledge it', async () => {
  const ip = '198.51.100.200';
  // 320 requests from one address (an unauthenticated /v1/me: cheap to answer, so they arrive within the 10 s window)
  let sent = 0;
  const worker = async () => {
    while (sent < 320) {
      sent++;
      await t.request('GET', '/v1/me', { headers: from(ip) });
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: 8 }, worker));
  assert.ok(Date.now() - started < 9_000, `the flood took ${Date.now() - started} ms: too slow to be one`);

  const ev = await waitFor('the flood event', async () => (await t.request('GET', `/v1/admin/security/events?kind=flood&ip=${ip}`, admin())).body.data[0]);
  assert.equal(ev.severity, 'critical');
  assert.equal(ev.source, `ip:${ip}`);
  assert.equal(ev.status, 'open');
  assert.ok(ev.count >= 300);
  assert.ok(ev.blockId, 'blocked automatically');
  assert.equal((await t.request('GET', '/v1/products', { headers: from(ip) })).body.error?.code, 'blocked');
  assert.equal((await t.request('GET', '/v1/products', { headers: from('198.51.100.201') })).status, 200, 'only that address');

  const blocks = (await t.request('GET', '/v1/admin/security/ip-blocks', admin())).body.data;
  const auto = blocks.find((b: any) => b.id === ev.blockId);
  assert.deepEqual([auto.cidr, auto.createdBy, auto.eventId, auto.scope], [`${ip}/32`, 'system:security-monitor', ev.id, 'public']);
  assert.ok(auto.expiresAt);

  const text = await waitFor('the Slack message', async () => slackTexts.find((x) => x.includes(ip)));
  assert.match(text, /:rotating_light: Security: requests from IP 198\.51\.100\.200/);

  const one = await t.request('GET', `/v1/admin/security/events/${ev.id}`, admin());
  assert.equal(one.body.evidence.threshold, 300);
  assert.ok(one.body.evidence.samples.length > 0);
  const ack = await t.request('POST', `/v1/admin/security/events/${ev.id}/acknowledge`, admin());
  assert.equal(ack.status, 200);
  assert.equal(ack.body.status, 'acknowledged');
  assert.match(ack.body.acknowledgedBy, /^staff:/);
  const [alert] = await t.tg.ctx.db.query<{ acknowledged_at: Date | null }>(`SELECT acknowledged_at FROM alerts WHERE id = $1`, [ev.alertId]);
  assert.ok(alert.acknowledged_at, 'the alert is acknowledged with it');
  assert.equal((await t.request('POST', `/v1/admin/security/events/${ev.id}/acknowledge`, admin())).body.acknowledgedAt, ack.body.acknowledgedAt, 'again: unchanged');

  // filters
  assert.deepEqual((await t.request('GET', `/v1/admin/security/events?kind=login_burst&ip=${ip}`, admin())).body.data, []);
  assert.deepEqual((await t.request('GET', `/v1/admin/security/events?ip=${ip}&since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, admin())).body.data, []);
  await t.request('DELETE', `/v1/admin/security/ip-blocks/${ev.blockId}`, admin());
});

test('failed customer logins over HTTP: ten from one address raise a login_burst event', async () => {
  const ip = '192.0.2.200';
  for (let i = 0; i < 10; i++) {
    const r = await t.request('POST', '/v1/auth/login', { headers: from(ip), body: { login: `nobody-${i}@example.com`, password: 'wrong-password' } });
    assert.ok(r.status >= 400 && r.status < 500, `login answered ${r.status}`);
  }
  const ev = await waitFor('the login_burst event', async () => (await t.request('GET', `/v1/admin/security/events?kind=login_burst&ip=${ip}`, admin())).body.data[0]);
  assert.equal(ev.count, 10);
  assert.equal(ev.evidence.distinctSubjects, 10);
  assert.ok(!JSON.stringify(ev).includes('nobody-'), 'the logins tried are not in the event in clear');
  assert.ok(!JSON.stringify(ev).includes('wrong-password'));
});
