import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { newId } from '../../../platform/ids.ts';
import { GatewayRefused, GatewayUnavailable } from '../gateway.ts';
import { StripeGateway } from './stripe.ts';
import { FakeStripe } from './stripe.fake.ts';

const KEY = 'sk_test_tollgate_123';
const WHSEC = 'whsec_test_tollgate_secret';

const fake = new FakeStripe(KEY);
let gw: StripeGateway;

before(async () => {
  await fake.start();
  gw = new StripeGateway({ secretKey: KEY, webhookSecret: WHSEC, apiBase: fake.url, maxNetworkRetries: 0, timeoutMs: 3000 });
});
after(() => fake.stop());
beforeEach(() => {
  fake.requests = [];
});

const input = (over: Record<string, unknown> = {}) => ({
  paymentId: newId('pay'), orderId: newId('ord'), amount: { amount: 1999, currency: 'EUR' }, description: 'Steam key',
  email: 'buyer@example.com', returnUrl: 'https://shop.example/orders/ord_1/return', captureMethod: 'manual' as const, ...over,
});
const posts = () => fake.requests.filter((r) => r.method === 'POST');

describe('StripeGateway over the SDK', () => {
  test('createPayment → Checkout Session with PaymentIntent data, idempotency key = paymentId', async () => {
    const i = input();
    const out = await gw.createPayment(i);
    assert.match(out.gatewayRef, /^cs_test_/);
    assert.equal(out.checkoutUrl, `https://checkout.stripe.test/c/pay/${out.gatewayRef}`);
    const [r] = posts();
    assert.equal(r.path, '/v1/checkout/sessions');
    assert.equal(r.headers.authorization, `Bearer ${KEY}`);
    assert.equal(r.headers['idempotency-key'], i.paymentId);
    assert.match(r.headers['content-type'] ?? '', /application\/x-www-form-urlencoded/);
    const f = r.form;
    assert.equal(f.get('mode'), 'payment');
    assert.equal(f.get('line_items[0][quantity]'), '1');
    assert.equal(f.get('line_items[0][price_data][currency]'), 'eur');
    assert.equal(f.get('line_items[0][price_data][unit_amount]'), '1999');
    assert.equal(f.get('line_items[0][price_data][product_data][name]'), 'Steam key');
    assert.equal(f.get('payment_intent_data[capture_method]'), 'manual');
    assert.equal(f.get('payment_intent_data[metadata][paymentId]'), i.paymentId);
    assert.equal(f.get('payment_intent_data[metadata][orderId]'), i.orderId);
    assert.equal(f.get('metadata[paymentId]'), i.paymentId);
    assert.equal(f.get('metadata[captureMethod]'), 'manual');
    assert.equal(f.get('client_reference_id'), i.paymentId);
    assert.equal(f.get('customer_email'), 'buyer@example.com');
    assert.equal(f.get('success_url'), i.returnUrl);
    assert.equal(f.get('cancel_url'), i.returnUrl);
    // the same call again is replayed by Stripe under the same key: same session
    assert.equal((await gw.createPayment(i)).gatewayRef, out.gatewayRef);
  });

  test('capture resolves the session to its PaymentIntent and captures with the key; captured already → no call', async () => {
    const { gatewayRef } = await gw.createPayment(input());
    await assert.rejects(gw.capture(gatewayRef, { amount: 1999, currency: 'EUR' }, 'cap-1'), GatewayRefused, 'nothing to capture before paying');
    const pi = fake.confirm(gatewayRef);
    fake.requests = [];
    await gw.capture(gatewayRef, { amount: 1500, currency: 'EUR' }, 'cap-1');
    const get = fake.requests.find((r) => r.method === 'GET')!;
    assert.equal(get.path, `/v1/checkout/sessions/${gatewayRef}`);
    assert.ok([...get.query.entries()].some(([k, v]) => k.startsWith('expand') && v === 'payment_intent'));
    const [cap] = posts();
    assert.equal(cap.path, `/v1/payment_intents/${pi.id}/capture`);
    assert.equal(cap.form.get('amount_to_capture'), '1500');
    assert.equal(cap.headers['idempotency-key'], 'cap-1');
    assert.equal(fake.intents.get(pi.id).amount_received, 1500);
    fake.requests = [];
    await gw.capture(gatewayRef, { amount: 1500, currency: 'EUR' }, 'cap-2');
    assert.equal(posts().length, 0);
    // a pi_ ref works too
    await gw.capture(pi.id, { amount: 1500, currency: 'EUR' }, 'cap-3');
  });

  test('void: unpaid → expire the session; authorized → cancel the PaymentIntent; done already → no call', async () => {
    const a = await gw.createPayment(input());
    await gw.void(a.gatewayRef, 'void-a');
    assert.equal(posts().at(-1)!.path, `/v1/checkout/sessions/${a.gatewayRef}/expire`);
    assert.equal(posts().at(-1)!.headers['idempotency-key'], 'void-a');
    fake.requests = [];
    await gw.void(a.gatewayRef, 'void-a2');
    assert.equal(posts().length, 0, 'expired already');

    const b = await gw.createPayment(input());
    const pi = fake.confirm(b.gatewayRef);
    fake.requests = [];
    await gw.void(b.gatewayRef, 'void-b');
    assert.equal(posts()[0].path, `/v1/payment_intents/${pi.id}/cancel`);
    assert.equal(posts()[0].headers['idempotency-key'], 'void-b');
    fake.requests = [];
    await gw.void(b.gatewayRef, 'void-b2');
    assert.equal(posts().length, 0, 'canceled already');
  });

  test('refund → POST /v1/refunds for the PaymentIntent with amount, key and paymentId metadata', async () => {
    const i = input({ captureMethod: 'automatic' });
    const { gatewayRef } = await gw.createPayment(i);
    const pi = fake.confirm(gatewayRef);
    fake.requests = [];
    await gw.refund(gatewayRef, { amount: 500, currency: 'EUR' }, 'ref-1');
    const [r] = posts();
    assert.equal(r.path, '/v1/refunds');
    assert.equal(r.form.get('payment_intent'), pi.id);
    assert.equal(r.form.get('amount'), '500');
    assert.equal(r.form.get('metadata[paymentId]'), i.paymentId);
    assert.equal(r.headers['idempotency-key'], 'ref-1');
  });

  test('errors: 5xx/429/409/unreachable → GatewayUnavailable; 4xx/auth → GatewayRefused', async () => {
    fake.failNext(500);
    await assert.rejects(gw.createPayment(input()), GatewayUnavailable);
    fake.failNext(429, 'rate_limit_error');
    await assert.rejects(gw.createPayment(input()), GatewayUnavailable);
    fake.failNext(409, 'idempotency_error');
    await assert.rejects(gw.createPayment(input()), GatewayUnavailable);
    fake.failNext(400, 'invalid_request_error');
    await assert.rejects(gw.createPayment(input()), GatewayRefused);
    await assert.rejects(gw.capture('cs_test_nope', { amount: 1, currency: 'EUR' }, 'k'), GatewayRefused);
    const badKey = new StripeGateway({ secretKey: 'sk_test_wrong', webhookSecret: WHSEC, apiBase: fake.url, maxNetworkRetries: 0 });
    await assert.rejects(badKey.createPayment(input()), GatewayRefused);
    const nowhere = new StripeGateway({ secretKey: KEY, webhookSecret: WHSEC, apiBase: 'http://127.0.0.1:9', maxNetworkRetries: 0, timeoutMs: 1000 });
    await assert.rejects(nowhere.createPayment(input()), GatewayUnavailable);
  });

  test('the SDK retries a 5xx with the same Idempotency-Key', async () => {
    const retrying = new StripeGateway({ secretKey: KEY, webhookSecret: WHSEC, apiBase: fake.url, maxNetworkRetries: 1 });
    const i = input();
    fake.failNext(503);
    const out = await retrying.createPayment(i);
    const tries = posts().filter((r) => r.path === '/v1/checkout/sessions');
    assert.equal(tries.length, 2);
    assert.deepEqual(tries.map((r) => r.headers['idempotency-key']), [i.paymentId, i.paymentId]);
    assert.match(out.gatewayRef, /^cs_test_/);
  });
});

