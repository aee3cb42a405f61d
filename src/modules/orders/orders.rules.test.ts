import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t?.close(); });

async function newKeyProduct(codes: number) {
  const r = await t.request('POST', '/v1/admin/products', { token: t.adminToken, body: { sku: `k-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`, name: 'Test key', type: 'key', fulfilmentDriver: 'key-stock', prices: [{ currency: 'IDR', amount: 1000 }], maxQuantity: 5 } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  if (codes > 0) {
    const add = await t.request('POST', `/v1/admin/products/${r.body.id}/keys`, { token: t.adminToken, body: { codes: Array.from({ length: codes }, (_, i) => `CODE-${i}-${r.body.id}`) } });
    assert.deepEqual(add.body, { added: codes, duplicates: 0 });
  }
  return r.body;
}

test('key stock: 20 concurrent orders for 10 codes → 10 orders with distinct codes, 10 refused 409 out_of_stock', async () => {
  const p = await newKeyProduct(10);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.createOrder({ email: `c${i}@example.com`, items: [{ productId: p.id, quantity: 1 }] })));
  const ok = results.filter((r) => r.status === 201);
  const refused = results.filter((r) => r.status === 409);
  assert.equal(ok.length, 10);
  assert.equal(refused.length, 10);
  for (const r of refused) assert.equal(r.body.error.code, 'out_of_stock');
  const reserved = await t.tg.ctx.db.query<{ order_id: string; n: number }>(`SELECT order_id, count(*)::int AS n FROM key_codes WHERE product_id = $1 AND status = 'reserved' GROUP BY order_id`, [p.id]);
  assert.equal(reserved.length, 10);
  assert.ok(reserved.every((r) => r.n === 1));
  // pay them all and check every buyer got a different code
  await Promise.all(ok.map((r) => t.pay(r.body.payment.checkoutUrl)));
  const done = await Promise.all(ok.map((r) => t.waitForOrder(r.body.id, r.body.clientSecret, 'fulfilled')));
  const codes = done.map((o) => o.fulfilments[0].delivered.codes[0]);
  assert.equal(new Set(codes).size, 10);
  const stock = (await t.request('GET', '/v1/admin/products', { token: t.adminToken })).body.data.find((x: any) => x.id === p.id).stock;
  assert.deepEqual(stock, { available: 0, reserved: 0, delivered: 10 });
});

test('an expired unpaid order gives its code back to stock; no money is taken for out-of-stock items', async () => {
  const p = await newKeyProduct(1);
  const first = await t.createOrder({ email: 'x@example.com', items: [{ productId: p.id, quantity: 1 }] });
  assert.equal(first.status, 201);
  const second = await t.createOrder({ email: 'y@example.com', items: [{ productId: p.id, quantity: 1 }] });
  assert.equal(second.status, 409);
  await t.tg.ctx.db.query(`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1`, [first.body.id]);
  assert.equal(await t.tg.services.orders.expireDue(), 1);
  const expired = await t.order(first.body.id, first.body.clientSecret);
  assert.equal(expired.status, 'expired');
  assert.deepEqual(expired.history.map((h: any) => h.to), ['pending_payment', 'expired']);
  const third = await t.createOrder({ email: 'z@example.com', items: [{ productId: p.id, quantity: 1 }] });
  assert.equal(third.status, 201, 'the code is back in stock');
});

