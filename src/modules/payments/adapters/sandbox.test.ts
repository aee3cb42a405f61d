import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testDb } from '../../../../test/support/db.ts';
import type { Db } from '../../../platform/db/db.ts';
import { newId } from '../../../platform/ids.ts';
import { signPayload } from '../../../platform/webhooks-in/signature.ts';
import { sandboxPay } from '../../sandbox-gateway/index.ts';
import { startReceiver, startSandbox, waitFor, type Receiver, type SandboxHarness } from '../../sandbox-gateway/test-harness.ts';
import { GatewayRefused, GatewayUnavailable, type GatewayEvent } from '../gateway.ts';
import { SandboxGateway } from './sandbox.ts';

let db: Db;
let rcv: Receiver;
let sbx: SandboxHarness;
let gw: SandboxGateway;

before(async () => {
  db = await testDb();
  rcv = await startReceiver();
  sbx = await startSandbox({ db, webhookUrl: rcv.url });
  gw = new SandboxGateway({ baseUrl: sbx.baseUrl, apiKey: sbx.apiKey, webhookSecret: sbx.webhookSecret, timeoutMs: 3000 });
});
after(async () => {
  await sbx.close();
  await rcv.close();
  await db.close();
});

const input = (over: Partial<Parameters<SandboxGateway['createPayment']>[0]> = {}) => ({
  paymentId: newId('pay'), orderId: newId('ord'), amount: { amount: 4999, currency: 'IDR' }, description: 'Diamonds x 500',
  returnUrl: 'http://127.0.0.1:9/orders/return', captureMethod: 'automatic' as const, ...over,
});

/** Webhooks received for one Tollgate payment, verified and normalized by the adapter. */
function verifiedEvents(paymentId: string): GatewayEvent[] {
  const out: GatewayEvent[] = [];
  for (const w of rcv.received) {
    const v = gw.verifyWebhook(w.raw, w.headers);
    assert.ok(v.ok, `signature verifies (${v.ok ? '' : v.reason})`);
    if (v.event.paymentId === paymentId) out.push(v.event);
  }
  return out;
}
const waitEvents = (paymentId: string, n: number) => waitFor(() => {
  const evs = verifiedEvents(paymentId);
  return evs.length >= n ? evs : null;
}, 5000, `${n} event(s) for ${paymentId}`);

