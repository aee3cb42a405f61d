import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cardMethod } from './test-cards.ts';
import { testDb } from '../../../test/support/db.ts';
import type { Db } from '../../platform/db/db.ts';
import { newId } from '../../platform/ids.ts';
import { sandboxPay } from './testing.ts';
import { startReceiver, startSandbox, type Receiver, type SandboxHarness } from './test-harness.ts';

let db: Db;
let rcv: Receiver;
let sbx: SandboxHarness;

before(async () => {
  db = await testDb();
  rcv = await startReceiver();
  sbx = await startSandbox({ db, webhookUrl: rcv.url });
});
after(async () => {
  await sbx.close();
  await rcv.close();
  await db.close();
});

const RETURN = 'http://shop.test/orders/ord_1/return';
const create = (over: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  sbx.api('POST', '/api/payments', {
    merchantRef: newId('pay'), amount: 1234, currency: 'USD', captureMode: 'automatic', description: '100 Gems', returnUrl: RETURN, ...over,
  }, headers);
const events = async (id: string) => (await sbx.api('GET', `/api/events?paymentId=${id}`)).body.data as Array<{ type: string; body: any }>;

describe('sandbox API', () => {
  test('needs the api key', async () => {
    const none = await fetch(`${sbx.baseUrl}/api/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error.code, 'unauthorized');
    const wrong = await sbx.api('GET', '/api/events', undefined, { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
  });

  test('create → 201 with sbx id, hosted checkout url, open', async () => {
    const r = await create();
    assert.equal(r.status, 201);
    assert.match(r.body.id, /^sbx_[0-9a-z]{26}$/);
    assert.equal(r.body.status, 'open');
    assert.equal(r.body.checkoutUrl, `${sbx.baseUrl}/checkout/${r.body.id}`);
    const got = await sbx.api('GET', `/api/payments/${r.body.id}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.amount, 1234);
  });

  test('strict bodies: unknown fields, bad currency, float amounts are refused', async () => {
    for (const over of [{ extra: 1 }, { currency: 'usd' }, { amount: 12.5 }, { captureMode: 'later' }, { returnUrl: 'javascript:alert(1)' }]) {
      const r = await create(over);
      assert.equal(r.status, 400, JSON.stringify(over));
      assert.equal(r.body.error.code, 'validation_failed');
    }
  });

  test('Idempotency-Key: same key → same payment; same key, other request → 422', async () => {
    const ref = newId('pay');
    const a = await create({ merchantRef: ref }, { 'idempotency-key': ref });
    const b = await create({ merchantRef: ref }, { 'idempotency-key': ref });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.body.id, a.body.id);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    const c = await create({ merchantRef: ref, amount: 999 }, { 'idempotency-key': ref });
    assert.equal(c.status, 422);
    assert.equal(c.body.error.code, 'idempotency_key_reused');
  });

  test('same merchantRef without key: same request → same payment, different one → 409', async () => {
    const ref = newId('pay');
    const a = await create({ merchantRef: ref });
    const b = await create({ merchantRef: ref });
    assert.equal(b.body.id, a.body.id);
    const c = await create({ merchantRef: ref, amount: 1 });
    assert.equal(c.status, 409);
  });

  test('concurrent creates with one key make one payment', async () => {
    const ref = newId('pay');
    const rs = await Promise.all(Array.from({ length: 5 }, () => create({ merchantRef: ref }, { 'idempotency-key': `k-${ref}` })));
    assert.deepEqual(new Set(rs.map((r) => r.status)), new Set([201]));
    assert.equal(new Set(rs.map((r) => r.body.id)).size, 1);
  });

  test('hosted page: labelled, amount formatted by currency, Pay and Decline buttons', async () => {
    const usd = await create({ description: 'Gift <card>' });
    const page = await fetch(usd.body.checkoutUrl);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.ok(html.includes('Sandbox gateway — test payments'));
    assert.ok(html.includes('$12.34'));
    assert.ok(html.includes('Gift &lt;card&gt;'), 'description is escaped');
    assert.ok(html.includes('id="pay"') && html.includes('id="decline"'));
    assert.ok(html.includes('name="viewport"'));
    const jpy = await create({ amount: 500, currency: 'JPY' });
    assert.ok((await (await fetch(jpy.body.checkoutUrl)).text()).includes('¥500'));
    assert.equal((await fetch(`${sbx.baseUrl}/checkout/sbx_01jzzzzzzzzzzzzzzzzzzzzzzz`)).status, 404);
  });

  test('pay (automatic) → succeeded, redirect to returnUrl; a second click shows the final state, no second event', async () => {
    const p = await create();
    const r = await sandboxPay(sbx.baseUrl, p.body.id, 'pay');
    assert.equal(r.status, 303);
    assert.equal(r.location, RETURN);
    assert.equal((await sbx.api('GET', `/api/payments/${p.body.id}`)).body.status, 'succeeded');
    // second click (form re-submitted, e.g. back button)
    const again = await fetch(p.body.checkoutUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=decline', redirect: 'manual' });
    assert.equal(again.status, 200);
    assert.match(await again.text(), /data-status="succeeded"/);
    const evs = await events(p.body.id);
    assert.deepEqual(evs.map((e) => e.type), ['payment.succeeded']);
    // the card the buyer chose (default test card): BIN, last 4 and a fingerprint — never the number
    assert.deepEqual(evs[0].body.data, { paymentId: p.body.merchantRef, gatewayPaymentId: p.body.id, amount: 1234, currency: 'USD', paymentMethod: cardMethod(undefined) });
    assert.match(evs[0].body.id, /^evt_/);
    assert.equal(typeof evs[0].body.created, 'number');
    // events can also be listed by the merchant's reference
    assert.equal((await events(p.body.merchantRef)).length, 1);
  });

  test('decline → failed, payment.failed', async () => {
    const p = await create();
    const r = await sandboxPay(sbx.baseUrl, p.body.id, 'decline');
    assert.equal(r.status, 303);
    assert.equal((await sbx.api('GET', `/api/payments/${p.body.id}`)).body.status, 'failed');
    const evs = await events(p.body.id);
    assert.deepEqual(evs.map((e) => e.type), ['payment.failed']);
    assert.equal(evs[0].body.data.failureReason, 'card_declined');
  });

  test('manual: authorize → partial capture → refunds; idempotent on state and on key', async () => {
    const p = await create({ captureMode: 'manual', amount: 1000 });
    const id = p.body.id;
    assert.equal((await sbx.api('POST', `/api/payments/${id}/capture`, {})).status, 409, 'cannot capture before the buyer paid');
    await sandboxPay(sbx.baseUrl, id, 'pay');
    assert.equal((await sbx.api('GET', `/api/payments/${id}`)).body.status, 'authorized');
    assert.equal((await sbx.api('POST', `/api/payments/${id}/capture`, { amount: 1001 })).status, 422);
    const cap = await sbx.api('POST', `/api/payments/${id}/capture`, { amount: 800 }, { 'idempotency-key': `cap-${id}` });
    assert.equal(cap.status, 200);
    assert.equal(cap.body.status, 'succeeded');
    assert.equal(cap.body.capturedAmount, 800);
    // same key again: replay; other key: already captured → 200 same state
    assert.equal((await sbx.api('POST', `/api/payments/${id}/capture`, { amount: 800 }, { 'idempotency-key': `cap-${id}` })).status, 200);
    assert.equal((await sbx.api('POST', `/api/payments/${id}/capture`, { amount: 800 })).body.capturedAmount, 800);
    assert.equal((await sbx.api('POST', `/api/payments/${id}/capture`, { amount: 5 }, { 'idempotency-key': `cap-${id}` })).status, 422);
    const v = await sbx.api('POST', `/api/payments/${id}/void`, {});
    assert.equal(v.status, 409);
    assert.equal(v.body.error.code, 'illegal_transition');

    const r1 = await sbx.api('POST', `/api/payments/${id}/refund`, { amount: 300 }, { 'idempotency-key': `ref1-${id}` });
    assert.equal(r1.body.status, 'refunded');
    assert.equal(r1.body.refundedAmount, 300);
    assert.equal((await sbx.api('POST', `/api/payments/${id}/refund`, { amount: 300 }, { 'idempotency-key': `ref1-${id}` })).body.refundedAmount, 300, 'replayed, not refunded twice');
    assert.equal((await sbx.api('POST', `/api/payments/${id}/refund`, { amount: 600 })).status, 422);
    const r2 = await sbx.api('POST', `/api/payments/${id}/refund`, undefined, { 'idempotency-key': `ref2-${id}` });
    assert.equal(r2.body.refundedAmount, 800);
    assert.equal((await sbx.api('POST', `/api/payments/${id}/refund`, {})).status, 200, 'fully refunded: 200 same state');

    const evs = await events(id);
    assert.deepEqual(evs.map((e) => [e.type, e.body.data.amount]), [
      ['payment.authorized', 1000], ['payment.succeeded', 800], ['payment.refunded', 300], ['payment.refunded', 800],
    ]);
  });

  test('void: authorized → voided (capture after → 409); open → voided (buyer can no longer pay)', async () => {
    const a = await create({ captureMode: 'manual' });
    await sandboxPay(sbx.baseUrl, a.body.id, 'pay');
    const v = await sbx.api('POST', `/api/payments/${a.body.id}/void`, undefined, { 'idempotency-key': `v-${a.body.id}` });
    assert.equal(v.status, 200);
    assert.equal(v.body.status, 'voided');
    assert.equal((await sbx.api('POST', `/api/payments/${a.body.id}/void`, {})).status, 200, 'void again: same state');
    assert.equal((await sbx.api('POST', `/api/payments/${a.body.id}/capture`, {})).status, 409);
    assert.deepEqual((await events(a.body.id)).map((e) => e.type), ['payment.authorized', 'payment.voided']);

    const o = await create();
    assert.equal((await sbx.api('POST', `/api/payments/${o.body.id}/void`, {})).body.status, 'voided');
    const late = await sandboxPay(sbx.baseUrl, o.body.id, 'pay');
    assert.equal(late.location, null, 'no Pay button on a voided payment');
    assert.match(late.html, /data-status="voided"/);
    assert.equal((await sbx.api('POST', `/api/payments/${o.body.id}/refund`, {})).status, 409);
  });

  test('unknown payment → 404 with error body', async () => {
    const r = await sbx.api('POST', '/api/payments/sbx_01jzzzzzzzzzzzzzzzzzzzzzzz/capture', {});
    assert.equal(r.status, 404);
    assert.equal(r.body.error.code, 'not_found');
  });
});