test('Idempotency-Key: a retry gets the same order; the same key with other parameters is refused', async () => {
  const p = await newKeyProduct(3);
  const body = { email: 'idem@example.com', items: [{ productId: p.id, quantity: 1 }] };
  const key = `idem-${Date.now()}`;
  const [a, b] = await Promise.all([t.createOrder(body, { 'idempotency-key': key }), t.createOrder(body, { 'idempotency-key': key })]);
  const statuses = [a.status, b.status].sort();
  // Concurrent: one creates, the other is told the first is still running (409) — or replays it if it already finished.
  assert.ok(statuses[0] === 201 && (statuses[1] === 201 || statuses[1] === 409), JSON.stringify(statuses));
  const c = await t.createOrder(body, { 'idempotency-key': key });
  const created = [a, b].find((r) => r.status === 201)!;
  assert.equal(c.status, 201);
  assert.equal(c.body.id, created.body.id);
  assert.equal(c.body.clientSecret, created.body.clientSecret);
  const [{ n }] = await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE email = 'idem@example.com'`);
  assert.equal(n, 1);
  const other = await t.createOrder({ ...body, items: [{ productId: p.id, quantity: 2 }] }, { 'idempotency-key': key });
  assert.equal(other.status, 422);
  assert.equal(other.body.error.code, 'idempotency_key_reused');
});

test('strict input: unknown fields, bad e-mail, bad quantity, inactive product → 4xx with an error code, no order', async () => {
  const p = await newKeyProduct(2);
  const cases: Array<[unknown, number, string]> = [
    [{ email: 'a@b.co', items: [{ productId: p.id, quantity: 1 }], status: 'fulfilled' }, 400, 'validation_failed'],
    [{ email: 'a@b.co', items: [{ productId: p.id, quantity: 1, price: 1 }] }, 400, 'validation_failed'],
    [{ email: 'not-an-email', items: [{ productId: p.id, quantity: 1 }] }, 400, 'validation_failed'],
    [{ email: 'a@b.co', items: [{ productId: p.id, quantity: 0 }] }, 400, 'validation_failed'],
    [{ email: 'a@b.co', items: [] }, 400, 'validation_failed'],
    [{ email: 'a@b.co', items: [{ productId: p.id, quantity: 6 }] }, 400, 'validation_failed'],
    [{ email: 'a@b.co', items: [{ productId: 'prd_01jzzzzzzzzzzzzzzzzzzzzzzz', quantity: 1 }] }, 422, 'product_unavailable'],
  ];
  for (const [body, status, code] of cases) {
    const r = await t.createOrder(body);
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.body.error.code, code, JSON.stringify(body));
    assert.equal(typeof r.body.error.message, 'string');
  }
  const raw = await fetch(`${t.url}/v1/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
  assert.equal(raw.status, 400);
  await t.request('PATCH', `/v1/admin/products/${p.id}`, { token: t.adminToken, body: { active: false } });
  const inactive = await t.createOrder({ email: 'a@b.co', items: [{ productId: p.id, quantity: 1 }] });
  assert.equal(inactive.status, 422);
  assert.equal(inactive.body.error.code, 'product_unavailable');
});

test('a price change never changes an existing order: lines keep their snapshot', async () => {
  const p = await newKeyProduct(2);
  const o = await t.createOrder({ email: 'snap@example.com', items: [{ productId: p.id, quantity: 1 }] });
  await t.request('PATCH', `/v1/admin/products/${p.id}`, { token: t.adminToken, body: { name: 'Renamed', prices: [{ currency: 'IDR', amount: 999999 }] } });
  const view = await t.order(o.body.id, o.body.clientSecret);
  assert.equal(view.lines[0].name, 'Test key');
  assert.deepEqual(view.lines[0].unitPrice, { amount: 1000, currency: 'IDR' });
  assert.deepEqual(view.total, { amount: 1000, currency: 'IDR' });
  await t.pay(o.body.payment.checkoutUrl);
  const done = await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled');
  assert.equal(done.status, 'fulfilled', 'paid the snapshot amount: no mismatch');
});

