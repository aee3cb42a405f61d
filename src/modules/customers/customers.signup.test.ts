import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCustomersApp, type CustomersTestApp } from './customers.testing.ts';

let t: CustomersTestApp;
const created: string[] = [];
before(async () => {
  t = await startCustomersApp();
  // customer.created runs inside the sign-up transaction: a handler sees the customer row already written
  t.tg.ctx.events.on('customer.created', async (trx, e) => {
    const rows = await trx.query<{ id: string }>(`SELECT id FROM customers WHERE id = $1`, [e.customerId]);
    assert.equal(rows.length, 1);
    created.push(e.customerId);
  });
});
after(async () => { await t?.close(); });

const PASSWORD = 'correct horse battery';

test('sign-up texts a code to the phone; verifying it marks the phone verified and logs the customer in', async () => {
  const s = await t.request('POST', '/v1/auth/signup', { body: { email: ' Alice@Example.com ', phone: '+49 151 2345 6789', password: PASSWORD } });
  assert.equal(s.status, 201, JSON.stringify(s.body));
  assert.match(s.body.customerId, /^cus_/);
  assert.match(s.body.challengeId, /^chl_/);
  assert.deepEqual(created, [s.body.customerId], 'customer.created was emitted once, in the sign-up transaction');

  const before = await t.request('GET', '/v1/admin/customers/' + s.body.customerId, { token: t.adminToken });
  assert.equal(before.body.phoneVerified, false);

  const code = await t.smsCode('+4915123456789');
  const v = await t.request('POST', `/v1/auth/challenges/${s.body.challengeId}/verify`, { body: { code } });
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.match(v.body.token, /^ctk_/);
  const cookie = v.headers.get('set-cookie') ?? '';
  assert.match(cookie, /^tg_customer=ctk_/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);

  const me = await t.request('GET', '/v1/me', { token: v.body.token });
  assert.equal(me.status, 200);
  assert.equal(me.body.email, 'alice@example.com');
  assert.equal(me.body.phone, '+49•••••••••89');
  assert.equal(me.body.phoneVerified, true);
  assert.equal(me.body.status, 'active');
  assert.deepEqual(me.body.factors, ['sms']);

  // the cookie alone authenticates the web
  const viaCookie = await t.request('GET', '/v1/me', { headers: { cookie: cookie.split(';')[0] } });
  assert.equal(viaCookie.status, 200);

  // the code was single use
  const again = await t.request('POST', `/v1/auth/challenges/${s.body.challengeId}/verify`, { body: { code } });
  assert.equal(again.status, 401);
  assert.equal(again.body.error.code, 'invalid_code');
});