describe('StripeGateway.verifyWebhook', () => {
  const v = new StripeGateway({ secretKey: KEY, webhookSecret: WHSEC, apiBase: 'http://127.0.0.1:9' });
  const pid = 'pay_01jabcdefghjkmnpqrstvwxyz0';
  const evt = (type: string, object: Record<string, unknown>) => JSON.stringify({
    id: `evt_${Math.random().toString(36).slice(2)}`, object: 'event', type, created: Math.floor(Date.now() / 1000), api_version: '2026-10-28.endive',
    livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object },
  });
  const sign = (payload: string, opts: { secret?: string; timestamp?: number } = {}) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? WHSEC, timestamp: opts.timestamp });
  const pi = (over: Record<string, unknown> = {}) => ({
    id: 'pi_1', object: 'payment_intent', amount: 1999, amount_capturable: 0, amount_received: 1999, currency: 'eur',
    status: 'succeeded', metadata: { paymentId: pid, orderId: 'ord_1' }, last_payment_error: null, ...over,
  });
  const check = (payload: string, header?: string) => v.verifyWebhook(Buffer.from(payload), header === undefined ? {} : { 'stripe-signature': header });

  test('valid header → normalized event', () => {
    const p = evt('payment_intent.succeeded', pi());
    const r = check(p, sign(p));
    assert.ok(r.ok);
    assert.equal(r.event.type, 'payment.succeeded');
    assert.equal(r.event.paymentId, pid);
    assert.equal(r.event.gatewayRef, 'pi_1');
    assert.deepEqual(r.event.amount, { amount: 1999, currency: 'EUR' });
    assert.equal(r.event.eventId, JSON.parse(p).id);
  });

  test('missing, malformed, bad secret, stale, tampered → refused with a reason', () => {
    const p = evt('payment_intent.succeeded', pi());
    assert.deepEqual(check(p), { ok: false, reason: 'missing' });
    assert.deepEqual(check(p, 'nonsense'), { ok: false, reason: 'malformed' });
    assert.deepEqual(check(p, sign(p, { secret: 'whsec_other' })), { ok: false, reason: 'mismatch' });
    assert.deepEqual(check(p, sign(p, { timestamp: Math.floor(Date.now() / 1000) - 301 })), { ok: false, reason: 'stale' });
    assert.deepEqual(check(p.replace('"amount_received":1999', '"amount_received":1'), sign(p)), { ok: false, reason: 'mismatch' });
  });

  test('event mapping', () => {
    const map = (type: string, object: Record<string, unknown>) => {
      const p = evt(type, object);
      const r = check(p, sign(p));
      assert.ok(r.ok, type);
      return { type: r.event.type, paymentId: r.event.paymentId, gatewayRef: r.event.gatewayRef, amount: r.event.amount, failureReason: r.event.failureReason };
    };
    const eur = (amount: number) => ({ amount, currency: 'EUR' });
    assert.deepEqual(map('payment_intent.amount_capturable_updated', pi({ status: 'requires_capture', amount_capturable: 1999, amount_received: 0 })),
      { type: 'payment.authorized', paymentId: pid, gatewayRef: 'pi_1', amount: eur(1999), failureReason: undefined });
    assert.equal(map('payment_intent.amount_capturable_updated', pi({ status: 'succeeded', amount_capturable: 0 })).type, 'other');
    assert.deepEqual(map('payment_intent.succeeded', pi({ amount_received: 1500 })).amount, eur(1500));
    assert.equal(map('payment_intent.canceled', pi({ status: 'canceled' })).type, 'payment.voided');
    const failed = map('payment_intent.payment_failed', pi({ status: 'requires_payment_method', last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' } }));
    assert.equal(failed.type, 'other', 'a failed attempt is not the end: the buyer may retry in the same Checkout Session');
    assert.equal(failed.failureReason, 'insufficient_funds');
    assert.deepEqual(map('charge.refunded', { id: 'ch_1', object: 'charge', payment_intent: 'pi_1', amount: 1999, amount_refunded: 700, currency: 'eur', metadata: { paymentId: pid } }),
      { type: 'payment.refunded', paymentId: pid, gatewayRef: 'pi_1', amount: eur(700), failureReason: undefined });
    const session = (over: Record<string, unknown>) => ({
      id: 'cs_1', object: 'checkout.session', amount_total: 1999, currency: 'eur', client_reference_id: pid, metadata: { paymentId: pid, captureMethod: 'automatic' },
      payment_status: 'paid', status: 'complete', ...over,
    });
    assert.deepEqual(map('checkout.session.completed', session({})), { type: 'payment.succeeded', paymentId: pid, gatewayRef: 'cs_1', amount: eur(1999), failureReason: undefined });
    assert.equal(map('checkout.session.completed', session({ payment_status: 'unpaid' })).type, 'other');
    assert.equal(map('checkout.session.completed', session({ metadata: { paymentId: pid, captureMethod: 'manual' } })).type, 'other', 'manual: authorized ≠ captured');
    assert.equal(map('checkout.session.async_payment_succeeded', session({})).type, 'payment.succeeded');
    assert.equal(map('checkout.session.async_payment_failed', session({ payment_status: 'unpaid' })).type, 'payment.failed');
    assert.equal(map('checkout.session.expired', session({ status: 'expired', payment_status: 'unpaid' })).type, 'payment.voided');
    assert.equal(map('checkout.session.expired', session({ metadata: {} })).paymentId, pid, 'falls back to client_reference_id');
    assert.deepEqual(map('customer.created', { id: 'cus_1', object: 'customer', metadata: {} }).type, 'other');
  });
});