describe('SandboxGateway adapter', () => {
  test('create → pay → signed webhook verified and normalized', async () => {
    const i = input();
    const created = await gw.createPayment(i);
    assert.match(created.gatewayRef, /^sbx_/);
    assert.equal(created.checkoutUrl, `${sbx.baseUrl}/checkout/${created.gatewayRef}`);
    const r = await sandboxPay(sbx.baseUrl, created.gatewayRef, 'pay');
    assert.equal(r.location, i.returnUrl);
    const [e] = await waitEvents(i.paymentId, 1);
    assert.equal(e.type, 'payment.succeeded');
    assert.equal(e.paymentId, i.paymentId);
    assert.equal(e.gatewayRef, created.gatewayRef);
    assert.deepEqual(e.amount, { amount: 4999, currency: 'IDR' });
    assert.match(e.eventId, /^evt_/);
    assert.ok(e.created instanceof Date && Math.abs(e.created.getTime() - Date.now()) < 10_000);
  });

  test('createPayment is idempotent on paymentId', async () => {
    const i = input();
    const a = await gw.createPayment(i);
    const b = await gw.createPayment(i);
    assert.equal(b.gatewayRef, a.gatewayRef);
  });

  test('decline → payment.failed with a reason', async () => {
    const i = input();
    const { gatewayRef } = await gw.createPayment(i);
    await sandboxPay(sbx.baseUrl, gatewayRef, 'decline');
    const [e] = await waitEvents(i.paymentId, 1);
    assert.equal(e.type, 'payment.failed');
    assert.equal(e.failureReason, 'card_declined');
  });

  test('manual: authorized → capture (twice, same key) → one payment.succeeded with the captured amount → refund', async () => {
    const i = input({ captureMethod: 'manual', amount: { amount: 10_000, currency: 'USD' } });
    const { gatewayRef } = await gw.createPayment(i);
    await assert.rejects(gw.capture(gatewayRef, { amount: 10_000, currency: 'USD' }, `cap-${i.paymentId}`), GatewayRefused, 'not authorized yet');
    await sandboxPay(sbx.baseUrl, gatewayRef, 'pay');
    const [auth] = await waitEvents(i.paymentId, 1);
    assert.equal(auth.type, 'payment.authorized');
    assert.deepEqual(auth.amount, { amount: 10_000, currency: 'USD' });
    await gw.capture(gatewayRef, { amount: 9_000, currency: 'USD' }, `cap-${i.paymentId}`);
    await gw.capture(gatewayRef, { amount: 9_000, currency: 'USD' }, `cap-${i.paymentId}`);
    const evs = await waitEvents(i.paymentId, 2);
    await new Promise((r) => setTimeout(r, 200));
    const after = verifiedEvents(i.paymentId);
    assert.deepEqual(after.map((e) => e.type), ['payment.authorized', 'payment.succeeded']);
    assert.deepEqual(evs[1].amount, { amount: 9_000, currency: 'USD' });
    await gw.refund(gatewayRef, { amount: 9_000, currency: 'USD' }, `ref-${i.paymentId}`);
    const [, , refunded] = await waitEvents(i.paymentId, 3);
    assert.equal(refunded.type, 'payment.refunded');
    assert.deepEqual(refunded.amount, { amount: 9_000, currency: 'USD' });
    await assert.rejects(gw.void(gatewayRef, `void-${i.paymentId}`), GatewayRefused, 'cannot void a captured payment');
  });

  test('void an authorization → payment.voided', async () => {
    const i = input({ captureMethod: 'manual' });
    const { gatewayRef } = await gw.createPayment(i);
    await sandboxPay(sbx.baseUrl, gatewayRef, 'pay');
    await waitEvents(i.paymentId, 1);
    await gw.void(gatewayRef, `void-${i.paymentId}`);
    await gw.void(gatewayRef, `void-${i.paymentId}-again`); // already voided: fine
    const evs = await waitEvents(i.paymentId, 2);
    assert.deepEqual(evs.map((e) => e.type), ['payment.authorized', 'payment.voided']);
  });

  test('errors: wrong key / unknown payment → GatewayRefused; unreachable / 5xx / timeout → GatewayUnavailable', async () => {
    const bad = new SandboxGateway({ baseUrl: sbx.baseUrl, apiKey: 'wrong', webhookSecret: 'x' });
    await assert.rejects(bad.createPayment(input()), GatewayRefused);
    await assert.rejects(gw.capture('sbx_01jzzzzzzzzzzzzzzzzzzzzzzz', { amount: 1, currency: 'USD' }, 'k'), GatewayRefused);

    const srv = createServer((req, res) => {
      if (req.url?.includes('/slow')) return; // never answers
      res.writeHead(502).end('bad gateway');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    try {
      const flaky = new SandboxGateway({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', webhookSecret: 'x' });
      await assert.rejects(flaky.createPayment(input()), GatewayUnavailable);
      const slow = new SandboxGateway({ baseUrl: `http://127.0.0.1:${port}/slow`, apiKey: 'k', webhookSecret: 'x', timeoutMs: 200 });
      await assert.rejects(slow.createPayment(input()), GatewayUnavailable);
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
    const gone = new SandboxGateway({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', webhookSecret: 'x' });
    await assert.rejects(gone.createPayment(input()), GatewayUnavailable);
  });
});

describe('SandboxGateway.verifyWebhook', () => {
  const secret = 'whsec_unit_test_secret_0123456789';
  const v = new SandboxGateway({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', webhookSecret: secret });
  const body = Buffer.from(JSON.stringify({
    id: 'evt_01jabcdefghjkmnpqrstvwxyz0', type: 'payment.succeeded', created: Math.floor(Date.now() / 1000),
    data: { paymentId: 'pay_01jabcdefghjkmnpqrstvwxyz0', gatewayPaymentId: 'sbx_01jabcdefghjkmnpqrstvwxyz0', amount: 100, currency: 'EUR' },
  }));
  const now = () => Math.floor(Date.now() / 1000);

  test('valid signature → ok (header name in any case)', () => {
    const r = v.verifyWebhook(body, { 'Sandbox-Signature': signPayload(secret, body) });
    assert.ok(r.ok);
    assert.equal(r.event.type, 'payment.succeeded');
    assert.equal(r.event.paymentId, 'pay_01jabcdefghjkmnpqrstvwxyz0');
    assert.equal(r.event.gatewayRef, 'sbx_01jabcdefghjkmnpqrstvwxyz0');
  });

  test('missing / malformed / stale / bad secret / tampered body are refused with a reason', () => {
    assert.deepEqual(v.verifyWebhook(body, {}), { ok: false, reason: 'missing' });
    assert.deepEqual(v.verifyWebhook(body, { 'sandbox-signature': 'garbage' }), { ok: false, reason: 'malformed' });
    assert.deepEqual(v.verifyWebhook(body, { 'sandbox-signature': ['a', 'b'] }), { ok: false, reason: 'malformed' });
    assert.deepEqual(v.verifyWebhook(body, { 'sandbox-signature': signPayload(secret, body, now() - 301) }), { ok: false, reason: 'stale' });
    assert.deepEqual(v.verifyWebhook(body, { 'sandbox-signature': signPayload(secret, body, now() + 400) }), { ok: false, reason: 'stale' });
    assert.deepEqual(v.verifyWebhook(body, { 'sandbox-signature': signPayload('another-secret', body) }), { ok: false, reason: 'mismatch' });
    const tampered = Buffer.from(body.toString().replace('"amount":100', '"amount":1'));
    assert.deepEqual(v.verifyWebhook(tampered, { 'sandbox-signature': signPayload(secret, body) }), { ok: false, reason: 'mismatch' });
  });

  test('a signed body that is not an event → malformed; an unknown type → other', () => {
    const junk = Buffer.from('not json');
    assert.deepEqual(v.verifyWebhook(junk, { 'sandbox-signature': signPayload(secret, junk) }), { ok: false, reason: 'malformed' });
    const odd = Buffer.from(JSON.stringify({ id: 'evt_x', type: 'payment.disputed', created: now(), data: { paymentId: 'pay_x', gatewayPaymentId: 'sbx_x' } }));
    const r = v.verifyWebhook(odd, { 'sandbox-signature': signPayload(secret, odd) });
    assert.ok(r.ok);
    assert.equal(r.event.type, 'other');
    assert.equal(r.event.amount, null);
  });
});
