import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';

// Checkout with the risk engine in the loop: authorize → decide → capture | hold for review | void.
let t: TestApp;
before(async () => { t = await startTestApp({ RISK: 'true', SANDBOX_CAPTURE: 'manual', FRAUD_AUTO_CAPTURE_LIMIT_USD: '5' }); });
after(async () => { await t?.close(); });

const UA = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36' };
let n = 0;
async function buy(sku: string, opts: { email?: string; ua?: Record<string, string>; card?: string; qty?: number } = {}) {
  const p = await t.product(sku);
  const o = await t.createOrder({ email: opts.email ?? `risk${n++}@example.com`, items: [{ productId: p.id, quantity: opts.qty ?? 1 }], deviceId: `dev_${Date.now()}_${n}`, checkoutDurationMs: 25_000 }, opts.ua ?? UA);
  assert.equal(o.status, 201, JSON.stringify(o.body));
  await t.pay(o.body.payment.checkoutUrl, 'pay', opts.card);
  return o.body;
}
async function decisionFor(orderId: string) {
  const r = await t.request('GET', `/v1/admin/risk/decisions?kind=checkout&limit=200`, { token: t.adminToken });
  return r.body.data.find((x: any) => x.subjectId === orderId);
}

test('allow: an ordinary checkout is authorized, scored, captured and fulfilled; the decision is stored with the card the gateway reported', async () => {
  const o = await buy('gift-card-50k', { card: 'debit_za' }); // Rp 50.000 ≈ 3 USD, under the 5 USD auto-capture limit
  const done = await t.waitForOrder(o.id, o.clientSecret, 'fulfilled');
  assert.deepEqual(done.history.map((h: any) => h.to), ['pending_payment', 'paid', 'fulfilling', 'fulfilled']);
  const d = await decisionFor(o.id);
  assert.equal(d.decision, 'allow');
  assert.equal(d.features['card.bin'], '412752');
  assert.equal(d.features['card.bin_country'], 'ZA');
  assert.equal(d.features['checkout.duration_ms'], 25_000);
  const admin = await t.request('GET', `/v1/admin/orders/${o.id}`, { token: t.adminToken });
  assert.ok(admin.body.jobs.some((j: any) => j.kind === 'orders.risk_check' && j.status === 'done'));
});

test('review: above the auto-capture limit the order is held with the payment authorized; approving captures and fulfils', async () => {
  const o = await buy('starfall-odyssey-key'); // Rp 225.000 ≈ 14 USD > 5 USD
  const held = await t.waitForOrder(o.id, o.clientSecret, 'on_hold');
  assert.equal(held.holdReason, 'risk_review');
  assert.equal(held.payment.status, 'authorized');
  const queue = await t.request('GET', '/v1/admin/risk/reviews', { token: t.adminToken });
  const item = queue.body.data.find((x: any) => x.orderId === o.id);
  assert.ok(item, 'in the review queue');
  assert.match(item.holdReason, /above the auto-capture limit/);
  assert.equal(item.payment.status, 'authorized');
  assert.ok(item.decision);
  const ok = await t.request('POST', `/v1/admin/risk/reviews/${o.id}/approve`, { token: t.adminToken, body: { reason: 'known customer' } });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  const done = await t.waitForOrder(o.id, o.clientSecret, 'fulfilled');
  assert.deepEqual(done.history.map((h: any) => h.to), ['pending_payment', 'on_hold', 'paid', 'fulfilling', 'fulfilled']);
  assert.equal((await decisionFor(o.id)).label, 'legit');
});

