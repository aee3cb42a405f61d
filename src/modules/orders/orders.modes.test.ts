import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';

const apps: TestApp[] = [];
after(async () => { for (const a of apps) await a.close(); });
const start = async (env: Record<string, string>) => { const a = await startTestApp(env); apps.push(a); return a; };
const coinsOf = async (t: TestApp, u: string) => (await t.request('GET', `/demo-platform/api/users/${u}`)).body.coins as number;

test('chaos delivery (late, twice, out of order): every order fulfilled once, coins credited once', async () => {
  const t = await start({ SANDBOX_DELIVERY: 'chaos', SANDBOX_CAPTURE: 'manual' });
  const p = await t.product('demo-coins-1200-api');
  const before = await coinsOf(t, 'kofi.music');
  const orders = await Promise.all([1, 2, 3].map(() => t.createOrder({ email: 'chaos@example.com', items: [{ productId: p.id, quantity: 1 }], platformUserId: 'kofi.music' })));
  await Promise.all(orders.map((o) => t.pay(o.body.payment.checkoutUrl)));
  for (const o of orders) await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled');
  await new Promise((r) => setTimeout(r, 3000)); // let the duplicates and stale re-sends arrive
  for (const o of orders) {
    const v = await t.order(o.body.id, o.body.clientSecret);
    assert.equal(v.status, 'fulfilled');
    assert.equal(v.payment.status, 'captured');
  }
  assert.equal(await coinsOf(t, 'kofi.music') - before, 3600);
  // each event id landed once in the inbox although the gateway sent every one at least twice
  const [{ n, distinct }] = await t.tg.ctx.db.query<{ n: number; distinct: number }>(`SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct FROM webhook_inbox`);
  assert.equal(n, distinct);
  const [{ sent }] = await t.tg.ctx.db.query<{ sent: number }>(`SELECT count(*)::int AS sent FROM sandbox_events`);
  assert.equal(n, sent, 'every gateway event was received');
});

test('authorize then capture (SANDBOX_CAPTURE=manual): authorized → Tollgate captures → succeeded → fulfilled', async () => {
  const t = await start({ SANDBOX_CAPTURE: 'manual' });
  const p = await t.product('gift-card-50k');
  const o = await t.createOrder({ email: 'auth@example.com', items: [{ productId: p.id, quantity: 1 }] });
  await t.pay(o.body.payment.checkoutUrl);
  const done = await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled');
  const admin = await t.request('GET', `/v1/admin/orders/${o.body.id}`, { token: t.adminToken });
  assert.equal(admin.body.payments[0].status, 'captured');
  const hist = await t.tg.services.payments.history(o.body.payment.id);
  assert.deepEqual(hist.map((h) => h.to_status), ['pending', 'authorized', 'captured']);
  assert.ok(admin.body.jobs.some((j: any) => j.kind === 'payments.capture' && j.status === 'done'));
  assert.equal(done.fulfilments[0].delivered.codes.length, 1);
});

test('delivery that fails for good: order failed + alert + dead job visible; after a fix, retry fulfils it', async () => {
  const t = await start({ JOB_MAX_ATTEMPTS: '2' });
  const p = await t.product('demo-coins-1200-api');
  // the seller runs out of coins on the platform: the platform refuses the transfer
  await t.tg.ctx.db.query(`UPDATE demo_platform_users SET coins = 0 WHERE user_id = 'seller'`);
  const o = await t.createOrder({ email: 'fail@example.com', items: [{ productId: p.id, quantity: 1 }], platformUserId: 'hiro.tanaka' });
  await t.pay(o.body.payment.checkoutUrl);
  const failed = await t.waitForOrder(o.body.id, o.body.clientSecret, 'failed');
  assert.match(failed.history.at(-1).reason, /insufficient|refused/i);
  const alerts = await t.request('GET', '/v1/admin/alerts?open=true', { token: t.adminToken });
  assert.ok(alerts.body.data.some((a: any) => a.kind === 'order.fulfilment_failed' && a.subjectId === o.body.id));
  const dead = await t.request('GET', '/v1/admin/jobs?status=dead', { token: t.adminToken });
  assert.ok(dead.body.data.some((j: any) => j.payload.orderId === o.body.id));
  assert.ok(dead.body.counts.dead >= 1);

  await t.tg.ctx.db.query(`UPDATE demo_platform_users SET coins = 1000000 WHERE user_id = 'seller'`);
  const before = await coinsOf(t, 'hiro.tanaka');
  const retry = await t.request('POST', `/v1/admin/orders/${o.body.id}/retry-fulfilment`, { token: t.adminToken, body: {} });
  assert.equal(retry.status, 200, JSON.stringify(retry.body));
  const done = await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled');
  assert.deepEqual(done.history.map((h: any) => h.to), ['pending_payment', 'paid', 'fulfilling', 'failed', 'fulfilling', 'fulfilled']);
  assert.equal(await coinsOf(t, 'hiro.tanaka') - before, 1200);
  // refund is not possible any more once fulfilled
  const refund = await t.request('POST', `/v1/admin/orders/${o.body.id}/refund`, { token: t.adminToken, body: { reason: 'x' } });
  assert.equal(refund.status, 409);
  assert.equal(refund.body.error.code, 'illegal_transition');
});

test('rate limits on public routes answer 429 with the error body', async () => {
  const t = await start({ RATE_LIMIT_PER_MINUTE: '12' });
  const p = await t.product('gift-card-50k');
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await t.createOrder({ email: 'rl@example.com', items: [{ productId: p.id, quantity: 1 }] }));
  const limited = results.find((r) => r.status === 429);
  assert.ok(limited, `statuses: ${results.map((r) => r.status)}`);
  assert.equal(limited!.body.error.code, 'rate_limited');
});
