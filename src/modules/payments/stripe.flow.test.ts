import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { FakeStripe } from './adapters/stripe.fake.ts';

const KEY = 'sk_test_flow_123';
const WHSEC = 'whsec_flow_secret';
const fake = new FakeStripe(KEY);
let t: TestApp;

before(async () => {
  await fake.start();
  t = await startTestApp({ PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: KEY, STRIPE_WEBHOOK_SECRET: WHSEC, STRIPE_API_BASE: fake.url });
});
after(async () => { await t?.close(); await fake.stop(); });

let n = 0;
async function deliver(type: string, object: unknown) {
  const payload = JSON.stringify({ id: `evt_flow_${++n}`, object: 'event', api_version: '2025-01-27', created: Math.floor(Date.now() / 1000), type, data: { object }, livemode: false, pending_webhooks: 1, request: null });
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: WHSEC });
  const r = await fetch(`${t.url}/v1/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload });
  return r.status;
}

test('Stripe: order → Checkout Session → payment_intent.succeeded (SDK-signed) → fulfilled; a later charge.refunded finds the payment by its PaymentIntent', async () => {
  const p = await t.product('gift-card-50k');
  const o = await t.createOrder({ email: 'stripe@example.com', items: [{ productId: p.id, quantity: 1 }] });
  assert.equal(o.status, 201, JSON.stringify(o.body));
  assert.equal(o.body.payment.gateway, 'stripe');
  const sessionId = o.body.payment.checkoutUrl.split('/').pop();
  assert.match(sessionId, /^cs_test_/);
  const pi = fake.confirm(sessionId);
  assert.equal(await deliver('payment_intent.succeeded', pi), 200);
  const bad = await fetch(`${t.url}/v1/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }, body: '{}' });
  assert.equal(bad.status, 400);
  const done = await t.waitForOrder(o.body.id, o.body.clientSecret, 'fulfilled');
  assert.equal(done.payment.status, 'captured');

  // refunded in Stripe's dashboard: the charge event carries the PaymentIntent id, no metadata
  assert.equal(await deliver('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: pi.id, amount: pi.amount, amount_refunded: pi.amount, currency: pi.currency, metadata: {} }), 200);
  for (let i = 0; i < 100; i++) {
    const v = await t.request('GET', `/v1/admin/orders/${o.body.id}`, { token: t.adminToken });
    if (v.body.payments[0].status === 'refunded') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('payment not marked refunded');
});