test('bad sign-up input is a 400, a taken e-mail or phone a 409, and nothing is half-written', async () => {
  const cases: Array<[unknown, string]> = [
    [{ email: 'not-an-email', phone: '+4915100000001', password: PASSWORD }, 'email'],
    [{ email: 'b@example.com', phone: '0151 000', password: PASSWORD }, 'phone'],
    [{ email: 'b@example.com', phone: '+4915100000001', password: 'short' }, 'password'],
    [{ email: 'b@example.com', phone: '+4915100000001', password: 'password123' }, 'password'],
    [{ email: 'bobby@example.com', phone: '+4915100000001', password: 'bobby-secret-99' }, 'password'],
    [{ email: 'b@example.com', phone: '+4915100000001' }, 'password'],
    [{ email: 'b@example.com', phone: '+4915100000001', password: PASSWORD, admin: true }, 'additional'],
  ];
  for (const [body, field] of cases) {
    const r = await t.request('POST', '/v1/auth/signup', { body });
    assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body.error.code, 'string');
    assert.ok(r.body.error.message.includes(field), r.body.error.message);
  }
  const dupEmail = await t.request('POST', '/v1/auth/signup', { body: { email: 'ALICE@example.com', phone: '+4915100000002', password: PASSWORD } });
  assert.equal(dupEmail.status, 409);
  const dupPhone = await t.request('POST', '/v1/auth/signup', { body: { email: 'other@example.com', phone: '0049-151-23456789', password: PASSWORD } });
  assert.equal(dupPhone.status, 409);
  const [{ n }] = await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM customers`);
  assert.equal(n, 1, 'no customer row from any refused sign-up');
  assert.equal(created.length, 1);
});

test('an unknown login and a wrong password get exactly the same answer', async () => {
  const wrong = await t.request('POST', '/v1/auth/login', { body: { login: 'alice@example.com', password: 'not the password' } });
  const unknownEmail = await t.request('POST', '/v1/auth/login', { body: { login: 'nobody@example.com', password: 'not the password' } });
  const unknownPhone = await t.request('POST', '/v1/auth/login', { body: { login: '+4915199999999', password: 'not the password' } });
  const garbage = await t.request('POST', '/v1/auth/login', { body: { login: 'garbage', password: 'not the password' } });
  for (const r of [unknownEmail, unknownPhone, garbage]) {
    assert.equal(r.status, wrong.status);
    assert.deepEqual(r.body, wrong.body);
  }
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, { error: { code: 'unauthorized', message: 'wrong login or password' } });
  const failed = t.signals.filter((s) => s.kind === 'login_failed');
  assert.equal(failed.length, 4);
  for (const s of failed) assert.ok(!JSON.stringify(s).includes('example.com') && !JSON.stringify(s).includes('4915'), 'no login name in clear in the signal');
});

test('login by e-mail or phone texts a code; a new code replaces the old one; codes expire after 5 minutes', async () => {
  const l = await t.request('POST', '/v1/auth/login', { body: { login: 'alice@example.com', password: PASSWORD } });
  assert.equal(l.status, 200, JSON.stringify(l.body));
  assert.deepEqual(l.body.methods, ['sms']);
  assert.equal(l.body.smsSentTo, '+49•••••••••89');
  const first = await t.smsCode('+4915123456789');

  // a second code too soon is refused, 30 s later it is sent and the first one stops working
  const tooSoon = await t.request('POST', `/v1/auth/challenges/${l.body.challengeId}/sms`);
  assert.equal(tooSoon.status, 429);
  t.advance(31_000);
  const resend = await t.request('POST', `/v1/auth/challenges/${l.body.challengeId}/sms`);
  assert.equal(resend.status, 200, JSON.stringify(resend.body));
  const second = await t.smsCode('+4915123456789');
  if (first !== second) {
    const old = await t.request('POST', `/v1/auth/challenges/${l.body.challengeId}/verify`, { body: { code: first } });
    assert.equal(old.status, 401);
  }
  // the code's 5 minutes run out
  t.advance(5 * 60_000 + 1000);
  const late = await t.request('POST', `/v1/auth/challenges/${l.body.challengeId}/verify`, { body: { method: 'sms', code: second } });
  assert.equal(late.status, 401);
  assert.equal(late.body.error.code, 'invalid_code');

  // by phone, in another format: a fresh challenge works
  const l2 = await t.request('POST', '/v1/auth/login', { body: { login: '0049 151 23456789', password: PASSWORD } });
  assert.equal(l2.status, 200);
  const code = await t.smsCode('+4915123456789');
  const ok = await t.request('POST', `/v1/auth/challenges/${l2.body.challengeId}/verify`, { body: { code } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.purpose, 'login');
  assert.match(ok.body.token, /^ctk_/);
});

test('verify answers 400 for bad input and 401 for an unknown challenge, never 5xx', async () => {
  const l = await t.request('POST', '/v1/auth/login', { body: { login: 'alice@example.com', password: PASSWORD } });
  await t.smsCode('+4915123456789');
  const id = l.body.challengeId;
  const cases: Array<[string, unknown, number]> = [
    [`/v1/auth/challenges/${id}/verify`, {}, 400],
    [`/v1/auth/challenges/${id}/verify`, { method: 'totp', code: '123456' }, 400],
    [`/v1/auth/challenges/${id}/verify`, { method: 'passkey' }, 400],
    [`/v1/auth/challenges/${id}/verify`, { code: { x: 1 } }, 400],
    [`/v1/auth/challenges/${id}/verify`, { code: '123456', extra: 1 }, 400],
    ['/v1/auth/challenges/nope/verify', { code: '123456' }, 400],
    ['/v1/auth/challenges/chl_01hzzzzzzzzzzzzzzzzzzzzzzz/verify', { code: '123456' }, 401],
    [`/v1/auth/challenges/${id}/passkey`, undefined, 400],
  ];
  for (const [path, body, status] of cases) {
    const r = await t.request('POST', path, { body });
    assert.equal(r.status, status, `${path} ${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
    assert.equal(typeof r.body.error.code, 'string');
  }
  const [{ attempts }] = await t.tg.ctx.db.query<{ attempts: number }>(`SELECT attempts FROM customer_challenges WHERE id = $1`, [id]);
  assert.equal(attempts, 0, 'malformed requests do not spend the attempts');
});

test('a blocked customer cannot log in; unblocked they can again', async () => {
  const [{ id }] = await t.tg.ctx.db.query<{ id: string }>(`SELECT id FROM customers LIMIT 1`);
  const b = await t.request('POST', `/v1/admin/customers/${id}/block`, { token: t.adminToken, body: { reason: 'fraud report' } });
  assert.equal(b.status, 200, JSON.stringify(b.body));
  const l = await t.request('POST', '/v1/auth/login', { body: { login: 'alice@example.com', password: PASSWORD } });
  assert.equal(l.status, 403);
  assert.equal(l.body.error.code, 'blocked');
  const again = await t.request('POST', `/v1/admin/customers/${id}/block`, { token: t.adminToken, body: { reason: 'twice' } });
  assert.equal(again.status, 409);
  const u = await t.request('POST', `/v1/admin/customers/${id}/unblock`, { token: t.adminToken, body: { reason: 'cleared' } });
  assert.equal(u.status, 200);
  const token = await t.loginSms('alice@example.com', PASSWORD, '+4915123456789');
  assert.equal((await t.request('GET', '/v1/me', { token })).status, 200);
});
