import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../platform/logger.ts';
import { startCustomersApp, type CustomersTestApp } from './customers.testing.ts';

// Everything Tollgate logs while a customer signs up, logs in, fills in the profile and staff look them up.
const logLines: string[] = [];
let t: CustomersTestApp;
const secrets: string[] = []; // must appear neither in the database in clear nor in the logs
const EMAIL = 'frank.privacy@example.com';
const PHONE = '+4917612345678';
const PASSWORD = 'my very private passphrase';
const PROFILE = { name: 'Franziska Musterfrau', address: '10 Secret Lane, Hamburg', documentNumber: 'X1234567' };
let customerId: string;
let token: string;

before(async () => {
  t = await startCustomersApp({}, { logger: createLogger('trace', { write: (s: string) => { logLines.push(s); } }) });
  secrets.push(EMAIL, PHONE, PHONE.slice(1), PASSWORD, PROFILE.name, PROFILE.address, PROFILE.documentNumber);
});
after(async () => { await t?.close(); });

test('the customer journey, with every code and token it produced', async () => {
  const s = await t.request('POST', '/v1/auth/signup', { body: { email: EMAIL, phone: PHONE, password: PASSWORD } });
  assert.equal(s.status, 201);
  customerId = s.body.customerId;
  const code = await t.smsCode(PHONE);
  const v = await t.request('POST', `/v1/auth/challenges/${s.body.challengeId}/verify`, { body: { code } });
  assert.equal(v.status, 200);
  token = v.body.token;
  secrets.push(code, token);
  const p = await t.request('PATCH', '/v1/me', { token, body: PROFILE });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.name, PROFILE.name);
  assert.equal(p.body.documentNumber, PROFILE.documentNumber);
  const r = await t.request('POST', '/v1/me/security/recovery-codes', { token });
  secrets.push(...r.body.codes, ...r.body.codes.map((c: string) => c.replace('-', '')));
  const e = await t.request('POST', '/v1/me/security/totp', { token });
  secrets.push(e.body.secret);
  await t.request('POST', '/v1/auth/login', { body: { login: EMAIL, password: 'a wrong password' } });
  const l = await t.request('POST', '/v1/auth/login', { body: { login: PHONE, password: PASSWORD } });
  const c2 = await t.smsCode(PHONE);
  const v2 = await t.request('POST', `/v1/auth/challenges/${l.body.challengeId}/verify`, { body: { code: c2 } });
  secrets.push(c2, v2.body.token);
});

test('staff find customers by e-mail, phone or id through the blind index; every look is audited without the query', async () => {
  for (const q of [EMAIL.toUpperCase(), '0049 176 12345678', customerId]) {
    const r = await t.request('GET', `/v1/admin/customers?q=${encodeURIComponent(q)}`, { token: t.adminToken });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.data.map((c: { id: string }) => c.id), [customerId], q);
    assert.equal(r.body.data[0].email, EMAIL);
  }
  assert.deepEqual((await t.request('GET', `/v1/admin/customers?q=${encodeURIComponent('nobody@example.com')}`, { token: t.adminToken })).body.data, []);
  const d = await t.request('GET', `/v1/admin/customers/${customerId}`, { token: t.adminToken });
  assert.equal(d.status, 200);
  assert.equal(d.body.name, PROFILE.name);
  assert.equal(d.body.status, 'active');
  assert.deepEqual(d.body.factors, { sms: true, totp: false, passkeys: 0, recoveryCodesLeft: 10 });
  assert.equal(d.body.sessions, 2);
  assert.equal(d.body.lockedUntil, null);
  assert.equal((await t.request('GET', '/v1/admin/customers/cus_01hzzzzzzzzzzzzzzzzzzzzzzz', { token: t.adminToken })).status, 404);
  assert.equal((await t.request('GET', '/v1/admin/customers/nope', { token: t.adminToken })).status, 400);

  const audit = await t.request('GET', `/v1/admin/audit?subjectId=${customerId}`, { token: t.adminToken });
  const actions = audit.body.data.map((a: { action: string }) => a.action);
  assert.ok(actions.includes('customers.searched') && actions.includes('customer.viewed'), actions.join(','));

  // permissions: an analyst reads customers but may not block them nor read the SMS outbox
  const mk = await t.request('POST', '/v1/admin/staff', { token: t.adminToken, body: { email: 'ana@test.local', name: 'Ana', role: 'analyst', password: 'analyst-password-1' } });
  assert.equal(mk.status, 201);
  const ana = (await t.request('POST', '/v1/staff/sessions', { body: { email: 'ana@test.local', password: 'analyst-password-1' } })).body.token;
  assert.equal((await t.request('GET', '/v1/admin/customers', { token: ana })).status, 200);
  assert.equal((await t.request('POST', `/v1/admin/customers/${customerId}/block`, { token: ana, body: { reason: 'x' } })).status, 403);
  assert.equal((await t.request('GET', '/v1/admin/sms-outbox', { token: ana })).status, 403);
  assert.equal((await t.request('GET', '/v1/admin/customers')).status, 401);
  assert.equal((await t.request('GET', '/v1/admin/customers', { token })).status, 401, 'a customer token is not a staff token');
});

test('personal data, codes and tokens are nowhere in the database in clear', async () => {
  const db = t.tg.ctx.db;
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`);
  assert.ok(tables.some((x) => x.table_name === 'customers'));
  let scanned = 0;
  for (const { table_name } of tables) {
    const rows = await db.query(`SELECT * FROM "${table_name}"`);
    const text = JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).toLowerCase();
    scanned += rows.length;
    for (const s of secrets) assert.ok(!text.includes(s.toLowerCase()), `${table_name} holds "${s}" in clear`);
  }
  assert.ok(scanned > 50);
  // …but they are there, encrypted, and readable with the key
  const [c] = await db.query<{ email_enc: string; phone_enc: string; name_enc: string }>(`SELECT email_enc, phone_enc, name_enc FROM customers WHERE id = $1`, [customerId]);
  assert.match(c.email_enc, /^v1:[A-Za-z0-9_-]{1,32}:/); // "v1:<keyId>:…" (key ids are configurable since ENCRYPTION_KEYS)
  assert.equal(t.tg.ctx.cipher.decrypt(c.name_enc), PROFILE.name);
});

test('personal data, codes and tokens are not in the logs', async () => {
  assert.ok(logLines.length > 20, 'the logger was capturing');
  const all = logLines.join('\n').toLowerCase();
  assert.ok(all.includes('/v1/admin/customers?q=…'), 'the search was logged, without its query');
  for (const s of secrets) assert.ok(!all.includes(s.toLowerCase()), `the logs contain "${s}"`);
  assert.ok(!all.includes(encodeURIComponent(EMAIL).toLowerCase()));
});
