import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCustomersApp, type CustomersTestApp } from './customers.testing.ts';

let t: CustomersTestApp;
let customerId: string;
const PASSWORD = 'correct horse battery';
const PHONE = '+447700900123';
before(async () => {
  t = await startCustomersApp();
  ({ customerId } = await t.signup({ email: 'bob@example.com', phone: PHONE, password: PASSWORD }));
});
after(async () => { await t?.close(); });

async function startLogin() {
  const l = await t.request('POST', '/v1/auth/login', { body: { login: 'bob@example.com', password: PASSWORD } });
  assert.equal(l.status, 200, JSON.stringify(l.body));
  return { challengeId: l.body.challengeId as string, code: await t.smsCode(PHONE) };
}
const failures = async (subject: string) =>
  (await t.tg.ctx.db.query<{ failures: number; locked_until: Date | null }>(`SELECT failures, locked_until FROM customer_auth_failures WHERE subject = $1`, [subject]))[0];

test('50 parallel wrong guesses: exactly 5 attempts are spent, the challenge dies and the account locks for a minute', async () => {
  const { challengeId, code } = await startLogin();
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const answers = await Promise.all(Array.from({ length: 50 }, () => t.request('POST', `/v1/auth/challenges/${challengeId}/verify`, { body: { code: wrong } })));
  const statuses = answers.map((a) => a.status);
  assert.ok(statuses.every((s) => s === 401 || s === 423), `only 401/423: ${statuses.join(',')}`);
  assert.equal(answers.filter((a) => a.body.error.message === 'the code is not valid').length, 5, 'five guesses were judged, the rest refused unjudged');

  const [{ attempts }] = await t.tg.ctx.db.query<{ attempts: number }>(`SELECT attempts FROM customer_challenges WHERE id = $1`, [challengeId]);
  assert.equal(attempts, 5);
  const f = await failures(customerId);
  assert.equal(f.failures, 5);
  assert.ok(f.locked_until && f.locked_until.getTime() > t.now().getTime() + 50_000, 'locked for about a minute');
  assert.equal(t.signals.filter((s) => s.kind === 'code_failed').length, 5);
  assert.equal(t.signals.filter((s) => s.kind === 'account_locked').length, 1);

  // the right code no longer helps: the account is locked, and the challenge is out of attempts
  const right = await t.request('POST', `/v1/auth/challenges/${challengeId}/verify`, { body: { code } });
  assert.equal(right.status, 423);
  assert.equal(right.body.error.code, 'account_locked');
  const login = await t.request('POST', '/v1/auth/login', { body: { login: 'bob@example.com', password: PASSWORD } });
  assert.equal(login.status, 423);

  // the lockout lifts after its minute; the dead challenge stays dead, a new login works
  t.advance(61_000);
  const stillDead = await t.request('POST', `/v1/auth/challenges/${challengeId}/verify`, { body: { code } });
  assert.equal(stillDead.status, 401);
  const again = await startLogin();
  const ok = await t.request('POST', `/v1/auth/challenges/${again.challengeId}/verify`, { body: { code: again.code } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(await failures(customerId), undefined, 'a successful login clears the counter');
});

test('the lockout escalates: 5 failures → 1 min, 10 → 15 min, 15 → 1 h; wrong passwords count too', async () => {
  const wrongPassword = () => t.request('POST', '/v1/auth/login', { body: { login: PHONE, password: 'wrong password!' } });
  for (let i = 0; i < 5; i++) assert.equal((await wrongPassword()).status, 401);
  assert.equal((await wrongPassword()).status, 423);
  let f = await failures(customerId);
  assert.equal(f.failures, 5);
  assert.equal(Math.round((f.locked_until!.getTime() - t.now().getTime()) / 60_000), 1);

  t.advance(61_000);
  for (let i = 0; i < 5; i++) assert.equal((await wrongPassword()).status, 401);
  f = await failures(customerId);
  assert.equal(f.failures, 10);
  assert.equal(Math.round((f.locked_until!.getTime() - t.now().getTime()) / 60_000), 15);
  t.advance(14 * 60_000);
  assert.equal((await wrongPassword()).status, 423, 'still locked after 14 minutes');

  t.advance(61_000 + 60_000);
  for (let i = 0; i < 5; i++) assert.equal((await wrongPassword()).status, 401);
  f = await failures(customerId);
  assert.equal(f.failures, 15);
  assert.equal(Math.round((f.locked_until!.getTime() - t.now().getTime()) / 60_000), 60);

  const unlock = await t.request('POST', `/v1/admin/customers/${customerId}/unlock`, { token: t.adminToken, body: { reason: 'verified by phone' } });
  assert.equal(unlock.status, 200);
  assert.equal((await t.request('POST', '/v1/auth/login', { body: { login: PHONE, password: PASSWORD } })).status, 200);
  await t.smsCode(PHONE);
});

test('an unknown login locks the same way, so a lockout does not reveal that an account exists', async () => {
  const unknown = () => t.request('POST', '/v1/auth/login', { body: { login: 'ghost@example.com', password: 'wrong password!' } });
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push(await unknown());
  assert.deepEqual(answers.map((a) => a.status), [401, 401, 401, 401, 401, 423]);
  assert.equal(answers[5].body.error.code, 'account_locked');
  t.advance(61_000);
  assert.equal((await unknown()).status, 401);
});
