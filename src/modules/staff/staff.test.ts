import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t?.close(); });

async function staffUser(role: string) {
  const email = `${role}-${Date.now()}@test.local`;
  const c = await t.request('POST', '/v1/admin/staff', { token: t.adminToken, body: { email, name: role, role, password: 'correct horse battery' } });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const s = await t.request('POST', '/v1/staff/sessions', { body: { email, password: 'correct horse battery' } });
  assert.equal(s.status, 200);
  return { id: c.body.id as string, token: s.body.token as string, permissions: s.body.staff.permissions as string[] };
}

test('login: wrong password and unknown e-mail answer the same 401; a session token works until logout', async () => {
  const wrong = await t.request('POST', '/v1/staff/sessions', { body: { email: 'admin@test.local', password: 'nope-nope' } });
  const unknown = await t.request('POST', '/v1/staff/sessions', { body: { email: 'ghost@test.local', password: 'nope-nope' } });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, unknown.body);
  const ok = await t.request('POST', '/v1/staff/sessions', { body: { email: 'ADMIN@test.local', password: 'admin-password-1' } });
  assert.equal(ok.status, 200);
  assert.ok(ok.body.token.startsWith('stf_tok_'));
  assert.ok(new Date(ok.body.expiresAt).getTime() > Date.now());
  const me = await t.request('GET', '/v1/staff/me', { token: ok.body.token });
  assert.equal(me.body.role, 'admin');
  assert.equal((await t.request('DELETE', '/v1/staff/sessions/current', { token: ok.body.token })).status, 204);
  assert.equal((await t.request('GET', '/v1/staff/me', { token: ok.body.token })).status, 401);
});

test('every admin route needs a staff token; roles map to permissions', async () => {
  const routes: Array<[string, string, unknown?]> = [
    ['GET', '/v1/admin/orders'], ['GET', '/v1/admin/products'], ['GET', '/v1/admin/blacklist'], ['GET', '/v1/admin/automation'],
    ['POST', '/v1/admin/automation/pause', {}], ['GET', '/v1/admin/staff'], ['GET', '/v1/admin/audit'], ['GET', '/v1/admin/jobs'],
    ['GET', '/v1/admin/alerts'], ['GET', '/v1/admin/outbox'], ['GET', '/v1/admin/agents'], ['GET', '/v1/admin/webhooks'],
  ];
  for (const [m, path, body] of routes) {
    const r = await t.request(m, path, { body });
    assert.equal(r.status, 401, `${m} ${path}`);
    assert.equal(r.body.error.code, 'unauthorized');
    const forged = await t.request(m, path, { body, token: 'stf_tok_forged' });
    assert.equal(forged.status, 401, `${m} ${path} forged`);
  }
  const support = await staffUser('support');
  assert.equal((await t.request('GET', '/v1/admin/orders', { token: support.token })).status, 200);
  const denied = await t.request('POST', '/v1/admin/automation/pause', { token: support.token, body: {} });
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error.code, 'forbidden');
  assert.equal((await t.request('POST', '/v1/admin/blacklist', { token: support.token, body: { kind: 'email', value: 'a@b.co', reason: 'x' } })).status, 403);
  assert.equal((await t.request('GET', '/v1/admin/staff', { token: support.token })).status, 403);
  const operator = await staffUser('operator');
  assert.equal((await t.request('POST', '/v1/admin/automation/pause', { token: operator.token, body: {} })).status, 200);
  assert.equal((await t.request('POST', '/v1/admin/automation/resume', { token: operator.token, body: {} })).status, 200);
  assert.equal((await t.request('GET', '/v1/admin/staff', { token: operator.token })).status, 403);
  const analyst = await staffUser('analyst');
  assert.equal((await t.request('PATCH', `/v1/admin/products/prd_01jzzzzzzzzzzzzzzzzzzzzzzz`, { token: analyst.token, body: { active: false } })).status, 403);
});

test('disabling a staff user ends their sessions; the audit log records it and cannot be altered', async () => {
  const op = await staffUser('operator');
  const patch = await t.request('PATCH', `/v1/admin/staff/${op.id}`, { token: t.adminToken, body: { active: false } });
  assert.equal(patch.status, 200);
  assert.equal(patch.body.active, false);
  assert.equal((await t.request('GET', '/v1/admin/orders', { token: op.token })).status, 401);
  const audit = await t.request('GET', `/v1/admin/audit?subjectId=${op.id}`, { token: t.adminToken });
  assert.deepEqual(audit.body.data.map((a: any) => a.action).sort(), ['staff.created', 'staff.login', 'staff.updated']);
  await assert.rejects(t.tg.ctx.db.query(`UPDATE audit_log SET action = 'x'`), /append-only/);
  await assert.rejects(t.tg.ctx.db.query(`DELETE FROM audit_log`), /append-only/);
  const self = await t.request('GET', '/v1/staff/me', { token: t.adminToken });
  const demote = await t.request('PATCH', `/v1/admin/staff/${self.body.id}`, { token: t.adminToken, body: { role: 'support' } });
  assert.equal(demote.status, 409, 'an admin cannot lock themselves out');
});

test('security headers are set and no CORS is allowed by default', async () => {
  const r = await fetch(`${t.url}/v1/products`, { headers: { origin: 'https://evil.example' } });
  assert.equal(r.headers.get('access-control-allow-origin'), null);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(r.headers.get('content-security-policy'));
  assert.ok(r.headers.get('strict-transport-security'));
  const pre = await fetch(`${t.url}/v1/orders`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
});

test('OpenAPI is served at /openapi.json and /docs', async () => {
  const spec = await t.request('GET', '/openapi.json');
  assert.equal(spec.status, 200);
  assert.ok(spec.body.paths['/v1/orders'].post);
  assert.ok(spec.body.paths['/v1/orders/{id}'].get);
  assert.ok(spec.body.paths['/v1/admin/blacklist'].post);
  const docs = await fetch(`${t.url}/docs`, { redirect: 'follow' });
  assert.equal(docs.status, 200);
  assert.match(await docs.text(), /swagger/i);
});

test('agents: an agent token cannot use staff routes; disabled agents are refused', async () => {
  const a = await t.request('POST', '/v1/admin/agents', { token: t.adminToken, body: { name: 'phone-bot-1', queues: ['fulfilment.demo-platform-browser'] } });
  assert.equal(a.status, 201);
  assert.equal((await t.request('GET', '/v1/admin/orders', { token: a.body.token })).status, 401);
  assert.equal((await t.request('POST', '/v1/agent/jobs/claim', { token: a.body.token, body: {} })).status, 200);
  assert.equal((await t.request('POST', '/v1/agent/jobs/claim', { token: a.body.token, body: { queues: ['payments'] } })).status, 403);
  assert.equal((await t.request('POST', '/v1/agent/jobs/claim', { token: t.adminToken, body: {} })).status, 401);
  assert.equal((await t.request('POST', `/v1/admin/agents/${a.body.id}/disable`, { token: t.adminToken })).status, 204);
  assert.equal((await t.request('POST', '/v1/agent/jobs/claim', { token: a.body.token, body: {} })).status, 401);
});
