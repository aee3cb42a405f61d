import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../platform/errors.ts';
import { startCustomersApp, type CustomersTestApp } from './customers.testing.ts';

let t: CustomersTestApp;
let a: string; // the session the customer works with
const PASSWORD = 'correct horse battery';
const PHONE = '+33612345678';
const EMAIL = 'dave@example.com';
before(async () => {
  t = await startCustomersApp();
  ({ token: a } = await t.signup({ email: EMAIL, phone: PHONE, password: PASSWORD }));
});
after(async () => { await t?.close(); });

test('sessions: a new token on every login, listed with created/last seen/ip/user agent/current, revocable; a revoked token is a 401', async () => {
  const b = await t.loginSms(EMAIL, PASSWORD, PHONE);
  const c = await t.loginSms(PHONE, PASSWORD, PHONE);
  assert.equal(new Set([a, b, c]).size, 3);

  const list = await t.request('GET', '/v1/me/sessions', { token: a, headers: { 'user-agent': 'TestBrowser/1.0' } });
  assert.equal(list.status, 200);
  assert.equal(list.body.data.length, 3);
  const current = list.body.data.filter((s: { current: boolean }) => s.current);
  assert.equal(current.length, 1);
  for (const s of list.body.data) {
    assert.match(s.id, /^cse_/);
    assert.equal(s.ip, '127.0.0.1');
    assert.ok(s.createdAt && s.lastSeenAt);
    assert.equal(typeof s.userAgent, 'string');
  }
  // which one is b? the newest non-current ones are b and c; find b by using it
  const bSession = (await t.request('GET', '/v1/me/sessions', { token: b })).body.data.find((s: { current: boolean }) => s.current).id;
  const del = await t.request('DELETE', `/v1/me/sessions/${bSession}`, { token: a });
  assert.equal(del.status, 204);
  const replay = await t.request('GET', '/v1/me', { token: b });
  assert.equal(replay.status, 401);
  assert.ok(t.signals.some((s) => s.kind === 'token_revoked' && s.subject === bSession), 'the replay of a revoked token is reported');
  assert.equal((await t.request('GET', '/v1/me', { token: a })).status, 200);
  assert.equal((await t.request('GET', '/v1/me/sessions', { token: a })).body.data.length, 2);

  // someone else's session: 404, and reported
  const other = await t.signup({ email: 'erin@example.com', phone: '+33698765432', password: PASSWORD });
  const erinSession = (await t.request('GET', '/v1/me/sessions', { token: other.token })).body.data[0].id;
  const foreign = await t.request('DELETE', `/v1/me/sessions/${erinSession}`, { token: a });
  assert.equal(foreign.status, 404);
  assert.ok(t.signals.some((s) => s.kind === 'not_found_foreign' && s.subject === erinSession));
  assert.equal((await t.request('GET', '/v1/me', { token: other.token })).status, 200);
});

test('unknown or malformed tokens are a 401 reported as token_invalid; no token is a plain 401', async () => {
  const before = t.signals.filter((s) => s.kind === 'token_invalid').length;
  for (const tok of ['ctk_' + 'A'.repeat(43), 'garbage', 'stf_tok_something']) {
    const r = await t.request('GET', '/v1/me', { token: tok });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'unauthorized');
  }
  assert.equal(t.signals.filter((s) => s.kind === 'token_invalid').length, before + 3);
  assert.equal((await t.request('GET', '/v1/me')).status, 401);
  assert.equal(t.signals.filter((s) => s.kind === 'token_invalid').length, before + 3);
});