test('reject: the authorization is voided, the order cancelled, the decision labelled fraud and the buyer blocked', async () => {
  const email = `thief${Date.now()}@example.com`;
  const o = await buy('starfall-odyssey-key', { email, card: '4000221111119999' });
  await t.waitForOrder(o.id, o.clientSecret, 'on_hold');
  const r = await t.request('POST', `/v1/admin/risk/reviews/${o.id}/reject`, { token: t.adminToken, body: { reason: 'stolen card reported', blacklist: true } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'cancelled');
  for (let i = 0; i < 100; i++) {
    const v = await t.request('GET', `/v1/admin/orders/${o.id}`, { token: t.adminToken });
    if (v.body.payments[0].status === 'voided') break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const v = await t.request('GET', `/v1/admin/orders/${o.id}`, { token: t.adminToken });
  assert.equal(v.body.payments[0].status, 'voided');
  assert.equal((await decisionFor(o.id)).label, 'fraud');
  const p = await t.product('gift-card-50k');
  const again = await t.createOrder({ email, items: [{ productId: p.id, quantity: 1 }] }, UA);
  assert.equal(again.status, 403);
  const blocked = (await t.request('GET', '/v1/admin/risk/lists?list=block', { token: t.adminToken })).body.data.map((e: any) => e.kind).sort();
  assert.deepEqual(blocked, ['card_fingerprint', 'email'], 'the e-mail and the card, not the (private) IP');
  // approving or rejecting twice is refused: the order is no longer in review
  assert.equal((await t.request('POST', `/v1/admin/risk/reviews/${o.id}/approve`, { token: t.adminToken, body: { reason: 'x' } })).status, 409);
});

test('block: a bot checkout is voided and the order cancelled with the rule as reason; an alert is raised', async () => {
  const o = await buy('gift-card-50k', { ua: { 'user-agent': 'python-requests/2.31' } });
  const c = await t.waitForOrder(o.id, o.clientSecret, 'cancelled');
  assert.match(c.history.at(-1).reason, /blocked by risk decision .*Bot user agent/);
  const alerts = await t.request('GET', '/v1/admin/alerts?open=true', { token: t.adminToken });
  assert.ok(alerts.body.data.some((a: any) => a.kind === 'risk.block' && a.subjectId === o.id));
});

test('held authorizations nobody reviews are voided when they run out', async () => {
  const o = await buy('starfall-odyssey-key');
  await t.waitForOrder(o.id, o.clientSecret, 'on_hold');
  await t.tg.ctx.db.query(`UPDATE payments SET authorized_at = now() - interval '100 hours' WHERE order_id = $1`, [o.id]);
  assert.equal(await t.tg.services.orders.expireUnreviewed(), 1);
  const c = await t.order(o.id, o.clientSecret);
  assert.equal(c.status, 'cancelled');
  assert.match(c.history.at(-1).reason, /expired before a review/);
});

test('backtest: a draft rule over the stored decisions counts matches by decision and against fraud labels (hand-computed)', async () => {
  const from = new Date(Date.now() - 3600_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const all = (await t.request('GET', '/v1/admin/risk/decisions?kind=checkout&limit=500', { token: t.adminToken })).body.data;
  const expectMatched = all.filter((d: any) => d.features['amount.usd'] > 5);
  const r = await t.request('POST', '/v1/admin/risk/backtest', { token: t.adminToken, body: { expression: 'amount.usd > 5', from, to } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.evaluated, all.length);
  assert.equal(r.body.matched, expectMatched.length);
  assert.equal(r.body.matchedFraud, expectMatched.filter((d: any) => d.label === 'fraud').length);
  assert.equal(r.body.matchedByDecision.allow, expectMatched.filter((d: any) => d.decision === 'allow').length);
  assert.ok(r.body.matchedFraud >= 1, 'the rejected order counts as fraud');
  const bad = await t.request('POST', '/v1/admin/risk/backtest', { token: t.adminToken, body: { expression: 'amount.usd >', from, to } });
  assert.equal(bad.status, 422);
});

test('automatic capture: money is taken at once, the risk engine still decides before delivery — a block refunds it', async () => {
  const auto = await startTestApp({ RISK: 'true', SANDBOX_CAPTURE: 'automatic' });
  try {
    const p = await auto.product('gift-card-50k');
    const ok = await auto.createOrder({ email: `auto${Date.now()}@example.com`, items: [{ productId: p.id, quantity: 1 }] }, UA);
    await auto.pay(ok.body.payment.checkoutUrl);
    const done = await auto.waitForOrder(ok.body.id, ok.body.clientSecret, 'fulfilled');
    assert.deepEqual(done.history.map((h: any) => h.to), ['pending_payment', 'paid', 'fulfilling', 'fulfilled']);
    const bot = await auto.createOrder({ email: `autobot${Date.now()}@example.com`, items: [{ productId: p.id, quantity: 1 }] }, { 'user-agent': 'curl/8.4.0' });
    await auto.pay(bot.body.payment.checkoutUrl, 'pay', '4000221234560001');
    const refunded = await auto.waitForOrder(bot.body.id, bot.body.clientSecret, 'refunded');
    assert.match(refunded.history.at(-1).reason, /blocked by risk/);
    for (let i = 0; i < 100; i++) {
      if ((await auto.order(bot.body.id, bot.body.clientSecret)).payment.status === 'refunded') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal((await auto.order(bot.body.id, bot.body.clientSecret)).payment.status, 'refunded');
  } finally {
    await auto.close();
  }
});
