import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startTestApp, type TestApp } from '../../../../test/support/app.ts';
import { PROCESSOR_SECRET, newCardholder, uniq } from '../cards.testing.ts';

/** Stripe Issuing's synchronous `issuing_authorization.request` webhook, signed the way Stripe signs it. */
const WHSEC = 'whsec_issuing_test_0123456789';
let t: TestApp;
before(async () => { t = await startTestApp({ RISK: 'true', CARD_PROCESSOR_SECRET: PROCESSOR_SECRET, STRIPE_ISSUING_WEBHOOK_SECRET: WHSEC }); });
after(async () => { await t?.close(); });

function requestEvent(card: string, amount: number, opts: { mcc?: string; name?: string; authId?: string; history?: number } = {}) {
  const created = Math.floor(Date.now() / 1000);
  return {
    id: `evt_${uniq()}`, object: 'event', api_version: '2025-03-31.basil', created, type: 'issuing_authorization.request', livemode: false, pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: opts.authId ?? `iauth_${uniq()}`, object: 'issuing.authorization', amount: 0, currency: 'zar', approved: false, status: 'pending', created, livemode: false,
        authorization_method: 'chip', balance_transactions: [], cardholder: 'ich_test', metadata: {}, merchant_amount: 0, merchant_currency: 'zar',
        card: { id: card, object: 'issuing.card', last4: '7072', brand: 'Visa', currency: 'zar', status: 'active' },
        merchant_data: { category: 'grocery_stores_supermarkets', category_code: opts.mcc ?? '5411', city: 'Johannesburg', country: 'ZA', name: opts.name ?? 'Makro Woodmead', network_id: '1234567890', postal_code: '2191', state: null, tax_id: null, terminal_id: null, url: null },
        pending_request: { amount, amount_details: null, currency: 'zar', is_amount_controllable: false, merchant_amount: amount, merchant_currency: 'zar', network_risk_score: null },
        request_history: Array.from({ length: opts.history ?? 0 }, () => ({ amount, approved: true, currency: 'zar', reason: 'webhook_approved', created })),
        transactions: [], verification_data: {}, wallet: null,
      },
    },
  };
}

async function send(payload: string, header: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };
  if (header !== null) headers['stripe-signature'] = header;
  const res = await fetch(`${t.url}/v1/webhooks/stripe-issuing`, { method: 'POST', headers, body: payload });
  return { status: res.status, body: await res.json(), headers: res.headers };
}
const sign = (payload: string, timestamp?: number, secret = WHSEC) => Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

test('issuing_authorization.request is answered synchronously: 200, Stripe-Version, { approved }', async () => {
  const ic = `ic_${uniq()}`;
  const holder = await newCardholder(t);
  // a card whose processor id is Stripe's ic_… id
  const reg = await t.request('POST', '/v1/admin/cards', { token: t.adminToken, body: { cardholderId: holder, processorCardId: ic, bin: '412752', last4: '7072', expMonth: 12, expYear: 2032, currency: 'ZAR', controls: { perTransaction: 100_000 } } });
  assert.equal(reg.status, 201);

  const ev = requestEvent(ic, 19_190);
  const payload = JSON.stringify(ev);
  const r = await send(payload, sign(payload));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.headers.get('stripe-version'), '2025-03-31.basil');
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(r.body.approved, true);
  assert.match(r.body.metadata.tollgate_decision, /^dec_/);

  const stored = await t.request('GET', `/v1/admin/card-authorizations/${ev.data.object.id}`, { token: t.adminToken });
  assert.deepEqual([stored.body.cardId, stored.body.amount, stored.body.currency, stored.body.merchantMcc, stored.body.source], [reg.body.id, 19_190, 'ZAR', '5411', 'stripe']);

  // the same request delivered again: the same answer, one record
  const again = await send(payload, sign(payload));
  assert.deepEqual(again.body, r.body);
  const rows = await t.tg.ctx.db.query(`SELECT 1 FROM card_authorizations WHERE id = $1`, [ev.data.object.id]);
  assert.equal(rows.length, 1);

  // controls apply: over the per-transaction limit → { approved: false } with Tollgate's reason
  const big = JSON.stringify(requestEvent(ic, 150_000));
  const declined = await send(big, sign(big));
  assert.equal(declined.body.approved, false);
  assert.equal(declined.body.metadata.tollgate_reason, 'per-transaction limit 100000 ZAR exceeded (amount 150000)');

  // an incremental request on the same authorization is a new decision
  const inc = JSON.stringify(requestEvent(ic, 1_000, { authId: ev.data.object.id, history: 1 }));
  const incR = await send(inc, sign(inc));
  assert.equal(incR.status, 200);
  assert.equal((await t.tg.ctx.db.query(`SELECT 1 FROM card_authorizations WHERE id = $1`, [`${ev.data.object.id}#1`])).length, 1);

  // a frozen card: declined
  await t.request('POST', `/v1/admin/cards/${reg.body.id}/freeze`, { token: t.adminToken, body: { reason: 'test' } });
  const fz = JSON.stringify(requestEvent(ic, 1_000));
  assert.equal((await send(fz, sign(fz))).body.approved, false);
});

test('Stripe signature failures → 400 and nothing recorded; other event types are acknowledged', async () => {
  const ev = requestEvent('ic_unknown', 1_000);
  const payload = JSON.stringify(ev);
  for (const [what, header] of [
    ['wrong secret', sign(payload, undefined, 'whsec_wrong_secret_000')],
    ['stale', sign(payload, Math.floor(Date.now() / 1000) - 600)],
    ['missing', null],
    ['malformed', 'v1=deadbeef'],
  ] as const) {
    const r = await send(payload, header);
    assert.equal(r.status, 400, what);
    assert.equal(r.body.error.code, 'invalid_signature', what);
  }
  assert.equal((await t.tg.ctx.db.query(`SELECT 1 FROM card_authorizations WHERE id = $1`, [ev.data.object.id])).length, 0);
  const other = JSON.stringify({ ...ev, type: 'issuing_authorization.created' });
  const r = await send(other, sign(other));
  assert.deepEqual([r.status, r.body], [200, { received: true }]);
});
