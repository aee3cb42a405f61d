import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../support/app.ts';
import { simulate } from '../../src/simulate.ts';

// `tollgate simulate` against a running Tollgate: the same HTTP endpoints as production fill the console.
let t: TestApp;
before(async () => { t = await startTestApp({ RISK: 'true', SANDBOX_CAPTURE: 'manual', FRAUD_AUTO_CAPTURE_LIMIT_USD: '10', CARD_PROCESSOR_SECRET: 'cps_simulate_test_secret_123' }); });
after(async () => { await t?.close(); });

test('simulate fills the console: allowed, held and blocked checkouts, alerts, card declines and a reconciliation with flagged orders', { timeout: 240_000 }, async () => {
  const counts = await simulate({ url: t.url, email: 'admin@test.local', password: 'admin-password-1', scale: 1, processorSecret: 'cps_simulate_test_secret_123', log: () => undefined });
  assert.ok(counts.orders >= 20, JSON.stringify(counts));
  assert.ok((counts.card_approved ?? 0) > 0 && (counts.card_declined ?? 0) > 0, JSON.stringify(counts));
  // let the jobs (risk checks, captures, deliveries) run
  for (let i = 0; i < 200; i++) {
    const [{ n }] = await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued','running') AND run_at <= now()`);
    if (n === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const decisions = (await t.request('GET', '/v1/admin/risk/decisions?limit=500', { token: t.adminToken })).body.data;
  const by = (d: string) => decisions.filter((x: any) => x.decision === d).length;
  assert.ok(by('allow') > 0 && by('review') > 0 && by('block') > 0, `allow ${by('allow')} review ${by('review')} block ${by('block')}`);
  const fired = new Set(decisions.flatMap((d: any) => d.reasons.filter((r: any) => r.effect !== 'skipped').map((r: any) => r.rule)));
  for (const rule of ['Bot user agent', 'Micro-transactions (card testing)', 'Card country ≠ IP country', 'IP velocity (auto-block)', 'Alcohol or gambling merchant']) assert.ok(fired.has(rule), `${rule} fired`);
  let reviews: any[] = [];
  for (let i = 0; i < 200 && reviews.length === 0; i++) {
    reviews = (await t.request('GET', '/v1/admin/risk/reviews', { token: t.adminToken })).body.data;
    if (reviews.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(reviews.length > 0, 'held payments in the review queue');
  const alerts = (await t.request('GET', '/v1/admin/alerts?open=true', { token: t.adminToken })).body.data;
  assert.ok(alerts.some((a: any) => a.kind === 'risk.block'));
  const range = `from=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`;
  const recon = await t.request('GET', `/v1/admin/reconciliation?${range}`, { token: t.adminToken });
  assert.equal(recon.status, 200, JSON.stringify(recon.body));
  const rows = recon.body.data;
  assert.ok(rows.length >= 10);
  assert.ok(rows.some((r: any) => r.flagged), 'some orders flagged');
  let fulfilled: any[] = [];
  for (let i = 0; i < 200 && fulfilled.length === 0; i++) {
    fulfilled = (await t.request('GET', '/v1/admin/orders?status=fulfilled', { token: t.adminToken })).body.data;
    if (fulfilled.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(fulfilled.length > 0, 'allowed checkouts were captured and delivered');
});