test('blacklist: platform user, e-mail (any case) and IP are refused with 403 blocked, without saying which list matched', async () => {
  const topup = await t.product('demo-coins-1200-api');
  const add = (kind: string, value: string) => t.request('POST', '/v1/admin/blacklist', { token: t.adminToken, body: { kind, value, reason: 'abuse' } });
  const u = await add('platform_user', 'grace.hopper');
  assert.equal(u.status, 201);
  await add('email', 'Fraud@Example.com');
  const r1 = await t.createOrder({ email: 'ok@example.com', items: [{ productId: topup.id, quantity: 1 }], platformUserId: 'grace.hopper' });
  assert.equal(r1.status, 403);
  assert.deepEqual(r1.body, { error: { code: 'blocked', message: 'this order cannot be accepted' } });
  const r2 = await t.createOrder({ email: 'fraud@example.COM', items: [{ productId: topup.id, quantity: 1 }], platformUserId: 'hiro.tanaka' });
  assert.equal(r2.status, 403);
  assert.equal(r2.body.error.message, r1.body.error.message);
  // expiry and removal
  const exp = await t.request('POST', '/v1/admin/blacklist', { token: t.adminToken, body: { kind: 'platform_user', value: 'ines.silva', reason: 'cool-off', expiresAt: new Date(Date.now() - 1000).toISOString() } });
  assert.equal(exp.status, 400, 'expiry must be in the future');
  const del = await t.request('DELETE', `/v1/admin/blacklist/${u.body.id}`, { token: t.adminToken });
  assert.equal(del.status, 204);
  const r3 = await t.createOrder({ email: 'ok@example.com', items: [{ productId: topup.id, quantity: 1 }], platformUserId: 'grace.hopper' });
  assert.equal(r3.status, 201);
  assert.equal((await add('email', 'fraud@example.com')).status, 409, 'no duplicate entries');
  const ip = await add('ip', '127.0.0.1');
  const r4 = await t.createOrder({ email: 'ok@example.com', items: [{ productId: topup.id, quantity: 1 }], platformUserId: 'hiro.tanaka' });
  assert.equal(r4.status, 403);
  await t.request('DELETE', `/v1/admin/blacklist/${ip.body.id}`, { token: t.adminToken });
  const list = await t.request('GET', '/v1/admin/blacklist', { token: t.adminToken });
  assert.ok(list.body.data.some((e: any) => e.kind === 'email' && e.value === 'fraud@example.com'));
});

test('pause → pay → stays paid → resume → fulfilled; the switch survives as state in the database', async () => {
  const p = await newKeyProduct(1);
  const pause = await t.request('POST', '/v1/admin/automation/pause', { token: t.adminToken, body: { reason: 'stock audit' } });
  assert.equal(pause.status, 200);
  assert.equal(pause.body.paused, true);
  const o = await t.createOrder({ email: 'pause@example.com', items: [{ productId: p.id, quantity: 1 }] });
  assert.equal(o.status, 201, 'orders are still accepted while paused');
  await t.pay(o.body.payment.checkoutUrl);
  await t.waitForOrder(o.body.id, o.body.clientSecret, 'paid');
  await new Promise((r) => setTimeout(r, 500));
  await t.tg.services.orders.fulfilWaiting();
  assert.equal((await t.order(o.body.id, o.body.clientSecret)).status, 'paid', 'waits while paused');
  const state = await t.request('GET', '/v1/admin/automation', { token: t.adminToken });
  assert.equal(state.body.paused, true);
  assert.equal(state.body.reason, 'stock audit');
  const resume = await t.request('POST', '/v1/admin/automation/resume', { token: t.adminToken, body: {} });
  assert.equal(resume.body.paused, false);
  const done = await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled');
  assert.deepEqual(done.history.map((h: any) => h.to), ['pending_payment', 'paid', 'fulfilling', 'fulfilled']);
  const audit = await t.request('GET', '/v1/admin/audit', { token: t.adminToken });
  const actions = audit.body.data.map((a: any) => a.action);
  assert.ok(actions.includes('automation.paused') && actions.includes('automation.resumed'));
});

test('manual driver: the order waits in fulfilling until an operator completes it with a note', async () => {
  const p = await t.product('custom-avatar');
  const o = await t.createOrder({ email: 'manual@example.com', items: [{ productId: p.id, quantity: 1 }] });
  await t.pay(o.body.payment.checkoutUrl);
  const f = await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilling');
  const ful = f.fulfilments[0];
  assert.equal(ful.driver, 'manual');
  assert.equal(ful.status, 'pending');
  const done = await t.request('POST', `/v1/admin/orders/${o.body.id}/fulfilments/${ful.id}/complete`, { token: t.adminToken, body: { note: 'Sent the frame by e-mail' } });
  assert.equal(done.status, 200, JSON.stringify(done.body));
  assert.equal(done.body.status, 'fulfilled');
  assert.equal(done.body.fulfilments[0].delivered.note, 'Sent the frame by e-mail');
  const again = await t.request('POST', `/v1/admin/orders/${o.body.id}/fulfilments/${ful.id}/complete`, { token: t.adminToken, body: { note: 'twice' } });
  assert.equal(again.status, 409);
});
