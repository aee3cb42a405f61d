import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCustomersApp, SoftAuthenticator, totpCode, type CustomersTestApp } from './customers.testing.ts';

let t: CustomersTestApp;
let token: string;
const PASSWORD = 'correct horse battery';
const PHONE = '+12025550147';
const EMAIL = 'carol@example.com';
before(async () => {
  t = await startCustomersApp();
  ({ token } = await t.signup({ email: EMAIL, phone: PHONE, password: PASSWORD }));
});
after(async () => { await t?.close(); });

const login = async () => {
  const l = await t.request('POST', '/v1/auth/login', { body: { login: EMAIL, password: PASSWORD } });
  assert.equal(l.status, 200, JSON.stringify(l.body));
  return l.body as { challengeId: string; methods: string[]; smsSentTo?: string };
};
const verify = (challengeId: string, body: unknown, tok?: string) => t.request('POST', `/v1/auth/challenges/${challengeId}/verify`, { body, token: tok });

let secret: string;

test('TOTP: enrolment returns the otpauth URI and a QR code; a first valid code confirms it and ends the other sessions', async () => {
  const other = await t.loginSms(EMAIL, PASSWORD, PHONE);
  const e = await t.request('POST', '/v1/me/security/totp', { token });
  assert.equal(e.status, 200, JSON.stringify(e.body));
  secret = e.body.secret;
  assert.match(e.body.otpauthUri, /^otpauth:\/\/totp\/Tollgate:carol%40example\.com\?/);
  assert.ok(e.body.otpauthUri.includes(`secret=${secret}`));
  assert.match(e.body.qrDataUrl, /^data:image\/png;base64,/);

  const bad = await t.request('POST', '/v1/me/security/totp/confirm', { token, body: { code: String((Number(await totpCode(secret, t.now())) + 1) % 1e6).padStart(6, '0') } });
  assert.equal(bad.status, 401);
  const ok = await t.request('POST', '/v1/me/security/totp/confirm', { token, body: { code: await totpCode(secret, t.now()) } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.deepEqual(ok.body, { enabled: true, otherSessionsEnded: 1 });

  const ended = await t.request('GET', '/v1/me', { token: other });
  assert.equal(ended.status, 401);
  assert.ok(!t.signals.some((s) => s.kind === 'token_revoked'), 'a session the system ended on a factor change is not a replay');
  assert.equal((await t.request('GET', '/v1/me', { token })).status, 200, 'the session that made the change stays');
});

test('TOTP login: the code works once (a replay in the same time step is refused), the next step works', async () => {
  t.advance(30_000); // past the step used to confirm the enrolment
  const c1 = await login();
  assert.deepEqual(c1.methods, ['sms', 'totp']);
  assert.equal(c1.smsSentTo, undefined, 'no text when an authenticator app is set up');
  const code = await totpCode(secret, t.now());
  const ok = await verify(c1.challengeId, { method: 'totp', code });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.match(ok.body.token, /^ctk_/);

  const c2 = await login();
  const replay = await verify(c2.challengeId, { code }); // method inferred: totp (no text was sent)
  assert.equal(replay.status, 401);
  const next = await verify(c2.challengeId, { code: await totpCode(secret, t.now(), 30) });
  assert.equal(next.status, 200, JSON.stringify(next.body));

  // the customer may still choose SMS
  t.advance(60_000);
  const c3 = await login();
  assert.equal((await t.request('POST', `/v1/auth/challenges/${c3.challengeId}/sms`)).status, 200);
  assert.equal((await verify(c3.challengeId, { method: 'sms', code: await t.smsCode(PHONE) })).status, 200);
});

let codes: string[];

test('recovery codes: 10, shown once, stored hashed, each works once', async () => {
  const r = await t.request('POST', '/v1/me/security/recovery-codes', { token });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  codes = r.body.codes;
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const c of codes) assert.match(c, /^[0-9a-z]{5}-[0-9a-z]{5}$/);
  const stored = await t.tg.ctx.db.query<{ code_hash: string }>(`SELECT code_hash FROM customer_recovery_codes`);
  assert.equal(stored.length, 10);
  for (const s of stored) for (const c of codes) assert.ok(!s.code_hash.includes(c.replace('-', '')));
  assert.deepEqual((await t.request('GET', '/v1/me/security/recovery-codes', { token })).body, { remaining: 10 });

  const c1 = await login();
  assert.ok(c1.methods.includes('recovery_code'));
  const ok = await verify(c1.challengeId, { code: codes[0] });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const c2 = await login();
  const reuse = await verify(c2.challengeId, { method: 'recovery_code', code: codes[0] });
  assert.equal(reuse.status, 401);
  const typed = await verify(c2.challengeId, { code: ` ${codes[1].toUpperCase().replace('-', '')} ` });
  assert.equal(typed.status, 200, 'upper case, without the dash, with spaces: still the code');
  assert.deepEqual((await t.request('GET', '/v1/me/security/recovery-codes', { token })).body, { remaining: 8 });
});

test('passkeys: registration with attestation "none", then login with an assertion; replays and clones are refused', async () => {
  const authr = new SoftAuthenticator(t.url);
  const o = await t.request('POST', '/v1/me/security/passkeys/options', { token });
  assert.equal(o.status, 200, JSON.stringify(o.body));
  assert.equal(o.body.options.rp.id, '127.0.0.1');
  const reg = await t.request('POST', '/v1/me/security/passkeys', { token, body: { challengeId: o.body.challengeId, response: authr.register(o.body.options), name: 'Laptop' } });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  assert.match(reg.body.id, /^pkc_/);
  // the registration challenge is single use
  const twice = await t.request('POST', '/v1/me/security/passkeys', { token, body: { challengeId: o.body.challengeId, response: authr.register(o.body.options) } });
  assert.equal(twice.status, 400);

  const c1 = await login();
  assert.deepEqual(c1.methods, ['sms', 'totp', 'passkey', 'recovery_code']);
  const p1 = await t.request('POST', `/v1/auth/challenges/${c1.challengeId}/passkey`);
  assert.equal(p1.status, 200, JSON.stringify(p1.body));
  assert.deepEqual(p1.body.allowCredentials.map((c: { id: string }) => c.id), [authr.id]);
  const assertion = authr.assert(p1.body);
  const ok = await verify(c1.challengeId, { method: 'passkey', response: assertion });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.match(ok.body.token, /^ctk_/);

  // the same assertion on a new challenge: wrong challenge → refused
  const c2 = await login();
  const p2 = await t.request('POST', `/v1/auth/challenges/${c2.challengeId}/passkey`);
  assert.equal((await verify(c2.challengeId, { response: assertion })).status, 401);
  // an authenticator whose counter went backwards (a clone) → refused
  assert.equal((await verify(c2.challengeId, { response: authr.assert(p2.body, { counter: 1 }) })).status, 401);
  // another key claiming the same credential id → refused
  const impostor = new SoftAuthenticator(t.url);
  Object.defineProperty(impostor, 'credentialId', { value: authr.credentialId });
  assert.equal((await verify(c2.challengeId, { response: impostor.assert(p2.body, { counter: 99 }) })).status, 401);
  // the real one, counter moving on → accepted
  const good = await verify(c2.challengeId, { response: authr.assert(p2.body) });
  assert.equal(good.status, 200, JSON.stringify(good.body));
});

test('changing a factor needs a fresh second factor (step-up), verified through the same verify endpoint', async () => {
  t.advance(6 * 60_000); // the login's second factor is no longer fresh
  const stale = await t.request('POST', '/v1/me/security/recovery-codes', { token });
  assert.equal(stale.status, 403);
  assert.equal(stale.body.error.code, 'step_up_required');
  assert.equal(stale.body.error.details.challengeUrl, '/v1/me/step-up');

  const s = await t.request('POST', '/v1/me/step-up', { token });
  assert.equal(s.status, 200, JSON.stringify(s.body));
  assert.deepEqual(s.body.methods, ['sms', 'totp', 'passkey', 'recovery_code']);
  const code = await totpCode(secret, t.now());
  const anonymous = await verify(s.body.challengeId, { method: 'totp', code });
  assert.equal(anonymous.status, 401, 'only the session that asked can complete its step-up');
  const v = await verify(s.body.challengeId, { method: 'totp', code }, token);
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(v.body.purpose, 'step_up');
  assert.equal(v.body.token, undefined);

  const fresh = await t.request('DELETE', '/v1/me/security/totp', { token });
  assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  const me = await t.request('GET', '/v1/me', { token });
  assert.deepEqual(me.body.factors, ['sms', 'passkey', 'recovery_code']);
});

test('staff reset-2fa removes the authenticator, passkeys and recovery codes and ends every session (audited)', async () => {
  const [{ id }] = await t.tg.ctx.db.query<{ id: string }>(`SELECT id FROM customers`);
  const r = await t.request('POST', `/v1/admin/customers/${id}/reset-2fa`, { token: t.adminToken, body: { reason: 'lost phone, identity checked' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.factors, ['sms']);
  assert.equal((await t.request('GET', '/v1/me', { token })).status, 401);
  const d = await t.request('GET', `/v1/admin/customers/${id}`, { token: t.adminToken });
  assert.deepEqual(d.body.factors, { sms: true, totp: false, passkeys: 0, recoveryCodesLeft: 0 });
  assert.equal(d.body.sessions, 0);
  const audit = await t.request('GET', `/v1/admin/audit?subjectId=${id}`, { token: t.adminToken });
  assert.ok(audit.body.data.some((a: { action: string }) => a.action === 'customer.2fa_reset'));
  assert.deepEqual((await login()).methods, ['sms']);
});