test('password change: needs the current password and a fresh second factor, ends every other session', async () => {
  const other = await t.loginSms(EMAIL, PASSWORD, PHONE);
  const wrong = await t.request('POST', '/v1/me/password', { token: a, body: { currentPassword: 'nope nope nope', newPassword: 'a brand new secret' } });
  // `a` logged in at sign-up, within the last minutes of the test's clock: still fresh
  assert.equal(wrong.status, 401);
  const weak = await t.request('POST', '/v1/me/password', { token: a, body: { currentPassword: PASSWORD, newPassword: 'aaaaaaaaaaaa' } });
  assert.equal(weak.status, 400);
  const ok = await t.request('POST', '/v1/me/password', { token: a, body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.otherSessionsEnded, 2);
  assert.equal((await t.request('GET', '/v1/me', { token: other })).status, 401);
  assert.equal((await t.request('GET', '/v1/me', { token: a })).status, 200);
  assert.equal((await t.request('POST', '/v1/auth/login', { body: { login: EMAIL, password: PASSWORD } })).status, 401);
  const l = await t.request('POST', '/v1/auth/login', { body: { login: EMAIL, password: 'a brand new secret' } });
  assert.equal(l.status, 200);
  await t.smsCode(PHONE);
});

test('step-up: required after 5 minutes for password, e-mail and phone changes; an SMS step-up makes them possible again', async () => {
  t.advance(5 * 60_000 + 1000);
  const stale = await t.request('PUT', '/v1/me/email', { token: a, body: { email: 'dave.new@example.com' } });
  assert.equal(stale.status, 403);
  assert.deepEqual(stale.body.error.details, { challengeUrl: '/v1/me/step-up', purpose: 'change_email', maxAgeMinutes: 5 });
  assert.equal((await t.request('POST', '/v1/me/password', { token: a, body: { currentPassword: 'a brand new secret', newPassword: 'another new secret' } })).status, 403);
  assert.equal((await t.request('POST', '/v1/me/phone', { token: a, body: { phone: '+33600000001' } })).status, 403);

  const s = await t.request('POST', '/v1/me/step-up', { token: a });
  assert.equal(s.status, 200);
  assert.deepEqual(s.body.methods, ['sms']);
  const code = await t.smsCode(PHONE);
  const v = await t.request('POST', `/v1/auth/challenges/${s.body.challengeId}/verify`, { token: a, body: { code } });
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(v.body.purpose, 'step_up');

  const second = await t.loginSms(EMAIL, 'a brand new secret', PHONE); // another device
  assert.equal((await t.request('GET', '/v1/me', { token: second })).status, 200);
  const email = await t.request('PUT', '/v1/me/email', { token: a, body: { email: 'Dave.New@example.com' } });
  assert.equal(email.status, 200, JSON.stringify(email.body));
  assert.ok(email.body.otherSessionsEnded >= 1, 'the e-mail (a login name) change ends the other sessions');
  assert.equal((await t.request('GET', '/v1/me', { token: second })).status, 401);
  assert.equal((await t.request('GET', '/v1/me', { token: a })).status, 200, 'the session that changed it stays');
  const taken = await t.request('PUT', '/v1/me/email', { token: a, body: { email: 'erin@example.com' } });
  assert.equal(taken.status, 409);

  // phone change: the code goes to the new number, verified by the same session
  const p = await t.request('POST', '/v1/me/phone', { token: a, body: { phone: '+33 6 00 00 00 01' } });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  const newCode = await t.smsCode('+33600000001');
  const pv = await t.request('POST', `/v1/auth/challenges/${p.body.challengeId}/verify`, { token: a, body: { code: newCode } });
  assert.equal(pv.status, 200, JSON.stringify(pv.body));
  const me = await t.request('GET', '/v1/me', { token: a });
  assert.equal(me.body.email, 'dave.new@example.com');
  assert.equal(me.body.phone, '+33•••••••01');
  await t.loginSms('+33600000001', 'a brand new secret', '+33600000001');
});

test('requireStepUp for payments: up to the threshold no step-up, above it a fresh second factor', async () => {
  const customers = t.tg.services.customers;
  const threshold = t.tg.ctx.config.personalArea.stepUpThresholdMinor;
  const stale = { customerId: 'cus_x', sessionId: 'cse_x', stepUpAt: new Date(t.now().getTime() - 6 * 60_000) };
  customers.requireStepUp(stale, 'payment', { amountMinor: threshold });
  assert.throws(() => customers.requireStepUp(stale, 'payment', { amountMinor: threshold + 1 }), (e: unknown) => e instanceof AppError && e.code === 'step_up_required' && e.status === 403);
  assert.throws(() => customers.requireStepUp(stale, 'add_payee'), (e: unknown) => e instanceof AppError && e.code === 'step_up_required');
  customers.requireStepUp({ ...stale, stepUpAt: new Date(t.now().getTime() - 4 * 60_000) }, 'payment', { amountMinor: threshold * 10 });
  assert.throws(() => customers.requireStepUp({ ...stale, stepUpAt: null }, 'payment', { amountMinor: threshold + 1 }));
});

test('logout ends the session and clears the cookie', async () => {
  const r = await t.request('POST', '/v1/auth/logout', { token: a });
  assert.equal(r.status, 204);
  assert.match(r.headers.get('set-cookie') ?? '', /^tg_customer=; .*Max-Age=0/);
  assert.equal((await t.request('GET', '/v1/me', { token: a })).status, 401);
});
