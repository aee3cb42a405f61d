import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { signPayload } from '../../platform/webhooks-in/signature.ts';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t?.close(); });

let seq = 0;
function event(type: string, o: any, opts: { amount?: number; currency?: string; created?: number; id?: string } = {}) {
  return {
    id: opts.id ?? `evt_test_${Date.now()}_${seq++}`,
    type,
    created: opts.created ?? Math.floor(Date.now() / 1000),
    data: { paymentId: o.payment.id, gatewayPaymentId: o.payment.checkoutUrl.split('/').pop(), amount: opts.amount ?? o.total.amount, currency: opts.currency ?? o.total.currency },
  };
}

async function send(body: unknown, opts: { secret?: string; t?: number; header?: string | null } = {}) {
  const raw = JSON.stringify(body);
  const header = opts.header === null ? undefined : opts.header ?? signPayload(opts.secret ?? t.tg.ctx.secrets.sandboxWebhookSecret, raw, opts.t);
  const res = await fetch(`${t.url}/v1/webhooks/sandbox`, { method: 'POST', headers: { 'content-type': 'application/json', ...(header ? { 'sandbox-signature': header } : {}) }, body: raw });
  return { status: res.status, body: await res.json() };
}

async function topupOrder(userId: string) {
  const p = await t.product('demo-coins-1200-api');
  const r = await t.createOrder({ email: 'hook@example.com', items: [{ productId: p.id, quantity: 1 }], platformUserId: userId });
  assert.equal(r.status, 201);
  return r.body;
}

