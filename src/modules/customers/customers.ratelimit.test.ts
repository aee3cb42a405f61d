import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCustomersApp, type CustomersTestApp } from './customers.testing.ts';

// RATE_LIMIT_PER_MINUTE=120 gives each IP 10 logins and 30 code checks a minute.
let t: CustomersTestApp;
before(async () => { t = await startCustomersApp({ RATE_LIMIT_PER_MINUTE: '120' }); });
after(async () => { await t?.close(); });

test('per-IP limits: the 11th login in a minute is a 429, whatever the login name', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) {
    const r = await t.request('POST', '/v1/auth/login', { body: { login: `user${i}@example.com`, password: 'some password' } });
    statuses.push(r.status);
    if (r.status === 429) assert.equal(r.body.error.code, 'rate_limited');
  }
  assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
});

test('per-IP limits: code checks are limited too (30 a minute), before any attempt is spent', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 31; i++) {
    const r = await t.request('POST', '/v1/auth/challenges/chl_01hzzzzzzzzzzzzzzzzzzzzzzz/verify', { body: { code: '000000' } });
    statuses.push(r.status);
  }
  assert.deepEqual(statuses, [...Array(30).fill(401), 429]);
});
