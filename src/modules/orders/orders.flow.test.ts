import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t?.close(); });

test('key product: order → pay on the sandbox page → webhook → fulfilled with a code, e-mail in the outbox', async () => {
  const key = await t.product('starfall-odyssey-key');
  const created = await t.createOrder({ email: 'Buyer@Example.com', items: [{ productId: key.id, quantity: 2 }] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.status, 'pending_payment');
  assert.deepEqual(created.body.total, { amount: key.price.amount * 2, currency: 'IDR' });
  assert.match(created.body.payment.checkoutUrl, /\/sandbox\/checkout\/sbx_/);

  await t.pay(created.body.payment.checkoutUrl);
  const done = await t.waitForOrder(created.body.id, created.body.clientSecret, 'fulfilled');
  const codes = done.fulfilments[0].delivered.codes;
  assert.equal(codes.length, 2);
  assert.notEqual(codes[0], codes[1]);
  assert.deepEqual(done.history.map((h: any) => h.to), ['pending_payment', 'paid', 'fulfilling', 'fulfilled']);
  assert.equal(done.payment.status, 'captured');

  const outbox = await t.request('GET', '/v1/admin/outbox', { token: t.adminToken });
  const mail = outbox.body.data.find((m: any) => m.subjectId === created.body.id);
  assert.ok(mail, 'order e-mail written');
  assert.equal(mail.recipient, 'buyer@example.com');
  for (const c of codes) assert.ok(mail.bodyText.includes(c));
});

test('top-up via partner API: unknown platform user refused with 422 and no order; known user gets coins', async () => {
  const p = await t.product('demo-coins-1200-api');
  const before = await t.request('GET', '/v1/admin/orders', { token: t.adminToken });
  const bad = await t.createOrder({ email: 'a@b.co', items: [{ productId: p.id, quantity: 1 }], platformUserId: 'nobody.here' });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.error.code, 'invalid_platform_user');
  const malformed = await t.createOrder({ email: 'a@b.co', items: [{ productId: p.id, quantity: 1 }], platformUserId: 'x!' });
  assert.equal(malformed.body.error.code, 'invalid_platform_user');
  const afterBad = await t.request('GET', '/v1/admin/orders', { token: t.adminToken });
  assert.equal(afterBad.body.data.length, before.body.data.length, 'no order row written');

  const coinsBefore = (await t.request('GET', '/demo-platform/api/users/bob_builds')).body.coins;
  const ok = await t.createOrder({ email: 'bob@example.com', items: [{ productId: p.id, quantity: 1 }], platformUserId: 'bob_builds' });
  assert.equal(ok.status, 201);
  await t.pay(ok.body.payment.checkoutUrl);
  const done = await t.waitForOrder(ok.body.id, ok.body.clientSecret, 'fulfilled');
  assert.equal(done.platformUserName.length > 0, true);
  const coinsAfter = (await t.request('GET', '/demo-platform/api/users/bob_builds')).body.coins;
  assert.equal(coinsAfter - coinsBefore, 1200);
});

test('declined payment leaves the order pending; it cannot be read without the client secret', async () => {
  const key = await t.product('gift-card-50k');
  const o = await t.createOrder({ email: 'c@d.co', items: [{ productId: key.id, quantity: 1 }] });
  await t.pay(o.body.payment.checkoutUrl, 'decline');
  const until = Date.now() + 5000;
  let view;
  while (Date.now() < until) {
    view = await t.order(o.body.id, o.body.clientSecret);
    if (view.payment.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(view.payment.status, 'failed');
  assert.equal(view.status, 'pending_payment');
  const noAuth = await t.request('GET', `/v1/orders/${o.body.id}`);
  assert.equal(noAuth.status, 401);
  const wrong = await t.request('GET', `/v1/orders/${o.body.id}`, { token: 'ord_x_secret_nope' });
  assert.equal(wrong.status, 404);
});