const coinsOf = async (userId: string) => (await t.request('GET', `/demo-platform/api/users/${userId}`)).body.coins as number;
const inboxCount = async () => (await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_inbox`))[0].n;
async function settle() {
  for (let i = 0; i < 200; i++) {
    const [{ n }] = await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued','running') AND run_at <= now()`);
    if (n === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the same payment.succeeded 5× concurrently plus stale events out of order: one capture, one fulfilment, coins credited once', async () => {
  const o = await topupOrder('carla.streams');
  const before = await coinsOf('carla.streams');
  const succeeded = event('payment.succeeded', o);
  const results = await Promise.all(Array.from({ length: 5 }, () => send(succeeded)));
  for (const r of results) assert.equal(r.status, 200);
  assert.equal(results.filter((r) => r.body.duplicate === false).length, 1, 'stored once');
  // out of order: an older "authorized" and "failed" arrive after the success
  const old = Math.floor(Date.now() / 1000) - 60;
  assert.equal((await send(event('payment.failed', o, { created: old }))).status, 200);
  assert.equal((await send(event('payment.authorized', o, { created: old }))).status, 200);

  const done = await t.waitForOrder(o.id, o.clientSecret, 'fulfilled');
  await settle();
  assert.equal(done.payment.status, 'captured');
  assert.equal(done.fulfilments.length, 1);
  assert.equal(await coinsOf('carla.streams') - before, 1200, 'credited exactly once');
  const admin = await t.request('GET', `/v1/admin/orders/${o.id}`, { token: t.adminToken });
  assert.equal(admin.body.payments.length, 1);
  assert.deepEqual(admin.body.history.map((h: any) => h.to), ['pending_payment', 'paid', 'fulfilling', 'fulfilled']);
  const transfers = (await t.tg.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM demo_platform_transfers WHERE to_user_id = 'carla.streams'`))[0].n;
  assert.equal(transfers, 1);
});

test('bad signature, stale timestamp, missing header: 400 and nothing stored or changed', async () => {
  const o = await topupOrder('dmitri.k');
  const n0 = await inboxCount();
  const e = event('payment.succeeded', o);
  const wrong = await send(e, { secret: 'whsec_not_the_right_secret' });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error.code, 'invalid_signature');
  const stale = await send(e, { t: Math.floor(Date.now() / 1000) - 301 });
  assert.equal(stale.status, 400);
  assert.match(stale.body.error.message, /stale/);
  assert.equal((await send(e, { header: null })).status, 400);
  const raw = JSON.stringify(e);
  const tampered = await fetch(`${t.url}/v1/webhooks/sandbox`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'sandbox-signature': signPayload(t.tg.ctx.secrets.sandboxWebhookSecret, raw) },
    body: raw.replace(String(o.total.amount), '1'),
  });
  assert.equal(tampered.status, 400);
  assert.equal(await inboxCount(), n0);
  assert.equal((await t.order(o.id, o.clientSecret)).status, 'pending_payment');
});

test('event for an unknown payment: acknowledged (200), recorded as ignored, nothing else changes', async () => {
  const r = await send({ id: 'evt_unknown_1', type: 'payment.succeeded', created: Math.floor(Date.now() / 1000), data: { paymentId: 'pay_01jzzzzzzzzzzzzzzzzzzzzzzz', gatewayPaymentId: 'sbx_nope', amount: 100, currency: 'IDR' } });
  assert.equal(r.status, 200);
  let row: { outcome: string | null } | undefined;
  for (let i = 0; i < 100 && !row?.outcome; i++) {
    [row] = await t.tg.ctx.db.query<{ outcome: string | null }>(`SELECT outcome FROM webhook_inbox WHERE event_id = 'evt_unknown_1'`);
    await new Promise((res) => setTimeout(res, 20));
  }
  assert.match(row!.outcome ?? '', /unknown payment/);
});

test('amount mismatch: order goes on_hold with reason amount_mismatch and is never fulfilled automatically', async () => {
  const o = await topupOrder('emma.plays');
  const before = await coinsOf('emma.plays');
  assert.equal((await send(event('payment.succeeded', o, { amount: o.total.amount - 1 }))).status, 200);
  const held = await t.waitForOrder(o.id, o.clientSecret, 'on_hold');
  assert.equal(held.holdReason, 'amount_mismatch');
  await settle();
  assert.equal((await t.order(o.id, o.clientSecret)).status, 'on_hold');
  assert.equal(await coinsOf('emma.plays'), before);
  const alerts = await t.request('GET', '/v1/admin/alerts?open=true', { token: t.adminToken });
  assert.ok(alerts.body.data.some((a: any) => a.kind === 'order.amount_mismatch' && a.subjectId === o.id));

  // a currency mismatch is a mismatch too
  const o2 = await topupOrder('emma.plays');
  await send(event('payment.succeeded', o2, { currency: 'USD' }));
  assert.equal((await t.waitForOrder(o2.id, o2.clientSecret, 'on_hold')).holdReason, 'amount_mismatch');

  // cancelling a held order gives the captured money back (a refund job goes to the gateway)
  const cancelled = await t.request('POST', `/v1/admin/orders/${o2.id}/cancel`, { token: t.adminToken, body: { reason: 'wrong currency' } });
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.status, 'cancelled');
  const [refundJob] = await t.tg.ctx.db.query<{ kind: string }>(`SELECT kind FROM jobs WHERE payload->>'paymentId' = $1 AND kind = 'payments.refund'`, [o2.payment.id]);
  assert.ok(refundJob, 'refund requested');

  // an operator releases the hold: paid → fulfilling → fulfilled, all in the timeline and the audit log
  const rel = await t.request('POST', `/v1/admin/orders/${o.id}/release-hold`, { token: t.adminToken, body: { reason: 'customer paid the difference in cash' } });
  assert.equal(rel.status, 200);
  await t.waitForOrder(o.id, o.clientSecret, 'fulfilled');
  const audit = await t.request('GET', `/v1/admin/audit?subjectId=${o.id}`, { token: t.adminToken });
  assert.equal(audit.body.data[0].action, 'order.hold_released');
});

test('a payment captured after the order expired is refunded at the gateway; the order stays expired', async () => {
  const o = await topupOrder('farid_92');
  const before = await coinsOf('farid_92');
  await t.tg.ctx.worker.stop();
  await t.tg.ctx.db.query(`UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1`, [o.id]);
  assert.equal(await t.tg.services.orders.expireDue(), 1);
  await t.pay(o.payment.checkoutUrl); // the buyer pays at the same moment, before the void reaches the gateway
  t.tg.ctx.worker.start();
  const until = Date.now() + 15000;
  let admin: any;
  while (Date.now() < until) {
    admin = (await t.request('GET', `/v1/admin/orders/${o.id}`, { token: t.adminToken })).body;
    if (admin.payments[0].status === 'refunded') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(admin.status, 'expired');
  assert.equal(admin.payments[0].status, 'refunded');
  assert.equal(await coinsOf('farid_92'), before, 'nothing delivered');
  const alerts = await t.request('GET', '/v1/admin/alerts', { token: t.adminToken });
  assert.ok(alerts.body.data.some((a: any) => a.kind === 'payment.late_or_extra' && a.subjectId === o.id));
});
