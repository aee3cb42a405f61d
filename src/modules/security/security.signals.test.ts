import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SecuritySignal } from '../../platform/security.ts';
import { startPersonalAreaApp, type PaTestApp } from '../personal-area/personal-area.testing.ts';

/**
 * The monitor over real use: normal customer behaviour (sign-up, login, browsing, logout, a second device
 * after a password change, a session that expired) never opens a security event or an alert; a customer
 * guessing random transaction ids does.
 */
let t: PaTestApp;
const seen: SecuritySignal[] = [];
const PASSWORD = 'correct horse battery staple';

before(async () => {
  t = await startPersonalAreaApp();
  // the test app captures the customers module's signals; here they must reach the real monitor
  const monitor = t.tg.services.security;
  t.tg.services.customers.setSecuritySink({ record: (s) => { seen.push(s); monitor.record(s); } });
  const record = monitor.record.bind(monitor);
  monitor.record = (s: SecuritySignal) => { if (!seen.includes(s)) seen.push(s); record(s); };
});
after(async () => { await t?.close(); });

const securityRows = async () => ({
  events: await t.tg.ctx.db.query<{ kind: string; source: string; customer_id: string | null }>(`SELECT kind, source, customer_id FROM security_events ORDER BY created_at`),
  alerts: await t.tg.ctx.db.query<{ kind: string }>(`SELECT kind FROM alerts WHERE kind LIKE 'security.%'`),
});
const unknownTx = (i: number) => `ltr_01j${String(i).padStart(23, "z")}`;

test('normal use — sign-up, login, browsing /v1/me, a second device after a password change, logout, an expired session — raises no security event or alert', async () => {
  const c = await t.customer('norma');
  const phone = await t.loginSms(c.email, PASSWORD, c.phone); // a second device
  const top = await t.topup(c, 5_000);
  for (const path of ['/v1/me', '/v1/me/accounts', '/v1/me/transactions', `/v1/me/transactions/${top.transactionId}`, `/v1/me/transactions/${top.transactionId}/receipt`,
    `/v1/me/topups/${top.id}`, '/v1/me/topups', '/v1/me/bills', '/v1/me/feedback', '/v1/me/payees', '/v1/me/sessions', '/v1/me/security']) {
    for (const token of [c.token, phone]) {
      const r = await t.request('GET', path, { token });
      assert.equal(r.status, 200, `${path}: ${r.status}`);
    }
  }
  const pw = await t.request('POST', '/v1/me/password', { token: c.token, body: { currentPassword: PASSWORD, newPassword: 'another horse battery staple' } });
  assert.equal(pw.status, 200, JSON.stringify(pw.body));
  // the phone's session ended with the password change: the app retries a few times, then asks to log in
  for (let i = 0; i < 3; i++) assert.equal((await t.request('GET', '/v1/me/accounts', { token: phone })).status, 401);
  const again = await t.loginSms(c.email, 'another horse battery staple', c.phone);
  assert.equal((await t.request('GET', '/v1/me', { token: again })).status, 200);
  assert.equal((await t.request('POST', '/v1/auth/logout', { token: again })).status, 204);
  // back after a month: the session expired
  t.advance(31 * 24 * 3600_000);
  for (let i = 0; i < 3; i++) assert.equal((await t.request('GET', '/v1/me', { token: c.token })).status, 401);

  await t.tg.services.security.flush();
  assert.equal(seen.filter((s) => s.kind === 'token_revoked' || s.kind === 'not_found_id' || s.kind === 'not_found_foreign').length, 0, JSON.stringify(seen.filter((s) => s.kind !== 'request')));
  const rows = await securityRows();
  assert.deepEqual(rows.events, []);
  assert.deepEqual(rows.alerts, []);
});

test('a revoked session\'s token presented again is still reported as a replay', async () => {
  const c = await t.customer('rhea');
  const other = await t.loginSms(c.email, PASSWORD, c.phone);
  const id = (await t.request('GET', '/v1/me/sessions', { token: other })).body.data.find((s: { current: boolean }) => s.current).id;
  assert.equal((await t.request('DELETE', `/v1/me/sessions/${id}`, { token: c.token })).status, 204);
  assert.equal((await t.request('GET', '/v1/me', { token: other })).status, 401);
  assert.ok(seen.some((s) => s.kind === 'token_revoked' && s.subject === id));
});

test('30 random transaction ids from one customer open an enumeration event and an alert; their own ids do not', async () => {
  const c = await t.customer('guesser');
  for (let i = 0; i < 30; i++) {
    const r = await t.request('GET', `/v1/me/transactions/${unknownTx(i)}`, { token: c.token });
    assert.equal(r.status, 404);
  }
  await t.tg.services.security.flush();
  const rows = await securityRows();
  const mine = rows.events.filter((e) => e.kind === 'enumeration' && e.source === `customer:${c.customerId}`);
  assert.equal(mine.length, 1, JSON.stringify(rows.events)); // (the IP detector, threshold 30, opens one too)
  assert.ok(rows.alerts.some((a) => a.kind === 'security.enumeration'));
  const guesses = seen.filter((s) => s.kind === 'not_found_id' && s.customerId === c.customerId);
  assert.equal(guesses.length, 30);
  assert.equal(guesses[0].subject, unknownTx(0));
});
