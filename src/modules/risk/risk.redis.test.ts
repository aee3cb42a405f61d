import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';

// Two Tollgate nodes sharing Redis see one set of velocity counters.
const apps: TestApp[] = [];
after(async () => { for (const a of apps) await a.close(); });

test('two instances sharing Redis see combined velocity: 5 checkouts on node A + 5 on node B trip the IP rule', async () => {
  const env = { RISK: 'true', REDIS_URL: 'redis://127.0.0.1:6379' };
  const a = await startTestApp(env);
  apps.push(a);
  const b = await startTestApp(env);
  apps.push(b);
  const ip = `73.${200 + (randomBytes(1)[0] % 50)}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 250)}`; // a fresh public (Comcast) IP per run
  const ev = (t: TestApp, i: number) => t.request('POST', '/v1/risk/evaluate', {
    token: t.adminToken,
    body: { kind: 'checkout', ip, email: `redis${i}_${Date.now()}@gmail.com`, userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0', amount: { amount: 500, currency: 'USD' }, checkoutDurationMs: 20_000 },
  });
  const results = [];
  for (let i = 0; i < 10; i++) results.push(await ev(i % 2 === 0 ? a : b, i));
  for (const r of results) assert.equal(r.status, 200);
  assert.deepEqual(results.slice(0, 9).map((r) => r.body.decision), Array(9).fill('allow'));
  assert.equal(results[9].body.decision, 'block', 'the 10th checkout from one IP within an hour, counted across both nodes');
  const d = await a.request('GET', `/v1/admin/risk/decisions/${results[9].body.id}`, { token: a.adminToken });
  // each node wrote to its own database, but the counter is shared
  if (d.status === 200) assert.equal(d.body.features['velocity.ip.count_1h'], 10);
  else {
    const db = await b.request('GET', `/v1/admin/risk/decisions/${results[9].body.id}`, { token: b.adminToken });
    assert.equal(db.body.features['velocity.ip.count_1h'], 10);
  }
});
